#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace leaderless::proxy {

// Orders a read's `targets` (cluster::ChooseReadTargets: usable replicas in
// walk order, so the key's homes before any stand-in) in the order they are
// asked: a read asks the first R at once and each next one only when an
// asked replica is slow (speculation) or fails. `homes` counts the homes at
// the front of `targets`. Homes come before stand-ins, since a stand-in
// knows a key only from hints; among the homes, the first asked is the one
// at `rotation` modulo their count, so that reads drawn with an even
// rotation spread evenly over a key's homes, and a key read repeatedly
// reaches (and read repair reaches) each of them. Pure: no I/O.
void OrderReadTargets(std::span<uint16_t> targets, size_t homes,
                      uint64_t rotation);

}  // namespace leaderless::proxy
