#include "replica/proxy_registry.h"

#include <gtest/gtest.h>

namespace leaderless::replica {
namespace {

TEST(ProxyRegistryTest, OneInstanceHoldsAnIdOverAllItsConnections) {
  ProxyRegistry r;
  EXPECT_EQ(r.Claim("1", "first", 10, "127.0.0.1:5000"), nullptr);
  // The same instance again (a second link, a reconnect): granted.
  EXPECT_EQ(r.Claim("1", "first", 11, "127.0.0.1:5001"), nullptr);
  // Other ids are independent.
  EXPECT_EQ(r.Claim("2", "second", 12, "127.0.0.1:6000"), nullptr);
  // Another instance with the same id: refused, naming the holder.
  const std::string* holder = r.Claim("1", "second", 13, "127.0.0.1:7000");
  ASSERT_NE(holder, nullptr);
  EXPECT_EQ(*holder, "127.0.0.1:5000");
}

TEST(ProxyRegistryTest, AnIdIsFreeOnceEveryConnectionOfItsHolderClosed) {
  ProxyRegistry r;
  ASSERT_EQ(r.Claim("1", "old", 10, "a"), nullptr);
  ASSERT_EQ(r.Claim("1", "old", 11, "a"), nullptr);
  r.Release(10);
  // A restarted proxy (new token) while the old one's last link is open.
  EXPECT_NE(r.Claim("1", "new", 20, "b"), nullptr);
  r.Release(20);  // the refused session claimed nothing
  EXPECT_NE(r.Claim("1", "new", 21, "b"), nullptr);
  r.Release(11);
  EXPECT_EQ(r.size(), 0u);
  EXPECT_EQ(r.Claim("1", "new", 22, "b"), nullptr);
  EXPECT_NE(r.Claim("1", "old", 23, "a"), nullptr);
  r.Release(999);  // never claimed: a no-op
  EXPECT_EQ(r.size(), 1u);
}

TEST(ProxyRegistryTest, ASessionThatClaimsAnotherIdGivesUpTheFirst) {
  ProxyRegistry r;
  ASSERT_EQ(r.Claim("1", "x", 10, "a"), nullptr);
  ASSERT_EQ(r.Claim("2", "x", 10, "a"), nullptr);
  EXPECT_EQ(r.Claim("1", "y", 11, "b"), nullptr);
  r.Release(10);
  r.Release(11);
  EXPECT_EQ(r.size(), 0u);
}

}  // namespace
}  // namespace leaderless::replica
