#include "replica/leaf_diff.h"

namespace leaderless::replica {

void LeafDiff::AddTheirs(std::string_view key, std::string_view version) {
  both_[std::string(key)].second.assign(version);
}

void LeafDiff::AddOurs(std::string_view key, std::string_view version) {
  both_[std::string(key)].first.assign(version);
}

std::vector<LeafRepair> LeafDiff::Repairs(size_t budget) const {
  std::vector<LeafRepair> repairs;
  for (const auto& [key, versions] : both_) {
    if (versions.first == versions.second) continue;
    if (repairs.size() == budget) break;
    // "" sorts first: a missing side is always the older one.
    repairs.push_back({key, versions.first < versions.second
                                ? LeafAction::kPull
                                : LeafAction::kPush});
  }
  return repairs;
}

}  // namespace leaderless::replica
