#include "replica/adaptive_rate.h"

#include <gtest/gtest.h>

#include <random>

namespace leaderless::replica {
namespace {

TEST(AdaptiveRateTest, StartsAtTheFloor) {
  EXPECT_EQ(AdaptiveRate(2000, 50000).rate(), 2000);
}

TEST(AdaptiveRateTest, AnIdleLoopRaisesItToTheCeiling) {
  AdaptiveRate rate(2000, 50000);
  EXPECT_EQ(rate.Update(0.1), 4000);
  EXPECT_EQ(rate.Update(0.1), 8000);
  for (int i = 0; i < 10; ++i) rate.Update(0.0);
  EXPECT_EQ(rate.rate(), 50000);  // not 64000
}

TEST(AdaptiveRateTest, ABusyLoopLowersItToTheFloor) {
  AdaptiveRate rate(2000, 50000);
  for (int i = 0; i < 10; ++i) rate.Update(0.0);
  EXPECT_EQ(rate.Update(0.95), 25000);
  for (int i = 0; i < 10; ++i) rate.Update(1.0);
  EXPECT_EQ(rate.rate(), 2000);
}

TEST(AdaptiveRateTest, BetweenTheThresholdsItHolds) {
  AdaptiveRate rate(1000, 100000);
  rate.Update(0.0);
  EXPECT_EQ(rate.rate(), 2000);
  rate.Update((AdaptiveRate::kRaiseBelow + AdaptiveRate::kLowerAbove) / 2);
  EXPECT_EQ(rate.rate(), 2000);
}

TEST(AdaptiveRateTest, AFixedRateStaysFixed) {
  AdaptiveRate rate(3000, 3000);
  for (double busy : {0.0, 1.0, 0.5, -1.0, 2.0}) {
    EXPECT_EQ(rate.Update(busy), 3000);
  }
}

// Whatever the loop does, the rate stays within its bounds, including
// busy fractions outside 0..1 (a rounding of the idle time).
TEST(AdaptiveRateTest, StaysWithinItsBounds) {
  std::mt19937 rng(12);
  std::uniform_real_distribution<double> busy(-0.5, 1.5);
  for (auto [floor, ceiling] : {std::pair<int64_t, int64_t>{1, 1},
                                {1, 2},
                                {2000, 50000},
                                {7, 1000000007}}) {
    AdaptiveRate rate(floor, ceiling);
    for (int i = 0; i < 10000; ++i) {
      int64_t r = rate.Update(busy(rng));
      ASSERT_GE(r, floor);
      ASSERT_LE(r, ceiling);
    }
  }
}

}  // namespace
}  // namespace leaderless::replica
