#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/net/log.h"
#include "protocol/net/peer_link.h"
#include "protocol/net/timer.h"
#include "replica/flush_mark.h"
#include "replica/group_commit.h"
#include "replica/hint_ledger.h"
#include "replica/record_store.h"
#include "replica/string_hash.h"

namespace leaderless::replica {

// Sends the hints this replica holds to their home replicas once those
// answer again, and deletes each hint only after its home acknowledged it
// (the home keeps the record only if it is newer than what it holds, so
// once it answered it holds this version or a newer one, and a resent hint
// is harmless). However long the home was away, a hint is never dropped for
// its age here: only one a flush covers or one older than gc-grace
// (hint_ledger.h) is deleted undelivered. Paced at `handoff-rate` records
// per second so clients keep the disk.
//
// Heap-allocated (owns a timer); Close() it, it frees itself. Loop
// thread only.
class HintedHandoff : public net::PeerLink::Listener {
 public:
  // Enters the hints already on disk (they survive restarts) in `ledger`,
  // then, if `hinted-handoff yes`, connects to the other replicas and starts
  // sending. Reports each hint it deletes to `ledger`, which must outlive
  // it.
  static cluster::Result<HintedHandoff*> Create(
      const cluster::Config& config, net::Loop& loop, RecordStore* store,
      GroupCommit* group_commit, const FlushMark* flush, HintLedger* ledger);
  HintedHandoff(const HintedHandoff&) = delete;
  HintedHandoff& operator=(const HintedHandoff&) = delete;

  void Close();

  void OnPeerReply(uint64_t op_id, int peer, net::PeerReply* reply) override;
  void OnPeerState(int peer, bool connected) override;
  void OnPeerRefused(int peer, std::string_view error) override;

 private:
  struct Home {
    const cluster::ReplicaAddress* address;
    net::PeerLink* link = nullptr;  // frees itself after Close()
    std::string cursor;             // last hint key sent in this pass
    net::LogThrottle refusal_log;   // of its refusals of our link
  };
  struct InFlight {
    size_t home;
    std::string storage_key;
    std::string record;
  };

  HintedHandoff(const cluster::Config& config, net::Loop& loop,
                RecordStore* store, GroupCommit* group_commit,
                const FlushMark* flush, HintLedger* ledger);
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
  HintLedger* ledger_;
  net::Timer* timer_;        // frees itself after Close()
  std::vector<Home> homes_;  // every replica but this one
  std::unordered_map<uint64_t, InFlight> in_flight_;
  // Storage keys of in_flight_, so a new pass does not send them again.
  std::unordered_set<std::string, StringHash, std::equal_to<>> sending_;
  uint64_t next_op_id_ = 1;
  bool closing_ = false;
};

}  // namespace leaderless::replica
