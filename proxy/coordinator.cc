// Life of a quorum op:
//
//   Read/Write ─▶ Dispatch: N replicas of the key on the ring; fewer than
//                 R/W connected -> UNAVAILABLE at once, nothing sent
//              ─▶ one serialised command, Send() on each connected link,
//                 a deadline in the DeadlineQueue
//   OnPeerReply ─▶ QuorumTracker; the first decisive answer (R/W successes,
//                 or too many failures) replies through `done`
//   OnDeadline  ─▶ still undecided: NOQUORUM; replicas that did not answer
//                 are reported to their links (repeated timeouts: down)
//   The op is forgotten once every sent request came back or its deadline
//   passed; replies after that find no op and are dropped.

#include "proxy/coordinator.h"

#include "protocol/net/log.h"
#include "protocol/resp/reply_writer.h"

namespace leaderless::proxy {
namespace {

std::vector<std::string> ReplicaIds(const cluster::Config& config) {
  std::vector<std::string> ids;
  for (const auto& r : config.replicas) ids.push_back(r.id);
  return ids;
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
  if (is_write) {
    return "NOQUORUM " + n +
           " replicas acknowledged the write in time; it may have been "
           "applied on some replicas";
  }
  return "NOQUORUM " + n + " replicas answered the read in time";
}

Coordinator::Coordinator(const cluster::Config& config, uv_loop_t* loop)
    : config_(config),
      loop_(loop),
      ring_(ReplicaIds(config), config.tokens_per_replica),
      clock_(static_cast<uint32_t>(config.proxy_id)),
      state_since_(config.replicas.size(), uv_now(loop)),
      deadlines_(net::DeadlineQueue::Create(
          loop, [this](uint64_t id) { OnDeadline(id); })) {
  for (size_t i = 0; i < config.replicas.size(); ++i) {
    const auto& r = config.replicas[i];
    links_.push_back(
        net::PeerLink::Create(loop, static_cast<int>(i), r.host, r.port, this));
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

uint64_t Coordinator::WallMs() const {
  uv_timeval64_t tv;
  uv_gettimeofday(&tv);
  return static_cast<uint64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

void Coordinator::Read(std::string_view key, DoneFn done) {
  command_.clear();
  resp::AppendCommand(&command_, {"LL.GET", key});
  Dispatch(key, false, command_, std::move(done));
}

void Coordinator::Write(std::string_view key, const cluster::Record& record,
                        DoneFn done) {
  std::string encoded = cluster::EncodeRecord(record);
  command_.clear();
  resp::AppendCommand(&command_, {"LL.PUT", key, encoded});
  Dispatch(key, true, command_, std::move(done));
}

void Coordinator::Dispatch(std::string_view key, bool is_write,
                           const std::string& command, DoneFn done) {
  const int n = config_.replication_factor;
  const int needed = is_write ? config_.write_quorum : config_.read_quorum;
  auto walk = ring_.Walk(key).first(n);
  int reachable = 0;
  for (uint16_t r : walk) reachable += links_[r]->connected() ? 1 : 0;

  auto op = std::make_unique<Op>(Op{is_write,
                                    false,
                                    {},
                                    reachable,
                                    cluster::QuorumTracker(n, needed),
                                    {},
                                    std::move(done)});
  if (reachable < needed) {
    Reply(*op, QuorumResult::Outcome::kUnavailable);
    return;
  }
  uint64_t id = next_op_id_++;
  for (uint16_t r : walk) {
    if (links_[r]->Send(command, id)) {
      op->waiting.push_back(r);
    } else {
      op->tracker.AddFailure();  // down, or its link is full
    }
  }
  Op& ref = *op;
  ops_.emplace(id, std::move(op));
  deadlines_->Add(uv_now(loop_) + config_.request_timeout_ms, id);
  Settle(id, ref);
}

void Coordinator::OnPeerReply(uint64_t op_id, int peer, net::PeerReply* reply) {
  auto it = ops_.find(op_id);
  if (it == ops_.end()) return;  // timed out: swallow the late reply
  Op& op = *it->second;
  std::erase(op.waiting, static_cast<uint16_t>(peer));
  using Type = net::PeerReply::Type;
  if (reply == nullptr || reply->type == Type::kError) {
    op.tracker.AddFailure();
  } else if (reply->type == Type::kNil) {
    op.tracker.AddSuccess();
  } else if (reply->type == Type::kBulk) {
    std::string record = std::move(reply->str);
    auto view = cluster::ParseRecord(record);
    if (view.ok()) clock_.Observe(view->version);
    if (view.ok() && op.newest.Offer(std::move(record)).ok()) {
      op.tracker.AddSuccess();
    } else {
      op.tracker.AddFailure();
    }
  } else {
    op.tracker.AddFailure();
  }
  Settle(op_id, op);
}

void Coordinator::Settle(uint64_t op_id, Op& op) {
  if (!op.replied) {
    switch (op.tracker.outcome()) {
      case cluster::QuorumTracker::Outcome::kReached:
        Reply(op, QuorumResult::Outcome::kOk);
        break;
      case cluster::QuorumTracker::Outcome::kFailed:
        Reply(op, QuorumResult::Outcome::kNoQuorum);
        break;
      case cluster::QuorumTracker::Outcome::kPending:
        break;
    }
  }
  if (op.replied && op.waiting.empty()) ops_.erase(op_id);
}

void Coordinator::Reply(Op& op, QuorumResult::Outcome outcome) {
  op.replied = true;
  if (outcome != QuorumResult::Outcome::kOk) ++quorum_failures_;
  QuorumResult result;
  result.outcome = outcome;
  result.is_write = op.is_write;
  result.successes = op.tracker.successes();
  result.needed = op.tracker.needed();
  result.reachable = op.reachable;
  result.record = op.newest.Take();
  DoneFn done = std::move(op.done);
  done(std::move(result));
}

void Coordinator::OnDeadline(uint64_t op_id) {
  auto it = ops_.find(op_id);
  if (it == ops_.end()) return;
  std::unique_ptr<Op> op = std::move(it->second);
  ops_.erase(it);
  if (!op->replied) Reply(*op, QuorumResult::Outcome::kNoQuorum);
  // Replicas that let the deadline pass may hang: their links decide.
  for (uint16_t r : op->waiting) links_[r]->NoteTimeout();
}

void Coordinator::OnPeerState(int peer, bool connected) {
  state_since_[peer] = uv_now(loop_);
  const auto& r = config_.replicas[peer];
  net::Log("replica %s (%s:%d) is %s", r.id.c_str(), r.host.c_str(), r.port,
           connected ? "up" : "down");
}

std::vector<Coordinator::ReplicaState> Coordinator::Replicas() const {
  std::vector<ReplicaState> out;
  for (size_t i = 0; i < links_.size(); ++i) {
    out.push_back({&config_.replicas[i], links_[i]->connected(),
                   uv_now(loop_) - state_since_[i], links_[i]->in_flight()});
  }
  return out;
}

}  // namespace leaderless::proxy
