#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/cluster/status.h"
#include "protocol/net/iteration_hook.h"
#include "protocol/net/loop.h"
#include "protocol/net/timer.h"
#include "replica/held_record.h"
#include "replica/record_index.h"
#include "replica/record_store.h"
#include "replica/string_hash.h"
#include "replica/write_pacer.h"

namespace leaderless::replica {

// Versioned writes with group commit. Every write offered during one loop
// iteration joins one batch, written to the store after the iteration's I/O
// (a net::IterationHook). With `appendfsync always` the batch is written and
// synced on a worker thread, and writes that arrive meanwhile gather into
// the next batch: one fsync covers all of them. With `everysec` and `no`
// the batch is written at once without sync (`everysec` syncs on a timer),
// unless LevelDB's compaction is behind: then it goes to the worker thread
// as with `always` (without sync), so that LevelDB's slowdown and stop
// stall the worker, not the loop, and later writes wait in the next batch.
// The `everysec` sync goes there too while compaction is behind, or rides
// on the batch the worker writes next if one is there already. Before
// LevelDB's slowdown, a WritePacer spaces batches out so that its stop
// trigger is not reached: the open batch waits on a timer.
//
// Keys are storage keys (storage_keys.h): data and hints alike. A record is
// kept only if it supersedes the one held (cluster::Supersedes: a newer
// version, or at an equal version the greater record, so that replicas
// holding two records of one version converge on the same one). Records
// accepted but not yet durable stay in an overlay that reads consult, so a read
// that follows a write on the same connection sees it. A RecordIndex
// summarizes the newest record accepted under each key: what the store holds,
// or what is pending; a batch that fails puts back what the store holds. The
// version check of a write reads the overlay and the index, and LevelDB only
// when the index cannot tell.
//
// Heap-allocated (owns loop handles); Close() it once the loop should end.
class GroupCommit {
 public:
  // Called when a write is durable (or failed): `token` is the caller's,
  // given to Offer().
  using DoneFn = std::function<void(uint64_t token, const cluster::Status&)>;
  // Called when a batch failed, for each record of it that was the newest
  // pending one under its key: lookups of `storage_key` no longer see the
  // record of `rank` (nullopt for a delete) but what the store holds.
  using LostFn =
      std::function<void(std::string_view storage_key,
                         const std::optional<cluster::RecordRank>& rank)>;

  struct Stats {
    uint64_t batches = 0;     // store writes
    uint64_t applied = 0;     // records written (newer than held)
    uint64_t superseded = 0;  // records not above the held one, not written
    uint64_t syncs = 0;       // fsyncs
    // Batches written on the worker, with `no` or `everysec`, because
    // LevelDB's compaction was behind (level-0 tables at its slowdown
    // trigger).
    uint64_t behind_batches = 0;
    // Batches that waited for the WritePacer: level-0 tables had reached
    // StoreTuning::level0_pace_tables.
    uint64_t paced_batches = 0;
    // Version checks (and digest reads) that read the store: the index
    // could not tell.
    uint64_t store_reads = 0;
  };

  // `index` summarizes what `store` holds (RecordIndex::Load).
  static GroupCommit* Create(net::Loop& loop, RecordStore* store,
                             std::unique_ptr<RecordIndex> index,
                             cluster::AppendFsync mode, DoneFn done,
                             LostFn lost = nullptr);
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // The newest encoded record for `key`: pending ones first, then the store
  // (not read for a key the index knows is absent or a tombstone).
  cluster::Result<std::optional<std::string>> Lookup(std::string_view key);

  // The summary of the newest record for `key`, pending or in the store,
  // or nullopt if none: from the overlay or the index, and from the store
  // only when the index cannot tell (it then keeps what the store said).
  // Corruption if the store holds something that is not a record.
  cluster::Result<std::optional<HeldRecord>> Summary(std::string_view key);

  // The newest encoded record for `key` when a scan of the store read
  // `stored` for it: the pending record if there is one (nullopt for a
  // pending delete), else `stored`. Spares a scan one store read per key.
  // Exact because records leave the overlay on the loop thread only after
  // they reached the store. Requires: `stored` comes from a
  // RecordStore::Scan still running on the loop thread. Views into `stored`
  // or the overlay: valid until the next Offer() or Replace().
  std::optional<std::string_view> NewestScanned(std::string_view key,
                                                std::string_view stored) const;

  struct Offered {
    // The record held before, or nullopt if none (a record the store holds
    // but cannot parse counts as none).
    std::optional<HeldRecord> before;
    // Whether the offered record superseded it and is now the newest.
    bool applied = false;
    cluster::RecordRank rank;  // the offered record's
  };
  // Offers `encoded` (a valid record) for `key`. `done(token)` runs once it
  // is durable, or once the record that supersedes it is (with an error if
  // that record's batch failed).
  // Returns what it found and did, or an error reading the record held
  // (then `done` never runs).
  cluster::Result<Offered> Offer(std::string_view key, std::string_view encoded,
                                 uint64_t token);

  // Replaces the record under `key` by `replacement` (a valid record, or ""
  // to delete it) if it still is `expected` (one that arrived since stays).
  // Not acknowledged: it is durable with the batch it joins. Returns whether
  // it replaced.
  cluster::Result<bool> Replace(std::string_view key, std::string_view expected,
                                std::string_view replacement);
  cluster::Result<bool> Remove(std::string_view key,
                               std::string_view expected) {
    return Replace(key, expected, {});
  }

