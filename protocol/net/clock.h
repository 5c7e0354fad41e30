#pragma once

#include <cstdint>

namespace leaderless::net {

// Wall-clock time since the epoch, split as a timeval: what TIME and INFO
// report.
struct WallTime {
  int64_t sec = 0;
  int64_t usec = 0;  // 0..999999
};
WallTime WallNow();

// Wall-clock milliseconds since the epoch: what versions and expiry times
// are measured in (cluster/ code is given time, it never reads it).
uint64_t WallMs();

// Milliseconds on the monotonic clock Loop::now_ms() reads, taken now
// rather than cached at the start of the loop iteration: comparable with
// Loop::now_ms().
uint64_t MonotonicMs();

}  // namespace leaderless::net
