#include "protocol/cluster/merkle_tree.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "protocol/cluster/ring.h"

namespace leaderless::cluster {
namespace {

void Add(MerkleTree& t, const std::string& key, Version v) {
  t.Toggle(MerkleLeaf(key), EntryHash(key, v));
}

TEST(MerkleTreeTest, SameEntriesInAnyOrderGiveTheSameRoot) {
  MerkleTree a, b;
  for (int i = 0; i < 1000; ++i) Add(a, "k" + std::to_string(i), {1, 0, 1});
  for (int i = 999; i >= 0; --i) Add(b, "k" + std::to_string(i), {1, 0, 1});
  EXPECT_EQ(a.Node(0, 0), b.Node(0, 0));
}

TEST(MerkleTreeTest, ADifferentVersionChangesExactlyOneLeafPath) {
  MerkleTree a, b;
  for (int i = 0; i < 1000; ++i) {
    Add(a, "k" + std::to_string(i), {1, 0, 1});
    Add(b, "k" + std::to_string(i), {1, 0, 1});
  }
  // b's k7 is newer: toggle the old entry out, the new one in.
  Add(b, "k7", {1, 0, 1});
  Add(b, "k7", {2, 0, 1});
  EXPECT_NE(a.Node(0, 0), b.Node(0, 0));
  std::set<uint32_t> differing;
  for (uint32_t leaf = 0; leaf < kMerkleLeaves; ++leaf) {
    if (a.Node(kMerkleDepth, leaf) != b.Node(kMerkleDepth, leaf)) {
      differing.insert(leaf);
    }
  }
  EXPECT_EQ(differing, std::set<uint32_t>{MerkleLeaf("k7")});
  // The differing leaf is reachable from the root by following differing
  // children only.
  uint32_t index = 0;
  for (int level = 1; level <= kMerkleDepth; ++level) {
    const uint32_t first = MerkleTree::FirstChild(index);
    int found = 0;
    for (uint32_t child = first; child < first + kMerkleFanout; ++child) {
      if (a.Node(level, child) != b.Node(level, child)) {
        index = child;
        ++found;
      }
    }
    ASSERT_EQ(found, 1) << level;
  }
  EXPECT_EQ(index, MerkleLeaf("k7"));
}

TEST(MerkleTreeTest, RemovingEverythingGivesTheEmptyTree) {
  MerkleTree empty, t;
  uint64_t empty_root = empty.Node(0, 0);
  Add(t, "x", {5, 0, 1});
  EXPECT_NE(t.Node(0, 0), empty_root);
  Add(t, "x", {5, 0, 1});
  EXPECT_EQ(t.Node(0, 0), empty_root);
}

TEST(MerkleTreeTest, LeavesSpreadKeys) {
  std::set<uint32_t> leaves;
  for (int i = 0; i < 20000; ++i)
    leaves.insert(MerkleLeaf("key:" + std::to_string(i)));
  EXPECT_GT(leaves.size(), kMerkleLeaves * 9 / 10);
  for (uint32_t l : leaves) EXPECT_LT(l, kMerkleLeaves);
}

TEST(MerkleTreeTest, EntryHashIsTheRingHashOfKeyVersionAndLength) {
  // Frozen: replicas of different builds must agree on every leaf.
  std::string bytes = "key";
  AppendVersion(&bytes, {7, 8, 9});
  bytes += std::string("\x03\x00", 2);
  EXPECT_EQ(EntryHash("key", {7, 8, 9}), RingHash(bytes));
}

TEST(MerkleTreeTest, EntryHashSeparatesKeyFromVersion) {
  EXPECT_NE(EntryHash("ab", {1, 0, 0}), EntryHash("a", {1, 0, 0}));
  EXPECT_NE(EntryHash("k", {1, 0, 0}), EntryHash("k", {1, 0, 1}));
}

}  // namespace
}  // namespace leaderless::cluster
