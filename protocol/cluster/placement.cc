#include "protocol/cluster/placement.h"

#include <algorithm>

namespace leaderless::cluster {

std::vector<WriteTarget> ChooseWriteTargets(
    std::span<const uint16_t> walk, size_t n, bool sloppy,
    const std::function<bool(uint16_t)>& usable) {
  n = std::min(n, walk.size());
  std::vector<WriteTarget> targets;
  targets.reserve(n);
  size_t next_stand_in = n;
  for (size_t i = 0; i < n; ++i) {
    if (usable(walk[i])) {
      targets.push_back({walk[i], -1});
      continue;
    }
    if (!sloppy) continue;
    while (next_stand_in < walk.size() && !usable(walk[next_stand_in])) {
      ++next_stand_in;
    }
    if (next_stand_in == walk.size()) continue;  // nobody left to stand in
    targets.push_back({walk[next_stand_in++], static_cast<int>(walk[i])});
  }
  return targets;
}

std::vector<uint16_t> ChooseReadTargets(
    std::span<const uint16_t> walk, size_t n, bool sloppy,
    const std::function<bool(uint16_t)>& usable) {
  size_t scan = sloppy ? walk.size() : std::min(n, walk.size());
  std::vector<uint16_t> targets;
  targets.reserve(n);
  for (size_t i = 0; i < scan && targets.size() < n; ++i) {
    if (usable(walk[i])) targets.push_back(walk[i]);
  }
  return targets;
}

}  // namespace leaderless::cluster
