#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/cluster/record.h"

namespace leaderless::cluster {

// The Merkle tree replicas compare to find what differs between them
// (anti-entropy). Frozen: replicas compare nodes by position.
//
// Keys fall into kMerkleLeaves leaves by the top bits of their ring hash;
// a leaf's hash is the XOR of EntryHash(key, rank) over its entries, so
// a write updates it in O(1) (XOR the old entry out, the new one in) and
// the tree never needs a full scan but at start-up. Inner nodes hash their
// kMerkleFanout children, recomputed lazily when read.
//
//   level 0: the root; level kMerkleDepth: the leaves.
inline constexpr int kMerkleFanout = 16;
inline constexpr int kMerkleDepth = 3;
inline constexpr uint32_t kMerkleLeaves = 4096;  // fanout ^ depth
// A key's leaf is its ring hash shifted right by this (its top 12 bits).
inline constexpr int kLeafShift = 52;

// The leaf (0..kMerkleLeaves-1) of a key, and of a key whose RingHash is
// `ring_hash`.
uint32_t MerkleLeaf(std::string_view key);
inline uint32_t MerkleLeafAt(uint64_t ring_hash) {
  return static_cast<uint32_t>(ring_hash >> kLeafShift);
}
// What one (key, record) entry contributes to its leaf; `rank` is the
// record's EncodeRank (kEncodedRankSize bytes): its version, kind and a
// digest of its content, so that two replicas holding different records of
// one version see a difference.
uint64_t EntryHash(std::string_view key, std::string_view rank);

class MerkleTree {
 public:
  MerkleTree();

  // Adds or removes (the same call) one entry's hash in `leaf`.
  void Toggle(uint32_t leaf, uint64_t entry_hash);

  // The hash of node `index` at `level` (0 = root). Requires: index <
  // kMerkleFanout ^ level.
  uint64_t Node(int level, uint32_t index);

  // The indices of `index`'s children at level + 1.
  static uint32_t FirstChild(uint32_t index) { return index * kMerkleFanout; }

 private:
  static constexpr uint32_t kInner = 1 + 16 + 256;  // nodes above the leaves
  // Inner node `index` of `level` lives at offset (fanout^level - 1) / 15.
  static uint32_t Offset(int level, uint32_t index);
  void MarkDirty(uint32_t leaf);

  std::vector<uint64_t> leaves_;
  std::array<uint64_t, kInner> inner_{};
  std::array<bool, kInner> dirty_{};
};

}  // namespace leaderless::cluster
