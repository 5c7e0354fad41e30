// Every tick (100 ms) the budget of records for the tick (handoff-rate / 10)
// is shared by the homes that are up and have hints pending. For each, a
// prefix scan resumes after the last hint sent in the current pass and sends
// up to its share as LL.PUT over a link to the home; each ack deletes its
// hint (if no newer hint replaced it meanwhile). A pass that reaches the end
// of a home's hints starts over, which resends the ones whose ack never
// came.

#include "replica/hinted_handoff.h"

#include <algorithm>

#include "protocol/cluster/record.h"
#include "protocol/cluster/replica_protocol.h"
#include "protocol/net/clock.h"
#include "protocol/net/log.h"
#include "replica/peer_links.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

constexpr uint64_t kTickMs = 100;
// Unanswered handoff requests per home: enough to keep a link busy, few
// enough that a home that hangs holds little.
constexpr size_t kMaxInFlightPerHome = 256;

}  // namespace

HintedHandoff::HintedHandoff(const cluster::Config& config, net::Loop& loop,
                             RecordStore* store, GroupCommit* group_commit,
                             const FlushMark* flush, HintLedger* ledger)
    : config_(config),
      loop_(loop),
      store_(store),
      group_commit_(group_commit),
      flush_(flush),
      ledger_(ledger),
      timer_(net::Timer::Create(loop, [this] { Tick(); })) {
  for (const auto& r : config.replicas) {
    if (r.id == config.replica_id) continue;
    homes_.push_back({&r, nullptr, {}, {}});
  }
}

cluster::Result<HintedHandoff*> HintedHandoff::Create(
    const cluster::Config& config, net::Loop& loop, RecordStore* store,
    GroupCommit* group_commit, const FlushMark* flush, HintLedger* ledger) {
  auto* h = new HintedHandoff(config, loop, store, group_commit, flush, ledger);
  cluster::Status counted = h->CountHints();
  if (!counted.ok()) {
    h->Close();
    return counted;
  }
  if (config.hinted_handoff) {
    net::PeerLinkOptions options = PeerLinkOptionsFor(config);
    options.max_in_flight = kMaxInFlightPerHome;
    for (size_t i = 0; i < h->homes_.size(); ++i) {
      const auto* a = h->homes_[i].address;
      h->homes_[i].link = net::PeerLink::Create(loop, static_cast<int>(i),
                                                a->host, a->port, h, options);
    }
    h->timer_->Start(kTickMs, kTickMs);
  }
  return h;
}

cluster::Status HintedHandoff::CountHints() {
  auto last =
      store_->Scan(AllHints(), "", SIZE_MAX,
                   [this](std::string_view key, std::string_view record) {
                     auto parts = ParseHintKey(key);
                     auto view = cluster::ParseRecord(record);
                     if (parts && view.ok()) {
                       ledger_->Stored(parts->home, HintBytes(key, record),
                                       std::nullopt, view->version.wall_ms);
                     }
                     return true;
                   });
  return last.ok() ? cluster::Status::OK() : last.status();
}

void HintedHandoff::Tick() {
  std::vector<size_t> ready;
  for (size_t i = 0; i < homes_.size(); ++i) {
    const Home& h = homes_[i];
    auto held = ledger_->homes().find(h.address->id);
    if (h.link->connected() && held->second.pending > 0 &&
        h.link->in_flight() < kMaxInFlightPerHome) {
      ready.push_back(i);
    }
  }
  if (ready.empty()) return;
  size_t budget = std::max<size_t>(1, config_.handoff_rate * kTickMs / 1000);
  size_t share = std::max<size_t>(1, budget / ready.size());
  uint64_t now = net::WallMs();
  for (size_t i : ready) SendSome(i, share, now);
}

void HintedHandoff::SendSome(size_t home, size_t budget, uint64_t now_ms) {
  Home& h = homes_[home];
  budget = std::min(budget, kMaxInFlightPerHome - h.link->in_flight());
  auto last = store_->Scan(HintsFor(h.address->id), h.cursor, budget,
                           [&](std::string_view key, std::string_view record) {
                             Send(home, key, record, now_ms);
                             return true;
                           });
  if (!last.ok()) {
    net::Log("hint scan for %s failed: %s", h.address->id.c_str(),
             last.status().message().c_str());
    return;
  }
  // An empty result means the pass reached the end: start the next one.
  h.cursor = std::move(last.value());
}

void HintedHandoff::Send(size_t home, std::string_view storage_key,
                         std::string_view record, uint64_t now_ms) {
  auto view = cluster::ParseRecord(record);
  if (!view.ok() || flush_->Covers(view->version) ||
      HintOutlived(view->version.wall_ms, now_ms,
                   static_cast<uint64_t>(config_.gc_grace_ms))) {
    // Flushed, past gc-grace (or unreadable): writing it home could only
    // bring back what a delete or a flush removed.
    auto removed = group_commit_->Remove(storage_key, record);
    if (removed.ok() && removed.value()) {
      ledger_->Dropped(homes_[home].address->id,
                       HintBytes(storage_key, record));
    }
    return;
  }
  if (sending_.count(storage_key) != 0) return;  // its ack is on the way
  auto parts = ParseHintKey(storage_key);
  std::string command;
  cluster::AppendPutRequest(&command, parts->key, record);
  uint64_t id = next_op_id_++;
  // The answer is a record header (handoff-rate paces the sends).
  if (homes_[home].link->Send(command, id, cluster::kRecordHeaderSize)) {
    in_flight_.emplace(
        id, InFlight{home, std::string(storage_key), std::string(record)});
    sending_.emplace(storage_key);
  }
}

void HintedHandoff::OnPeerReply(uint64_t op_id, int, net::PeerReply* reply) {
  auto it = in_flight_.find(op_id);
  if (it == in_flight_.end()) return;
  InFlight done = std::move(it->second);
  in_flight_.erase(it);
  sending_.erase(done.storage_key);
  if (reply == nullptr || reply->type == net::PeerReply::Type::kError) {
    return;  // the next pass resends it
  }
  auto held = group_commit_->Lookup(done.storage_key);
  if (!held.ok() || !held.value() || *held.value() != done.record) {
    return;  // delivered by an earlier pass, or a newer hint replaced it
  }
  auto removed = group_commit_->Remove(done.storage_key, done.record);
  if (removed.ok() && removed.value()) {
    ledger_->Delivered(homes_[done.home].address->id,
                       HintBytes(done.storage_key, done.record));
  }
}

void HintedHandoff::OnPeerState(int peer, bool connected) {
  const auto* a = homes_[peer].address;
  net::Log("handoff link to %s (%s:%d) is %s", a->id.c_str(), a->host.c_str(),
           a->port, connected ? "up" : "down");
  homes_[peer].cursor.clear();  // a fresh pass from the first hint
}

void HintedHandoff::OnPeerRefused(int peer, std::string_view error) {
  Home& home = homes_[peer];
  LogPeerRefused(home.refusal_log, loop_.now_ms(), *home.address, "handoff",
                 error);
}

void HintedHandoff::Close() {
  if (closing_) return;
  closing_ = true;
  for (Home& h : homes_) {
    if (h.link) h.link->Close();
    h.link = nullptr;
  }
  timer_->Close([this] { delete this; });
}

}  // namespace leaderless::replica
