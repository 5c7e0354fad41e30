// The hint lifecycle over 5 replicas (N=3 R=2 W=2), with every home of the
// written keys killed, so that each write is acknowledged by the two
// stand-ins alone and a hint is its only copy:
//
//  - a hint is never dropped for its age while its home is away: homes that
//    come back after hint-window-ms still get every acknowledged write;
//  - hint-window-ms and hint-max-bytes bound what a stand-in accepts: past
//    them a sloppy write fails with a quorum error, never OK-then-lost;
//  - a hint older than gc-grace-ms is neither served nor delivered.
//
// Checked from the outside, as hinted_handoff_test does: through the proxy,
// and with the stand-ins' INFO ("# Hints").

#include <algorithm>
#include <thread>

#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr int kReplicas = 5;
const std::vector<int> kHomes = {0, 1, 2};
const std::vector<int> kStandIns = {3, 4};

ClusterOptions LifecycleOptions(const std::vector<std::string>& replica_lines) {
  ClusterOptions options = FailureOptions(kReplicas, 500);
  for (const std::string& line : replica_lines) {
    options.replica_lines.push_back(line);
  }
  return options;
}

class HintLifecycleTest : public ::testing::Test {
 protected:
  explicit HintLifecycleTest(const ClusterOptions& options)
      : cluster_(options), placement_(options) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
  }

  // `count` keys whose home replicas are exactly kHomes, with values.
  KeyValues KeysOnHomes(const std::string& prefix, int count,
                        const std::string& tag) const {
    return ValuesFor(KeysWhere(prefix, count,
                               [&](const std::string& k) {
                                 std::vector<int> homes = placement_.Homes(k);
                                 std::sort(homes.begin(), homes.end());
                                 return homes == kHomes;
                               }),
                     tag);
  }

  ::testing::AssertionResult KillHomes() {
    for (int r : kHomes) cluster_.KillReplica(r);
    return cluster_.WaitForReplicasUp(kReplicas - 3);
  }

  ::testing::AssertionResult RestartHomes() {
    for (int r : kHomes) {
      auto restarted = cluster_.RestartReplica(r);
      if (!restarted) return restarted;
    }
    return cluster_.WaitForReplicasUp(kReplicas);
  }

  // Waits until the stand-ins hold no hint.
  ::testing::AssertionResult WaitForNoHints() {
    HintCounts left;
    if (WaitUntil(
            [&] { return (left = SumHints(cluster_, kStandIns)).pending == 0; },
            kDeadline, Millis(100))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "hints left: " << ::testing::PrintToString(left);
  }

  Cluster cluster_;
  Placement placement_;
  std::unique_ptr<RedisClient> client_;
};

// hint-window-ms 1000: homes that return after it still get every hint.
class HintWindowTest : public HintLifecycleTest {
 protected:
  HintWindowTest()
      : HintLifecycleTest(LifecycleOptions({"hint-window-ms 1000"})) {}
};

TEST_F(HintWindowTest, HomesBackAfterTheWindowGetEveryAcknowledgedWrite) {
  const KeyValues kvs = KeysOnHomes("outage:", 100, "held by stand-ins only");
  ASSERT_TRUE(KillHomes());
  ASSERT_TRUE(SetAll(*client_, kvs)) << "(the stand-ins refused writes)";
  const long long held = static_cast<long long>(kvs.size() * 2);
  EXPECT_TRUE(
      WaitUntil([&] { return SumHints(cluster_, kStandIns).pending == held; }));

  // Past the window the stand-ins take no new hints for these homes: the
  // write fails with a quorum error instead of being acknowledged.
  std::this_thread::sleep_for(Millis(1500));
  const KeyValues late = KeysOnHomes("late:", 1, "past the window");
  Reply refused = client_->Command({"SET", late.begin()->first, "v"});
  EXPECT_TRUE(refused.IsError("NOQUORUM 0 of 2"))
      << ::testing::PrintToString(refused);

  ASSERT_TRUE(RestartHomes());
  EXPECT_TRUE(WaitForHomesToHold(cluster_, placement_, kvs));
  EXPECT_TRUE(WaitForNoHints());
  HintCounts sum = SumHints(cluster_, kStandIns);
  EXPECT_EQ(sum.delivered, held);
  EXPECT_EQ(sum.dropped, 0);
  EXPECT_TRUE(ReadsBack(*client_, kvs));
}

