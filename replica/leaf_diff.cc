#include "replica/leaf_diff.h"

namespace leaderless::replica {

void LeafDiff::AddTheirs(std::string_view key, std::string_view rank) {
  both_[std::string(key)].second.assign(rank);
}

void LeafDiff::AddOurs(std::string_view key, std::string_view rank) {
  both_[std::string(key)].first.assign(rank);
}

std::vector<LeafRepair> LeafDiff::Repairs(size_t budget) const {
  std::vector<LeafRepair> repairs;
  for (const auto& [key, ranks] : both_) {
    if (ranks.first == ranks.second) continue;
    if (repairs.size() == budget) break;
    // "" sorts first: a missing side is always the older one.
    repairs.push_back({key, ranks.first < ranks.second ? LeafAction::kPull
                                                       : LeafAction::kPush});
  }
  return repairs;
}

}  // namespace leaderless::replica
