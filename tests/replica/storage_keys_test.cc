#include "replica/storage_keys.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "protocol/cluster/merkle_tree.h"
#include "protocol/cluster/ring.h"

namespace leaderless::replica {
namespace {

bool InRange(const KeyRange& range, const std::string& key) {
  return range.begin <= key && key < range.end;
}

TEST(StorageKeysTest, DataKeysSortInRingOrderAndParseBack) {
  uint64_t previous_hash = 0;
  std::map<std::string, std::string> by_storage_key;
  for (int i = 0; i < 1000; ++i) {
    std::string key = "key:" + std::to_string(i);
    by_storage_key[DataKey(key)] = key;
  }
  for (const auto& [storage_key, key] : by_storage_key) {
    auto parts = ParseDataKey(storage_key);
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->key, key);
    EXPECT_EQ(parts->hash, cluster::RingHash(key));
    EXPECT_GE(parts->hash, previous_hash);
    previous_hash = parts->hash;
  }
  EXPECT_FALSE(ParseDataKey("d123"));
  EXPECT_FALSE(ParseDataKey(HintKey("r1", "k")));
}

TEST(StorageKeysTest, RangesHoldExactlyTheirPositions) {
  for (int i = 0; i < 1000; ++i) {
    std::string key = std::string("k\0\xff", 3) + std::to_string(i);
    const uint64_t hash = cluster::RingHash(key);
    const std::string data = DataKey(key);
    EXPECT_TRUE(InRange(DataRange(hash, hash), data));
    EXPECT_TRUE(InRange(AllData(), data));
    EXPECT_TRUE(InRange(LeafRange(cluster::MerkleLeaf(key)), data));
    EXPECT_FALSE(InRange(
        LeafRange((cluster::MerkleLeaf(key) + 1) % cluster::kMerkleLeaves),
        data));
    if (hash > 0) {
      EXPECT_FALSE(InRange(DataRange(0, hash - 1), data));
    }
    if (hash < UINT64_MAX) {
      EXPECT_FALSE(InRange(DataRange(hash + 1, UINT64_MAX), data));
    }
    const std::string hint = HintKey("r2", key);
    EXPECT_TRUE(InRange(HintRange("r2", hash, hash), hint));
    EXPECT_TRUE(InRange(HintsFor("r2"), hint));
    EXPECT_TRUE(InRange(AllHints(), hint));
    EXPECT_FALSE(InRange(HintsFor("r1"), hint));
    EXPECT_FALSE(InRange(HintsFor("r2x"), hint));
    EXPECT_FALSE(InRange(AllData(), hint));
    auto parts = ParseHintKey(hint);
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->home, "r2");
    EXPECT_EQ(parts->hash, hash);
    EXPECT_EQ(parts->key, key);
  }
}

}  // namespace
}  // namespace leaderless::replica
