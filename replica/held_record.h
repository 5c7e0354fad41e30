#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "protocol/cluster/record.h"

namespace leaderless::replica {

// What a write's version check needs of the record held under a key, without
// its value: the record's header (version, kind, expiry; cluster::
// RecordHeader) and the digest of its whole encoding (cluster::RankOf), which
// orders records of one version and names the record in the Merkle trees.
struct HeldRecord {
  std::array<char, cluster::kRecordHeaderSize> header;
  uint64_t digest;

  // The summary of `encoded` whose digest is `digest` (cluster::RankOf(
  // encoded).digest, passed in so that the record is hashed once).
  // Requires: `encoded` is a record ParseRecord accepts.
  static HeldRecord Of(std::string_view encoded, uint64_t digest) {
    HeldRecord held;
    std::memcpy(held.header.data(), encoded.data(), held.header.size());
    held.digest = digest;
    return held;
  }
  // The summary of `encoded`; nullopt if it is not a record.
  static std::optional<HeldRecord> Of(std::string_view encoded) {
    // (The size check, which ParseRecord makes too, shows the compiler
    // that the header is there.)
    if (encoded.size() < cluster::kRecordHeaderSize ||
        !cluster::ParseRecord(encoded).ok()) {
      return std::nullopt;
    }
    return Of(encoded, cluster::RankOf(encoded).digest);
  }

  std::string_view Header() const { return {header.data(), header.size()}; }
  cluster::Version version() const {
    return cluster::DecodeVersion(cluster::EncodedVersion(Header()));
  }
  // A tombstone has no value: its header is the whole record.
  bool tombstone() const { return cluster::ParseRecord(Header())->tombstone; }
  cluster::RecordRank Rank() const { return {version(), tombstone(), digest}; }

  bool operator==(const HeldRecord&) const = default;
};

}  // namespace leaderless::replica
