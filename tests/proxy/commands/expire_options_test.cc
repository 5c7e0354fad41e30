#include "proxy/commands/expire_options.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace leaderless::proxy {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

std::optional<StringOptions> Parse(
    std::vector<std::string_view> args,
    StringCommand command = StringCommand::kSet) {
  return ParseStringOptions(args, command);
}

TEST(StringOptionsTest, SetOptionsInAnyOrderAndCase) {
  auto o = Parse({"nx", "GET", "Ex", "10"});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->flags, kSetNx | kSetGet | kEx);
  EXPECT_EQ(o->expire, "10");
  o = Parse({"KEEPTTL", "xx"});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->flags, kKeepTtl | kSetXx);
  EXPECT_EQ(Parse({})->flags, 0u);
}

TEST(StringOptionsTest, RepeatsAreAllowedAndTheLastTimeWins) {
  auto o = Parse({"ex", "10", "ex", "20", "get", "get", "nx", "nx"});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->expire, "20");
}

TEST(StringOptionsTest, ConflictsAndUnknownsAreSyntaxErrors) {
  for (auto args :
       std::vector<std::vector<std::string_view>>{{"nx", "xx"},
                                                  {"xx", "nx"},
                                                  {"ex", "1", "px", "1"},
                                                  {"exat", "1", "pxat", "1"},
                                                  {"keepttl", "ex", "1"},
                                                  {"px", "1", "keepttl"},
                                                  {"ex"},
                                                  {"foo"},
                                                  {"persist"},
                                                  {"ex", "1", "nx", "px"}}) {
    EXPECT_FALSE(Parse(args).has_value()) << args[0];
  }
}

TEST(StringOptionsTest, GetExTakesTimesAndPersistOnly) {
  auto o = Parse({"pxat", "5"}, StringCommand::kGetEx);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->flags, kPxAt);
  EXPECT_EQ(Parse({"persist"}, StringCommand::kGetEx)->flags, kPersist);
  for (std::string_view bad : {"nx", "xx", "get", "keepttl"}) {
    EXPECT_FALSE(Parse({bad}, StringCommand::kGetEx).has_value()) << bad;
  }
  EXPECT_FALSE(Parse({"persist", "ex", "1"}, StringCommand::kGetEx));
  EXPECT_FALSE(Parse({"ex", "1", "persist"}, StringCommand::kGetEx));
}

TEST(StringExpireAtTest, RelativeAndAbsoluteTimes) {
  EXPECT_EQ(StringExpireAt(kEx, "10", 1000, "set").value(), 11000u);
  EXPECT_EQ(StringExpireAt(kPx, "10", 1000, "set").value(), 1010u);
  EXPECT_EQ(StringExpireAt(kExAt, "10", 1000, "set").value(), 10000u);
  EXPECT_EQ(StringExpireAt(kPxAt, "10", 1000, "set").value(), 10u);
  EXPECT_EQ(StringExpireAt(kPxAt, "9223372036854775807", 1000, "set").value(),
            static_cast<uint64_t>(kMax));
}

TEST(StringExpireAtTest, ErrorsAsRedis) {
  auto error = [](unsigned flags, std::string_view arg) {
    auto r = StringExpireAt(flags, arg, 1700000000000, "setex");
    return r.ok() ? std::string("ok") : r.status().message();
  };
  const std::string invalid = "ERR invalid expire time in 'setex' command";
  EXPECT_EQ(error(kEx, "abc"), "ERR value is not an integer or out of range");
  EXPECT_EQ(error(kEx, "1.5"), "ERR value is not an integer or out of range");
  EXPECT_EQ(error(kEx, "0"), invalid);
  EXPECT_EQ(error(kPx, "-1"), invalid);
  EXPECT_EQ(error(kExAt, "9223372036854776"), invalid);  // * 1000 overflows
  EXPECT_EQ(error(kEx, "9223372036854775"), invalid);    // + now overflows
  EXPECT_EQ(error(kExAt, "9223372036854775"), "ok");
  EXPECT_EQ(error(kPx, "9223372036854775807"), invalid);
}

TEST(ExpireFlagsTest, ParsesAndRejectsCombinations) {
  using Args = std::vector<std::string_view>;
  EXPECT_EQ(ParseExpireFlags(Args{}).value(), 0u);
  EXPECT_EQ(ParseExpireFlags(Args{"XX", "gt"}).value(), kExpireXx | kExpireGt);
  EXPECT_EQ(ParseExpireFlags(Args{"nx", "nx"}).value(), kExpireNx);
  auto error = [](Args args) {
    return ParseExpireFlags(args).status().message();
  };
  const std::string nx =
      "ERR NX and XX, GT or LT options at the same time "
      "are not compatible";
  EXPECT_EQ(error({"nx", "xx"}), nx);
  EXPECT_EQ(error({"lt", "nx"}), nx);
  EXPECT_EQ(error({"gt", "lt"}),
            "ERR GT and LT options at the same time are not compatible");
  EXPECT_EQ(error({"nx", "Foo"}), "ERR Unsupported option Foo");
}

TEST(ExpireCommandAtTest, UnitsBasesAndOverflow) {
  EXPECT_EQ(ExpireCommandAt("10", true, 1000, "expire").value(), 11000);
  EXPECT_EQ(ExpireCommandAt("-10", true, 1000, "expire").value(), -9000);
  EXPECT_EQ(ExpireCommandAt("10", false, 0, "pexpireat").value(), 10);
  EXPECT_EQ(
      ExpireCommandAt("-9223372036854775808", false, 5, "pexpire").value(),
      kMin + 5);
  const std::string invalid = "ERR invalid expire time in 'expire' command";
  EXPECT_EQ(ExpireCommandAt("9223372036854775808", true, 0, "expire")
                .status()
                .message(),
            "ERR value is not an integer or out of range");
  EXPECT_EQ(
      ExpireCommandAt("9223372036854776", true, 0, "expire").status().message(),
      invalid);
  EXPECT_EQ(ExpireCommandAt("-9223372036854776", true, 0, "expire")
                .status()
                .message(),
            invalid);
  EXPECT_EQ(ExpireCommandAt("9223372036854775", true, 1700000000000, "expire")
                .status()
                .message(),
            invalid);
  EXPECT_TRUE(ExpireCommandAt("9223372036854775", true, 0, "expireat").ok());
}

TEST(ExpireAllowedTest, NxXxGtLt) {
  EXPECT_TRUE(ExpireAllowed(0, 0, 5));
  EXPECT_TRUE(ExpireAllowed(kExpireNx, 0, 5));
  EXPECT_FALSE(ExpireAllowed(kExpireNx, 10, 5));
  EXPECT_FALSE(ExpireAllowed(kExpireXx, 0, 5));
  EXPECT_TRUE(ExpireAllowed(kExpireXx, 10, 5));
  // No expiry is an infinite one: never exceeded, always undercut.
  EXPECT_FALSE(ExpireAllowed(kExpireGt, 0, 5));
  EXPECT_TRUE(ExpireAllowed(kExpireGt, 10, 11));
  EXPECT_FALSE(ExpireAllowed(kExpireGt, 10, 10));
  EXPECT_TRUE(ExpireAllowed(kExpireLt, 0, -5));
  EXPECT_TRUE(ExpireAllowed(kExpireLt, 10, 9));
  EXPECT_FALSE(ExpireAllowed(kExpireLt, 10, 10));
  EXPECT_FALSE(ExpireAllowed(kExpireXx | kExpireLt, 0, 5));
}

}  // namespace
}  // namespace leaderless::proxy
