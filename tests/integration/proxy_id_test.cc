// Two live proxies with one proxy-id would stamp the same versions on
// different values. Every proxy link introduces itself (LL.PROXY <id>
// <instance token>); replicas refuse a second instance of a proxy-id while
// the first has a connection open, and a proxy no replica accepts exits
// with the replicas' message. A proxy that restarts with its id is not
// held back.

#include <string>

#include "tests/integration/cluster_harness.h"

namespace leaderless::test {
namespace {

constexpr char kInUse[] = "proxy-id 1 is in use by another live proxy";

TEST(ProxyIdTest, ASecondLiveProxyWithTheSameIdExitsWithTheReason) {
  Cluster cluster;
  ASSERT_TRUE(cluster.Start());
  // proxy0's own file (proxy-id 1) on another port.
  const std::string log = cluster.dir() + "/duplicate.log";
  auto duplicate =
      Process::Start({LEADERLESS_PROXY_BIN, cluster.dir() + "/proxy0.conf",
                      "--port", std::to_string(PickFreePort())},
                     log);
  ASSERT_TRUE(duplicate);
  ASSERT_TRUE(duplicate->WaitExit()) << ReadLogTail(log);
  EXPECT_TRUE(duplicate->ExitedWithCode(1)) << duplicate->DescribeExit();
  EXPECT_NE(ReadLogTail(log).find(kInUse), std::string::npos)
      << ReadLogTail(log);
  EXPECT_NE(ReadLogTail(log).find("give every proxy its own proxy-id"),
            std::string::npos);
  // The first one goes on serving.
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Command({"SET", "k", "v"}), Reply::Status("OK"));
  EXPECT_EQ(client->Command({"GET", "k"}), Reply::String("v"));
}

// The replica frees the id when the old proxy's connections close, so a
// restart (a new instance token) comes up, killed or stopped cleanly.
TEST(ProxyIdTest, AProxyRestartsWithItsOwnId) {
  Cluster cluster;
  ASSERT_TRUE(cluster.Start());
  for (int round = 0; round < 3; ++round) {
    if (round % 2 == 0) {
      cluster.KillProxy();
    } else {
      ASSERT_TRUE(cluster.TerminateProxy());
    }
    ASSERT_TRUE(cluster.RestartProxy());
    ASSERT_TRUE(cluster.WaitForReplicasUp(3));
    auto client = cluster.ConnectProxy();
    ASSERT_TRUE(client);
    EXPECT_EQ(client->Command({"SET", "k", std::to_string(round)}),
              Reply::Status("OK"));
  }
}

}  // namespace
}  // namespace leaderless::test
