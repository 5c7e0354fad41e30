#include "protocol/net/peer_address.h"

#include <gtest/gtest.h>

namespace leaderless::net {
namespace {

TEST(PeerAddressTest, LoopbackIpLiterals) {
  for (const char* ip :
       {"127.0.0.1", "127.0.0.2", "127.255.255.255", "::1", "0:0:0:0:0:0:0:1",
        "::ffff:127.0.0.1", "::ffff:127.1.2.3"}) {
    EXPECT_TRUE(IsLoopbackAddress(ip)) << ip;
  }
  for (const char* ip :
       {"0.0.0.0", "::", "192.0.2.2", "10.0.0.1", "128.0.0.1", "126.0.0.1",
        "::2", "fe80::1", "::ffff:192.0.2.2", "::127.0.0.1", "localhost", "",
        "127.0.0.1:6379", "127.0.0", "127.0.0.1 "}) {
    EXPECT_FALSE(IsLoopbackAddress(ip)) << ip;
  }
}

TEST(PeerAddressTest, LoopbackAddresses) {
  EXPECT_TRUE(IsLoopbackPeer("127.0.0.1:6379"));
  EXPECT_TRUE(IsLoopbackPeer("127.255.3.4:1"));  // all of 127.0.0.0/8
  EXPECT_TRUE(IsLoopbackPeer("::1:40000"));
  EXPECT_TRUE(IsLoopbackPeer("::ffff:127.0.0.1:40000"));
}

TEST(PeerAddressTest, OtherAddresses) {
  EXPECT_FALSE(IsLoopbackPeer("10.0.0.1:6379"));
  EXPECT_FALSE(IsLoopbackPeer("128.0.0.1:6379"));
  EXPECT_FALSE(IsLoopbackPeer("126.255.255.255:6379"));
  EXPECT_FALSE(IsLoopbackPeer("0.0.0.0:6379"));
  EXPECT_FALSE(IsLoopbackPeer("192.168.1.127:6379"));
  EXPECT_FALSE(IsLoopbackPeer("::2:6379"));
  EXPECT_FALSE(IsLoopbackPeer(":::6379"));  // ::, the unspecified address
  EXPECT_FALSE(IsLoopbackPeer("fe80::1:6379"));
  EXPECT_FALSE(IsLoopbackPeer("::ffff:10.0.0.1:6379"));
  // IPv4-compatible (deprecated) forms are not loopback.
  EXPECT_FALSE(IsLoopbackPeer("::127.0.0.1:6379"));
}

// What a session could not read (Session writes "?:0") is not loopback.
TEST(PeerAddressTest, UnreadableAddresses) {
  EXPECT_FALSE(IsLoopbackPeer(""));
  EXPECT_FALSE(IsLoopbackPeer("?:0"));
  EXPECT_FALSE(IsLoopbackPeer("127.0.0.1"));  // not "ip:port"
  EXPECT_FALSE(IsLoopbackPeer("localhost:6379"));
  EXPECT_FALSE(IsLoopbackPeer("127.0.0.1 :6379"));
}

}  // namespace
}  // namespace leaderless::net
