// LevelDB holds storage keys as given; their layout is in storage_keys.h.

#include "replica/record_store.h"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>

#include <cstdlib>

namespace leaderless::replica {
namespace {

leveldb::Slice ToSlice(std::string_view s) { return {s.data(), s.size()}; }

cluster::Status FromLevelDb(const leveldb::Status& s) {
  if (s.ok()) return cluster::Status::OK();
  if (s.IsNotFound()) return cluster::Status::NotFound(s.ToString());
  if (s.IsCorruption()) return cluster::Status::Corruption(s.ToString());
  return cluster::Status::IOError(s.ToString());
}

}  // namespace

RecordStore::RecordStore(leveldb::DB* db, const leveldb::FilterPolicy* filter,
                         leveldb::Cache* cache, const StoreTuning& tuning)
    : filter_(filter), cache_(cache), db_(db), tuning_(tuning) {}
RecordStore::~RecordStore() = default;

cluster::Result<std::unique_ptr<RecordStore>> RecordStore::Open(
    const std::string& dir, leveldb::Env* env, const StoreTuning& tuning) {
  leveldb::Options options;
  options.create_if_missing = true;
  if (env != nullptr) options.env = env;
  // Point reads dominate (every quorum read and every write's version
  // check): a bloom filter spares most of them a disk read.
  options.filter_policy = leveldb::NewBloomFilterPolicy(10);
  // Write path, tuned for sustained writes of larger values (issue 12): at
  // 10,000 writes/s of 4 KiB, LevelDB's 4 MiB memtable made ~10 level-0
  // tables a second, compaction fell behind, and LevelDB stopped writes
  // (level-0 stop trigger, 12 tables: not an option in 1.23) for seconds,
  // past the proxy's request timeout. A 32 MiB memtable makes 8 times fewer
  // level-0 tables and merges overwrites before they reach disk; 8 MiB
  // tables in the levels make 4 times fewer, larger compactions. (Small
  // records pay a little: the skiplist is a few levels deeper.)
  options.write_buffer_size = tuning.write_buffer_bytes;
  options.max_file_size = tuning.table_bytes;
  // Snappy (LevelDB's default) runs on LevelDB's compaction thread, not the
  // loop; a block that does not shrink by 1/8 is stored as is. It cuts the
  // bytes compactions read and write by what the values compress.
  options.compression = leveldb::kSnappyCompression;
  options.block_cache = leveldb::NewLRUCache(tuning.block_cache_bytes);
  leveldb::DB* db = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    delete options.filter_policy;
    delete options.block_cache;
    return FromLevelDb(s);
  }
  return std::unique_ptr<RecordStore>(
      new RecordStore(db, options.filter_policy, options.block_cache, tuning));
}

cluster::Result<std::optional<std::string>> RecordStore::Get(
    std::string_view storage_key) const {
  std::string value;
  leveldb::Status s =
      db_->Get(leveldb::ReadOptions(), ToSlice(storage_key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromLevelDb(s);
  return std::optional<std::string>(std::move(value));
}

RecordStore::Batch::Batch() : batch_(std::make_unique<leveldb::WriteBatch>()) {}
RecordStore::Batch::~Batch() = default;

void RecordStore::Batch::Put(std::string_view storage_key,
                             std::string_view encoded_record) {
  batch_->Put(ToSlice(storage_key), ToSlice(encoded_record));
  ++count_;
}

void RecordStore::Batch::Delete(std::string_view storage_key) {
  batch_->Delete(ToSlice(storage_key));
  ++count_;
}

void RecordStore::Batch::Clear() {
  batch_->Clear();
  count_ = 0;
}

size_t RecordStore::Batch::bytes() const { return batch_->ApproximateSize(); }

cluster::Result<std::string> RecordStore::Scan(const KeyRange& range,
                                               std::string_view after,
                                               size_t limit,
                                               const Visitor& visit) const {
  leveldb::ReadOptions options;
  options.fill_cache = false;  // a scan should not evict the hot records
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(options));
  std::string last;
  it->Seek(ToSlice(after.empty() ? std::string_view(range.begin) : after));
  if (!after.empty() && it->Valid() && it->key() == ToSlice(after)) it->Next();
  for (size_t n = 0; it->Valid() && n < limit; it->Next(), ++n) {
    std::string_view key(it->key().data(), it->key().size());
    if (key >= range.end) break;
    last.assign(key);
    if (!visit(key, std::string_view(it->value().data(), it->value().size()))) {
      break;
    }
  }
  if (!it->status().ok()) return FromLevelDb(it->status());
  return last;
}

cluster::Status RecordStore::Write(Batch& batch, bool sync) {
  leveldb::WriteOptions options;
  options.sync = sync;
  return FromLevelDb(db_->Write(options, batch.batch_.get()));
}

int RecordStore::Level0Files() const {
  std::string value;
  if (!db_->GetProperty("leveldb.num-files-at-level0", &value)) return 0;
  return std::atoi(value.c_str());
}

cluster::Status RecordStore::Sync() {
  leveldb::WriteBatch empty;
  leveldb::WriteOptions options;
  options.sync = true;
  return FromLevelDb(db_->Write(options, &empty));
}

}  // namespace leaderless::replica
