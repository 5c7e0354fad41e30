#include "proxy/read_targets.h"

#include <algorithm>

namespace leaderless::proxy {

void OrderReadTargets(std::span<uint16_t> targets, size_t homes,
                      uint64_t rotation) {
  homes = std::min(homes, targets.size());
  if (homes < 2) return;
  std::rotate(targets.begin(), targets.begin() + rotation % homes,
              targets.begin() + homes);
}

}  // namespace leaderless::proxy
