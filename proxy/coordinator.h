#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/cluster/placement.h"
#include "protocol/cluster/quorum.h"
#include "protocol/cluster/record.h"
#include "protocol/cluster/ring.h"
#include "protocol/cluster/version.h"
#include "protocol/net/deadline_queue.h"
#include "protocol/net/log.h"
#include "protocol/net/loop.h"
#include "protocol/net/peer_link.h"
#include "proxy/read_repair.h"
#include "proxy/speculation.h"

namespace leaderless::proxy {

// The result of one quorum read or write of one key.
struct QuorumResult {
  enum class Outcome {
    kOk,           // R answered / W acknowledged
    kUnavailable,  // fewer than R/W replicas reachable: nothing was sent
    kNoQuorum,     // sent, but too few answered in time
    // A write W replicas acknowledged without taking it: they hold a version
    // at least as new, and stamping it again above that did not help
    // (record_ops.h). Nothing of it is visible.
    kSuperseded,
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
  // Ask ops: the answers of the replicas that succeeded.
  std::vector<net::PeerReply> replies;
  // Write: an acknowledging replica holds a version at least as new as the
  // one written, so the write did not take effect there.
  bool superseded = false;
  // The first error a replica answered instead (e.g. a version too far
  // ahead of its clock), "" if none: quoted in Error().
  std::string refusal;

  bool ok() const { return outcome == Outcome::kOk; }
  // The Redis-style error for a failed outcome, without the leading '-'.
  std::string Error() const;
  // The bytes it holds (record, replies), for memory accounting.
  size_t Bytes() const;
};

// Coordinates quorum requests over the replicas: places a key on the ring,
// sends the request to its replicas over pipelined links, counts answers
// and calls back once with the outcome. A slow or dead replica delays no
// request that does not need it: the callback runs as soon as R (W)
// replicas answered, and at the latest at the request timeout.
//
// With sloppy quorum, a write whose home replica is down (or its link
// full) goes to the next healthy replica of the ring walk as a hint for
// that home. A read asks R of the first N healthy replicas of the walk,
// homes first, which R drawn at random among the homes (read_targets.h);
// it asks one more when an asked one fails, and when the R have not all
// answered after the speculation delay (speculation.h). After a read,
// replicas that answered an older version (or nothing) get the newest
// record written back (read repair); in blocking mode the reply waits for
// the answering replicas to hold it, so quorum reads never go back in time.
//
// Loop thread only. Close() before the loop ends.
class Coordinator : public net::PeerLink::Listener {
 public:
  using DoneFn = std::function<void(QuorumResult&&)>;
  // Runs once an op is over for the replicas too: every request it sent
  // came back or its deadline passed. Bulk commands pace themselves on it,
  // so that they never queue more on the slowest replica than they have in
  // flight.
  using RetiredFn = std::function<void()>;

  Coordinator(const cluster::Config& config, net::Loop& loop);
  ~Coordinator() override;

  // What a read is for: a reply, worth nothing once its client has gone,
  // or a write (INCR's read), which goes on as a write does.
  enum class ReadFor { kReply, kWrite };

  // Quorum read of `key`. `done` runs exactly once, possibly before Read()
  // returns (when too few replicas are reachable); `retired`, if given,
  // runs once after it.
  void Read(std::string_view key, DoneFn done, RetiredFn retired = nullptr,
            ReadFor purpose = ReadFor::kReply);

  // What a write does when W replicas acknowledge it without taking it: they
  // hold a version at least as new (a proxy clock that ran ahead before a
  // restart, a duplicate proxy-id, or another proxy's write racing it).
  enum class OnSuperseded {
    // Blind writes (SET, DEL...): move the clock past what they hold, stamp
    // again and write again, at most kMaxRestamps times; then kSuperseded.
    kStampAgain,
    // Read-modify-writes: report it (result.superseded); the caller reads
    // again and decides again.
    kReport,
  };
  static constexpr int kMaxRestamps = 3;

