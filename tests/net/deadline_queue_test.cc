#include "protocol/net/deadline_queue.h"

#include <gtest/gtest.h>
#include <uv.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace leaderless::net {
namespace {

// Adds a deadline `delay_ms` from now for each of `delays` (its id the
// delay), runs the loop until all fired, and returns the ids in the order
// they fired. The last one closes the queue, so the loop can end.
std::vector<uint64_t> FiringOrder(const std::vector<uint64_t>& delays) {
  std::unique_ptr<Loop> owned = Loop::Create().value();
  Loop& loop = *owned;
  std::vector<uint64_t> fired;
  DeadlineQueuePtr queue(nullptr, nullptr);
  queue = DeadlineQueue::Create(loop, [&](uint64_t id) {
    fired.push_back(id);
    if (fired.size() == delays.size()) queue.reset();  // closes the timer
  });
  const uint64_t now = loop.now_ms();
  for (uint64_t delay : delays) queue->Add(now + delay, delay);
  EXPECT_EQ(queue->size(), delays.size());
  loop.Run();
  EXPECT_TRUE(loop.Close());
  return fired;
}

TEST(DeadlineQueueTest, FiresInDeadlineOrderAndClosesCleanly) {
  EXPECT_EQ(FiringOrder({30, 10, 20}), (std::vector<uint64_t>{10, 20, 30}));
}

// Deadlines added in order and out of it (a shorter timeout after longer
// ones) fire merged in deadline order.
TEST(DeadlineQueueTest, InOrderAndOutOfOrderDeadlinesMerge) {
  EXPECT_EQ(FiringOrder({10, 40, 20, 50, 30, 60}),
            (std::vector<uint64_t>{10, 20, 30, 40, 50, 60}));
}

TEST(DeadlineQueueTest, DeadlineAddedFromCallbackFires) {
  std::unique_ptr<Loop> owned = Loop::Create().value();
  Loop& loop = *owned;
  int calls = 0;
  DeadlineQueuePtr queue(nullptr, nullptr);
  queue = DeadlineQueue::Create(loop, [&](uint64_t id) {
    ++calls;
    if (id == 1) {
      queue->Add(loop.now_ms() + 5, 2);
    } else {
      queue.reset();
    }
  });
  queue->Add(loop.now_ms(), 1);
  loop.Run();
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(loop.Close());
}

// After an iteration that ran past a deadline, the reply that arrived in
// time is read before the deadline fires: the expiry comes after the I/O.
TEST(DeadlineQueueTest, ExpiryWaitsForTheIterationsIo) {
  std::unique_ptr<Loop> owned = Loop::Create().value();
  Loop& loop = *owned;
  std::vector<std::string> events;
  DeadlineQueuePtr queue(nullptr, nullptr);
  queue = DeadlineQueue::Create(loop, [&](uint64_t) {
    events.push_back("expired");
    queue.reset();
  });
  uv_async_t reply;
  reply.data = &events;
  ASSERT_EQ(
      uv_async_init(
          loop.uv(), &reply,
          [](uv_async_t* a) {
            static_cast<std::vector<std::string>*>(a->data)->push_back("reply");
            uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
          }),
      0);
  queue->Add(loop.now_ms() + 10, 1);
  ASSERT_EQ(uv_async_send(&reply), 0);  // the reply is there...
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // ...in time
  loop.Run();
  EXPECT_EQ(events, (std::vector<std::string>{"reply", "expired"}));
  EXPECT_TRUE(loop.Close());
}

}  // namespace
}  // namespace leaderless::net
