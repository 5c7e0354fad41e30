#pragma once

#include <algorithm>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/cluster/status.h"
#include "protocol/cluster/version.h"

namespace leaderless::cluster {

// What a replica holds for one key: a value or a tombstone (a delete), the
// version of the write that produced it, and an absolute expiry time.
struct Record {
  Version version;
  bool tombstone = false;
  uint64_t expire_at_ms = 0;  // 0 = never expires
  std::string value;          // empty for a tombstone

  // A record is live when it holds a value that has not expired at `now_ms`.
  // An expired record reads as absent.
  bool IsLive(uint64_t now_ms) const {
    return !tombstone && (expire_at_ms == 0 || expire_at_ms > now_ms);
  }
};

// An encoded record parsed in place: `value` points into the encoding.
struct RecordView {
  Version version;
  bool tombstone = false;
  uint64_t expire_at_ms = 0;
  std::string_view value;

  bool IsLive(uint64_t now_ms) const {
    return !tombstone && (expire_at_ms == 0 || expire_at_ms > now_ms);
  }
};

// Whether a replica may forget `r` for good at `now_ms`: it is a tombstone
// or has expired, and `gc_grace_ms` has passed since (since its version's
// time for a delete, its expiry for an expired value). Until then it must
// be kept and synced, or a replica that missed it could bring back what it
// replaced.
inline bool IsPurgeable(const RecordView& r, uint64_t now_ms,
                        uint64_t gc_grace_ms) {
  if (r.IsLive(now_ms)) return false;
  // A plain tombstone has no expiry (0): dead since its version's time.
  // Subtracted, not added: a time near 2^64 must not wrap past `now_ms`.
  const uint64_t dead_since = std::max(r.version.wall_ms, r.expire_at_ms);
  return now_ms >= dead_since && now_ms - dead_since >= gc_grace_ms;
}

// Bytes before the value in an encoded record. An encoding cut to this size
// is the same record without its value: enough to compare versions and
// tell live from deleted.
inline constexpr size_t kRecordHeaderSize = 2 + kEncodedVersionSize + 8;

// The version of an encoded record as its kEncodedVersionSize bytes, without
// decoding it: encoded versions compare as byte strings in version order.
// Views into `encoded`. Requires: encoded.size() >= kRecordHeaderSize (a
// record, or its header).
std::string_view EncodedVersion(std::string_view encoded);

// The header of an encoded record: the record without its value (see
// kRecordHeaderSize). Views into `encoded`. Requires: encoded.size() >=
// kRecordHeaderSize.
inline std::string_view RecordHeader(std::string_view encoded) {
  return encoded.substr(0, kRecordHeaderSize);
}

// Where an encoded record stands in the one order by which every process
// picks the newest of several (replica writes, reads, read repair,
// anti-entropy). Its version first; at equal versions a tombstone above a
// value, because expiry turns a value into a tombstone of the same version
// and a delete must not be undone; then a digest of the whole encoding, so
// that two different records of one version (two proxies given the same
// proxy-id, say) have the same winner everywhere.
struct RecordRank {
  Version version;
  bool tombstone = false;
  uint64_t digest = 0;

  auto operator<=>(const RecordRank&) const = default;
};

// The rank of an encoded record. Requires: `encoded` is a record that
// ParseRecord accepts (the digest covers the value: a header alone ranks
// apart from its whole record).
RecordRank RankOf(std::string_view encoded);

// A rank as kEncodedRankSize bytes whose byte order is rank order (version,
// kind, digest, all big-endian). Sent in LL.LEAF replies.
inline constexpr size_t kEncodedRankSize = kEncodedVersionSize + 1 + 8;
void AppendRank(std::string* out, const RecordRank& rank);
inline std::string EncodeRank(const RecordRank& rank) {
  std::string out;
  AppendRank(&out, rank);
  return out;
}
// The rank AppendRank encoded as `in`; Corruption if `in` is not one.
Result<RecordRank> DecodeRank(std::string_view in);

// The order of encoded records: by rank, and by bytes in the (never seen in
// practice) case of two digests that collide, so that it is total.
// Computes digests only for records of one version and kind. Requires: both
// records that ParseRecord accepts (or both headers of records).
std::strong_ordering CompareRecords(std::string_view a, std::string_view b);

// Whether `candidate` should replace `held` (it is greater in the order
// above). Requires: as CompareRecords.
inline bool Supersedes(std::string_view candidate, std::string_view held) {
  return CompareRecords(candidate, held) > 0;
}

// Appends the encoding of `record`. With `with_value` false the value is
// left out: the result decodes to the same record with an empty value, which
// is enough to compare versions and tell live from deleted.
void EncodeRecord(std::string* out, const Record& record,
                  bool with_value = true);
std::string EncodeRecord(const Record& record, bool with_value = true);

// Parses an encoded record without copying; Corruption on malformed input.
// The view's value lives as long as `in`.
Result<RecordView> ParseRecord(std::string_view in);

// Parses and copies out an encoded record.
Result<Record> DecodeRecord(std::string_view in);

}  // namespace leaderless::cluster
