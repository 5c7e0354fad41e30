#pragma once

#include <cstdint>
#include <string>

#include "protocol/cluster/config.h"
#include "protocol/net/timer.h"
#include "replica/flush_mark.h"
#include "replica/group_commit.h"
#include "replica/peer_trees.h"

namespace leaderless::replica {

// Walks the replica's data in passes, `expiry-sweep-rate` records a second:
// an expired value becomes a tombstone with the same version and expiry
// (every replica converts it alike, so anti-entropy sees no difference),
// and a tombstone or expired record past gc-grace, or any record older than
// the last FLUSHALL, is deleted for good (and leaves the Merkle trees). Counts
// what each pass saw, for INFO.
//
// Heap-allocated (owns a timer); Close() it, it frees itself.
class Sweeper {
 public:
  struct Counts {
    uint64_t live = 0;
    uint64_t tombstones = 0;  // deletes not yet purged
    uint64_t expired = 0;     // expired records not yet purged
  };

  static Sweeper* Create(const cluster::Config& config, net::Loop& loop,
                         GroupCommit* group_commit, PeerTrees* trees,
                         const FlushMark* flush);
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  // What the last complete pass counted.
  const Counts& counts() const { return last_pass_; }
  uint64_t purged() const { return purged_; }
  uint64_t passes() const { return passes_; }

  void Close();

 private:
  Sweeper(const cluster::Config& config, net::Loop& loop,
          GroupCommit* group_commit, PeerTrees* trees, const FlushMark* flush);
  void Tick();
  void Visit(std::string_view storage_key, uint64_t now_ms);

  const cluster::Config& config_;
  GroupCommit* group_commit_;
  PeerTrees* trees_;
  const FlushMark* flush_;
  net::Timer* timer_;   // frees itself after Close()
  std::string cursor_;  // last data key swept in this pass
  Counts current_;
  Counts last_pass_;
  uint64_t purged_ = 0;
  uint64_t passes_ = 0;
};

}  // namespace leaderless::replica
