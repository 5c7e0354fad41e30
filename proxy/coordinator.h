#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/cluster/quorum.h"
#include "protocol/cluster/record.h"
#include "protocol/cluster/ring.h"
#include "protocol/cluster/version.h"
#include "protocol/net/deadline_queue.h"
#include "protocol/net/peer_link.h"

namespace leaderless::proxy {

// The result of one quorum read or write of one key.
struct QuorumResult {
  enum class Outcome {
    kOk,           // R answered / W acknowledged
    kUnavailable,  // fewer than R/W replicas reachable: nothing was sent
    kNoQuorum,     // sent, but too few answered in time
  };
  Outcome outcome = Outcome::kOk;
  bool is_write = false;
  int successes = 0;
  int needed = 0;
  int reachable = 0;
  // Read: the newest encoded record the replicas answered, "" if none.
  // Write: the header of the newest record the acknowledging replicas held
  // before, "" if none.
  std::string record;

  bool ok() const { return outcome == Outcome::kOk; }
  // The Redis-style error for a failed outcome, without the leading '-'.
  std::string Error() const;
};

// Coordinates quorum requests over the replicas: places a key on the ring,
// sends the request to its N replicas over pipelined links, counts answers
// and calls back once with the outcome. A slow or dead replica delays no
// request that does not need it: the callback runs as soon as R (W)
// replicas answered, and at the latest at the request timeout.
//
// Loop thread only. Close() before the loop ends.
class Coordinator : public net::PeerLink::Listener {
 public:
  using DoneFn = std::function<void(QuorumResult&&)>;

  Coordinator(const cluster::Config& config, uv_loop_t* loop);
  ~Coordinator() override;

  // Quorum read of `key`. `done` runs exactly once, possibly before Read()
  // returns (when too few replicas are reachable).
  void Read(std::string_view key, DoneFn done);

  // Quorum write of `record` (its version already stamped) under `key`.
  // Same callback contract as Read().
  void Write(std::string_view key, const cluster::Record& record, DoneFn done);

  // A new version, newer than any this proxy stamped or saw.
  cluster::Version NextVersion();
  // Wall-clock milliseconds, for expiry.
  uint64_t WallMs() const;

  struct ReplicaState {
    const cluster::ReplicaAddress* address;
    bool up;
    uint64_t state_age_ms;  // since the last up/down change
    size_t in_flight;
  };
  std::vector<ReplicaState> Replicas() const;
  const cluster::Config& config() const { return config_; }
  uint64_t quorum_failures() const { return quorum_failures_; }

  void Close();

  void OnPeerReply(uint64_t op_id, int peer, net::PeerReply* reply) override;
  void OnPeerState(int peer, bool connected) override;

 private:
  struct Op {
    bool is_write;
    bool replied = false;
    std::vector<uint16_t> waiting;  // replicas whose reply has not come back
    int reachable = 0;
    cluster::QuorumTracker tracker;
    cluster::NewestRecord newest;
    DoneFn done;
  };

  void Dispatch(std::string_view key, bool is_write, const std::string& command,
                DoneFn done);
  void Settle(uint64_t op_id, Op& op);
  void Reply(Op& op, QuorumResult::Outcome outcome);
  void OnDeadline(uint64_t op_id);

  const cluster::Config& config_;
  uv_loop_t* loop_;
  cluster::Ring ring_;
  cluster::HybridClock clock_;
  std::vector<net::PeerLink*> links_;  // free themselves after Close()
  std::vector<uint64_t> state_since_;
  net::DeadlineQueuePtr deadlines_;
  std::unordered_map<uint64_t, std::unique_ptr<Op>> ops_;
  uint64_t next_op_id_ = 1;
  uint64_t quorum_failures_ = 0;
  std::string command_;  // scratch: the request serialised once for N links
};

}  // namespace leaderless::proxy
