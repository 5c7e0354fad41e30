// Record encoding, stored in LevelDB and sent between processes (frozen):
//
//   record  := format kind version expire value
//   format  := 0x01                       (one byte, this layout)
//   kind    := 0x00 value | 0x01 tombstone (one byte)
//   version := 16 bytes, see version.cc
//   expire  := 8 bytes big-endian absolute ms since the epoch, 0 = never
//   value   := the remaining bytes (empty for a tombstone)

#include "protocol/cluster/record.h"

#include "protocol/cluster/ring.h"

namespace leaderless::cluster {
namespace {

constexpr char kFormat = 0x01;
constexpr char kKindValue = 0x00;
constexpr char kKindTombstone = 0x01;
constexpr size_t kVersionOffset = 2;  // after format and kind

}  // namespace

void EncodeRecord(std::string* out, const Record& record, bool with_value) {
  out->push_back(kFormat);
  out->push_back(record.tombstone ? kKindTombstone : kKindValue);
  AppendVersion(out, record.version);
  for (int i = 7; i >= 0; --i) {
    out->push_back(static_cast<char>((record.expire_at_ms >> (8 * i)) & 0xff));
  }
  if (with_value) out->append(record.value);
}

std::string EncodeRecord(const Record& record, bool with_value) {
  std::string out;
  out.reserve(kRecordHeaderSize + (with_value ? record.value.size() : 0));
  EncodeRecord(&out, record, with_value);
  return out;
}

std::string_view EncodedVersion(std::string_view encoded) {
  return encoded.substr(kVersionOffset, kEncodedVersionSize);
}

RecordRank RankOf(std::string_view encoded) {
  return {DecodeVersion(EncodedVersion(encoded)), encoded[1] == kKindTombstone,
          RingHash(encoded)};
}

void AppendRank(std::string* out, const RecordRank& rank) {
  AppendVersion(out, rank.version);
  out->push_back(rank.tombstone ? 1 : 0);
  for (int i = 7; i >= 0; --i) {
    out->push_back(static_cast<char>((rank.digest >> (8 * i)) & 0xff));
  }
}

Result<RecordRank> DecodeRank(std::string_view in) {
  if (in.size() != kEncodedRankSize ||
      static_cast<unsigned char>(in[kEncodedVersionSize]) > 1) {
    return Status::Corruption("not a record rank");
  }
  RecordRank rank;
  rank.version = DecodeVersion(in);
  rank.tombstone = in[kEncodedVersionSize] == 1;
  for (size_t i = kEncodedVersionSize + 1; i < in.size(); ++i) {
    rank.digest = rank.digest << 8 | static_cast<unsigned char>(in[i]);
  }
  return rank;
}

std::strong_ordering CompareRecords(std::string_view a, std::string_view b) {
  // Encoded versions compare as bytes in version order; the kind byte is
  // 0x00 for a value, 0x01 for a tombstone.
  if (auto c = EncodedVersion(a).compare(EncodedVersion(b)); c != 0) {
    return c <=> 0;
  }
  if (a[1] != b[1]) return a[1] <=> b[1];
  if (a == b) return std::strong_ordering::equal;
  if (auto c = RingHash(a) <=> RingHash(b); c != 0) return c;
  return a.compare(b) <=> 0;
}

Result<RecordView> ParseRecord(std::string_view in) {
  if (in.size() < kRecordHeaderSize || in[0] != kFormat) {
    return Status::Corruption("bad record header");
  }
  if (in[1] != kKindValue && in[1] != kKindTombstone) {
    return Status::Corruption("bad record kind");
  }
  RecordView view;
  view.version = DecodeVersion(EncodedVersion(in));
  view.tombstone = in[1] == kKindTombstone;
  if (view.tombstone && in.size() != kRecordHeaderSize) {
    return Status::Corruption("tombstone with a value");
  }
  for (size_t i = kVersionOffset + kEncodedVersionSize; i < kRecordHeaderSize;
       ++i) {
    view.expire_at_ms = (view.expire_at_ms << 8) | static_cast<uint8_t>(in[i]);
  }
  view.value = in.substr(kRecordHeaderSize);
  return view;
}

Result<Record> DecodeRecord(std::string_view in) {
  Result<RecordView> view = ParseRecord(in);
  if (!view.ok()) return view.status();
  Record record;
  record.version = view->version;
  record.tombstone = view->tombstone;
  record.expire_at_ms = view->expire_at_ms;
  record.value.assign(view->value);
  return record;
}

}  // namespace leaderless::cluster
