// Cross-directive rules checked after loading (ValidateForReplica).

#include <gtest/gtest.h>

#include "protocol/cluster/config.h"

namespace leaderless::cluster {
namespace {

Config OneReplica() {
  Config c;
  c.replicas = {{"r1", "127.0.0.1", 7001}};
  c.replication_factor = 1;
  c.read_quorum = 1;
  c.write_quorum = 1;
  c.replica_id = "r1";
  return c;
}

TEST(ConfigValidationTest, HintWindowMustBeShorterThanGcGrace) {
  Config c = OneReplica();
  EXPECT_TRUE(ValidateForReplica(c).ok());
  c.gc_grace_ms = c.hint_window_ms;
  Status s = ValidateForReplica(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'hint-window-ms'"), std::string::npos);
  EXPECT_NE(s.message().find("'gc-grace-ms'"), std::string::npos);
}

}  // namespace
}  // namespace leaderless::cluster
