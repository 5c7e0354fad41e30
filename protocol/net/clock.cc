#include "protocol/net/clock.h"

#include <uv.h>

namespace leaderless::net {

WallTime WallNow() {
  uv_timeval64_t tv;
  uv_gettimeofday(&tv);
  return {tv.tv_sec, tv.tv_usec};
}

uint64_t WallMs() {
  WallTime now = WallNow();
  return static_cast<uint64_t>(now.sec) * 1000 +
         static_cast<uint64_t>(now.usec) / 1000;
}

uint64_t MonotonicMs() { return uv_hrtime() / 1000000; }

}  // namespace leaderless::net
