// LevelDB key layout (frozen):
//
//   'd' user-key  ->  encoded record (protocol/cluster/record.cc)
//
// The one-byte prefix leaves room for other families (hints, metadata)
// beside the data without clashing with any user key.

#include "replica/record_store.h"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/write_batch.h>

namespace leaderless::replica {
namespace {

constexpr char kDataPrefix = 'd';

std::string DataKey(std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k.push_back(kDataPrefix);
  k.append(key);
  return k;
}

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
    const std::string& dir) {
  leveldb::Options options;
  options.create_if_missing = true;
  // Point reads dominate (every quorum read and every write's version
  // check): a bloom filter spares most of them a disk read.
  options.filter_policy = leveldb::NewBloomFilterPolicy(10);
  // Records are small and every write reads first: CPU, not disk, is what
  // runs out. Skip compression, and keep a larger memtable (fewer
  // compactions) and block cache than LevelDB's defaults.
  options.compression = leveldb::kNoCompression;
  options.write_buffer_size = 32 << 20;
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
    std::string_view key) const {
  std::string value;
  leveldb::Status s = db_->Get(leveldb::ReadOptions(), DataKey(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromLevelDb(s);
  return std::optional<std::string>(std::move(value));
}

RecordStore::Batch::Batch() : batch_(std::make_unique<leveldb::WriteBatch>()) {}
RecordStore::Batch::~Batch() = default;

void RecordStore::Batch::Put(std::string_view key,
                             std::string_view encoded_record) {
  batch_->Put(DataKey(key),
              leveldb::Slice(encoded_record.data(), encoded_record.size()));
  ++count_;
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
