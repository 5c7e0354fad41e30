#include "replica/group_commit.h"

#include <set>

#include "protocol/cluster/record.h"
#include "protocol/net/work_queue.h"

namespace leaderless::replica {
namespace {

// Names one record exactly: its encoded rank; "" for a pending delete.
std::string RankBytes(std::string_view encoded) {
  if (encoded.empty()) return {};
  return cluster::EncodeRank(cluster::RankOf(encoded));
}

// Whether `encoded` ("" for a pending delete) is the record `rank` names
// (RankBytes). Hashes the record only when the versions match.
bool IsRecord(std::string_view encoded, std::string_view rank) {
  if (encoded.empty() || rank.empty()) return encoded.empty() == rank.empty();
  if (cluster::EncodedVersion(encoded) !=
      rank.substr(0, cluster::kEncodedVersionSize)) {
    return false;
  }
  return RankBytes(encoded) == rank;
}

}  // namespace

GroupCommit::GroupCommit(net::Loop& loop, RecordStore* store,
                         cluster::AppendFsync mode, DoneFn done, LostFn lost)
    : loop_(loop),
      store_(store),
      mode_(mode),
      done_(std::move(done)),
      lost_(std::move(lost)),
      check_(net::IterationHook::Create(loop, [this] { FlushOpen(); })),
      everysec_(net::Timer::Create(loop, [this] {
        if (!dirty_since_sync_) return;
        dirty_since_sync_ = false;
        ++stats_.syncs;
        (void)store_->Sync();  // as Redis: a failed sync is retried
      })) {}

GroupCommit* GroupCommit::Create(net::Loop& loop, RecordStore* store,
                                 cluster::AppendFsync mode, DoneFn done,
                                 LostFn lost) {
  auto* gc =
      new GroupCommit(loop, store, mode, std::move(done), std::move(lost));
  if (mode == cluster::AppendFsync::kEverySec) gc->everysec_->Start(1000, 1000);
  return gc;
}

cluster::Result<std::optional<std::string>> GroupCommit::Lookup(
    std::string_view key) const {
  auto it = overlay_.find(key);
  if (it == overlay_.end()) return store_->Get(key);
  if (it->second.empty()) return std::optional<std::string>();  // deleted
  return std::optional<std::string>(it->second);
}

std::optional<std::string_view> GroupCommit::NewestScanned(
    std::string_view key, std::string_view stored) const {
  auto it = overlay_.find(key);
  if (it == overlay_.end()) return stored;
  if (it->second.empty()) return std::nullopt;  // deleted
  return std::string_view(it->second);
}

cluster::Result<std::optional<std::string>> GroupCommit::Offer(
    std::string_view key, std::string_view encoded, uint64_t token) {
  auto prev = Lookup(key);
  if (!prev.ok()) return prev.status();
  if (!open_) open_ = std::make_unique<Batch>();
  if (prev.value() && !cluster::Supersedes(encoded, *prev.value())) {
    // Already superseded (or held): of two records of one version, the
    // greater stays on every replica. The ack still waits for this batch,
    // so that the record it yields to is durable by then; if that record
    // is pending, its batch may yet fail.
    ++stats_.superseded;
    if (overlay_.contains(key)) {
      open_->yielded.push_back(
          {token, std::string(key), RankBytes(*prev.value())});
    } else {
      open_->tokens.push_back(token);
    }
  } else {
    open_->tokens.push_back(token);
    overlay_.insert_or_assign(std::string(key), std::string(encoded));
    open_->writes.Put(key, encoded);
    open_->keys.emplace_back(key, RankBytes(encoded));
  }
  return prev;
}

cluster::Result<bool> GroupCommit::Replace(std::string_view key,
                                           std::string_view expected,
                                           std::string_view replacement) {
  auto held = Lookup(key);
  if (!held.ok()) return held.status();
  if (!held.value() || *held.value() != expected) {
    return false;  // gone already, or superseded
  }
  if (!open_) open_ = std::make_unique<Batch>();
  overlay_.insert_or_assign(std::string(key), std::string(replacement));
  if (replacement.empty()) {
    open_->writes.Delete(key);
  } else {
    open_->writes.Put(key, replacement);
  }
  open_->keys.emplace_back(key, RankBytes(replacement));
  return true;
}

void GroupCommit::FlushOpen() {
  if (!open_ || (open_->tokens.empty() && open_->yielded.empty() &&
                 open_->writes.empty())) {
    return;
  }
  if (mode_ != cluster::AppendFsync::kAlways) {
    std::unique_ptr<Batch> batch = std::move(open_);
    if (!batch->writes.empty()) {
      batch->status = store_->Write(batch->writes, /*sync=*/false);
      dirty_since_sync_ = true;
    }
    Finish(*batch);
    return;
  }
  if (running_) return;  // OnWorkDone flushes again
  if (open_->writes.empty()) {
    // Only superseded writes, and nothing on the worker: what superseded
    // them is durable already.
    std::unique_ptr<Batch> batch = std::move(open_);
    Finish(*batch);
    return;
  }
  running_ = std::move(open_);
  net::QueueWork(
      loop_, [this] { OnWork(); }, [this] { OnWorkDone(); });
}

void GroupCommit::OnWork() {
  // Worker thread: touches only running_, which the loop leaves alone until
  // OnWorkDone.
  running_->status = store_->Write(running_->writes, true);
}

void GroupCommit::OnWorkDone() {
  std::unique_ptr<Batch> batch = std::move(running_);
  ++stats_.syncs;
  if (!batch->status.ok()) FailYieldedTo(*batch);
  Finish(*batch);
  FlushOpen();  // also while closing: accepted writes still land
  if (closing_ && !running_ && open_handles_ == 0) delete this;
}

void GroupCommit::Finish(Batch& batch) {
  ++stats_.batches;
  stats_.applied += batch.writes.count();
  for (const auto& [key, rank] : batch.keys) {
    auto it = overlay_.find(key);
    if (it != overlay_.end() && IsRecord(it->second, rank)) {
      overlay_.erase(it);
      if (!batch.status.ok() && lost_) lost_(key, rank);
    }
  }
  for (uint64_t token : batch.tokens) done_(token, batch.status);
  for (const Yield& y : batch.yielded) done_(y.token, batch.status);
}

void GroupCommit::FailYieldedTo(const Batch& failed) {
  if (!open_) return;
  std::set<std::pair<std::string_view, std::string_view>> lost;
  for (const auto& [key, rank] : failed.keys) lost.emplace(key, rank);
  std::vector<uint64_t> tokens;
  std::erase_if(open_->yielded, [&](const Yield& y) {
    if (!lost.contains({y.key, y.rank})) return false;
    tokens.push_back(y.token);
    return true;
  });
  for (uint64_t token : tokens) done_(token, failed.status);
}

void GroupCommit::Close() {
  if (closing_) return;
  closing_ = true;
  FlushOpen();
  for (net::Handle* h : {static_cast<net::Handle*>(check_),
                         static_cast<net::Handle*>(everysec_)}) {
    h->Close([this] {
      // A batch still on the worker frees us from OnWorkDone instead.
      if (--open_handles_ == 0 && !running_) delete this;
    });
  }
}

}  // namespace leaderless::replica
