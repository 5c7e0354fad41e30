#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "protocol/net/loop.h"

// libuv's handles, allocated in the .cc: only protocol/net looks inside.
struct uv_timer_s;
struct uv_check_s;
struct uv_idle_s;

namespace leaderless::net {

// Deadlines for short-lived operations on one loop, with a single timer
// armed for the earliest one (short-lived ops own no timers). Cancellation
// is lazy: an op that finished early simply ignores its expiry, found by id.
//
// Expiry waits for the loop's I/O: libuv runs timers before it polls, so
// after an iteration that ran long (a command of a million keys, a loaded
// machine), a timer would expire ops whose replies already sit in the
// socket. The timer only marks the queue due; expired deadlines fire in the
// check phase, after that iteration's replies were read.
//
// Heap-allocated because it owns uv handles; the deleter closes them and
// the loop frees it in the last close callback. Loop thread only.
class DeadlineQueue {
 public:
  using ExpireFn = std::function<void(uint64_t id)>;

  static std::unique_ptr<DeadlineQueue, void (*)(DeadlineQueue*)> Create(
      Loop& loop, ExpireFn on_expire);

  DeadlineQueue(const DeadlineQueue&) = delete;
  DeadlineQueue& operator=(const DeadlineQueue&) = delete;

  // Calls on_expire(id) once the loop time passes `deadline_ms` (in
  // Loop::now_ms() terms).
  void Add(uint64_t deadline_ms, uint64_t id);

  size_t size() const { return in_order_.size() + heap_.size(); }

 private:
  DeadlineQueue(Loop& loop, ExpireFn on_expire);
  ~DeadlineQueue();
  static void Destroy(DeadlineQueue* q);
  static void OnTimer(uv_timer_s* timer) noexcept;
  static void OnCheck(uv_check_s* check) noexcept;
  void Fire();
  void Arm();

  struct Entry {
    uint64_t deadline_ms;
    uint64_t id;
    bool operator>(const Entry& o) const { return deadline_ms > o.deadline_ms; }
  };
  // The entry due first, nullptr if none; and taking it out.
  const Entry* Earliest() const;
  void PopEarliest();

  std::unique_ptr<uv_timer_s> timer_;
  // Runs Fire() after the I/O of a due iteration.
  std::unique_ptr<uv_check_s> check_;
  std::unique_ptr<uv_idle_s> idle_;  // while due: the poll does not block
  int open_handles_ = 3;
  ExpireFn on_expire_;
  // Most deadlines come in order (now plus a fixed timeout): those go to a
  // FIFO, in O(1); the rest (shorter ones, added later) to a heap.
  std::deque<Entry> in_order_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  uint64_t armed_for_ = 0;  // deadline the timer is set for, 0 = idle
  bool closing_ = false;
};

using DeadlineQueuePtr =
    std::unique_ptr<DeadlineQueue, void (*)(DeadlineQueue*)>;

}  // namespace leaderless::net