  // Quorum write of `record` under `key`, stamped here with a version newer
  // than any this proxy stamped or saw. Same callback contract as Read().
  void Write(std::string_view key, cluster::Record record, DoneFn done,
             RetiredFn retired = nullptr,
             OnSuperseded on_superseded = OnSuperseded::kStampAgain);

  // Whole-keyspace commands (SCAN, FLUSHALL) ask replicas with commands of
  // their own; an answer that is not an error counts as a success, and the
  // result's `replies` hold the successful answers.
  //
  // Asks the replicas a read of a key at ring `position` would ask, each
  // answer at most `reply_bytes` long (what the links reserve for it);
  // succeeds once R answered.
  void AskRange(uint64_t position, const std::string& command,
                size_t reply_bytes, DoneFn done);
  // Asks every replica; succeeds once all answered. When one is down,
  // nothing is sent: kUnavailable.
  void AskAll(const std::string& command, DoneFn done);
  // The last ring position of the token range holding `position`.
  uint64_t RangeEnd(uint64_t position) const {
    return ring_.RangeEnd(position);
  }

  // A new version, newer than any this proxy stamped or saw.
  cluster::Version NextVersion();
  // Wall-clock milliseconds, for expiry.
  uint64_t WallMs() const;

  struct ReplicaState {
    const cluster::ReplicaAddress* address;
    bool up;
    uint64_t state_age_ms;  // since the last up/down change
    size_t in_flight;
    uint64_t refused;  // requests not sent because the link was full
    // The replica's error to this proxy's last connection (e.g. WRONGPASS),
    // until a connection is accepted; "" otherwise. A view into the
    // Coordinator, valid until its next loop callback.
    std::string_view refused_by;
    size_t waiting;  // requests waiting for room in the link's budget
  };
  std::vector<ReplicaState> Replicas() const;

  struct Counters {
    uint64_t quorum_failures = 0;  // client requests answered with an error
    uint64_t sloppy_writes = 0;    // writes that used at least one stand-in
    uint64_t hinted_writes = 0;    // hinted records sent to stand-ins
    uint64_t read_repairs = 0;     // records written back by read repair
    // Writes stamped again because their replicas held a newer version.
    uint64_t restamped_writes = 0;
    // Versions seen in replies but not followed: further ahead of this
    // proxy's clock than max-clock-offset-ms.
    uint64_t versions_ahead = 0;
    // Reads sent to one more replica than R: because the R asked were slow
    // (speculation.h), or because one of them failed.
    uint64_t speculative_reads = 0;
    uint64_t read_retries = 0;
    // Digest reads sent (of a read's R, all but the one asked for the
    // record), and those that answered a newer rank than the record read,
    // so that their replica was asked for its record.
    uint64_t digest_reads = 0;
    uint64_t digest_mismatches = 0;
  };
  const Counters& counters() const { return counters_; }
  const cluster::Config& config() const { return config_; }

  void Close();

  // Ops are started on behalf of a client, the owner (0: none), so that
  // their requests still waiting on a link once it has gone are dropped
  // rather than sent (reads only: a write goes on). The owner of ops
  // started while an OwnerScope lives is its `owner`; ops started from an
  // op's callbacks inherit that op's owner.
  class OwnerScope {
   public:
    OwnerScope(Coordinator& c, uint64_t owner)
        : c_(c), outer_(std::exchange(c.owner_, owner)) {}
    ~OwnerScope() { c_.owner_ = outer_; }
    OwnerScope(const OwnerScope&) = delete;
    OwnerScope& operator=(const OwnerScope&) = delete;

   private:
    Coordinator& c_;
    const uint64_t outer_;
  };
  // Whether owner `id` still waits for its replies.
  using OwnerAliveFn = std::function<bool(uint64_t id)>;
  void set_owner_alive(OwnerAliveFn alive) { owner_alive_ = std::move(alive); }

  // Called (at most once) when this proxy must not run: replicas refuse it
  // because another live proxy has its proxy-id, and none has accepted it
  // yet. The caller ends the process with `message`.
  using FatalFn = std::function<void(const std::string& message)>;
  void set_fatal(FatalFn fatal) { fatal_ = std::move(fatal); }

