// LevelDB holds storage keys as given; their layout is in storage_keys.h.

#include "replica/record_store.h"

#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>

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

RecordStore::RecordStore(leveldb::DB* db, const leveldb::FilterPolicy* filter)
    : filter_(filter), db_(db) {}
RecordStore::~RecordStore() = default;

cluster::Result<std::unique_ptr<RecordStore>> RecordStore::Open(
    const std::string& dir, leveldb::Env* env) {
  leveldb::Options options;
  options.create_if_missing = true;
  if (env != nullptr) options.env = env;
  // Point reads dominate (every quorum read and every write's version
  // check): a bloom filter spares most of them a disk read.
  options.filter_policy = leveldb::NewBloomFilterPolicy(10);
  // Records are small and every write reads first: CPU, not disk, is what
  // runs out, so skip compression. (A larger memtable than LevelDB's 4 MiB
  // made every skiplist search deeper and writes slower.)
  options.compression = leveldb::kNoCompression;
  leveldb::DB* db = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    delete options.filter_policy;
    return FromLevelDb(s);
  }
  return std::unique_ptr<RecordStore>(
      new RecordStore(db, options.filter_policy));
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

cluster::Status RecordStore::Sync() {
  leveldb::WriteBatch empty;
  leveldb::WriteOptions options;
  options.sync = true;
  return FromLevelDb(db_->Write(options, &empty));
}

}  // namespace leaderless::replica
