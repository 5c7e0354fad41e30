#include "protocol/resp/integers.h"

#include <gtest/gtest.h>

namespace leaderless::resp {
namespace {

TEST(ParseInt64Test, AcceptsWhatRedisString2llAccepts) {
  EXPECT_EQ(ParseInt64("0"), 0);
  EXPECT_EQ(ParseInt64("42"), 42);
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_EQ(ParseInt64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseInt64("-9223372036854775808"), INT64_MIN);
}

TEST(ParseInt64Test, RefusesEverythingElse) {
  for (const char* s : {"", "-", "+1", " 1", "1 ", "01", "-0", "-01", "1a",
                        "9223372036854775808", "-9223372036854775809",
                        "18446744073709551616", "000000000000000000001"}) {
    EXPECT_EQ(ParseInt64(s), std::nullopt) << s;
  }
}

}  // namespace
}  // namespace leaderless::resp
