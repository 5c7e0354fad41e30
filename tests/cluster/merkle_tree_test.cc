#include "protocol/cluster/merkle_tree.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "protocol/cluster/ring.h"

namespace leaderless::cluster {
namespace {

// The entry of a value of version `v` (digest 0, for short).
std::string Rank(Version v) { return EncodeRank({v, false, 0}); }

void Add(MerkleTree& t, const std::string& key, Version v) {
  t.Toggle(MerkleLeaf(key), EntryHash(key, Rank(v)));
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

TEST(MerkleTreeTest, EntryHashIsTheRingHashOfKeyRankAndLength) {
  // Frozen: replicas of different builds must agree on every leaf.
  std::string rank = EncodeRank({{7, 8, 9}, true, 0x0102030405060708});
  std::string bytes = "key" + rank + std::string("\x03\x00", 2);
  EXPECT_EQ(EntryHash("key", rank), RingHash(bytes));
}

TEST(MerkleTreeTest, EntryHashSeparatesKeyFromRank) {
  EXPECT_NE(EntryHash("ab", Rank({1, 0, 0})), EntryHash("a", Rank({1, 0, 0})));
  EXPECT_NE(EntryHash("k", Rank({1, 0, 0})), EntryHash("k", Rank({1, 0, 1})));
}

// Records of one version that differ (a value and the tombstone expiry
// made of it; two values) are different entries, so anti-entropy sees them.
TEST(MerkleTreeTest, EntryHashCoversTheContentNotJustTheVersion) {
  Record a, b, tombstone;
  a.version = b.version = tombstone.version = {5, 0, 1};
  a.value = "a";
  b.value = "b";
  tombstone.tombstone = true;
  auto entry = [](const Record& r) {
    return EntryHash("k", EncodeRank(RankOf(EncodeRecord(r))));
  };
  EXPECT_NE(entry(a), entry(b));
  EXPECT_NE(entry(a), entry(tombstone));
}

}  // namespace
}  // namespace leaderless::cluster
