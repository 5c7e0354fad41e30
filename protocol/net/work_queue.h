#pragma once

#include <functional>

#include "protocol/net/loop.h"

namespace leaderless::net {

// Runs `work` on a thread of libuv's pool, then `done` on the loop thread
// once it returned: the only way other threads hand results to the loop
// besides an async wake-up. Jobs queued together may run at the same time
// on different threads; a caller that needs one at a time queues the next
// from `done`. The loop does not run out while a job is pending.
// Requires: called on the loop thread; what `work` touches, the loop leaves
// alone until `done`.
void QueueWork(Loop& loop, std::function<void()> work,
               std::function<void()> done);

}  // namespace leaderless::net
