#include "replica/group_commit.h"

#include <algorithm>
#include <set>
#include <utility>

#include "protocol/cluster/record.h"
#include "protocol/net/work_queue.h"

namespace leaderless::replica {

GroupCommit::GroupCommit(net::Loop& loop, RecordStore* store,
                         std::unique_ptr<RecordIndex> index,
                         cluster::AppendFsync mode, DoneFn done, LostFn lost)
    : loop_(loop),
      store_(store),
      index_(std::move(index)),
      mode_(mode),
      done_(std::move(done)),
      lost_(std::move(lost)),
      check_(net::IterationHook::Create(loop, [this] { FlushOpen(); })),
      everysec_(net::Timer::Create(loop, [this] { SyncEverySecond(); })),
      pace_(net::Timer::Create(loop,
                               [this] {
                                 pace_armed_ = false;
                                 FlushOpen();
                               })),
      pacer_(store->tuning().level0_pace_tables) {}

GroupCommit* GroupCommit::Create(net::Loop& loop, RecordStore* store,
                                 std::unique_ptr<RecordIndex> index,
                                 cluster::AppendFsync mode, DoneFn done,
                                 LostFn lost) {
  auto* gc = new GroupCommit(loop, store, std::move(index), mode,
                             std::move(done), std::move(lost));
  if (mode == cluster::AppendFsync::kEverySec) gc->everysec_->Start(1000, 1000);
  return gc;
}

cluster::Result<std::optional<std::string>> GroupCommit::Lookup(
    std::string_view key) {
  // Without writes the overlay is empty: spare reads its hashing.
  if (!overlay_.empty()) {
    auto it = overlay_.find(key);
    if (it != overlay_.end()) {
      if (it->second.record.empty()) return std::optional<std::string>();
      return std::optional<std::string>(std::string_view(it->second.record));
    }
  }
  HeldRecord held;
  switch (index_->Peek(key, &held)) {
    case RecordIndex::Known::kAbsent:
      return std::optional<std::string>();
    case RecordIndex::Known::kHeld:  // a tombstone
      return std::optional<std::string>(held.Header());
    case RecordIndex::Known::kAskStore:
      break;
  }
  return store_->Get(key);
}

cluster::Result<std::optional<HeldRecord>> GroupCommit::Summary(
    std::string_view key) {
  if (!overlay_.empty()) {
    auto it = overlay_.find(key);
    if (it != overlay_.end()) {
      const Pending& p = it->second;
      if (p.record.empty()) return std::optional<HeldRecord>();
      return std::optional<HeldRecord>(HeldRecord::Of(p.record, p.digest));
    }
  }
  bool not_a_record = false;
  auto held = HeldInStore(key, &not_a_record);
  // LL.GET would answer those bytes, which its asker counts as a failure:
  // a digest read must not count them as nothing.
  if (not_a_record) return cluster::Status::Corruption("not a record");
  return held;
}

std::optional<std::string_view> GroupCommit::NewestScanned(
    std::string_view key, std::string_view stored) const {
  auto it = overlay_.find(key);
  if (it == overlay_.end()) return stored;
  if (it->second.record.empty()) return std::nullopt;  // deleted
  return std::string_view(it->second.record);
}

cluster::Result<std::optional<HeldRecord>> GroupCommit::HeldInStore(
    std::string_view key, bool* not_a_record) {
  HeldRecord held;
  switch (index_->Find(key, &held)) {
    case RecordIndex::Known::kHeld:
      return std::optional<HeldRecord>(held);
    case RecordIndex::Known::kAbsent:
      return std::optional<HeldRecord>();
    case RecordIndex::Known::kAskStore:
      break;
  }
  ++stats_.store_reads;
  auto stored = store_->Get(key);
  if (!stored.ok()) return stored.status();
  if (!stored.value()) return std::optional<HeldRecord>();
  // Nothing is pending under `key`: the store's record is the newest, and
  // the index may keep it.
  std::optional<HeldRecord> summary = HeldRecord::Of(*stored.value());
  if (!summary && not_a_record != nullptr) *not_a_record = true;
  index_->Put(key, summary);
  return summary;
}

cluster::Result<bool> GroupCommit::SupersedesStored(
    std::string_view key, std::string_view encoded,
    const cluster::RecordRank& rank, const std::optional<HeldRecord>& held) {
  if (!held) return true;
  const cluster::RecordRank held_rank = held->Rank();
  if (rank != held_rank) return rank > held_rank;
  // Equal ranks: the same record, unless two digests collide; only the
  // bytes can tell (cluster::CompareRecords).
  ++stats_.store_reads;
  auto stored = store_->Get(key);
  if (!stored.ok()) return stored.status();
  return !stored.value() || cluster::Supersedes(encoded, *stored.value());
}

cluster::Result<GroupCommit::Offered> GroupCommit::Offer(
    std::string_view key, std::string_view encoded, uint64_t token) {
  Offered offered;
  offered.rank = cluster::RankOf(encoded);
  auto pending = overlay_.find(key);
  const bool is_pending = pending != overlay_.end();
  if (is_pending) {
    const Pending& p = pending->second;
    if (!p.record.empty()) {
      offered.before = HeldRecord::Of(p.record, p.digest);
    }
    offered.applied =
        p.record.empty() || cluster::Supersedes(encoded, p.record);
  } else {
    auto held = HeldInStore(key);
    if (!held.ok()) return held.status();
    offered.before = held.value();
    auto supersedes =
        SupersedesStored(key, encoded, offered.rank, offered.before);
    if (!supersedes.ok()) return supersedes.status();
    offered.applied = supersedes.value();
  }
  Batch& open = Open();
  if (!offered.applied) {
    // Already superseded (or held): of two records of one version, the
    // greater stays on every replica. The ack still waits for this batch,
    // so that the record it yields to is durable by then; if that record
    // is pending, its batch may yet fail.
    ++stats_.superseded;
    if (is_pending) {
      open.yielded.push_back({token, pending->second.stage});
    } else {
      open.tokens.push_back(token);
    }
    return offered;
  }
  open.tokens.push_back(token);
  Stage(key, encoded, HeldRecord::Of(encoded, offered.rank.digest));
  return offered;
}

void GroupCommit::Stage(std::string_view key, std::string_view encoded,
                        const std::optional<HeldRecord>& held) {
  Batch& open = Open();
  const uint64_t stage = next_stage_++;
  auto it = overlay_.find(key);
  if (it == overlay_.end()) {
    it = overlay_
             .emplace(std::piecewise_construct, std::forward_as_tuple(key),
                      std::forward_as_tuple())
             .first;
  }
  Pending& pending = it->second;
  pending.record.assign(encoded);
  pending.digest = held ? held->digest : 0;
  pending.stage = stage;
  if (held) {
    index_->Put(key, held);
    open.writes.Put(key, encoded);
  } else {
    index_->Erase(key);
    open.writes.Delete(key);
  }
  open.written.push_back({it->first, held, stage});
}

void GroupCommit::SyncEverySecond() {
  if (!dirty_since_sync_) return;
  if (running_) {
    // A sync here would wait behind the worker's batch on the loop thread:
    // the next batch the worker writes syncs instead.
    sync_owed_ = true;
    return;
  }
  if (CompactionBehind()) {
    // LevelDB stalls a sync as it stalls a write: on the worker, alone.
    sync_owed_ = true;
    RunOnWorker(spare_ ? std::move(spare_) : std::make_unique<Batch>());
    return;
  }
  dirty_since_sync_ = false;
  sync_owed_ = false;
  ++stats_.syncs;
  (void)store_->Sync();  // as Redis: a failed sync is retried
}

GroupCommit::Batch& GroupCommit::Open() {
  if (!open_) {
    open_ = spare_ ? std::move(spare_) : std::make_unique<Batch>();
    open_->opened_ms = loop_.now_ms();
  }
  return *open_;
}

void GroupCommit::Batch::Clear() {
  writes.Clear();
  written.clear();
  tokens.clear();
  yielded.clear();
  status = cluster::Status::OK();
  sync = false;
}

cluster::Result<bool> GroupCommit::Replace(std::string_view key,
                                           std::string_view expected,
                                           std::string_view replacement) {
  std::optional<HeldRecord> held;
  if (!replacement.empty()) {
    held = HeldRecord::Of(replacement);
    if (!held) return cluster::Status::InvalidArgument("not a record");
  }
  auto current = Lookup(key);
  if (!current.ok()) return current.status();
  if (!current.value() || *current.value() != expected) {
    return false;  // gone already, or superseded
  }
  Stage(key, replacement, held);
  return true;
}

void GroupCommit::FlushOpen() {
  if (!open_ || (open_->tokens.empty() && open_->yielded.empty() &&
                 open_->writes.empty())) {
    return;
  }
  if (running_) return;  // OnWorkDone flushes again
  if (Paced()) return;   // the pace timer flushes
  if (open_->writes.empty() ||
      (mode_ != cluster::AppendFsync::kAlways && !CompactionBehind())) {
    // Nothing to sync: written here, at once. (Only superseded writes: what
    // superseded them is durable already, nothing being on the worker.)
    std::unique_ptr<Batch> batch = std::move(open_);
    batch->started_ms = loop_.now_ms();
    if (!batch->writes.empty()) {
      batch->status = store_->Write(batch->writes, /*sync=*/false);
      dirty_since_sync_ = true;
    }
    Finish(std::move(batch));
    return;
  }
  // To sync, or LevelDB would slow or stop this write until compaction
  // catches up: on the worker, so that the loop goes on serving reads while
  // the writes that arrive meanwhile gather into the next batch and their
  // sessions' replies wait (push-back, see BehindWrites in README).
  RunOnWorker(std::move(open_));
}

void GroupCommit::RunOnWorker(std::unique_ptr<Batch> batch) {
  batch->sync = mode_ == cluster::AppendFsync::kAlways ||
                std::exchange(sync_owed_, false);
  batch->started_ms = loop_.now_ms();
  running_ = std::move(batch);
  net::QueueWork(
      loop_, [this] { OnWork(); }, [this] { OnWorkDone(); });
}

int GroupCommit::Level0() {
  // One LevelDB property read per millisecond at most.
  const uint64_t now = loop_.now_ms();
  if (now != level0_checked_ms_) {
    level0_checked_ms_ = now;
    level0_ = store_->Level0Files();
  }
  return level0_;
}

bool GroupCommit::CompactionBehind() {
  return Level0() >= store_->tuning().level0_behind_tables;
}

bool GroupCommit::Paced() {
  const uint64_t now = loop_.now_ms();
  // However the pace goes, no write waits in the open batch longer than
  // the pacer's bound.
  const uint64_t ready =
      std::min(pacer_.ReadyAtMs(), open_->opened_ms + WritePacer::kMaxWaitMs);
  if (closing_ || now >= ready) return false;
  if (!pace_armed_) {
    pace_armed_ = true;
    ++stats_.paced_batches;
    pace_->Start(ready - now);
  }
  return true;
}

void GroupCommit::OnWork() {
  // Worker thread: touches only running_, which the loop leaves alone until
  // OnWorkDone.
  running_->status = store_->Write(running_->writes, running_->sync);
}

void GroupCommit::OnWorkDone() {
  std::unique_ptr<Batch> batch = std::move(running_);
  if (mode_ != cluster::AppendFsync::kAlways && !batch->writes.empty()) {
    ++stats_.behind_batches;
  }
  stats_.syncs += batch->sync;
  // No inline write runs while a batch is on the worker: a sync covers all.
  dirty_since_sync_ = !batch->sync || !batch->status.ok();
  if (!batch->status.ok()) FailYieldedTo(*batch);
  Finish(std::move(batch));
  FlushOpen();  // also while closing: accepted writes still land
  if (closing_ && !running_ && open_handles_ == 0) delete this;
}

void GroupCommit::Finish(std::unique_ptr<Batch> finished) {
  const Batch& batch = *finished;
  ++stats_.batches;
  pacer_.Wrote(batch.writes.bytes(), Level0(), batch.started_ms,
               loop_.now_ms());
  stats_.applied += batch.writes.count();
  for (const Written& w : batch.written) {
    auto it = overlay_.find(w.key);
    if (it == overlay_.end() || it->second.stage != w.stage) continue;
    if (batch.status.ok()) {
      overlay_.erase(it);  // ends w.key
      continue;
    }
    // The newest record accepted under the key is lost: lookups see what
    // the store holds again.
    const std::string key(w.key);
    overlay_.erase(it);
    IndexTheStore(key);
    if (lost_) {
      lost_(key, w.record ? std::optional(w.record->Rank()) : std::nullopt);
    }
  }
  for (uint64_t token : batch.tokens) done_(token, batch.status);
  for (const Yield& y : batch.yielded) done_(y.token, batch.status);
  // One burst's batch would keep its size for good.
  constexpr size_t kKeptBatchBytes = 4 << 20;
  if (batch.writes.bytes() <= kKeptBatchBytes) {
    finished->Clear();
    spare_ = std::move(finished);
  }
}

void GroupCommit::IndexTheStore(std::string_view key) {
  auto stored = store_->Get(key);
  if (!stored.ok()) {
    index_->Put(key, std::nullopt);  // lookups will read the store
  } else if (!stored.value()) {
    index_->Erase(key);
  } else {
    index_->Put(key, HeldRecord::Of(*stored.value()));
  }
}

void GroupCommit::FailYieldedTo(const Batch& failed) {
  if (!open_) return;
  std::set<uint64_t> lost;
  for (const Written& w : failed.written) lost.insert(w.stage);
  std::vector<uint64_t> tokens;
  std::erase_if(open_->yielded, [&](const Yield& y) {
    if (!lost.contains(y.to)) return false;
    tokens.push_back(y.token);
    return true;
  });
  for (uint64_t token : tokens) done_(token, failed.status);
}

void GroupCommit::Close() {
  if (closing_) return;
  closing_ = true;
  FlushOpen();
  for (net::Handle* h :
       {static_cast<net::Handle*>(check_), static_cast<net::Handle*>(everysec_),
        static_cast<net::Handle*>(pace_)}) {
    h->Close([this] {
      // A batch still on the worker frees us from OnWorkDone instead.
      if (--open_handles_ == 0 && !running_) delete this;
    });
  }
}

}  // namespace leaderless::replica