  void OnPeerReply(uint64_t op_id, int peer, net::PeerReply* reply) override;
  void OnPeerState(int peer, bool connected) override;
  void OnPeerRefused(int peer, std::string_view error) override;
  bool StillWanted(uint64_t op_id) override;

 private:
  struct Op {
    // `sent` requests of which `needed` must succeed.
    Op(bool is_write, bool client, int sent, int needed, DoneFn done)
        : is_write(is_write),
          client(client),
          tracker(std::max(sent, needed), needed),
          reachable(sent),
          done(std::move(done)) {}

    bool is_write;
    bool for_write = false;  // a read that a write waits for (ReadFor)
    bool client;             // a client waits (not a background repair)
    bool ask = false;        // AskRange / AskAll: answers kept as they are
    uint64_t owner = 0;      // see OwnerScope
    cluster::QuorumTracker tracker;
    int reachable;
    DoneFn done;
    RetiredFn retired;
    std::string key;  // reads, for read repair; and a link's flow
    // Reads: the replicas to ask, in order (read_targets.h), the key's
    // homes the first `homes` of them; the first `asked` were asked.
    std::vector<uint16_t> targets;
    size_t homes = 0;
    size_t asked = 0;
    uint64_t sent_ms = 0;  // when Start() sent it
    uint64_t deadline_ms = 0;
    bool replied = false;
    std::vector<uint16_t> waiting;    // replicas whose reply has not come back
    std::vector<ReadAnswer> answers;  // reads: who answered what
    // Reads: replicas asked for a digest whose answer has not come back,
    // digests answered but not weighed yet (ResolveParked), replicas asked
    // for their record after their digest (the read waits for them), and
    // whether a replica asked for the record answered it (or nil).
    std::vector<uint16_t> digest_asked;
    std::vector<ReadAnswer> parked;
    std::vector<uint16_t> fetching;
    bool record_answered = false;
    cluster::NewestRecord newest;
    std::vector<net::PeerReply> replies;  // ask ops
    cluster::Version written;             // writes: the version sent
    std::string refusal;                  // the first error a replica answered
  };

