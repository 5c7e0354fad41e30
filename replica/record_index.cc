// An entry is one allocation: the fixed part below, then the key's bytes.
// Slots hold the key's hash beside the entry's address, so that a probe
// passes over other keys without touching their entries. Hashes keep bit 0
// clear; in a slot, bit 0 set says that a read of the key needs the store
// (its record has a value, or is not one the index can summarize), so that
// a read of a value touches no entry.

#include "replica/record_index.h"

#include <cstring>
#include <functional>
#include <new>

#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

constexpr uint64_t kReadsStore = 1;

uint64_t HashOf(std::string_view key) {
  return std::hash<std::string_view>()(key) & ~kReadsStore;
}

// Where a key of `hash` starts its probe in a table of mask + 1 slots.
size_t Home(uint64_t hash, size_t mask) { return (hash >> 1) & mask; }

}  // namespace

struct RecordIndex::Entry {
  uint64_t digest;
  std::array<char, cluster::kRecordHeaderSize> header;
  bool readable;    // false: the store holds something that is not a record
  bool referenced;  // looked up since the clock hand last passed
  uint32_t key_size;

  std::string_view key() const {
    return {reinterpret_cast<const char*>(this + 1), key_size};
  }
  void Set(const std::optional<HeldRecord>& held) {
    readable = held.has_value();
    if (held) {
      digest = held->digest;
      header = held->header;
    }
  }
  // Whether a read must go to the store for the value.
  bool ReadsStore() const {
    return !readable || !HeldRecord{header, digest}.tombstone();
  }
  static Entry* New(std::string_view key) {
    void* memory = ::operator new(sizeof(Entry) + key.size());
    auto* e = new (memory) Entry{};
    e->key_size = static_cast<uint32_t>(key.size());
    std::memcpy(e + 1, key.data(), key.size());
    return e;
  }
  static void Delete(Entry* e) {
    e->~Entry();
    ::operator delete(e);
  }
};

RecordIndex::RecordIndex(size_t max_bytes) : max_bytes_(max_bytes) {}

RecordIndex::~RecordIndex() {
  for (Shard& shard : shards_) {
    for (Slot& s : shard.slots) {
      if (s.entry) Entry::Delete(s.entry);
    }
  }
}

cluster::Result<std::unique_ptr<RecordIndex>> RecordIndex::Load(
    const RecordStore& store, size_t max_bytes, const ScanFn& each) {
  auto index = std::make_unique<RecordIndex>(max_bytes);
  auto last = store.Scan(AllKeys(), "", SIZE_MAX,
                         [&](std::string_view key, std::string_view record) {
                           const std::optional<HeldRecord> held =
                               HeldRecord::Of(record);
                           // Once full, the rest would only replace keys.
                           if (index->complete()) index->Put(key, held);
                           if (held && each) each(key, *held);
                           return index->complete() || each;
                         });
  if (!last.ok()) return last.status();
  return index;
}

size_t RecordIndex::EntryBytes(size_t key_size) {
  // What malloc takes: its 8-byte header, rounded up to 16 bytes.
  return (sizeof(Entry) + key_size + 8 + 15) / 16 * 16;
}

uint64_t RecordIndex::HashIn(const Slot& slot) {
  return slot.hash & ~kReadsStore;
}

size_t RecordIndex::Probe(const Shard& shard, std::string_view key,
                          uint64_t hash) {
  const size_t mask = shard.slots.size() - 1;
  size_t at = Home(hash, mask);
  while (shard.slots[at].entry != nullptr &&
         (HashIn(shard.slots[at]) != hash ||
          shard.slots[at].entry->key() != key)) {
    at = (at + 1) & mask;
  }
  return at;
}

RecordIndex::Known RecordIndex::Find(std::string_view key, HeldRecord* held) {
  const Known unknown = complete_ ? Known::kAbsent : Known::kAskStore;
  const uint64_t hash = HashOf(key);
  const Shard& shard = ShardOf(hash);
  if (shard.slots.empty()) return unknown;
  Entry* e = shard.slots[Probe(shard, key, hash)].entry;
  if (e == nullptr) return unknown;
  e->referenced = true;
  if (!e->readable) return Known::kAskStore;
  held->header = e->header;
  held->digest = e->digest;
  return Known::kHeld;
}

