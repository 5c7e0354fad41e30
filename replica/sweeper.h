#pragma once

#include <cstdint>
#include <string>

#include "protocol/cluster/config.h"
#include "protocol/net/timer.h"
#include "replica/flush_mark.h"
#include "replica/group_commit.h"
#include "replica/hint_ledger.h"
#include "replica/peer_trees.h"

namespace leaderless::replica {

// Walks the replica's data, then the hints it holds, in passes,
// `expiry-sweep-rate` records a second: an expired value becomes a tombstone
// with the same version and expiry (every replica converts it alike, so
// anti-entropy sees no difference), and a tombstone or expired record past
// gc-grace, or any record older than the last FLUSHALL, is deleted for good
// (and leaves the Merkle trees). A hint older than gc-grace or the flush is
// deleted too, whether its home is up or down; the hints kept tell the
// ledger how old the oldest is. Counts what each pass saw, for INFO.
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
                         const FlushMark* flush, HintLedger* ledger);
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  // What the last complete pass counted.
  const Counts& counts() const { return last_pass_; }
  uint64_t purged() const { return purged_; }
  uint64_t passes() const { return passes_; }

  void Close();

 private:
  Sweeper(const cluster::Config& config, net::Loop& loop,
          GroupCommit* group_commit, PeerTrees* trees, const FlushMark* flush,
          HintLedger* ledger);
  void Tick();
  // Sweeps `held`, the newest record under `storage_key`.
  void Visit(std::string_view storage_key, std::string_view held,
             uint64_t now_ms);
  void VisitHint(std::string_view storage_key, std::string_view held,
                 uint64_t now_ms);

  const cluster::Config& config_;
  GroupCommit* group_commit_;
  PeerTrees* trees_;
  const FlushMark* flush_;
  HintLedger* ledger_;
  net::Timer* timer_;   // frees itself after Close()
  std::string cursor_;  // last storage key swept in this pass
  Counts current_;
  Counts last_pass_;
  uint64_t purged_ = 0;
  uint64_t passes_ = 0;
};

}  // namespace leaderless::replica
