#include "proxy/commands/float_format.h"

#include <gtest/gtest.h>

#include <string>

namespace leaderless::proxy {
namespace {

using namespace std::string_literals;

// Expected texts are redis-server 7.0.15's INCRBYFLOAT replies.
TEST(FloatFormatTest, FormatsAsRedisHumanMode) {
  EXPECT_EQ(FormatLongDouble(4.0L), "4");
  EXPECT_EQ(FormatLongDouble(10.5L), "10.5");
  EXPECT_EQ(FormatLongDouble(10.5L + 0.1L), "10.6");
  EXPECT_EQ(FormatLongDouble(-0.0L), "0");
  EXPECT_EQ(FormatLongDouble(-2.25L), "-2.25");
  EXPECT_EQ(FormatLongDouble(1e20L), "100000000000000000000");
  EXPECT_EQ(FormatLongDouble(16.0L + 1.5e-10L), "16.00000000015");
  EXPECT_EQ(FormatLongDouble(0.1L), "0.1");
  EXPECT_EQ(FormatLongDouble(1e-18L), "0");  // below 17 decimals
}

TEST(FloatFormatTest, FormatsHugeValuesInFull) {
  EXPECT_EQ(
      FormatLongDouble(*ParseLongDouble("1e308")),
      "999999999999999999966858796558456456605600998474155672077970479949217"
      "348688380618721001269218885393204467472250540132231521347495939605835"
      "974208144301964187679591000196031907786631096045071066679391533957889"
      "389145605435630612683649016186302170865892534448816237913008557573181"
      "42424510452728255046343928578048");
}

TEST(FloatFormatTest, ParsesWhatStrtoldReadsWhole) {
  EXPECT_EQ(ParseLongDouble("1.5"), 1.5L);
  EXPECT_EQ(ParseLongDouble("+1.5"), 1.5L);
  EXPECT_EQ(ParseLongDouble("-3"), -3.0L);
  EXPECT_EQ(ParseLongDouble("0x10"), 16.0L);
  EXPECT_EQ(ParseLongDouble("1e400"),
            1e400L);  // beyond double, not long double
  EXPECT_TRUE(ParseLongDouble("inf").has_value());
  EXPECT_TRUE(ParseLongDouble("-inf").has_value());
}

TEST(FloatFormatTest, RejectsWhatRedisRejects) {
  for (const std::string& bad :
       {""s, " 1"s, "1 "s, "abc"s, "1.5x"s, "nan"s, "1e5000"s, "1e-5000"s,
        "1\0"s, std::string(5120, '1')}) {
    EXPECT_FALSE(ParseLongDouble(bad).has_value()) << bad.substr(0, 20);
  }
  EXPECT_EQ(ParseLongDouble("1." + std::string(5117, '0')), 1.0L);
}

}  // namespace
}  // namespace leaderless::proxy
