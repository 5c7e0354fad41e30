#include "replica/sweeper.h"

#include <algorithm>

#include "protocol/cluster/record.h"
#include "protocol/net/clock.h"
#include "protocol/net/log.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

constexpr uint64_t kTickMs = 100;

// A pass: the data, then (after the flush mark, which Visit skips) every
// hint.
KeyRange SweptKeys() { return {AllData().begin, AllHints().end}; }

}  // namespace

Sweeper::Sweeper(const cluster::Config& config, net::Loop& loop,
                 GroupCommit* group_commit, PeerTrees* trees,
                 const FlushMark* flush, HintLedger* ledger)
    : config_(config),
      group_commit_(group_commit),
      trees_(trees),
      flush_(flush),
      ledger_(ledger),
      timer_(net::Timer::Create(loop, [this] { Tick(); })) {}

Sweeper* Sweeper::Create(const cluster::Config& config, net::Loop& loop,
                         GroupCommit* group_commit, PeerTrees* trees,
                         const FlushMark* flush, HintLedger* ledger) {
  auto* s = new Sweeper(config, loop, group_commit, trees, flush, ledger);
  s->timer_->Start(kTickMs, kTickMs);
  return s;
}

void Sweeper::Tick() {
  size_t budget = std::max<size_t>(
      1, static_cast<size_t>(config_.expiry_sweep_rate) * kTickMs / 1000);
  uint64_t now = net::WallMs();
  auto last = group_commit_->store()->Scan(
      SweptKeys(), cursor_, budget,
      [&](std::string_view key, std::string_view stored) {
        // A pending record is newer than the store's: act on that one.
        auto held = group_commit_->NewestScanned(key, stored);
        if (held) Visit(key, *held, now);
        return true;
      });
  if (!last.ok()) {
    net::Log("expiry sweep failed: %s", last.status().message().c_str());
    return;
  }
  cursor_ = std::move(last.value());
  if (cursor_.empty()) {  // the pass reached the end
    last_pass_ = current_;
    current_ = Counts{};
    ++passes_;
    ledger_->PassDone();
  }
}

void Sweeper::Visit(std::string_view storage_key, std::string_view held,
                    uint64_t now_ms) {
  auto key = ParseDataKey(storage_key);
  if (!key) return VisitHint(storage_key, held, now_ms);
  auto record = cluster::ParseRecord(held);
  if (!record.ok()) return;
  if (flush_->Covers(record->version) ||
      cluster::IsPurgeable(*record, now_ms,
                           static_cast<uint64_t>(config_.gc_grace_ms))) {
    // A copy (only of records acted on): replacing the record ends the
    // view of a pending one.
    const std::string encoded(held);
    auto removed = group_commit_->Remove(storage_key, encoded);
    if (removed.ok() && removed.value()) {
      trees_->Update(key->key, cluster::RankOf(encoded), std::nullopt);
      ++purged_;
    }
  } else if (record->tombstone) {
    // A tombstone with an expiry is an expired value turned into one.
    ++(record->expire_at_ms != 0 ? current_.expired : current_.tombstones);
  } else if (!record->IsLive(now_ms)) {
    ++current_.expired;
    // Same version; the trees cover the kind too, so they follow.
    cluster::Record tombstone;
    tombstone.version = record->version;
    tombstone.tombstone = true;
    tombstone.expire_at_ms = record->expire_at_ms;
    std::string replacement = cluster::EncodeRecord(tombstone);
    const std::string encoded(held);  // as above
    auto replaced = group_commit_->Replace(storage_key, encoded, replacement);
    if (replaced.ok() && replaced.value()) {
      trees_->Update(key->key, cluster::RankOf(encoded),
                     cluster::RankOf(replacement));
    }
  } else {
    ++current_.live;
  }
}

void Sweeper::VisitHint(std::string_view storage_key, std::string_view held,
                        uint64_t now_ms) {
  auto hint = ParseHintKey(storage_key);
  if (!hint) return;  // the flush mark
  auto record = cluster::ParseRecord(held);
  if (!record.ok()) return;
  if (!flush_->Covers(record->version) &&
      !HintOutlived(record->version.wall_ms, now_ms,
                    static_cast<uint64_t>(config_.gc_grace_ms))) {
    ledger_->Seen(hint->home, record->version.wall_ms);
    return;
  }
  // Safe to drop undelivered: see HintOutlived.
  const std::string encoded(held);  // as in Visit
  auto removed = group_commit_->Remove(storage_key, encoded);
  if (removed.ok() && removed.value()) {
    ledger_->Dropped(hint->home, HintBytes(storage_key, encoded));
  }
}

void Sweeper::Close() {
  timer_->Close([this] { delete this; });
}

}  // namespace leaderless::replica
