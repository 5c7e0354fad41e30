#include "proxy/speculation.h"

#include <gtest/gtest.h>

namespace leaderless::proxy {
namespace {

TEST(Speculation, StartsAtTheInitialDelay) {
  Speculation s;
  EXPECT_EQ(s.SpeculateAfterMs(0), Speculation::kInitialSpeculateMs);
  EXPECT_EQ(s.SpeculateAfterMs(5000), Speculation::kInitialSpeculateMs);
}

TEST(Speculation, FollowsTheLastSecondsNinetyNinthPercentile) {
  Speculation s;
  // Second 10: 990 answers in 3 ms, 10 in 40 ms: the 99th percentile is
  // within 3 ms, so the delay is 4 (the bucket's upper end).
  for (int i = 0; i < 990; ++i) s.Record(3, 10'000);
  for (int i = 0; i < 10; ++i) s.Record(40, 10'500);
  EXPECT_EQ(s.SpeculateAfterMs(10'999), Speculation::kInitialSpeculateMs);
  EXPECT_EQ(s.SpeculateAfterMs(11'000), 4u);
  // Second 11: 980 fast, 20 slow: the 99th percentile is the slow ones.
  for (int i = 0; i < 980; ++i) s.Record(3, 11'000);
  for (int i = 0; i < 20; ++i) s.Record(40, 11'000);
  EXPECT_EQ(s.SpeculateAfterMs(12'000), 41u);
}

TEST(Speculation, KeepsItsDelayThroughASecondWithoutAnswers) {
  Speculation s;
  for (int i = 0; i < 100; ++i) s.Record(9, 1'000);
  EXPECT_EQ(s.SpeculateAfterMs(2'000), 10u);
  // A stalled replica adds no samples: nothing to lower or raise the delay.
  EXPECT_EQ(s.SpeculateAfterMs(3'000), 10u);
  EXPECT_EQ(s.SpeculateAfterMs(60'000), 10u);
}

TEST(Speculation, NeverBelowTheFloorAndLongAnswersClamp) {
  Speculation s;
  for (int i = 0; i < 100; ++i) s.Record(0, 1'000);
  EXPECT_EQ(s.SpeculateAfterMs(2'000), Speculation::kMinSpeculateMs);
  for (int i = 0; i < 100; ++i) s.Record(1'000'000, 2'000);
  const uint64_t longest = s.SpeculateAfterMs(3'000);
  EXPECT_GT(longest, 100u);
  EXPECT_LT(longest, 1'000u);
}

}  // namespace
}  // namespace leaderless::proxy
