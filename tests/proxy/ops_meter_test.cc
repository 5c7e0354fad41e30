#include "proxy/ops_meter.h"

#include <gtest/gtest.h>

namespace leaderless::proxy {
namespace {

TEST(OpsMeter, CountsTheLastWholeSecond) {
  OpsMeter meter;
  EXPECT_EQ(meter.PerSecond(5000), 0u);
  for (int i = 0; i < 7; ++i) meter.Count(5100 + i);
  EXPECT_EQ(meter.PerSecond(5999), 0u);  // second 5 is not over yet
  EXPECT_EQ(meter.PerSecond(6000), 7u);
  meter.Count(6500);
  EXPECT_EQ(meter.PerSecond(6999), 7u);
  EXPECT_EQ(meter.PerSecond(7000), 1u);
  EXPECT_EQ(meter.PerSecond(8000), 0u);  // an idle second
  meter.Count(9000);
  EXPECT_EQ(meter.PerSecond(9000), 0u);  // 8 was idle
}

}  // namespace
}  // namespace leaderless::proxy
