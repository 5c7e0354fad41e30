// Life of a quorum op:
//
//   Read/Write ─▶ targets from the ring walk (cluster/placement.h); fewer
//                 than R/W usable -> UNAVAILABLE at once, nothing sent
//              ─▶ one serialised command per kind (plain, or a hint naming
//                 the home a stand-in replaces), a deadline in the queue;
//                 a write goes to all its targets, a read to R of them
//                 (read_targets.h) and to the next one when an asked one
//                 fails or at its speculation deadline (speculation.h);
//                 of a read's R, the first is asked for the record and
//                 the others for its rank only (a digest read: the
//                 replica answers from its record index, without reading
//                 the value); a digest newer than every record read is
//                 asked again for the record
//   OnPeerReply ─▶ QuorumTracker; the first decisive answer (R/W successes,
//                 or too many failures) finishes the op:
//                   write: reply
//                   read:  replicas that answered older versions get the
//                          newest record (read repair); in blocking mode
//                          the reply waits for that repair op
//   OnDeadline  ─▶ still undecided: NOQUORUM; replicas that did not answer
//                 are reported to their links (repeated timeouts: down)
//   The op is forgotten once every sent request came back or its deadline
//   passed; replies after that find no op and are dropped. Late answers to
//   a read that was already answered still trigger read repair.
//
// Every request reserves room on its link for the longest answer it can
// get (peer_link.h): a write's answer is a record header, a read asks for
// records up to kFirstReadBytes and a replica answers the length of a
// longer one, which is then asked for again with room for exactly that.

#include "proxy/coordinator.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <random>

#include "protocol/cluster/replica_protocol.h"
#include "protocol/net/clock.h"
#include "protocol/net/log.h"
#include "protocol/resp/reply_writer.h"
#include "proxy/read_targets.h"