// hint-max-bytes 4kb: once the stand-ins' budget is full, sloppy writes get
// a quorum error; every write that got OK survives.
class HintBudgetTest : public HintLifecycleTest {
 protected:
  HintBudgetTest()
      : HintLifecycleTest(LifecycleOptions({"hint-max-bytes 4kb"})) {}
};

TEST_F(HintBudgetTest, AFullBudgetRefusesWritesAndLosesNone) {
  const KeyValues kvs = KeysOnHomes("budget:", 200, std::string(100, 'x'));
  ASSERT_TRUE(KillHomes());
  std::vector<std::vector<std::string>> sets;
  for (const auto& [key, value] : kvs) sets.push_back({"SET", key, value});
  std::vector<Reply> replies = Pipeline(*client_, sets);
  KeyValues acknowledged;
  size_t refused = 0;
  for (size_t i = 0; i < replies.size(); ++i) {
    if (replies[i] == Reply::Status("OK")) {
      acknowledged.insert({sets[i][1], sets[i][2]});
    } else {
      EXPECT_TRUE(replies[i].IsError("NOQUORUM"))
          << ::testing::PrintToString(replies[i]);
      ++refused;
    }
  }
  EXPECT_GT(acknowledged.size(), 0u);
  EXPECT_GT(refused, 0u) << "the budget never filled";
  for (int r : kStandIns) {
    long long bytes = FieldValue(ReplicaInfo(cluster_, r), "\nhint_bytes:");
    EXPECT_GT(bytes, 0) << "stand-in " << r;
    EXPECT_LE(bytes, 4096) << "stand-in " << r;
  }

  ASSERT_TRUE(RestartHomes());
  EXPECT_TRUE(WaitForNoHints());
  EXPECT_EQ(SumHints(cluster_, kStandIns).dropped, 0);
  EXPECT_TRUE(ReadsBack(*client_, acknowledged));
}

// gc-grace-ms 3000: a hint older than that is not served, not delivered,
// and purged, even while its homes are down.
class HintGraceTest : public HintLifecycleTest {
 protected:
  HintGraceTest()
      : HintLifecycleTest(
            LifecycleOptions({"hint-window-ms 1000", "gc-grace-ms 3000"})) {}
};

TEST_F(HintGraceTest, HintsOlderThanGcGraceAreNeitherServedNorDelivered) {
  const KeyValues kvs = KeysOnHomes("grace:", 20, "outlived by gc-grace");
  ASSERT_TRUE(KillHomes());
  ASSERT_TRUE(SetAll(*client_, kvs));
  EXPECT_TRUE(ReadsBack(*client_, kvs)) << "served from the stand-ins' hints";

  std::this_thread::sleep_for(Millis(3500));
  // Every home is down and the stand-ins no longer serve the hints: their
  // empty answers do not count toward R (stand-in-notfound-ok no).
  for (const auto& [key, value] : kvs) {
    Reply reply = client_->Command({"GET", key});
    EXPECT_TRUE(reply.IsError("NOQUORUM"))
        << key << ": " << ::testing::PrintToString(reply);
  }
  EXPECT_TRUE(WaitForNoHints());
  EXPECT_EQ(SumHints(cluster_, kStandIns).dropped,
            static_cast<long long>(kvs.size() * 2));

  ASSERT_TRUE(RestartHomes());
  for (const auto& [key, value] : kvs) {
    EXPECT_EQ(client_->Command({"GET", key}), Reply::Nil()) << key;
  }
  EXPECT_EQ(SumHints(cluster_, kStandIns).delivered, 0);
}

}  // namespace
}  // namespace leaderless::test
