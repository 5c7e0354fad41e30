// Wrong clocks must not lose or hide an acknowledged write: a proxy
// restarted on an earlier clock than the one that stamped its last writes,
// a proxy whose clock runs far ahead, and a version far ahead of a proxy's
// clock that it must not follow. Each process's wall clock is moved with
// libfaketime (Cluster::SetProxyClock), its monotonic clock stays real.

#include <chrono>
#include <string>

#include "protocol/cluster/record.h"
#include "tests/integration/cluster_harness.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

const Reply kOk = Reply::Status("OK");

uint64_t NowMs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// The wall time of the version replica `replica` holds for `key`; 0 if it
// holds nothing readable.
uint64_t HeldWallMs(const Cluster& cluster, int replica,
                    const std::string& key) {
  Reply held = HeldRecords(cluster, replica, {key})[0];
  if (held.type != Reply::Type::kString) return 0;
  auto record = cluster::ParseRecord(held.str);
  return record.ok() ? record->version.wall_ms : 0;
}

// INFO field `field` summed over every replica of `cluster`.
long long SumOverReplicas(const Cluster& cluster, int replicas,
                          std::string_view field) {
  long long sum = 0;
  for (int i = 0; i < replicas; ++i) {
    sum += std::max(0LL, FieldValue(ReplicaInfo(cluster, i), field));
  }
  return sum;
}

// Restarts proxy `i` of `cluster` on clock offset `offset_s` and connects.
std::unique_ptr<RedisClient> RestartProxyOnClock(Cluster& cluster, int i,
                                                 double offset_s) {
  cluster.KillProxy(i);
  cluster.SetProxyClock(i, offset_s);
  EXPECT_TRUE(cluster.RestartProxy(i));
  EXPECT_TRUE(cluster.WaitForReplicasUp(cluster.options().replicas, i));
  return cluster.ConnectProxy(i);
}

// The reproduction of issue 10: a proxy whose clock ran 3 s ahead (within
// max-clock-offset-ms here) wrote; restarted on the right clock, its new
// writes were acknowledged and lost, since the replicas kept the "newer"
// records. Every write after the restart must now take effect.
TEST(ClockTest, ProxyRestartedOnAnEarlierClockStillWins) {
  ClusterOptions options = FailureOptions(3);
  options.cluster_lines.push_back("max-clock-offset-ms 10000");
  Cluster cluster(options);
  cluster.SetProxyClock(0, 3.0);
  ASSERT_TRUE(cluster.Start());
  auto ahead = cluster.ConnectProxy();
  ASSERT_TRUE(ahead);
  for (const char* key : {"blind", "deleted", "counter", "renamed"}) {
    ASSERT_EQ(ahead->Command({"SET", key, "10"}), kOk) << key;
  }
  ASSERT_GT(HeldWallMs(cluster, 0, "blind"), NowMs() + 1000);

  auto client = RestartProxyOnClock(cluster, 0, 0);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Command({"SET", "blind", "after"}), kOk);
  EXPECT_EQ(client->Command({"GET", "blind"}), Reply::String("after"));
  EXPECT_EQ(client->Command({"DEL", "deleted"}), Reply::Integer(1));
  EXPECT_EQ(client->Command({"GET", "deleted"}), Reply::Nil());
  EXPECT_EQ(client->Command({"INCR", "counter"}), Reply::Integer(11));
  EXPECT_EQ(client->Command({"GET", "counter"}), Reply::String("11"));
  EXPECT_EQ(client->Command({"RENAME", "renamed", "target"}), kOk);
  EXPECT_EQ(client->Command({"GET", "renamed"}), Reply::Nil());
  EXPECT_EQ(client->Command({"GET", "target"}), Reply::String("10"));
  EXPECT_GT(FieldValue(ProxyInfo(*client), "restamped_writes:"), 0);
}

// A proxy whose clock runs a minute ahead: replicas refuse its writes, the
// client is told why, and nothing of them is visible.
TEST(ClockTest, WritesFromAClockFarAheadAreRefusedNotAcknowledged) {
  Cluster cluster(FailureOptions(3));
  cluster.SetProxyClock(0, 60.0);
  ASSERT_TRUE(cluster.Start());
  auto ahead = cluster.ConnectProxy();
  ASSERT_TRUE(ahead);
  Reply refused = ahead->Command({"SET", "k", "from the future"});
  EXPECT_TRUE(refused.IsError("NOQUORUM")) << Printable(refused.str);
  EXPECT_NE(refused.str.find("ahead of"), std::string::npos) << refused.str;
  EXPECT_NE(refused.str.find("max-clock-offset-ms 500"), std::string::npos);
  EXPECT_GE(SumOverReplicas(cluster, 3, "writes_refused_clock_ahead:"), 2);

  auto client = RestartProxyOnClock(cluster, 0, 0);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Command({"GET", "k"}), Reply::Nil());
  EXPECT_EQ(client->Command({"SET", "k", "now"}), kOk);
  EXPECT_EQ(client->Command({"GET", "k"}), Reply::String("now"));
}

// Replicas that accept a version a minute ahead (their max-clock-offset-ms
// is larger): a proxy with the default offset reads it but does not move
// its clock there, so its own versions stay on its clock; a write it cannot
// stamp above that version is answered -SUPERSEDED, never OK.
TEST(ClockTest, ProxyDoesNotFollowAVersionFarAhead) {
  ClusterOptions options = FailureOptions(3);
  options.proxies = 2;
  options.replica_lines.push_back("max-clock-offset-ms 120000");
  Cluster cluster(options);
  cluster.SetProxyClock(0, 60.0);
  ASSERT_TRUE(cluster.Start());
  auto ahead = cluster.ConnectProxy(0);
  auto client = cluster.ConnectProxy(1);
  ASSERT_TRUE(ahead && client);
  ASSERT_EQ(ahead->Command({"SET", "far", "ahead"}), kOk);

  EXPECT_EQ(client->Command({"GET", "far"}), Reply::String("ahead"));
  EXPECT_GT(FieldValue(ProxyInfo(*client), "versions_ahead_not_followed:"), 0);
  ASSERT_EQ(client->Command({"SET", "mine", "x"}), kOk);
  EXPECT_LT(HeldWallMs(cluster, 0, "mine"), NowMs() + 10000);

  Reply superseded = client->Command({"SET", "far", "now"});
  EXPECT_TRUE(superseded.IsError("SUPERSEDED")) << Printable(superseded.str);
  EXPECT_EQ(client->Command({"GET", "far"}), Reply::String("ahead"));
}

}  // namespace
}  // namespace leaderless::test
