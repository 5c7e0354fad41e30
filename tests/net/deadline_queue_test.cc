#include "protocol/net/deadline_queue.h"

#include <gtest/gtest.h>

#include <vector>

namespace leaderless::net {
namespace {

TEST(DeadlineQueueTest, FiresInDeadlineOrderAndClosesCleanly) {
  uv_loop_t loop;
  ASSERT_EQ(uv_loop_init(&loop), 0);
  std::vector<uint64_t> fired;
  DeadlineQueuePtr queue(nullptr, nullptr);
  queue = DeadlineQueue::Create(&loop, [&](uint64_t id) {
    fired.push_back(id);
    if (fired.size() == 3) queue.reset();  // closes the timer
  });
  uint64_t now = uv_now(&loop);
  queue->Add(now + 30, 3);
  queue->Add(now + 10, 1);
  queue->Add(now + 20, 2);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(fired, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

TEST(DeadlineQueueTest, DeadlineAddedFromCallbackFires) {
  uv_loop_t loop;
  ASSERT_EQ(uv_loop_init(&loop), 0);
  int calls = 0;
  DeadlineQueuePtr queue(nullptr, nullptr);
  queue = DeadlineQueue::Create(&loop, [&](uint64_t id) {
    ++calls;
    if (id == 1) {
      queue->Add(uv_now(&loop) + 5, 2);
    } else {
      queue.reset();
    }
  });
  queue->Add(uv_now(&loop), 1);
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

}  // namespace
}  // namespace leaderless::net
