#pragma once

#include <functional>

#include "protocol/net/handle.h"
#include "protocol/net/loop.h"

namespace leaderless::net {

// Calls `on_turn` once per loop iteration, after that iteration's I/O
// callbacks ran (libuv's check phase): work gathered from all of them can
// be done in one go. Heap-allocated; Close() it (handle.h) and it frees
// itself.
class IterationHook : public Handle {
 public:
  // Starts at once. Requires: `loop` outlives it.
  static IterationHook* Create(Loop& loop, std::function<void()> on_turn);

 private:
  IterationHook(Loop& loop, std::function<void()> on_turn);

  std::function<void()> on_turn_;
};

}  // namespace leaderless::net
