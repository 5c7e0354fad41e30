#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/net/peer_link.h"
#include "protocol/net/timer.h"
#include "replica/flush_mark.h"
#include "replica/group_commit.h"
#include "replica/record_store.h"
#include "replica/string_hash.h"

namespace leaderless::replica {

// Sends the hints this replica holds to their home replicas once those
// answer again, and deletes each hint only after its home acknowledged it
// (the home keeps the record only if it is newer than what it holds, so a
// resent hint is harmless). Hints older than `hint-window-ms` (by their
// version's wall clock) are dropped instead: anti-entropy covers the rest.
// Paced at `handoff-rate` records per second so clients keep the disk.
//
// Heap-allocated (owns a timer); Close() it, it frees itself. Loop
// thread only.
class HintedHandoff : public net::PeerLink::Listener {
 public:
  struct HomeStats {
    int64_t pending = 0;     // hints held for this home
    uint64_t delivered = 0;  // acknowledged by the home and deleted
    uint64_t dropped = 0;    // older than the hint window, deleted
  };

  // Counts the hints already on disk (they survive restarts), then, if
  // `hinted-handoff yes`, connects to the other replicas and starts sending.
  static cluster::Result<HintedHandoff*> Create(const cluster::Config& config,
                                                net::Loop& loop,
                                                RecordStore* store,
                                                GroupCommit* group_commit,
                                                const FlushMark* flush);
  HintedHandoff(const HintedHandoff&) = delete;
  HintedHandoff& operator=(const HintedHandoff&) = delete;

  // A hint for `home` was accepted; `is_new` when none was held for its key.
  void OnHintStored(const std::string& home, bool is_new);

  const std::map<std::string, HomeStats>& stats() const { return stats_; }

  void Close();

  void OnPeerReply(uint64_t op_id, int peer, net::PeerReply* reply) override;
  void OnPeerState(int peer, bool connected) override;

 private:
  struct Home {
    const cluster::ReplicaAddress* address;
    net::PeerLink* link = nullptr;  // frees itself after Close()
    std::string cursor;             // last hint key sent in this pass
  };
  struct InFlight {
    size_t home;
    std::string storage_key;
    std::string record;
  };

  HintedHandoff(const cluster::Config& config, net::Loop& loop,
                RecordStore* store, GroupCommit* group_commit,
                const FlushMark* flush);
  cluster::Status CountHints();
  void Tick();
  void SendSome(size_t home, size_t budget, uint64_t now_ms);
  void Send(size_t home, std::string_view storage_key, std::string_view record,
            uint64_t now_ms);

  const cluster::Config& config_;
  net::Loop& loop_;
  RecordStore* store_;
  GroupCommit* group_commit_;
  const FlushMark* flush_;
  net::Timer* timer_;        // frees itself after Close()
  std::vector<Home> homes_;  // every replica but this one
  std::map<std::string, HomeStats> stats_;
  std::unordered_map<uint64_t, InFlight> in_flight_;
  // Storage keys of in_flight_, so a new pass does not send them again.
  std::unordered_set<std::string, StringHash, std::equal_to<>> sending_;
  uint64_t next_op_id_ = 1;
  bool closing_ = false;
};

}  // namespace leaderless::replica