  // Moves the clock past `seen`, unless it is too far ahead (counted and
  // logged).
  void ObserveVersion(const cluster::Version& seen);
  struct RestampedWrite;
  // Sends one attempt of `write` (Write() with kStampAgain).
  void SendRestamped(std::shared_ptr<RestampedWrite> write);
  // Sends `record` (stamped) to the key's W..N targets.
  void SendWrite(std::string_view key, const cluster::Record& record,
                 DoneFn done, RetiredFn retired);
  std::function<bool(uint16_t)> Usable(size_t bytes);
  // Sends `command` to `targets` as an ask op needing `needed` answers,
  // each at most `reply_bytes` long.
  void Ask(const std::vector<uint16_t>& targets, const std::string& command,
           size_t reply_bytes, int needed, bool is_write, DoneFn done);
  // A new op, owned by the current owner (OwnerScope).
  std::unique_ptr<Op> NewOp(bool is_write, bool client, int sent, int needed,
                            DoneFn done);
  uint64_t Start(std::unique_ptr<Op> op);
  // Frees an op that replied and expects nothing more, then runs its
  // `retired` (which may start new ops) as its owner.
  void Retire(std::unique_ptr<Op> op);
  // Starts `op` and sends `command` to each of `targets` for it, reserving
  // `reply_bytes` on each link for the answer.
  void SendAll(std::unique_ptr<Op> op, const std::vector<uint16_t>& targets,
               const std::string& command, size_t reply_bytes);
  // A replica answered read `op` with the length of a record longer than
  // the room the ask made: asks it again with room for that length. False
  // if it cannot (the link refused, or the read has replied already).
  bool AskAgainWithRoom(uint64_t op_id, Op& op, uint16_t replica,
                        int64_t length);
  void Settle(uint64_t op_id, Op& op);
  void Finish(Op& op, QuorumResult::Outcome outcome);
  QuorumResult ResultOf(Op& op, QuorumResult::Outcome outcome);
  // Takes a replica's answer to a read or write of a record (the record it
  // held, or nil) into `op`; false if it failed.
  bool TakeRecord(Op& op, uint16_t replica, net::PeerReply* reply);
  // Takes a replica's answer to a digest read into `op.parked`; false if
  // it failed.
  bool TakeDigest(Op& op, uint16_t replica, net::PeerReply* reply);
  // `replica`'s answer to `op` (of rank zero), or nullopt if `reply` is no
  // answer: neither a record nor nil, or a nil that does not count.
  std::optional<ReadAnswer> AnswerOf(const Op& op, uint16_t replica,
                                     const net::PeerReply* reply);
  // Weighs read `op`'s parked digests against the newest record read, once
  // there is one or no read of a record is out: an answer if not newer,
  // else their replica is asked for the record.
  void ResolveParked(uint64_t op_id, Op& op);
  // Whether a replica asked for `op`'s record has not answered yet.
  static bool RecordReadsOut(const Op& op);
  // Asks `replica` for read `op`'s record: false if its client has gone or
  // the link refused.
  bool AskForRecord(uint64_t op_id, Op& op, uint16_t replica);
  // Read repair of `op`'s stale answers (read_repair.h), once the read
  // reached R or for an answer after its reply: true if the reply now waits
  // for the repair.
  bool Repair(Op& op);
  // Writes `record` (the read's newest) under the read's key to `stale`, as
  // a background op that needs `needed` acks; `done` (may be empty) runs
  // when it finishes, by the read's deadline.
  void SendRepair(const Op& op, std::string_view record,
                  const std::vector<uint16_t>& stale, int needed, DoneFn done);
  void OnDeadline(uint64_t op_id);
  // Whether anyone still waits for `op`'s outcome (StillWanted).
  bool Wanted(const Op& op) const;
  // Asks read `op`'s next target not asked yet, passing over those whose
  // links refuse (each a failure): false if none was left, or its client
  // has gone.
  bool AskNext(uint64_t op_id, Op& op, const std::string& command,
               size_t reply_bytes);
  // AskNext() for an op already sent, counting a request sent in `counter`.
  void AskNextForRead(uint64_t op_id, Op& op, uint64_t& counter);
  // Arms read `op`'s speculation: a deadline with the op's id tagged.
  void ScheduleSpeculation(uint64_t op_id, const Op& op);
  static constexpr uint64_t kSpeculationTag = uint64_t{1} << 63;
  // The read `op_id` was not answered by the replicas it asked in time:
  // asks one more, and arms the next speculation while targets remain.
  void Speculate(uint64_t op_id);
  // Which of a key's homes a read asks first (read_targets.h).
  uint64_t NextRotation();

  const cluster::Config& config_;
  net::Loop& loop_;
  cluster::Ring ring_;
  cluster::HybridClock clock_;
  net::LogThrottle clock_log_;
  std::vector<net::PeerLink*> links_;  // free themselves after Close()
  std::vector<uint64_t> state_since_;
  // Refusals of this proxy's proxy-id in a row, by replica, and whether any
  // replica has accepted this proxy yet (see OnPeerRefused).
  std::vector<int> refusals_;
  // By replica: its error to the last connection, while it refuses us.
  std::vector<std::string> refused_by_;
  bool ever_up_ = false;
  FatalFn fatal_;
  net::LogThrottle refusal_log_;
  net::DeadlineQueuePtr deadlines_;
  std::unordered_map<uint64_t, std::unique_ptr<Op>> ops_;
  uint64_t next_op_id_ = 1;
  uint64_t owner_ = 0;  // of the ops started now (OwnerScope)
  OwnerAliveFn owner_alive_;
  Counters counters_;
  Speculation speculation_;
  // The request being sent by Read() or SendWrite(), kept to reuse its
  // allocation: links copy what they send, and neither function uses it
  // after it runs a callback (which may send again).
  std::string request_;
  std::string digest_request_;  // Read()'s digest request, as request_
  uint64_t rotation_ = 0x9e3779b97f4a7c15;  // NextRotation()'s state
};

}  // namespace leaderless::proxy
