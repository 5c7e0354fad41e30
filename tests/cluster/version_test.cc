#include "protocol/cluster/version.h"

#include <gtest/gtest.h>

namespace leaderless::cluster {
namespace {

TEST(VersionTest, OrderIsWallThenLogicalThenNode) {
  EXPECT_LT((Version{1, 9, 9}), (Version{2, 0, 0}));
  EXPECT_LT((Version{2, 0, 9}), (Version{2, 1, 0}));
  EXPECT_LT((Version{2, 1, 0}), (Version{2, 1, 1}));
  EXPECT_EQ((Version{2, 1, 1}), (Version{2, 1, 1}));
}

TEST(VersionTest, EncodingPreservesOrderAsBytes) {
  std::vector<Version> versions = {
      {0, 0, 0},   {0, 0, 1},   {0, 1, 0},          {1, 0, 0},
      {255, 0, 0}, {256, 0, 0}, {1ULL << 40, 7, 3}, {~0ULL, ~0U, ~0U}};
  for (size_t i = 0; i + 1 < versions.size(); ++i) {
    std::string a, b;
    AppendVersion(&a, versions[i]);
    AppendVersion(&b, versions[i + 1]);
    ASSERT_EQ(a.size(), kEncodedVersionSize);
    EXPECT_LT(a, b) << i;
    EXPECT_EQ(DecodeVersion(a), versions[i]);
  }
}

TEST(HybridClockTest, NeverGoesBackwards) {
  HybridClock clock(1, 500);
  Version a = clock.Now(1000);
  Version b = clock.Now(1000);  // same millisecond
  Version c = clock.Now(900);   // wall clock stepped back
  Version d = clock.Now(1001);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
  EXPECT_EQ(d.wall_ms, 1001u);
  EXPECT_EQ(d.node, 1u);
}

TEST(HybridClockTest, MovesPastObservedVersions) {
  HybridClock clock(1, 500);
  Version seen{1400, 3, 9};  // from a proxy whose clock runs ahead
  EXPECT_TRUE(clock.Observe(seen, 1000));
  Version next = clock.Now(1000);
  EXPECT_LT(seen, next);
  EXPECT_EQ(next.node, 1u);
}

TEST(HybridClockTest, ObservingAnOlderVersionChangesNothing) {
  HybridClock clock(2, 500);
  Version a = clock.Now(1000);
  EXPECT_TRUE(clock.Observe(Version{10, 0, 0}, 1000));
  Version b = clock.Now(1000);
  EXPECT_EQ(b.wall_ms, a.wall_ms);
  EXPECT_EQ(b.logical, a.logical + 1);
}

TEST(HybridClockTest, DoesNotFollowAVersionTooFarAhead) {
  HybridClock clock(1, 500);
  EXPECT_TRUE(clock.Observe(Version{1500, 0, 9}, 1000));  // exactly 500 ahead
  EXPECT_FALSE(clock.Observe(Version{1501, 0, 9}, 1000));
  EXPECT_EQ(clock.Now(1000), (Version{1500, 1, 1}));
}

TEST(HybridClockTest, AVersionAtTheTopOfTheRangeCannotMakeItWrap) {
  HybridClock clock(1, 500);
  EXPECT_FALSE(clock.Observe(Version{~0ULL, ~0U, ~0U}, 1000));
  Version next = clock.Now(1000);
  EXPECT_EQ(next.wall_ms, 1000u);
  EXPECT_LT((Version{999, 0, 0}), next);
}

TEST(VersionTest, AheadByIsZeroForVersionsBehind) {
  EXPECT_EQ(AheadBy(Version{900, 5, 1}, 1000), 0u);
  EXPECT_EQ(AheadBy(Version{1000, 5, 1}, 1000), 0u);
  EXPECT_EQ(AheadBy(Version{1250, 0, 1}, 1000), 250u);
  EXPECT_EQ(AheadBy(Version{~0ULL, 0, 1}, 0), ~0ULL);
}

}  // namespace
}  // namespace leaderless::cluster