RecordIndex::Known RecordIndex::Peek(std::string_view key,
                                     HeldRecord* held) const {
  const Known unknown = complete_ ? Known::kAbsent : Known::kAskStore;
  const uint64_t hash = HashOf(key);
  const Shard& shard = ShardOf(hash);
  if (shard.slots.empty()) return unknown;
  const size_t mask = shard.slots.size() - 1;
  for (size_t at = Home(hash, mask); shard.slots[at].entry != nullptr;
       at = (at + 1) & mask) {
    const Slot& s = shard.slots[at];
    if (HashIn(s) != hash) continue;
    // Perhaps another key of the same hash: the store tells them apart.
    if (s.hash & kReadsStore) return Known::kAskStore;
    if (s.entry->key() == key) {
      held->header = s.entry->header;
      held->digest = s.entry->digest;
      return Known::kHeld;
    }
  }
  return unknown;
}

void RecordIndex::Put(std::string_view key,
                      const std::optional<HeldRecord>& held) {
  const uint64_t hash = HashOf(key);
  Shard& shard = ShardOf(hash);
  // At most 3/4 full, so that probes stay short.
  if (4 * (shard.size + 1) > 3 * shard.slots.size()) Grow(shard);
  Slot& slot = shard.slots[Probe(shard, key, hash)];
  if (slot.entry == nullptr) {
    // Unreferenced until looked up: keys written once (a bulk load) go
    // before the keys written again and again.
    slot.entry = Entry::New(key);
    ++shard.size;
    ++size_;
    bytes_ += EntryBytes(key.size());
  }
  slot.entry->Set(held);
  slot.hash = hash | (slot.entry->ReadsStore() ? kReadsStore : 0);
  if (max_bytes_ != 0 && bytes_ > max_bytes_) Evict();
}

void RecordIndex::Erase(std::string_view key) {
  const uint64_t hash = HashOf(key);
  Shard& shard = ShardOf(hash);
  if (shard.slots.empty()) return;
  const size_t at = Probe(shard, key, hash);
  if (shard.slots[at].entry != nullptr) RemoveAt(shard, at);
}

void RecordIndex::Grow(Shard& shard) {
  std::vector<Slot> old = std::move(shard.slots);
  shard.slots.assign(old.empty() ? 16 : 2 * old.size(), Slot{});
  bytes_ += (shard.slots.size() - old.size()) * sizeof(Slot);
  const size_t mask = shard.slots.size() - 1;
  for (const Slot& s : old) {
    if (s.entry == nullptr) continue;
    size_t at = Home(HashIn(s), mask);
    while (shard.slots[at].entry != nullptr) at = (at + 1) & mask;
    shard.slots[at] = s;
  }
  if (&shard == &shards_[hand_shard_]) hand_slot_ = 0;
}

void RecordIndex::RemoveAt(Shard& shard, size_t at) {
  std::vector<Slot>& slots = shard.slots;
  bytes_ -= EntryBytes(slots[at].entry->key_size);
  Entry::Delete(slots[at].entry);
  --shard.size;
  --size_;
  // Move back every later entry of the run that may sit in the gap (its
  // home slot is not between the gap and it), so that no probe stops short.
  const size_t mask = slots.size() - 1;
  for (size_t next = (at + 1) & mask; slots[next].entry != nullptr;
       next = (next + 1) & mask) {
    const size_t home = Home(HashIn(slots[next]), mask);
    if (((next - home) & mask) >= ((next - at) & mask)) {
      slots[at] = slots[next];
      at = next;
    }
  }
  slots[at] = Slot{};
}

void RecordIndex::Evict() {
  while (bytes_ > max_bytes_ && size_ > 0) {
    Shard& shard = shards_[hand_shard_];
    if (hand_slot_ >= shard.slots.size()) {  // on to the next shard
      hand_shard_ = (hand_shard_ + 1) % kShards;
      hand_slot_ = 0;
      continue;
    }
    Slot& s = shard.slots[hand_slot_];
    if (s.entry != nullptr && !s.entry->referenced) {
      // The gap closes with a later entry, if any: look at this slot again.
      RemoveAt(shard, hand_slot_);
      ++forgotten_;
      complete_ = false;
      continue;
    }
    if (s.entry != nullptr) s.entry->referenced = false;
    ++hand_slot_;
  }
}

}  // namespace leaderless::replica
