#include "proxy/protected_mode.h"

#include <gtest/gtest.h>

namespace leaderless::proxy {
namespace {

// Every combination of the four inputs: only the one with protection on,
// no password, a non-loopback bind and a remote client is refused.
TEST(ProtectedMode, RefusesOnlyRemoteClientsOfAnOpenUnprotectedProxy) {
  for (int bits = 0; bits < 16; ++bits) {
    const bool protected_mode = bits & 1;
    const bool password_set = bits & 2;
    const bool bind_loopback_only = bits & 4;
    const bool client_loopback = bits & 8;
    const bool refused = protected_mode && !password_set &&
                         !bind_loopback_only && !client_loopback;
    EXPECT_EQ(ProtectedModeRefuses(protected_mode, password_set,
                                   bind_loopback_only, client_loopback),
              refused)
        << "protected-mode " << protected_mode << ", password " << password_set
        << ", loopback bind " << bind_loopback_only << ", loopback client "
        << client_loopback;
  }
}

TEST(ProtectedMode, PeerOfAConfiguredProxy) {
  cluster::Config open;
  open.bind = "0.0.0.0";
  EXPECT_TRUE(ProtectedModeRefusesPeer(open, "192.0.2.2:50000"));
  EXPECT_TRUE(ProtectedModeRefusesPeer(open, "fd00::2:50000"));
  EXPECT_TRUE(ProtectedModeRefusesPeer(open, ""));  // address unknown
  EXPECT_FALSE(ProtectedModeRefusesPeer(open, "127.0.0.1:50000"));
  EXPECT_FALSE(ProtectedModeRefusesPeer(open, "::1:50000"));
  EXPECT_FALSE(ProtectedModeRefusesPeer(open, "::ffff:127.0.0.1:50000"));

  cluster::Config unprotected = open;
  unprotected.protected_mode = false;
  EXPECT_FALSE(ProtectedModeRefusesPeer(unprotected, "192.0.2.2:50000"));

  cluster::Config with_password = open;
  with_password.requirepass = "s3cret";
  EXPECT_FALSE(ProtectedModeRefusesPeer(with_password, "192.0.2.2:50000"));

  for (const char* loopback : {"127.0.0.1", "127.0.0.7", "::1"}) {
    cluster::Config local = open;
    local.bind = loopback;
    EXPECT_FALSE(ProtectedModeRefusesPeer(local, "192.0.2.2:50000"))
        << loopback;
  }
  cluster::Config v6 = open;
  v6.bind = "::";
  EXPECT_TRUE(ProtectedModeRefusesPeer(v6, "::ffff:192.0.2.2:50000"));
}

}  // namespace
}  // namespace leaderless::proxy
