#include "protocol/cluster/merkle_tree.h"

#include "protocol/cluster/ring.h"

namespace leaderless::cluster {

uint32_t MerkleLeaf(std::string_view key) {
  return MerkleLeafAt(RingHash(key));
}

uint64_t EntryHash(std::string_view key, std::string_view rank) {
  // The rank (fixed size) and the key's length after the key, so no two
  // (key, rank) pairs give the same bytes.
  const char length[2] = {static_cast<char>(key.size() & 0xff),
                          static_cast<char>((key.size() >> 8) & 0xff)};
  return RingHashOf({key, rank, std::string_view(length, sizeof(length))});
}

MerkleTree::MerkleTree() : leaves_(kMerkleLeaves, 0) {
  dirty_.fill(true);  // an empty tree's nodes are computed like any other
}

uint32_t MerkleTree::Offset(int level, uint32_t index) {
  uint32_t first = 0;
  for (int l = 0, width = 1; l < level; ++l, width *= kMerkleFanout) {
    first += static_cast<uint32_t>(width);
  }
  return first + index;
}

void MerkleTree::Toggle(uint32_t leaf, uint64_t entry_hash) {
  leaves_[leaf] ^= entry_hash;
  MarkDirty(leaf);
}

void MerkleTree::MarkDirty(uint32_t leaf) {
  uint32_t index = leaf;
  for (int level = kMerkleDepth - 1; level >= 0; --level) {
    index /= kMerkleFanout;
    dirty_[Offset(level, index)] = true;
  }
}

uint64_t MerkleTree::Node(int level, uint32_t index) {
  if (level == kMerkleDepth) return leaves_[index];
  uint32_t at = Offset(level, index);
  if (dirty_[at]) {
    // Hash the children's hashes in order: position matters, unlike XOR.
    std::string bytes;
    bytes.reserve(8 * kMerkleFanout);
    for (int c = 0; c < kMerkleFanout; ++c) {
      uint64_t h =
          Node(level + 1, FirstChild(index) + static_cast<uint32_t>(c));
      for (int b = 7; b >= 0; --b) {
        bytes.push_back(static_cast<char>((h >> (8 * b)) & 0xff));
      }
    }
    inner_[at] = RingHash(bytes);
    dirty_[at] = false;
  }
  return inner_[at];
}

}  // namespace leaderless::cluster
