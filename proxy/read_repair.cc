#include "proxy/read_repair.h"

#include <algorithm>

namespace leaderless::proxy {
namespace {

int Holders(std::span<const ReadAnswer> answers,
            const cluster::RecordRank& newest) {
  return static_cast<int>(
      std::count_if(answers.begin(), answers.end(),
                    [&](const ReadAnswer& a) { return a.rank == newest; }));
}

}  // namespace

RepairDecision DecideRepair(std::span<ReadAnswer> answers,
                            const std::optional<cluster::RecordRank>& newest,
                            const RepairPolicy& policy, bool replied) {
  RepairDecision decision;
  if (policy.mode == cluster::ReadRepair::kOff || !newest) return decision;
  for (ReadAnswer& a : answers) {
    if (a.home && std::max(a.rank, a.repaired_to) < *newest) {
      decision.stale.push_back(a.replica);
      a.repaired_to = *newest;
    }
  }
  decision.holders = Holders(answers, *newest);
  if (decision.stale.empty() || replied ||
      policy.mode != cluster::ReadRepair::kBlocking) {
    return decision;
  }
  decision.wait_for =
      std::min(static_cast<int>(decision.stale.size()),
               std::max(0, policy.read_quorum - decision.holders));
  return decision;
}

}  // namespace leaderless::proxy
