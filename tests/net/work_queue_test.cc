#include "protocol/net/work_queue.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>

namespace leaderless::net {
namespace {

TEST(WorkQueueTest, RunsWorkOffTheLoopThenDoneOnIt) {
  std::unique_ptr<Loop> loop = Loop::Create().value();
  const std::thread::id loop_thread = std::this_thread::get_id();
  std::thread::id work_thread;
  int done = 0;
  QueueWork(
      *loop, [&] { work_thread = std::this_thread::get_id(); },
      [&] {
        ++done;
        EXPECT_EQ(std::this_thread::get_id(), loop_thread);
      });
  loop->Run();  // pending work keeps the loop running
  EXPECT_EQ(done, 1);
  EXPECT_NE(work_thread, loop_thread);
  EXPECT_TRUE(loop->Close());
}

TEST(WorkQueueTest, DoneMayQueueTheNextJob) {
  std::unique_ptr<Loop> loop = Loop::Create().value();
  int worked = 0;
  int done = 0;
  std::function<void()> queue_one = [&] {
    QueueWork(
        *loop, [&] { ++worked; },
        [&] {
          if (++done < 3) queue_one();
        });
  };
  queue_one();
  loop->Run();
  EXPECT_EQ(worked, 3);
  EXPECT_EQ(done, 3);
  EXPECT_TRUE(loop->Close());
}

}  // namespace
}  // namespace leaderless::net
