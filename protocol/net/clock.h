#pragma once

#include <cstdint>

namespace leaderless::net {

// Wall-clock milliseconds since the epoch: what versions and expiry times
// are measured in (cluster/ code is given time, it never reads it).
uint64_t WallMs();

}  // namespace leaderless::net
