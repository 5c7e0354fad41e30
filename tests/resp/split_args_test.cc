#include "protocol/resp/split_args.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leaderless::resp {
namespace {

using Words = std::vector<std::string>;

Words Split(std::string_view line) {
  Words words;
  EXPECT_EQ(SplitArgs(line, &words), SplitError::kNone) << line;
  return words;
}

SplitError ErrorOf(std::string_view line) {
  Words words;
  return SplitArgs(line, &words);
}

TEST(SplitArgsTest, BareWordsSplitOnSpaces) {
  EXPECT_EQ(Split("  set  k\tv \r\n"), (Words{"set", "k", "v"}));
  EXPECT_EQ(Split(""), Words{});
  EXPECT_EQ(Split(" \v\f "), Words{});
}

TEST(SplitArgsTest, VerticalTabIsSkippedButDoesNotEndAWord) {
  EXPECT_EQ(Split("\va\vb c"), (Words{"a\vb", "c"}));
}

TEST(SplitArgsTest, DoubleQuotesDecodeEscapes) {
  EXPECT_EQ(Split(R"("a\n\r\t\b\a\x41\"\\\q")"),
            (Words{std::string("a\n\r\t\b\aA\"\\q")}));
  EXPECT_EQ(Split(R"("\x4")"), (Words{"x4"}));  // not two hex digits
  EXPECT_EQ(Split(std::string("\"a\0b\"", 5)), (Words{std::string("a\0b", 3)}));
}

TEST(SplitArgsTest, SingleQuotesDecodeOnlyTheQuote) {
  EXPECT_EQ(Split(R"('a\'b\n')"), (Words{R"(a'b\n)"}));
}

TEST(SplitArgsTest, AQuoteMayOpenMidWordAndItsCloseEndsTheWord) {
  EXPECT_EQ(Split(R"(a"b c" d)"), (Words{"ab c", "d"}));
  EXPECT_EQ(Split(R"("" '')"), (Words{"", ""}));
}

TEST(SplitArgsTest, MalformedLinesSayWhy) {
  EXPECT_EQ(ErrorOf(R"(set "k)"), SplitError::kUnterminatedDouble);
  EXPECT_EQ(ErrorOf(R"(set "k\")"), SplitError::kUnterminatedDouble);
  EXPECT_EQ(ErrorOf("set 'k"), SplitError::kUnterminatedSingle);
  EXPECT_EQ(ErrorOf(R"("a"b)"), SplitError::kBadClose);
  EXPECT_EQ(ErrorOf("'a'b"), SplitError::kBadClose);
}

}  // namespace
}  // namespace leaderless::resp
