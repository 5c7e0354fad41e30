#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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
#include "replica/record_store.h"
#include "replica/string_hash.h"

namespace leaderless::replica {

// Versioned writes with group commit. Every write offered during one loop
// iteration joins one batch, written to the store after the iteration's I/O
// (a net::IterationHook). With `appendfsync always` the batch is written and
// synced on a worker thread, and writes that arrive meanwhile gather into
// the next batch: one fsync covers all of them. With `everysec` and `no`
// the batch is written at once without sync (`everysec` syncs on a timer).
//
// Keys are storage keys (storage_keys.h): data and hints alike. A record is
// kept only if it supersedes the one held (cluster::Supersedes: a newer
// version, or at an equal version the greater record, so that replicas
// holding two records of one version converge on the same one). Records
// accepted but not yet durable stay in an overlay that reads consult, so a read
// that follows a write on the same connection sees it.
//
// Heap-allocated (owns loop handles); Close() it once the loop should end.
class GroupCommit {
 public:
  // Called when a write is durable (or failed): `token` is the caller's,
  // given to Offer().
  using DoneFn = std::function<void(uint64_t token, const cluster::Status&)>;
  // Called when a batch failed, for each record of it that was the newest
  // pending one under its key: lookups of `storage_key` no longer see the
  // record of `rank` (cluster::EncodeRank; "" for a delete) but what the
  // store holds.
  using LostFn =
      std::function<void(std::string_view storage_key, std::string_view rank)>;

  struct Stats {
    uint64_t batches = 0;     // store writes
    uint64_t applied = 0;     // records written (newer than held)
    uint64_t superseded = 0;  // records not above the held one, not written
    uint64_t syncs = 0;       // fsyncs
  };

  static GroupCommit* Create(net::Loop& loop, RecordStore* store,
                             cluster::AppendFsync mode, DoneFn done,
                             LostFn lost = nullptr);
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // The newest encoded record for `key`: pending ones first, then the store.
  cluster::Result<std::optional<std::string>> Lookup(
      std::string_view key) const;

  // The newest encoded record for `key` when a scan of the store read
  // `stored` for it: the pending record if there is one (nullopt for a
  // pending delete), else `stored`. Spares a scan one store read per key.
  // Exact because records leave the overlay on the loop thread only after
  // they reached the store. Requires: `stored` comes from a
  // RecordStore::Scan still running on the loop thread. Views into `stored`
  // or the overlay: valid until the next Offer() or Replace().
  std::optional<std::string_view> NewestScanned(std::string_view key,
                                                std::string_view stored) const;

  // Offers `encoded` (a valid record) for `key`. `done(token)` runs once it
  // is durable, or once the record that supersedes it is (with an error if
  // that record's batch failed).
  // Returns the record held before, or nullopt if none, or an error reading
  // it (then `done` never runs).
  cluster::Result<std::optional<std::string>> Offer(std::string_view key,
                                                    std::string_view encoded,
                                                    uint64_t token);

  // Replaces the record under `key` by `replacement` ("" deletes it) if it
  // still is `expected` (one that arrived since stays). Not acknowledged: it is
  // durable with the batch it joins. Returns whether it replaced.
  cluster::Result<bool> Replace(std::string_view key, std::string_view expected,
                                std::string_view replacement);
  cluster::Result<bool> Remove(std::string_view key,
                               std::string_view expected) {
    return Replace(key, expected, {});
  }

  const Stats& stats() const { return stats_; }
  const RecordStore* store() const { return store_; }

  // Stops the timers; a batch on the worker still completes.
  void Close();

 private:
  GroupCommit(net::Loop& loop, RecordStore* store, cluster::AppendFsync mode,
              DoneFn done, LostFn lost);
  // A write that found a newer record pending under its key: acknowledged
  // with its batch, unless the batch holding that record fails.
  struct Yield {
    uint64_t token;
    std::string key;
    std::string rank;  // of the pending record it yielded to (EncodeRank)
  };
  struct Batch {
    RecordStore::Batch writes;
    std::vector<std::pair<std::string, std::string>> keys;  // key, rank
    std::vector<uint64_t> tokens;
    std::vector<Yield> yielded;
    cluster::Status status;
  };

  void FlushOpen();
  void StartWorker();
  void Finish(Batch& batch);
  // `failed` did not reach the store: the writes of the open batch that
  // yielded to one of its records fail now.
  void FailYieldedTo(const Batch& failed);
  void OnWork();
  void OnWorkDone();

  net::Loop& loop_;
  RecordStore* store_;
  cluster::AppendFsync mode_;
  DoneFn done_;
  LostFn lost_;
  net::IterationHook* check_;  // frees itself after Close()
  net::Timer* everysec_;       // frees itself after Close()
  int open_handles_ = 2;
  bool closing_ = false;
  bool dirty_since_sync_ = false;

  // Accepted, not yet durable: key -> encoded record (newest), or "" for a
  // pending delete.
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>>
      overlay_;
  std::unique_ptr<Batch> open_;     // gathering this iteration's writes
  std::unique_ptr<Batch> running_;  // on the worker thread (always mode)
  Stats stats_;
};

}  // namespace leaderless::replica
