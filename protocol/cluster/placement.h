#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace leaderless::cluster {

// Where one request for a key goes. The walk is the ring's order of
// replicas from the key (Ring::Walk); its first N are the key's homes.
// `usable(replica)` says whether a request can be sent to it now (its link
// is up and not full).

struct WriteTarget {
  uint16_t replica;
  int home;  // -1: `replica` is a home itself; else the home it stands in for
};

// Each usable home takes the write. With `sloppy`, each unusable home is
// replaced by the next usable replica after the first N in walk order (a
// stand-in that keeps the write as a hint for that home); without, it is
// simply missing. Order: the walk's.
std::vector<WriteTarget> ChooseWriteTargets(
    std::span<const uint16_t> walk, size_t n, bool sloppy,
    const std::function<bool(uint16_t)>& usable);

// The usable homes; with `sloppy`, the first N usable replicas of the walk
// (stand-ins answer from the hints they hold).
std::vector<uint16_t> ChooseReadTargets(
    std::span<const uint16_t> walk, size_t n, bool sloppy,
    const std::function<bool(uint16_t)>& usable);

}  // namespace leaderless::cluster