namespace leaderless::proxy {
namespace {

// The room a read's first ask makes for the record: a longer one costs one
// more round trip (the replica answers its length), so that no link ever
// carries more reply bytes than it reserved, however large the values.
constexpr size_t kFirstReadBytes = 16 * 1024;
// RESP framing around an answer's payload ("$<length>\r\n...\r\n").
constexpr size_t kReplyFraming = 32;
// A write's or a flush's answer: a record header, nil, or an error line.
constexpr size_t kWriteReplyBytes = 1024;
// A digest read's answer: a rank, nil, or an error line.
constexpr size_t kDigestReplyBytes = 1024;

// The flow (link_budget.h) of a request about `key`. Flows keep their order
// on a link while others may pass them, so a key's requests must share one:
// a read waiting for room must not overtake a write of the same key sent
// before it (the write has given its key back already, key_locks.h).
// Requests about no key in particular (flushes, scans) share the flow of
// "": their effects are ordered by versions, not by arrival.
uint64_t FlowOf(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

// Takes a replica's answer to an ask op into `replies` (until the op has
// replied); false if it failed.
bool TakeAskReply(bool replied, std::vector<net::PeerReply>& replies,
                  net::PeerReply* reply) {
  if (reply == nullptr || reply->type == net::PeerReply::Type::kError) {
    return false;
  }
  if (!replied) replies.push_back(std::move(*reply));
  return true;
}

}  // namespace

std::string QuorumResult::Error() const {
  std::string n = std::to_string(successes) + " of " + std::to_string(needed);
  if (outcome == Outcome::kUnavailable) {
    return "UNAVAILABLE " + std::to_string(reachable) +
           " replicas reachable, " + (is_write ? "write" : "read") +
           " quorum is " + std::to_string(needed) +
           (is_write ? "; nothing was written" : "");
  }
  if (outcome == Outcome::kSuperseded) {
    return "SUPERSEDED the key's replicas hold a newer version than this "
           "proxy could stamp (a clock ahead, or writes racing); the write "
           "did not take effect";
  }
  std::string error =
      is_write ? "NOQUORUM " + n +
                     " replicas acknowledged the write in time; it may have "
                     "been applied on some replicas"
               : "NOQUORUM " + n + " replicas answered the read in time";
  if (!refusal.empty()) error += " (a replica answered: " + refusal + ")";
  return error;
}

namespace {

size_t ReplyBytes(const net::PeerReply& reply) {
  size_t bytes = sizeof(reply) + reply.str.size();
  for (const net::PeerReply& e : reply.elements) bytes += ReplyBytes(e);
  return bytes;
}

}  // namespace

size_t QuorumResult::Bytes() const {
  size_t bytes = sizeof(*this) + record.size() + refusal.size();
  for (const net::PeerReply& r : replies) bytes += ReplyBytes(r);
  return bytes;
}

namespace {

// A token drawn at each process start: replicas tell this instance of the
// proxy-id from another one (or from this proxy before a restart) by it.
std::string InstanceToken() {
  std::random_device random;
  std::string token;
  for (int i = 0; i < 4; ++i) {
    char part[9];
    std::snprintf(part, sizeof(part), "%08x", random());
    token += part;
  }
  return token;
}

}  // namespace

Coordinator::Coordinator(const cluster::Config& config, net::Loop& loop)
    : config_(config),
      loop_(loop),
      ring_(cluster::ReplicaIds(config), config.tokens_per_replica),
      clock_(static_cast<uint32_t>(config.proxy_id),
             static_cast<uint64_t>(config.max_clock_offset_ms)),
      state_since_(config.replicas.size(), loop.now_ms()),
      refusals_(config.replicas.size(), 0),
      refused_by_(config.replicas.size()),
      deadlines_(net::DeadlineQueue::Create(
          loop, [this](uint64_t id) { OnDeadline(id); })) {
  net::PeerLinkOptions options;
  options.max_in_flight =
      static_cast<size_t>(config.replica_link_max_in_flight);
  options.max_consecutive_timeouts = config.replica_down_after_timeouts;
  options.probe_timeout_ms = static_cast<uint64_t>(config.request_timeout_ms);
  options.hello = cluster::LinkHello(config.replica_password);
  cluster::AppendProxyRequest(&options.hello.emplace_back(),
                              static_cast<uint32_t>(config.proxy_id),
                              InstanceToken());
  for (size_t i = 0; i < config.replicas.size(); ++i) {
    const auto& r = config.replicas[i];
    links_.push_back(net::PeerLink::Create(loop, static_cast<int>(i), r.host,
                                           r.port, this, options));
  }
}

Coordinator::~Coordinator() = default;

void Coordinator::Close() {
  for (net::PeerLink* link : links_) link->Close();
  links_.clear();
  deadlines_.reset();
  ops_.clear();
}

cluster::Version Coordinator::NextVersion() { return clock_.Now(WallMs()); }

void Coordinator::ObserveVersion(const cluster::Version& seen) {
  const uint64_t now = WallMs();
  if (clock_.Observe(seen, now)) return;
  ++counters_.versions_ahead;
  if (clock_log_.Allow(loop_.now_ms())) {
    net::Log(
        "not following version %s, %llu ms ahead of this proxy's clock "
        "(max-clock-offset-ms %lld; %llu such versions so far)",
        cluster::VersionToString(seen).c_str(),
        static_cast<unsigned long long>(cluster::AheadBy(seen, now)),
        static_cast<long long>(config_.max_clock_offset_ms),
        static_cast<unsigned long long>(counters_.versions_ahead));
  }
}

uint64_t Coordinator::WallMs() const { return net::WallMs(); }

std::function<bool(uint16_t)> Coordinator::Usable(size_t bytes) {
  return [this, bytes](uint16_t r) { return links_[r]->Accepts(bytes); };
}

std::unique_ptr<Coordinator::Op> Coordinator::NewOp(bool is_write, bool client,
                                                    int sent, int needed,
                                                    DoneFn done) {
  auto op =
      std::make_unique<Op>(is_write, client, sent, needed, std::move(done));
  op->owner = owner_;
  return op;
}

uint64_t Coordinator::Start(std::unique_ptr<Op> op) {
  uint64_t id = next_op_id_++;
  op->sent_ms = net::MonotonicMs();
  if (op->deadline_ms == 0) {
    // The loop's cached time is from the start of this iteration, which may
    // have run long (a command of a million keys): the timeout counts from
    // now, or ops started late in it would be born expired. The loop's time
    // itself stays, so that other ops' replies already in their sockets are
    // read before their deadlines are checked against it (deadline_queue.h).
    op->deadline_ms = op->sent_ms + config_.request_timeout_ms;
  }
  deadlines_->Add(op->deadline_ms, id);
  ops_.emplace(id, std::move(op));
  return id;
}

void Coordinator::Retire(std::unique_ptr<Op> op) {
  RetiredFn retired = std::move(op->retired);
  const uint64_t owner = op->owner;
  op.reset();
  if (!retired) return;
  OwnerScope scope(*this, owner);
  retired();
}

void Coordinator::Read(std::string_view key, DoneFn done, RetiredFn retired,
                       ReadFor purpose) {
  std::string& command = request_;
  command.clear();
  cluster::AppendGetRequest(&command, key, kFirstReadBytes);
  const size_t n = static_cast<size_t>(config_.replication_factor);
  auto walk = ring_.Walk(key);
  std::vector<uint16_t> targets = cluster::ChooseReadTargets(
      walk, n, config_.sloppy_quorum, Usable(command.size()));
  int sent = static_cast<int>(targets.size());
  auto op = NewOp(false, true, sent, config_.read_quorum, std::move(done));
  op->retired = std::move(retired);
  op->for_write = purpose == ReadFor::kWrite;
  if (sent < config_.read_quorum) {
    Finish(*op, QuorumResult::Outcome::kUnavailable);
    return Retire(std::move(op));
  }
  op->key.assign(key);
  auto homes = walk.first(std::min(n, walk.size()));
  op->homes = static_cast<size_t>(
      std::count_if(targets.begin(), targets.end(), [&](uint16_t r) {
        return std::find(homes.begin(), homes.end(), r) != homes.end();
      }));
  OrderReadTargets(targets, op->homes, NextRotation());
  op->targets = std::move(targets);
  op->waiting.reserve(op->targets.size());
  op->answers.reserve(op->targets.size());
  Op& ref = *op;
  uint64_t id = Start(std::move(op));
  (void)AskNext(id, ref, command, kFirstReadBytes + kReplyFraming);
  if (config_.read_quorum > 1) {
    std::string& digest = digest_request_;
    digest.clear();
    cluster::AppendDigestRequest(&digest, key);
    ref.digest_asked.reserve(ref.targets.size());
    ref.parked.reserve(ref.targets.size());
    for (int i = 1; i < config_.read_quorum; ++i) {
      if (AskNext(id, ref, digest, kDigestReplyBytes)) {
        ref.digest_asked.push_back(ref.waiting.back());
        ++counters_.digest_reads;
      }
    }
  }
  if (ref.asked < ref.targets.size()) ScheduleSpeculation(id, ref);
  Settle(id, ref);
}

bool Coordinator::AskNext(uint64_t op_id, Op& op, const std::string& command,
                          size_t reply_bytes) {
  // A read dropped unsent for a client that has gone is not asked again:
  // its targets left count as failed, so it settles now and lets go of its
  // key rather than holding it until its deadline.
  if (!Wanted(op)) {
    for (; op.asked < op.targets.size(); ++op.asked) op.tracker.AddFailure();
    return false;
  }
  while (op.asked < op.targets.size()) {
    const uint16_t r = op.targets[op.asked++];
    if (links_[r]->Send(command, op_id, reply_bytes, FlowOf(op.key))) {
      op.waiting.push_back(r);
      return true;
    }
    op.tracker.AddFailure();
  }
  return false;
}

void Coordinator::AskNextForRead(uint64_t op_id, Op& op, uint64_t& counter) {
  request_.clear();
  cluster::AppendGetRequest(&request_, op.key, kFirstReadBytes);
  counter += AskNext(op_id, op, request_, kFirstReadBytes + kReplyFraming);
}

bool Coordinator::AskForRecord(uint64_t op_id, Op& op, uint16_t replica) {
  if (!Wanted(op)) return false;
  request_.clear();
  cluster::AppendGetRequest(&request_, op.key, kFirstReadBytes);
  if (!links_[replica]->Send(request_, op_id, kFirstReadBytes + kReplyFraming,
                             FlowOf(op.key))) {
    return false;
  }
  op.waiting.push_back(replica);
  return true;
}

bool Coordinator::RecordReadsOut(const Op& op) {
  return std::any_of(op.waiting.begin(), op.waiting.end(), [&](uint16_t r) {
    return std::find(op.digest_asked.begin(), op.digest_asked.end(), r) ==
           op.digest_asked.end();
  });
}

void Coordinator::ResolveParked(uint64_t op_id, Op& op) {
  if (op.parked.empty()) return;
  // A digest is weighed against the newest record read; until one was,
  // it waits for the reads of records still out.
  if (!op.replied && !op.record_answered && RecordReadsOut(op)) return;
  std::vector<ReadAnswer> parked;
  parked.swap(op.parked);
  bool late = false;
  for (const ReadAnswer& a : parked) {
    // Nothing read is newer: the replica holds the newest (or is stale,
    // and read repair sends it the record). A read answered already keeps
    // it for repair only.
    if (op.replied || (op.record_answered && a.rank <= op.newest.rank())) {
      op.answers.push_back(a);
      op.tracker.AddSuccess();
      late |= op.replied;
      continue;
    }
    // Newer than every record read, or no record was read: its record.
    // The read replies only once it has come (or failed), so that it
    // returns the newest of what its R answered.
    if (AskForRecord(op_id, op, a.replica)) {
      op.fetching.push_back(a.replica);
      counters_.digest_mismatches += op.record_answered;
      continue;
    }
    op.tracker.AddFailure();
    AskNextForRead(op_id, op, counters_.read_retries);
  }
  if (late) (void)Repair(op);
}

void Coordinator::ScheduleSpeculation(uint64_t op_id, const Op& op) {
  const uint64_t now = loop_.now_ms();
  deadlines_->Add(
      std::max(now, op.sent_ms) + speculation_.SpeculateAfterMs(now),
      op_id | kSpeculationTag);
}

void Coordinator::Speculate(uint64_t op_id) {
  auto it = ops_.find(op_id);
  if (it == ops_.end()) return;
  Op& op = *it->second;
  if (op.replied || op.asked >= op.targets.size()) return;
  OwnerScope scope(*this, op.owner);
  AskNextForRead(op_id, op, counters_.speculative_reads);
  if (op.asked < op.targets.size()) ScheduleSpeculation(op_id, op);
  Settle(op_id, op);
}

uint64_t Coordinator::NextRotation() {
  // xorshift64: cheap, and with no period a read pattern could fall into
  // (a counter would give every key the same replicas again whenever the
  // reads between two reads of it were a multiple of N).
  rotation_ ^= rotation_ << 13;
  rotation_ ^= rotation_ >> 7;
  rotation_ ^= rotation_ << 17;
  return rotation_;
}

void Coordinator::SendAll(std::unique_ptr<Op> op,
                          const std::vector<uint16_t>& targets,
                          const std::string& command, size_t reply_bytes) {
  Op& ref = *op;
  uint64_t id = Start(std::move(op));
  for (uint16_t r : targets) {
    if (links_[r]->Send(command, id, reply_bytes, FlowOf(ref.key))) {
      ref.waiting.push_back(r);
    } else {
      ref.tracker.AddFailure();
    }
  }
  Settle(id, ref);
}

void Coordinator::AskRange(uint64_t position, const std::string& command,
                           size_t reply_bytes, DoneFn done) {
  std::vector<uint16_t> targets = cluster::ChooseReadTargets(
      ring_.WalkAt(position), static_cast<size_t>(config_.replication_factor),
      config_.sloppy_quorum, Usable(command.size()));
  Ask(targets, command, reply_bytes, config_.read_quorum, false,
      std::move(done));
}

void Coordinator::AskAll(const std::string& command, DoneFn done) {
  std::vector<uint16_t> targets;
  for (size_t r = 0; r < links_.size(); ++r) {
    if (links_[r]->Accepts(command.size())) {
      targets.push_back(static_cast<uint16_t>(r));
    }
  }
  Ask(targets, command, kWriteReplyBytes, static_cast<int>(links_.size()), true,
      std::move(done));
}

void Coordinator::Ask(const std::vector<uint16_t>& targets,
                      const std::string& command, size_t reply_bytes,
                      int needed, bool is_write, DoneFn done) {
  int sent = static_cast<int>(targets.size());
  auto op = NewOp(is_write, true, sent, needed, std::move(done));
  op->ask = true;
  if (sent < needed) {
    Finish(*op, QuorumResult::Outcome::kUnavailable);
    return;
  }
  SendAll(std::move(op), targets, command, reply_bytes);
}

// A blind write in flight, kept until an attempt takes effect or the
// attempts run out.
struct Coordinator::RestampedWrite {
  std::string key;
  cluster::Record record;
  DoneFn done;
  RetiredFn retired;
  int attempt = 0;
};

void Coordinator::Write(std::string_view key, cluster::Record record,
                        DoneFn done, RetiredFn retired,
                        OnSuperseded on_superseded) {
  record.version = NextVersion();
  if (on_superseded == OnSuperseded::kReport) {
    return SendWrite(key, record, std::move(done), std::move(retired));
  }
  SendRestamped(
      std::make_shared<RestampedWrite>(std::string(key), std::move(record),
                                       std::move(done), std::move(retired)));
}

void Coordinator::SendRestamped(std::shared_ptr<RestampedWrite> write) {
  const int attempt = write->attempt;
  auto done = [this, write](QuorumResult&& result) {
    if (!result.ok() || !result.superseded) {
      return write->done(std::move(result));
    }
    // The replies moved the clock past what the replicas hold, unless that
    // is further ahead than max-clock-offset-ms: then no attempt can win.
    const cluster::Version next = NextVersion();
    auto held = cluster::ParseRecord(result.record);
    if (write->attempt == kMaxRestamps ||
        (held.ok() && next <= held->version)) {
      ++counters_.quorum_failures;
      result.outcome = QuorumResult::Outcome::kSuperseded;
      return write->done(std::move(result));
    }
    ++write->attempt;
    ++counters_.restamped_writes;
    write->record.version = next;
    SendRestamped(write);
  };
  // Only the last attempt's retirement is the write's.
  auto retired = [write, attempt] {
    if (write->attempt == attempt && write->retired) write->retired();
  };
  SendWrite(write->key, write->record, std::move(done), std::move(retired));
}

void Coordinator::SendWrite(std::string_view key, const cluster::Record& record,
                            DoneFn done, RetiredFn retired) {
  std::string encoded = cluster::EncodeRecord(record);
  std::string& plain = request_;
  plain.clear();
  cluster::AppendPutRequest(&plain, key, encoded);
  const size_t n = static_cast<size_t>(config_.replication_factor);
  std::vector<cluster::WriteTarget> targets = cluster::ChooseWriteTargets(
      ring_.Walk(key), n, config_.sloppy_quorum, Usable(plain.size()));
  int sent = static_cast<int>(targets.size());
  auto op = NewOp(true, true, sent, config_.write_quorum, std::move(done));
  op->retired = std::move(retired);
  op->written = record.version;
  if (sent < config_.write_quorum) {
    Finish(*op, QuorumResult::Outcome::kUnavailable);
    return Retire(std::move(op));
  }
  Op& ref = *op;
  ref.waiting.reserve(targets.size());
  uint64_t id = Start(std::move(op));
  bool sloppy = false;
  for (const cluster::WriteTarget& t : targets) {
    std::string hinted;
    if (t.home >= 0) {
      cluster::AppendHintPutRequest(&hinted, config_.replicas[t.home].id, key,
                                    encoded);
    }
    if (links_[t.replica]->Send(t.home < 0 ? plain : hinted, id,
                                kWriteReplyBytes, FlowOf(key))) {
      ref.waiting.push_back(t.replica);
      sloppy |= t.home >= 0;
      counters_.hinted_writes += t.home >= 0;
    } else {
      ref.tracker.AddFailure();
    }
  }
  counters_.sloppy_writes += sloppy;
  Settle(id, ref);
}

void Coordinator::OnPeerReply(uint64_t op_id, int peer, net::PeerReply* reply) {
  auto it = ops_.find(op_id);
  if (it == ops_.end()) return;  // timed out: swallow the late reply
  Op& op = *it->second;
  OwnerScope scope(*this, op.owner);
  const auto replica = static_cast<uint16_t>(peer);
  const bool read = !op.is_write && !op.ask;
  const bool digest = read && std::erase(op.digest_asked, replica) > 0;
  if (!digest && reply != nullptr &&
      reply->type == net::PeerReply::Type::kInteger && read &&
      AskAgainWithRoom(op_id, op, replica, reply->integer)) {
    return;  // still waiting for `replica`
  }
  std::erase(op.waiting, replica);
  const bool fetched = read && std::erase(op.fetching, replica) > 0;
  // Speculation follows how long reads of records take from the op's
  // start: digests, which read no value, and records fetched after a
  // digest, which began later, would skew it.
  if (read && reply != nullptr && !digest && !fetched) {
    const uint64_t now = loop_.now_ms();
    speculation_.Record(now > op.sent_ms ? now - op.sent_ms : 0, now);
  }
  if (reply != nullptr && reply->type == net::PeerReply::Type::kError &&
      op.refusal.empty()) {
    op.refusal = reply->str;
  }
  bool taken = false;
  if (op.ask) {
    taken = TakeAskReply(op.replied, op.replies, reply);
  } else if (digest) {
    taken = TakeDigest(op, replica, reply);  // parked: counted below
  } else {
    taken = TakeRecord(op, replica, reply);
    op.record_answered |= taken && read;
  }
  if (!taken) {
    op.tracker.AddFailure();
    // The read still needs an answer: the next replica takes this one's
    // place at once.
    if (read && !op.replied) AskNextForRead(op_id, op, counters_.read_retries);
  } else if (!digest) {
    op.tracker.AddSuccess();
    // A read already answered: an older late answer still gets repaired.
    if (op.replied && read) (void)Repair(op);
  }
  if (read) ResolveParked(op_id, op);
  Settle(op_id, op);
}

bool Coordinator::AskAgainWithRoom(uint64_t op_id, Op& op, uint16_t replica,
                                   int64_t length) {
  // An answered read keeps late answers for read repair only; it does not
  // fetch a large record again for that (anti-entropy repairs it).
  if (op.replied || length < 0) return false;
  std::string command;
  const auto room = static_cast<size_t>(length);
  cluster::AppendGetRequest(&command, op.key, room);
  return links_[replica]->Send(command, op_id, room + kReplyFraming,
                               FlowOf(op.key));
}

bool Coordinator::StillWanted(uint64_t op_id) {
  auto it = ops_.find(op_id);
  return it != ops_.end() && Wanted(*it->second);  // gone: past its deadline
}

bool Coordinator::Wanted(const Op& op) const {
  // A write goes on once begun, as Redis runs a command it has read; a
  // read for a client that has gone is not worth its bytes.
  return op.is_write || op.for_write || op.owner == 0 || !owner_alive_ ||
         owner_alive_(op.owner);
}

std::optional<ReadAnswer> Coordinator::AnswerOf(const Op& op, uint16_t replica,
                                                const net::PeerReply* reply) {
  using Type = net::PeerReply::Type;
  if (reply == nullptr ||
      (reply->type != Type::kNil && reply->type != Type::kBulk)) {
    return std::nullopt;
  }
  const auto homes_end = op.targets.begin() + static_cast<long>(op.homes);
  ReadAnswer answer{
      replica,
      std::find(op.targets.begin(), homes_end, replica) != homes_end,
      {},
      {}};
  // A stand-in with no hint for the key only says it was not written while
  // a home was down, not that the key is absent: unless the operator chose
  // availability, it does not count toward R.
  if (reply->type == Type::kNil && !op.is_write && !answer.home &&
      !config_.stand_in_notfound_ok) {
    return std::nullopt;
  }
  return answer;
}

bool Coordinator::TakeRecord(Op& op, uint16_t replica, net::PeerReply* reply) {
  std::optional<ReadAnswer> answer = AnswerOf(op, replica, reply);
  if (!answer) return false;
  if (reply->type == net::PeerReply::Type::kBulk) {
    auto view = cluster::ParseRecord(reply->str);
    if (!view.ok()) return false;
    ObserveVersion(view->version);
    auto rank = op.newest.Offer(std::move(reply->str));
    if (!rank.ok()) return false;
    answer->rank = rank.value();
  }
  if (!op.is_write) op.answers.push_back(*answer);
  return true;
}

bool Coordinator::TakeDigest(Op& op, uint16_t replica, net::PeerReply* reply) {
  std::optional<ReadAnswer> answer = AnswerOf(op, replica, reply);
  if (!answer) return false;
  if (reply->type == net::PeerReply::Type::kBulk) {
    auto rank = cluster::DecodeRank(reply->str);
    if (!rank.ok()) return false;
    ObserveVersion(rank->version);
    answer->rank = rank.value();
  }
  op.parked.push_back(*answer);
  return true;
}

void Coordinator::Settle(uint64_t op_id, Op& op) {
  if (!op.replied) {
    switch (op.tracker.outcome()) {
      case cluster::QuorumTracker::Outcome::kReached:
        if (!op.fetching.empty()) break;  // a newer record is coming
        if (op.is_write || op.ask || !op.client || !Repair(op)) {
          Finish(op, QuorumResult::Outcome::kOk);
        }
        break;
      case cluster::QuorumTracker::Outcome::kFailed:
        Finish(op, QuorumResult::Outcome::kNoQuorum);
        break;
      case cluster::QuorumTracker::Outcome::kPending:
        break;
    }
  }
  if (op.replied && op.waiting.empty()) {
    auto node = ops_.extract(op_id);
    if (node) Retire(std::move(node.mapped()));
  }
}

QuorumResult Coordinator::ResultOf(Op& op, QuorumResult::Outcome outcome) {
  QuorumResult result;
  result.outcome = outcome;
  result.is_write = op.is_write;
  result.successes = op.tracker.successes();
  result.needed = op.tracker.needed();
  result.reachable = op.reachable;
  // Late answers to a read may still need the newest record for repair.
  bool keep = !op.is_write && !op.waiting.empty();
  result.record = keep ? op.newest.encoded() : op.newest.Take();
  result.replies = std::move(op.replies);
  result.refusal = std::move(op.refusal);
  if (op.is_write && !result.record.empty()) {
    auto held = cluster::ParseRecord(result.record);
    result.superseded = held.ok() && held->version >= op.written;
  }
  return result;
}

void Coordinator::Finish(Op& op, QuorumResult::Outcome outcome) {
  op.replied = true;
  if (op.client && outcome != QuorumResult::Outcome::kOk) {
    ++counters_.quorum_failures;
  }
  if (!op.done) return;
  DoneFn done = std::move(op.done);
  OwnerScope scope(*this, op.owner);
  done(ResultOf(op, outcome));
}

bool Coordinator::Repair(Op& op) {
  std::optional<cluster::RecordRank> newest;
  if (!op.newest.empty()) newest = op.newest.rank();
  RepairDecision decision =
      DecideRepair(op.answers, newest,
                   {config_.read_repair, config_.read_quorum}, op.replied);
  if (decision.stale.empty()) return false;
  const std::string record = op.newest.encoded();
  if (decision.wait_for == 0) {
    SendRepair(op, record, decision.stale, 0, nullptr);
    return false;
  }
  // Blocking: if the repair cannot get there in time, the read fails rather
  // than break the promise that R replicas hold what it returns.
  op.replied = true;
  DoneFn done = std::move(op.done);
  auto reply =
      std::make_shared<QuorumResult>(ResultOf(op, QuorumResult::Outcome::kOk));
  SendRepair(
      op, record, decision.stale, decision.wait_for,
      [done, reply, holders = decision.holders](QuorumResult&& repair) mutable {
        if (!repair.ok()) {
          reply->outcome = QuorumResult::Outcome::kNoQuorum;
          reply->successes = holders + repair.successes;
          reply->record.clear();
        }
        done(std::move(*reply));
      });
  return true;
}

void Coordinator::SendRepair(const Op& op, std::string_view record,
                             const std::vector<uint16_t>& stale, int needed,
                             DoneFn done) {
  std::string command;
  cluster::AppendPutRequest(&command, op.key, record);
  int n = static_cast<int>(stale.size());
  // A background repair nobody waits for "needs" every ack only so that
  // the op lives until they are all back.
  auto repair = NewOp(true, false, n, needed > 0 ? needed : n, std::move(done));
  repair->deadline_ms = op.deadline_ms;
  Op& ref = *repair;
  uint64_t id = Start(std::move(repair));
  for (uint16_t r : stale) {
    if (links_[r]->Send(command, id, kWriteReplyBytes, FlowOf(op.key))) {
      ref.waiting.push_back(r);
      ++counters_.read_repairs;
    } else {
      ref.tracker.AddFailure();
    }
  }
  Settle(id, ref);
}

void Coordinator::OnDeadline(uint64_t op_id) {
  if (op_id & kSpeculationTag) return Speculate(op_id & ~kSpeculationTag);
  auto it = ops_.find(op_id);
  if (it == ops_.end()) return;
  std::unique_ptr<Op> op = std::move(it->second);
  ops_.erase(it);
  OwnerScope scope(*this, op->owner);
  if (!op->replied) Finish(*op, QuorumResult::Outcome::kNoQuorum);
  // Replicas that let the deadline pass may hang: their links decide.
  for (uint16_t r : op->waiting) links_[r]->NoteTimeout(op_id);
  Retire(std::move(op));
}

void Coordinator::OnPeerState(int peer, bool connected) {
  state_since_[peer] = loop_.now_ms();
  if (connected) {
    ever_up_ = true;
    refusals_[peer] = 0;
    refused_by_[peer].clear();
  }
  const auto& r = config_.replicas[peer];
  net::Log("replica %s (%s:%d) is %s", r.id.c_str(), r.host.c_str(), r.port,
           connected ? "up" : "down");
}

// A refused link stays down and tries again with backoff. A proxy that no
// replica has accepted yet gives up after a few refusals of its proxy-id in
// a row from one replica: another proxy with its proxy-id is alive, and a
// proxy that just restarted has given the replica time to see its old
// connection close. A proxy already serving keeps the link down and goes
// on (its other links were accepted). Any other refusal (a wrong or
// missing replica-password) keeps the link down and the proxy running,
// answering errors, with the reason in its log and INFO.
void Coordinator::OnPeerRefused(int peer, std::string_view error) {
  constexpr int kRefusalsBeforeExit = 3;
  const auto& r = config_.replicas[peer];
  refused_by_[peer] = error;
  std::string message = "replica " + r.id + " (" + r.host + ":" +
                        std::to_string(r.port) +
                        ") refused this proxy: " + std::string(error);
  const bool id_in_use = cluster::IsProxyIdInUseError(error);
  if (!ever_up_ && id_in_use && ++refusals_[peer] >= kRefusalsBeforeExit &&
      fatal_) {
    FatalFn fatal = std::move(fatal_);
    fatal(message);
    return;
  }
  if (refusal_log_.Allow(loop_.now_ms())) {
    net::Log("%s; the link stays down", message.c_str());
  }
}

std::vector<Coordinator::ReplicaState> Coordinator::Replicas() const {
  std::vector<ReplicaState> out;
  for (size_t i = 0; i < links_.size(); ++i) {
    out.push_back({&config_.replicas[i], links_[i]->connected(),
                   loop_.now_ms() - state_since_[i], links_[i]->in_flight(),
                   links_[i]->refused(), refused_by_[i], links_[i]->waiting()});
  }
  return out;
}

}  // namespace leaderless::proxy
