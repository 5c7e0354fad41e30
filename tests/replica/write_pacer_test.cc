#include "replica/write_pacer.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace leaderless::replica {
namespace {

constexpr int kFrom = 6;
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kBatch = 100'000;  // bytes

// Writes 10 MB a second (one 100 KB batch every 10 ms) for `seconds`,
// from `*now` on, with `level0` tables held.
void WriteSteadily(WritePacer& pacer, int level0, uint64_t* now, int seconds) {
  for (int i = 0; i < 100 * seconds; ++i) {
    pacer.Wrote(kBatch, level0, *now, *now);
    *now += 10;
  }
}

TEST(WritePacerTest, BelowTheThresholdNothingWaits) {
  WritePacer pacer(kFrom);
  uint64_t now = 1000;
  WriteSteadily(pacer, kFrom - 1, &now, 3);
  EXPECT_FALSE(pacer.pacing());
  EXPECT_LE(pacer.ReadyAtMs(), now);
}

TEST(WritePacerTest, AtTheThresholdWritesGoOnAtTheRateMeasuredBefore) {
  WritePacer pacer(kFrom);
  uint64_t now = 1000;
  WriteSteadily(pacer, 0, &now, 2);
  // 10 MB a second: 4 MiB owe 419 ms, of which the next batch waits
  // kMaxWaitMs; the batches after it owe the rest.
  pacer.Wrote(4 * kMiB, kFrom, now, now);
  EXPECT_TRUE(pacer.pacing());
  EXPECT_EQ(pacer.ReadyAtMs(), now + WritePacer::kMaxWaitMs);
  now += WritePacer::kMaxWaitMs;
  pacer.Wrote(kBatch, kFrom, now, now);
  EXPECT_EQ(pacer.ReadyAtMs(), now + WritePacer::kMaxWaitMs);
  now += WritePacer::kMaxWaitMs;
  pacer.Wrote(kBatch, kFrom, now, now);
  // 4,394,304 bytes: 439 ms after the first batch.
  EXPECT_EQ(pacer.ReadyAtMs(), now + 39);
}

TEST(WritePacerTest, ABatchsWriteTimeCountsTowardItsWait) {
  WritePacer pacer(kFrom);
  uint64_t now = 1000;
  WriteSteadily(pacer, 0, &now, 2);
  pacer.Wrote(kBatch, kFrom, now, now + 4);  // owes 10 ms, took 4
  EXPECT_EQ(pacer.ReadyAtMs(), now + 10);
}

TEST(WritePacerTest, EachTableMoreHalvesTheRate) {
  WritePacer pacer(kFrom);
  uint64_t now = 1000;
  WriteSteadily(pacer, 0, &now, 2);
  for (int extra = 0; extra < 4; ++extra) {
    pacer.Wrote(kBatch, kFrom + extra, now, now);
    EXPECT_EQ(pacer.ReadyAtMs(), now + (10u << extra)) << extra;
    now += 1000;  // past any wait
  }
}

TEST(WritePacerTest, SmallBatchesArePacedTooByWhatTheyOweTogether) {
  WritePacer pacer(kFrom);
  uint64_t now = 1000;
  WriteSteadily(pacer, 0, &now, 2);
  // 10,000 bytes a millisecond: 1,000-byte batches owe nothing alone, and
  // a millisecond every tenth.
  uint64_t waited = 0;
  for (int i = 0; i < 1000; ++i) {
    pacer.Wrote(1000, kFrom, now, now);
    waited += pacer.ReadyAtMs() - now;
    now = std::max(now, pacer.ReadyAtMs());
  }
  EXPECT_NEAR(static_cast<double>(waited), 100, 1);
}

TEST(WritePacerTest, ABacklogAfterIdleStartsFromTheFloorRate) {
  WritePacer pacer(kFrom);
  uint64_t now = 1000;
  WriteSteadily(pacer, 0, &now, 2);
  now += 5000;  // idle
  pacer.Wrote(WritePacer::kMinBytesPerSecond / 10, kFrom, now, now);
  EXPECT_NEAR(static_cast<double>(pacer.ReadyAtMs() - now), 100, 1);
}

TEST(WritePacerTest, PacingEndsBelowTheThreshold) {
  WritePacer pacer(kFrom);
  uint64_t now = 1000;
  WriteSteadily(pacer, kFrom + 2, &now, 1);
  EXPECT_TRUE(pacer.pacing());
  pacer.Wrote(kBatch, kFrom - 1, now + 1000, now + 1000);
  EXPECT_FALSE(pacer.pacing());
  EXPECT_LE(pacer.ReadyAtMs(), now + 1000);
}

}  // namespace
}  // namespace leaderless::replica
