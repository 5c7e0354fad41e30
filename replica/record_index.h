#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "protocol/cluster/status.h"
#include "replica/held_record.h"
#include "replica/record_store.h"

namespace leaderless::replica {

// The storage keys the store holds, each with a summary of its record
// (HeldRecord), in memory: a write compares versions without reading
// LevelDB. It is loaded by a scan at start-up; then its owner (GroupCommit)
// tells it each record it accepts, and what the store holds again when a
// batch fails. Keys and summaries only: about 100 bytes a key.
//
// Bounded by `max_bytes` (record-index-max-memory): past it the index
// forgets keys, those not looked up since the clock hand last passed them
// first, and from then on it is incomplete: a key it does not know may be
// in the store, and the caller must ask the store (and may Put() what it
// found). While complete, a key it does not know is not in the store.
//
// Loop thread only.
class RecordIndex {
 public:
  // Called for each record of the store a Load() scans.
  using ScanFn =
      std::function<void(std::string_view storage_key, const HeldRecord&)>;
  // Loads every record of `store`, until `max_bytes` (0: no bound) is
  // reached; the index is then incomplete. With `each`, the scan goes on
  // to the end and calls it for every record (the one scan at start-up).
  static cluster::Result<std::unique_ptr<RecordIndex>> Load(
      const RecordStore& store, size_t max_bytes, const ScanFn& each = {});
  // An empty, complete index: that of an empty store.
  explicit RecordIndex(size_t max_bytes);
  ~RecordIndex();
  RecordIndex(const RecordIndex&) = delete;
  RecordIndex& operator=(const RecordIndex&) = delete;

  enum class Known {
    kHeld,      // the key holds a record; *held says which
    kAbsent,    // the key holds nothing
    kAskStore,  // the index cannot tell: read the store
  };
  // What the index knows of `key`. A key it holds counts as recently used.
  Known Find(std::string_view key, HeldRecord* held);
  // Find() for a read, which needs the value: kHeld only for a record that
  // has none (a tombstone: its header is the whole record), kAskStore for a
  // key that may hold a value, told from the key's hash alone. Not a use.
  Known Peek(std::string_view key, HeldRecord* held) const;

  // `key` now holds the record `held` summarizes, or, with nullopt,
  // something that is not a record: lookups of `key` are then sent to the
  // store. May forget other keys to stay within the bound.
  void Put(std::string_view key, const std::optional<HeldRecord>& held);
  // `key` no longer holds anything.
  void Erase(std::string_view key);

  bool complete() const { return complete_; }
  size_t keys() const { return size_; }
  // Memory used, as counted against the bound: entries and slots.
  size_t bytes() const { return bytes_; }
  size_t max_bytes() const { return max_bytes_; }
  uint64_t forgotten() const { return forgotten_; }  // keys evicted

 private:
  struct Entry;
  // Open addressing with linear probing; `entry` null marks a free slot.
  struct Slot {
    uint64_t hash = 0;
    Entry* entry = nullptr;
  };
  // Keys fall into shards by their hash, each a table of its own that grows
  // on its own: a growth moves one shard's keys, not all of them, so that
  // no request waits for millions of keys to move.
  static constexpr size_t kShards = 256;
  struct Shard {
    std::vector<Slot> slots;  // a power of two of them, or none
    size_t size = 0;
  };

  Shard& ShardOf(uint64_t hash) { return shards_[hash >> 56]; }
  const Shard& ShardOf(uint64_t hash) const { return shards_[hash >> 56]; }
  // The key hash a slot holds, without its flag.
  static uint64_t HashIn(const Slot& slot);
  // The slot of `shard` holding `key`, or the free slot where the probe
  // ended. Requires: the shard has slots.
  static size_t Probe(const Shard& shard, std::string_view key, uint64_t hash);
  void Grow(Shard& shard);
  // Frees the entry of slot `at` and closes the gap it leaves in its run.
  void RemoveAt(Shard& shard, size_t at);
  // Forgets keys until the index is within its bound (or holds none).
  void Evict();
  static size_t EntryBytes(size_t key_size);

  size_t max_bytes_;
  std::array<Shard, kShards> shards_;
  size_t size_ = 0;
  size_t bytes_ = 0;
  // The clock hand of eviction: a shard and a slot in it.
  size_t hand_shard_ = 0;
  size_t hand_slot_ = 0;
  bool complete_ = true;
  uint64_t forgotten_ = 0;
};

}  // namespace leaderless::replica
