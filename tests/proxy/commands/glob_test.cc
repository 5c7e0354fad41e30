#include "proxy/commands/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace leaderless::proxy {
namespace {

struct Case {
  const char* pattern;
  const char* text;
  bool match;
};

// Redis's stringmatchlen, case-sensitive.
TEST(GlobMatch, RedisSemantics) {
  const Case kCases[] = {
      {"", "", true},
      {"", "a", false},
      {"*", "", true},
      {"*", "anything", true},
      {"**", "x", true},
      {"a*", "abc", true},
      {"a*", "ba", false},
      {"*max-*-entries*", "hash-max-listpack-entries", true},
      {"*max-*-entries*", "maxmemory", false},
      {"a*b*c", "axxbyyc", true},
      {"a*b*c", "axxbyy", false},
      {"a*bc", "abcbc", true},
      {"?", "a", true},
      {"?", "", false},
      {"a?c", "abc", true},
      {"[abc]", "b", true},
      {"[abc]", "d", false},
      {"[^abc]", "d", true},
      {"[^abc]", "a", false},
      {"[a-c]x", "bx", true},
      {"[c-a]x", "bx", true},  // reversed ranges work, as in Redis
      {"[a-c]x", "dx", false},
      {"[\\]]", "]", true},
      {"\\*", "*", true},
      {"\\*", "a", false},
      {"a\\", "a\\", true},
      {"[abc", "b", true},  // an unclosed class takes the rest
      {"save", "SAVE", false},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(GlobMatch(c.pattern, c.text, false), c.match)
        << c.pattern << " vs " << c.text;
  }
}

TEST(GlobMatch, Nocase) {
  EXPECT_TRUE(GlobMatch("SAVE", "save", true));
  EXPECT_TRUE(GlobMatch("MaxMemory*", "maxmemory-policy", true));
  EXPECT_TRUE(GlobMatch("[A-C]", "b", true));
  EXPECT_TRUE(GlobMatch("[^A-C]", "d", true));
  EXPECT_FALSE(GlobMatch("[^A-C]", "b", true));
}

// Many stars against a long text that never matches: bounded work.
TEST(GlobMatch, StarsDoNotBacktrackExponentially) {
  const std::string text(10000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*b", text, false));
  EXPECT_TRUE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*", text, false));
}

}  // namespace
}  // namespace leaderless::proxy
