#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace leaderless::cluster {

// The 64-bit hash that places keys and tokens on the ring. Frozen: every
// process of a cluster must compute the same placement.
uint64_t RingHash(std::string_view bytes);

// RingHash of the concatenation of `parts`, without building it.
uint64_t RingHashOf(std::initializer_list<std::string_view> parts);

// Consistent hashing with virtual nodes. Each replica owns
// `tokens_per_replica` points on a 64-bit ring; a key belongs to the first
// token clockwise from its hash. Every process derives the same ring from
// the same replica ids, so placement needs no coordination.
class Ring {
 public:
  // Requires: ids unique and non-empty, tokens_per_replica >= 1.
  Ring(const std::vector<std::string>& replica_ids, int tokens_per_replica);

  // Every replica, as indices into the ids given to the constructor, in the
  // order a walk clockwise from the key's hash meets them. The first N are
  // the key's preference list; the rest are fallbacks in order.
  // The span stays valid as long as the ring.
  std::span<const uint16_t> Walk(std::string_view key) const;
  // The same for whatever key hashes to `position`.
  std::span<const uint16_t> WalkAt(uint64_t position) const;

  // The last position of the token range holding `position`: the walk is
  // the same from `position` to there. (The range that wraps around the
  // ring's end is split in two at UINT64_MAX.)
  uint64_t RangeEnd(uint64_t position) const;

  size_t replica_count() const { return replica_count_; }

 private:
  struct Token {
    uint64_t position;
    uint32_t walk_offset;  // into walks_: replica_count_ entries
  };

  // The first token at or after `position`, or end().
  std::vector<Token>::const_iterator TokenAt(uint64_t position) const;

  size_t replica_count_;
  std::vector<Token> tokens_;    // sorted by position
  std::vector<uint16_t> walks_;  // precomputed walk from each token
};

}  // namespace leaderless::cluster
