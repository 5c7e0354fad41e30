#include "protocol/cluster/secret.h"

#include <gtest/gtest.h>

#include <string>

namespace leaderless::cluster {
namespace {

TEST(SameSecretTest, EqualBytesOnly) {
  EXPECT_TRUE(SameSecret("s3cret", "s3cret"));
  const std::string binary("a\0\r\n\xff", 5);
  EXPECT_TRUE(SameSecret(binary, binary));
  EXPECT_FALSE(SameSecret(std::string("a\0\r\n\xfe", 5), binary));
  EXPECT_FALSE(SameSecret("S3cret", "s3cret"));
}

// A difference at any position, first or last, is one.
TEST(SameSecretTest, EveryPositionCounts) {
  const std::string secret = "correct horse battery staple";
  for (size_t i = 0; i < secret.size(); ++i) {
    std::string guess = secret;
    guess[i] = static_cast<char>(guess[i] ^ 0x01);
    EXPECT_FALSE(SameSecret(guess, secret)) << "position " << i;
  }
}

// The secret is read cyclically, so repeats of it and its prefixes must
// still differ by their lengths.
TEST(SameSecretTest, LengthsMustMatch) {
  EXPECT_FALSE(SameSecret("ab", "abab"));
  EXPECT_FALSE(SameSecret("abab", "ab"));
  EXPECT_FALSE(SameSecret("abababab", "ab"));
  EXPECT_FALSE(SameSecret("s3cre", "s3cret"));
  EXPECT_FALSE(SameSecret("s3crets", "s3cret"));
  EXPECT_FALSE(SameSecret("", "s3cret"));
  EXPECT_FALSE(SameSecret(std::string(1, '\0'), ""));
  // Lengths that differ in high bits only.
  EXPECT_FALSE(SameSecret(std::string(256 + 1, 'a'), "a"));
}

TEST(SameSecretTest, EmptySecretMatchesOnlyEmpty) {
  EXPECT_TRUE(SameSecret("", ""));
  EXPECT_FALSE(SameSecret("x", ""));
}

}  // namespace
}  // namespace leaderless::cluster
