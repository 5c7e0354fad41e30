// Two different records of one version (what two proxies given the same
// proxy-id produce, or a value and the tombstone expiry made of it) must
// resolve the same way everywhere: a proxy's reads return the same one every
// time, and read repair and anti-entropy bring every replica to it. The
// records are written straight to the replicas with LL.PUT.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "protocol/cluster/record.h"
#include "tests/integration/cluster_harness.h"

namespace leaderless::test {
namespace {

// A version a few seconds old: within every replica's max-clock-offset-ms.
cluster::Version RecentVersion() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now);
  return {static_cast<uint64_t>(ms.count()) - 5000, 0, 7};
}

// The encoded record of version `v`: `value`, or a tombstone if nullopt.
std::string Encoded(const cluster::Version& v,
                    std::optional<std::string> value = std::nullopt) {
  cluster::Record r;
  r.version = v;
  r.tombstone = !value;
  if (value) r.value = std::move(*value);
  return cluster::EncodeRecord(r);
}

// A cluster of 3 replicas, N=3 R=2 W=2; `proxy_lines` for the proxy.
ClusterOptions Options(std::vector<std::string> proxy_lines) {
  ClusterOptions options;
  options.replica_lines = {"anti-entropy-interval-ms 200"};
  options.proxy_lines = std::move(proxy_lines);
  return options;
}

class EqualVersionsTest : public ::testing::Test {
 protected:
  // Puts `records[i]` under `key` on replica i.
  void PutOnReplicas(const std::string& key,
                     const std::vector<std::string>& records) {
    for (size_t i = 0; i < records.size(); ++i) {
      auto replica = cluster_->ConnectReplica(static_cast<int>(i));
      ASSERT_TRUE(replica);
      Reply put = replica->Command({"LL.PUT", key, records[i]});
      ASSERT_FALSE(put.IsError()) << put.str;
    }
  }

  // Whether every replica holds `record` under `key`.
  bool AllHold(const std::string& key, const std::string& record) {
    for (int i = 0; i < cluster_->options().replicas; ++i) {
      auto replica = cluster_->ConnectReplica(i);
      if (!replica) return false;
      Reply held = replica->Command({"LL.GET", key});
      if (held.type != Reply::Type::kString || held.str != record) return false;
    }
    return true;
  }

  std::unique_ptr<Cluster> cluster_;
};

// One replica holds the record that loses, two the winner: whichever two
// answer first, every read returns the winner, and read repair fixes the
// loser.
TEST_F(EqualVersionsTest, ReadsAreStableAndReadRepairConverges) {
  cluster_ = std::make_unique<Cluster>(Options({}));
  ASSERT_TRUE(cluster_->Start());
  const cluster::Version v = RecentVersion();
  const std::string a = Encoded(v, "a"), b = Encoded(v, "b");
  const std::string& winner = cluster::Supersedes(a, b) ? a : b;
  const std::string& loser = cluster::Supersedes(a, b) ? b : a;
  const std::string value(cluster::ParseRecord(winner)->value);
  PutOnReplicas("k", {loser, winner, winner});
  auto client = cluster_->ConnectProxy();
  ASSERT_TRUE(client);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(client->Command({"GET", "k"}), Reply::String(value)) << i;
  }
  EXPECT_TRUE(WaitUntil([&] { return AllHold("k", winner); }));
}

// A value and the tombstone of the same version: the key reads as deleted
// every time, and the tombstone reaches the replica with the value.
TEST_F(EqualVersionsTest, TheTombstoneOfAVersionBeatsItsValue) {
  cluster_ = std::make_unique<Cluster>(Options({}));
  ASSERT_TRUE(cluster_->Start());
  const cluster::Version v = RecentVersion();
  PutOnReplicas("k", {Encoded(v), Encoded(v, "a"), Encoded(v)});
  auto client = cluster_->ConnectProxy();
  ASSERT_TRUE(client);
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(client->Command({"GET", "k"}), Reply::Nil()) << i;
  }
  EXPECT_TRUE(WaitUntil([&] { return AllHold("k", Encoded(v)); }));
}

// Without reads (and without read repair), anti-entropy alone sees the
// difference and brings every replica to the winner.
TEST_F(EqualVersionsTest, AntiEntropyConverges) {
  cluster_ = std::make_unique<Cluster>(Options({"read-repair off"}));
  ASSERT_TRUE(cluster_->Start());
  const cluster::Version v = RecentVersion();
  const std::string a = Encoded(v, "a"), b = Encoded(v, "b"),
                    c = Encoded(v, "c");
  std::string winner = a;
  for (const std::string* r : {&b, &c}) {
    if (cluster::Supersedes(*r, winner)) winner = *r;
  }
  PutOnReplicas("k", {a, b, c});
  EXPECT_TRUE(WaitUntil([&] { return AllHold("k", winner); }));
}

}  // namespace
}  // namespace leaderless::test
