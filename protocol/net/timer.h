#pragma once

#include <cstdint>
#include <functional>

#include "protocol/net/handle.h"
#include "protocol/net/loop.h"

namespace leaderless::net {

// A timer on the loop, one-shot or periodic, that calls `on_fire` on the
// loop thread. Heap-allocated; Close() it (handle.h) and it frees itself.
class Timer : public Handle {
 public:
  // A stopped timer. Requires: `loop` outlives it.
  static Timer* Create(Loop& loop, std::function<void()> on_fire);

  // (Re)arms the timer: it fires `after_ms` of loop time from now, then
  // every `repeat_ms` if that is not 0.
  void Start(uint64_t after_ms, uint64_t repeat_ms = 0);
  void Stop();

 private:
  Timer(Loop& loop, std::function<void()> on_fire);

  std::function<void()> on_fire_;
};

}  // namespace leaderless::net
