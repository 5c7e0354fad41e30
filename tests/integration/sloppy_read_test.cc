// Reads under sloppy quorum (5 replicas, N=3 R=2 W=2): with a home down, a
// read asks a stand-in in its place, and a stand-in that holds no hint for
// the key knows nothing about it. By default (stand-in-notfound-ok no) that
// empty answer does not count toward R, so a read never answers "no such
// key" from a home that lost its data plus an empty stand-in while the
// home that holds the value is merely slow; with `yes` the operator chose
// that availability.

#include <algorithm>
#include <filesystem>

#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr int kReplicas = 5;
const std::vector<int> kHomes = {0, 1, 2};

class SloppyReadTest : public ::testing::TestWithParam<bool> {
 protected:
  SloppyReadTest() : cluster_(Options()), placement_(cluster_.options()) {}

  ClusterOptions Options() const {
    ClusterOptions options = FailureOptions(kReplicas, 1000);
    // The wiped home stays empty: no anti-entropy round during the test.
    options.replica_lines.push_back("anti-entropy-interval-ms 3600000");
    options.proxy_lines.push_back(std::string("stand-in-notfound-ok ") +
                                  (GetParam() ? "yes" : "no"));
    return options;
  }

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
  }

  // Keys whose homes are exactly kHomes.
  KeyValues KeysOnHomes(int count) const {
    return ValuesFor(KeysWhere("sloppy:", count,
                               [&](const std::string& k) {
                                 std::vector<int> homes = placement_.Homes(k);
                                 std::sort(homes.begin(), homes.end());
                                 return homes == kHomes;
                               }),
                     "acknowledged");
  }

  // Home 1 loses its data folder (a replaced disk) and comes back empty;
  // then home 0 dies and home 2 hangs. Reads of the keys now reach one
  // empty home, a hung home and stand-ins that hold no hints for them.
  void LoseEveryCopyButAHungOne() {
    cluster_.KillReplica(1);
    std::filesystem::remove_all(cluster_.dir() + "/" + Cluster::ReplicaId(1));
    ASSERT_TRUE(cluster_.RestartReplica(1));
    ASSERT_TRUE(cluster_.WaitForReplicasUp(kReplicas));
    cluster_.KillReplica(0);
    ASSERT_TRUE(cluster_.WaitForReplicasUp(kReplicas - 1));
    cluster_.PauseReplica(2);
  }

  Cluster cluster_;
  Placement placement_;
  std::unique_ptr<RedisClient> client_;
};

TEST_P(SloppyReadTest, EmptyStandInsCountTowardROnlyWhenChosen) {
  const bool notfound_ok = GetParam();
  const KeyValues kvs = KeysOnHomes(3);
  ASSERT_TRUE(SetAll(*client_, kvs));
  LoseEveryCopyButAHungOne();

  for (const auto& [key, value] : kvs) {
    Reply reply = client_->Command({"GET", key});
    if (notfound_ok) {
      // Availability: the empty home and an empty stand-in make R.
      EXPECT_EQ(reply, Reply::Nil()) << key;
    } else {
      // The acknowledged value is not denied: a quorum error instead.
      EXPECT_TRUE(reply.IsError("NOQUORUM") || reply.IsError("UNAVAILABLE"))
          << key << ": " << ::testing::PrintToString(reply);
    }
  }

  cluster_.ResumeReplica(2);
  ASSERT_TRUE(cluster_.WaitForReplicasUp(kReplicas - 1));
  if (!notfound_ok) {
    EXPECT_TRUE(ReadsBack(*client_, kvs));
  }
}

INSTANTIATE_TEST_SUITE_P(NotFoundOk, SloppyReadTest, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "yes" : "no";
                         });

}  // namespace
}  // namespace leaderless::test
