#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/cluster/status.h"
#include "replica/storage_keys.h"

namespace leveldb {
class DB;
class Cache;
class Env;
class FilterPolicy;
class WriteBatch;
}  // namespace leveldb

namespace leaderless::replica {

// How LevelDB is run; tests shrink these to reach a backlog quickly.
struct StoreTuning {
  size_t write_buffer_bytes = 32 << 20;  // memtable, and level-0 tables
  size_t table_bytes = 8 << 20;          // tables of levels 1 and up
  // LevelDB's cache of uncompressed table blocks, which reads of records
  // not in the memtable are served from (LevelDB's default is 8 MiB).
  size_t block_cache_bytes = 64 << 20;
  // Compaction counts as behind from this many level-0 tables: LevelDB's own
  // slowdown trigger (its constant, not an option in 1.23), from which
  // it sleeps 1 ms in every write, and stops writes at 12.
  int level0_behind_tables = 8;
  // Writes are paced from this many level-0 tables (WritePacer): LevelDB
  // compacts level 0 from 4.
  int level0_pace_tables = 6;
};

// The replica's durable records, in LevelDB: storage key (see
// storage_keys.h) -> encoded record (see protocol/cluster/record.h).
// Thread-safe as LevelDB is: reads from the loop thread may run while a batch
// is written from the worker thread.
class RecordStore {
 public:
  // Opens (creating if needed) the store under `dir`. `env` (LevelDB's
  // default if null) lets tests inject file-system faults; it must outlive
  // the store.
  static cluster::Result<std::unique_ptr<RecordStore>> Open(
      const std::string& dir, leveldb::Env* env = nullptr,
      const StoreTuning& tuning = StoreTuning());
  ~RecordStore();

  // The encoded record held under `storage_key`, or nullopt if none.
  cluster::Result<std::optional<std::string>> Get(
      std::string_view storage_key) const;

  // Calls `visit(storage_key, value)` for the entries of `range`, in key
  // order, starting after `after` (or at the range's start when empty),
  // until `visit` returns false or `limit` entries were seen. Returns the
  // last key visited ("" if none): pass it as `after` to resume.
  using Visitor =
      std::function<bool(std::string_view storage_key, std::string_view value)>;
  cluster::Result<std::string> Scan(const KeyRange& range,
                                    std::string_view after, size_t limit,
                                    const Visitor& visit) const;

  // A batch of records to write together.
  class Batch {
   public:
    Batch();
    ~Batch();
    void Put(std::string_view storage_key, std::string_view encoded_record);
    void Delete(std::string_view storage_key);
    // Empties the batch, keeping its buffer for the next one.
    void Clear();
    bool empty() const { return count_ == 0; }
    size_t count() const { return count_; }
    size_t bytes() const;  // of its encoding

   private:
    friend class RecordStore;
    std::unique_ptr<leveldb::WriteBatch> batch_;
    size_t count_ = 0;
  };

  // Writes `batch` atomically; with `sync`, returns once it is on disk.
  cluster::Status Write(Batch& batch, bool sync);
  // Makes every earlier write durable.
  cluster::Status Sync();

  // Level-0 tables LevelDB holds: compaction's backlog.
  int Level0Files() const;
  // How it was opened.
  const StoreTuning& tuning() const { return tuning_; }

 private:
  RecordStore(leveldb::DB* db, const leveldb::FilterPolicy* filter,
              leveldb::Cache* cache, const StoreTuning& tuning);
  // Declared first so they are destroyed after the DB that uses them.
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::Cache> cache_;
  std::unique_ptr<leveldb::DB> db_;
  StoreTuning tuning_;
};

}  // namespace leaderless::replica
