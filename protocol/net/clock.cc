#include "protocol/net/clock.h"

#include <uv.h>

namespace leaderless::net {

uint64_t WallMs() {
  uv_timeval64_t tv;
  uv_gettimeofday(&tv);
  return static_cast<uint64_t>(tv.tv_sec) * 1000 +
         static_cast<uint64_t>(tv.tv_usec) / 1000;
}

uint64_t MonotonicMs() { return uv_hrtime() / 1000000; }

}  // namespace leaderless::net
