#include "protocol/resp/command_table.h"

#include <gtest/gtest.h>

namespace leaderless::resp {
namespace {

TEST(ArgIsTest, MatchesAnOptionNameInAnyCase) {
  EXPECT_TRUE(ArgIs("auth", "auth"));
  EXPECT_TRUE(ArgIs("AUTH", "auth"));
  EXPECT_TRUE(ArgIs("SetName", "setname"));
  EXPECT_FALSE(ArgIs("auth2", "auth"));
  EXPECT_FALSE(ArgIs("aut", "auth"));
  EXPECT_FALSE(ArgIs("", "auth"));
  EXPECT_FALSE(ArgIs(std::string_view("au\0h", 4), "auth"));
}

}  // namespace
}  // namespace leaderless::resp
