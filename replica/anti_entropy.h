#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/net/log.h"
#include "protocol/net/peer_link.h"
#include "protocol/net/timer.h"
#include "replica/adaptive_rate.h"
#include "replica/flush_mark.h"
#include "replica/group_commit.h"
#include "replica/peer_trees.h"
#include "replica/record_store.h"

namespace leaderless::replica {

// Anti-entropy: every `anti-entropy-interval-ms`, for each peer it shares
// keys with, this replica compares its Merkle tree for the peer with the
// peer's tree for it, level by level (LL.TREE), fetches the (key, version)
// lists of the differing leaves only (LL.LEAF), and pulls (LL.GET) what the
// peer has newer or we lack, and pushes (LL.PUT) what we have newer. What
// it sends is proportional to the differences: identical replicas exchange
// one root hash. Records move at a rate that follows the loop's spare time
// (AdaptiveRate, measured over each interval), from `anti-entropy-rate`,
// kept however busy clients make the replica, up to `anti-entropy-max-rate`
// while it is mostly idle.
// Records past gc-grace take no part, so a purged delete or expiry is never
// brought back; nor do records older than the last FLUSHALL, which each
// round first hands to the peer (LL.FLUSH), so a replica that missed it
// learns it.
//
// Heap-allocated (owns a timer); Close() it, it frees itself. Loop
// thread only.
class AntiEntropy : public net::PeerLink::Listener {
 public:
  // Stores a record pulled from a peer (through the same path as writes).
  // A failure is counted and logged; the next round pulls the record again.
  using ApplyFn = std::function<cluster::Status(std::string_view key,
                                                std::string_view record)>;

  struct PeerStats {
    uint64_t last_round_ms = 0;  // wall time the last round finished, 0 never
    uint64_t rounds = 0;
    uint64_t last_leaves_differing = 0;
    uint64_t last_records_repaired = 0;
  };
  struct Totals {
    uint64_t nodes_compared = 0;  // tree nodes compared, leaves included
    uint64_t leaves_fetched = 0;  // leaf key lists fetched
    uint64_t keys_exchanged = 0;  // (key, version) pairs received
    uint64_t records_pulled = 0;
    uint64_t records_pull_failed = 0;  // pulled, but storing them failed
    uint64_t records_pushed = 0;
  };

  static AntiEntropy* Create(const cluster::Config& config, net::Loop& loop,
                             GroupCommit* group_commit, PeerTrees* trees,
                             const FlushMark* flush, ApplyFn apply);
  AntiEntropy(const AntiEntropy&) = delete;
  AntiEntropy& operator=(const AntiEntropy&) = delete;

  const std::map<std::string, PeerStats>& peer_stats() const { return stats_; }
  const Totals& totals() const { return totals_; }
  // Records per second rounds may move now.
  int64_t rate() const { return rate_.rate(); }

  void Close();

  void OnPeerReply(uint64_t op_id, int peer, net::PeerReply* reply) override;
  void OnPeerState(int, bool) override {}
  void OnPeerRefused(int peer, std::string_view error) override;

 private:
  using Then = std::function<void(net::PeerReply*)>;
  struct Round {
    bool running = false;
    int outstanding = 0;  // requests of this round not answered yet
    size_t budget = 0;    // records this round may still move
    uint64_t leaves_differing = 0;
    uint64_t repaired = 0;
    std::vector<uint32_t> leaves;  // differing leaves, fetched in turn
    size_t next_leaf = 0;
    int leaves_in_flight = 0;
  };

  AntiEntropy(const cluster::Config& config, net::Loop& loop,
              GroupCommit* group_commit, PeerTrees* trees,
              const FlushMark* flush, ApplyFn apply);
  void StartRounds();
  // Sends `command` to `peer`; `then` runs with its reply (nullptr if the
  // link failed). False if it could not be sent.
  bool Request(int peer, const std::string& command, Then then);
  void Done(int peer);
  void CompareLevel(int peer, int level, std::vector<uint32_t> indices);
  void OnLevel(int peer, int level, const std::vector<uint32_t>& indices,
               net::PeerReply* reply);
  // Fetches the next differing leaves while the round has budget left, a
  // few at a time, so the work of a round follows its budget.
  void FetchLeaves(int peer);
  void Reconcile(int peer, uint32_t leaf, net::PeerReply* list);
  void Pull(int peer, const std::string& key);
  void Push(int peer, const std::string& key);

  const cluster::Config& config_;
  net::Loop& loop_;
  GroupCommit* group_commit_;
  PeerTrees* trees_;
  const FlushMark* flush_;
  ApplyFn apply_;
  net::Timer* timer_;                  // frees itself after Close()
  std::vector<net::PeerLink*> links_;  // by replica index; ours is null
  std::vector<Round> rounds_;          // by replica index
  std::map<std::string, PeerStats> stats_;
  Totals totals_;
  AdaptiveRate rate_;
  uint64_t last_idle_ms_;  // the loop's idle time at the last StartRounds
  uint64_t last_round_start_ms_;
  std::unordered_map<uint64_t, Then> pending_;
  uint64_t next_op_id_ = 1;
  bool closing_ = false;
  std::vector<net::LogThrottle> refusal_logs_;  // by replica index
};

// Lists the (key, rank) pairs of `leaf` shared with `peer`, leaving out
// records past gc-grace at `now_ms` and those `flush` covers: what LL.LEAF
// answers and what the requester compares it with. Calls
// `visit(key, encoded_rank)` (cluster::EncodeRank).
cluster::Status ListLeaf(
    const RecordStore& store, const GroupCommit& group_commit,
    const PeerTrees& trees, const FlushMark& flush, uint32_t leaf, int peer,
    uint64_t now_ms, uint64_t gc_grace_ms,
    const std::function<void(std::string_view key, std::string_view version)>&
        visit);

}  // namespace leaderless::replica