  const Stats& stats() const { return stats_; }
  const RecordStore* store() const { return store_; }
  const RecordIndex& index() const { return *index_; }

  // Stops the timers; a batch on the worker still completes.
  void Close();

 private:
  GroupCommit(net::Loop& loop, RecordStore* store,
              std::unique_ptr<RecordIndex> index, cluster::AppendFsync mode,
              DoneFn done, LostFn lost);
  // Each record staged (accepted into a batch) has a number, in order.
  // A write that found a newer record pending under its key: acknowledged
  // with its batch, unless the batch holding that record fails.
  struct Yield {
    uint64_t token;
    uint64_t to;  // the stage of the pending record it yielded to
  };
  // One write of a batch, in the batch's order.
  struct Written {
    // Views the overlay's key: an overlay entry lives until the write of its
    // newest stage is finished, and batches finish in stage order.
    std::string_view key;
    std::optional<HeldRecord> record;  // nullopt: a delete
    uint64_t stage;
  };
  struct Batch {
    RecordStore::Batch writes;
    std::vector<Written> written;
    std::vector<uint64_t> tokens;
    std::vector<Yield> yielded;
    cluster::Status status;
    bool sync = false;        // written with a sync (on the worker)
    uint64_t opened_ms = 0;   // loop time of its first write
    uint64_t started_ms = 0;  // loop time its write began

    void Clear();
  };
  // A record accepted, not yet durable; "" for a pending delete. Its bytes
  // come from the overlay's pool.
  struct Pending {
    using allocator_type = std::pmr::polymorphic_allocator<>;
    explicit Pending(const allocator_type& alloc) : record(alloc) {}
    Pending(const Pending& other, const allocator_type& alloc)
        : record(other.record, alloc),
          digest(other.digest),
          stage(other.stage) {}

    std::pmr::string record;
    uint64_t digest = 0;  // cluster::RankOf(record).digest
    uint64_t stage = 0;
  };

  // What the store holds under `key` (which has nothing pending), from the
  // index, or from the store when the index cannot tell.
  // Sets `*not_a_record` (if given) when the store holds something that
  // does not parse, which counts as none.
  cluster::Result<std::optional<HeldRecord>> HeldInStore(
      std::string_view key, bool* not_a_record = nullptr);
  // After a failed batch: the index says again what the store holds.
  void IndexTheStore(std::string_view key);
  // Whether `encoded`, of rank `rank`, supersedes `held`, what the store
  // holds under `key`.
  cluster::Result<bool> SupersedesStored(std::string_view key,
                                         std::string_view encoded,
                                         const cluster::RecordRank& rank,
                                         const std::optional<HeldRecord>& held);
  // Puts `encoded` (nullopt: a delete) in the overlay and the open batch.
  void Stage(std::string_view key, std::string_view encoded,
             const std::optional<HeldRecord>& held);
  // The batch gathering this iteration's writes.
  Batch& Open();
  void FlushOpen();
  // Completes the writes of `batch`, and keeps it for a later Open().
  void Finish(std::unique_ptr<Batch> batch);
  // `failed` did not reach the store: the writes of the open batch that
  // yielded to one of its records fail now.
  void FailYieldedTo(const Batch& failed);
  // Writes `batch` on the worker thread, with the sync its mode or an owed
  // `everysec` sync asks for.
  void RunOnWorker(std::unique_ptr<Batch> batch);
  void OnWork();
  void OnWorkDone();
  // The `everysec` timer's sync.
  void SyncEverySecond();
  // LevelDB's level-0 tables: compaction's backlog.
  int Level0();
  // Whether LevelDB's level-0 backlog would slow or stop a write now.
  bool CompactionBehind();
  // Whether the open batch must wait for the pacer; arms the pace timer.
  bool Paced();

  net::Loop& loop_;
  RecordStore* store_;
  std::unique_ptr<RecordIndex> index_;  // the newest records accepted
  cluster::AppendFsync mode_;
  DoneFn done_;
  LostFn lost_;
  net::IterationHook* check_;  // frees itself after Close()
  net::Timer* everysec_;       // frees itself after Close()
  net::Timer* pace_;           // frees itself after Close()
  int open_handles_ = 3;
  bool pace_armed_ = false;
  WritePacer pacer_;
  bool closing_ = false;
  bool dirty_since_sync_ = false;
  bool sync_owed_ = false;  // an `everysec` sync waits for the worker
  uint64_t level0_checked_ms_ = UINT64_MAX;
  int level0_ = 0;

  // Accepted, not yet durable: key -> the newest record. Entries live from
  // a write to its batch's end: from a pool, malloc would take its slow path
  // for most of them (LevelDB's larger allocations consolidate its free
  // lists between batches).
  std::pmr::unsynchronized_pool_resource overlay_pool_;
  std::pmr::unordered_map<std::pmr::string, Pending, StringHash,
                          std::equal_to<>>
      overlay_{&overlay_pool_};
  std::unique_ptr<Batch> open_;     // gathering this iteration's writes
  std::unique_ptr<Batch> running_;  // on the worker thread
  // A finished batch, emptied: reusing its buffers spares each batch
  // allocations, and the large free of its encoding, which makes malloc
  // sort its small free chunks again.
  std::unique_ptr<Batch> spare_;
  uint64_t next_stage_ = 1;
  Stats stats_;
};

}  // namespace leaderless::replica
