#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/cluster/record.h"

namespace leaderless::proxy {

// What one replica answered to a quorum read, as read repair sees it.
// Records are compared by rank (cluster::RankOf), so a replica that holds
// the newest version but the losing record of two of that version is
// stale too.
struct ReadAnswer {
  uint16_t replica;
  bool home;                        // a home of the key, not a stand-in
  cluster::RecordRank rank;         // zero: it held nothing
  cluster::RecordRank repaired_to;  // newest record sent to it by repair
};

// What read repair does about one read's answers.
struct RepairDecision {
  // The replicas to write the newest record back to; empty: no repair.
  std::vector<uint16_t> stale;
  // How many of those writes must be acknowledged before the read replies;
  // 0: the read replies now and the repair goes on in the background.
  int wait_for = 0;
  // The answers that already hold the newest record: with a blocking
  // repair that fails, the read counts these plus the acknowledged repairs.
  int holders = 0;
};

// How a read repairs: Config's read-repair mode and R.
struct RepairPolicy {
  cluster::ReadRepair mode;
  int read_quorum;
};

// The repair of a read whose replicas gave `answers`, the newest record's
// rank among them `newest` (nullopt: none held a record). Stale are the
// home replicas that answered a lower rank and were not repaired to the
// newest yet; they are marked repaired in `answers`, so a later decision
// (a late answer) leaves them alone. Stand-ins are never stale: what they
// hold for a key is a hint, and a plain write would make it their own data,
// out of handoff's reach. A blocking repair before the reply
// (`replied` false) waits until R answers hold the newest record, so that
// a later quorum read cannot return an older one; an answer after the reply
// is repaired in the background. Pure: no I/O.
RepairDecision DecideRepair(std::span<ReadAnswer> answers,
                            const std::optional<cluster::RecordRank>& newest,
                            const RepairPolicy& policy, bool replied);

}  // namespace leaderless::proxy
