#include "protocol/net/deadline_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
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

// After an iteration that ran past a deadline, the reply that arrived in
// time is read before the deadline fires: the expiry comes after the I/O.
TEST(DeadlineQueueTest, ExpiryWaitsForTheIterationsIo) {
  uv_loop_t loop;
  ASSERT_EQ(uv_loop_init(&loop), 0);
  std::vector<std::string> events;
  DeadlineQueuePtr queue(nullptr, nullptr);
  queue = DeadlineQueue::Create(&loop, [&](uint64_t) {
    events.push_back("expired");
    queue.reset();
  });
  uv_async_t reply;
  reply.data = &events;
  ASSERT_EQ(
      uv_async_init(
          &loop, &reply,
          [](uv_async_t* a) {
            static_cast<std::vector<std::string>*>(a->data)->push_back("reply");
            uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
          }),
      0);
  queue->Add(uv_now(&loop) + 10, 1);
  ASSERT_EQ(uv_async_send(&reply), 0);  // the reply is there...
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // ...in time
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(events, (std::vector<std::string>{"reply", "expired"}));
  EXPECT_EQ(uv_loop_close(&loop), 0);
}

}  // namespace
}  // namespace leaderless::net
