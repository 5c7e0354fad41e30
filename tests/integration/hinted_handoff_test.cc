// Sloppy quorum and hinted handoff over 5 replicas (N=3 R=2 W=2): while
// home replicas of keys are dead (kill -9) or hung (SIGSTOP), every write is
// still acknowledged, by stand-ins that keep it as a hint; once the homes
// are back, the stand-ins hand the hints over by themselves.
//
// "Held by its home replicas" is checked black-box from the outside: LL.GET
// sent straight to each home replica of each key (homes computed with the
// ring every process derives: protocol/cluster/ring.h), decoding the record
// it answers. A home never holds hints for its own keys (stand-ins come
// after the first N of the walk), so what it answers is its own data. The
// stand-ins' INFO ("# Hints") shows hints pending and delivered.

#include <csignal>
#include <functional>

#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr int kReplicas = 5;
constexpr int kRequestTimeoutMs = 500;

ClusterOptions HandoffOptions() {
  ClusterOptions options = FailureOptions(kReplicas, kRequestTimeoutMs);
  // A hung replica is dropped after 2 request timeouts in a row.
  options.proxy_lines.push_back("replica-down-after-timeouts 2");
  return options;
}

class HintedHandoffTest : public ::testing::Test {
 protected:
  explicit HintedHandoffTest(ClusterOptions options = HandoffOptions())
      : cluster_(options), placement_(options) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
  }

  // Waits until every live replica together holds `expected` hints pending
  // per home (writes are acknowledged at W, so the last hints may still be
  // on their way).
  ::testing::AssertionResult WaitForPendingHints(
      const std::vector<int>& live,
      const std::map<std::string, long long>& expected) {
    std::map<std::string, long long> pending;
    bool reached = WaitUntil(
        [&] {
          for (const auto& [home, n] : expected) {
            pending[home] = SumHints(cluster_, live, home).pending;
          }
          return pending == expected;
        },
        kDeadline, Millis(100));
    if (reached) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "hints pending per home: " << ::testing::PrintToString(pending)
           << ", expected " << ::testing::PrintToString(expected);
  }

  // Waits until no replica has a hint pending, then checks that exactly
  // `expected` hints per home were delivered by `senders`.
  void ExpectHintsDelivered(const std::vector<int>& senders,
                            const std::map<std::string, long long>& expected) {
    const std::vector<int> all = AllBut(kReplicas, {});
    HintCounts left;
    EXPECT_TRUE(
        WaitUntil([&] { return (left = SumHints(cluster_, all)).pending == 0; },
                  kDeadline, Millis(100)))
        << ::testing::PrintToString(left);
    for (const auto& [home, n] : expected) {
      HintCounts sum = SumHints(cluster_, senders, home);
      EXPECT_EQ(sum.delivered, n) << "hints delivered to " << home;
      EXPECT_EQ(sum.dropped, 0) << "hints for " << home;
    }
  }

  // The story of both outage tests: `take_down` makes the replicas `down`
  // unusable and waits until the proxy noticed; 2,000 writes are all
  // acknowledged, the live replicas hold one hint per (key, down home);
  // `bring_back` returns them, and without anything else the homes catch
  // up, every hint is delivered, and every write reads back.
  void WriteThroughOutage(
      const std::vector<int>& down,
      const std::function<::testing::AssertionResult()>& take_down,
      const std::function<::testing::AssertionResult()>& bring_back) {
    const KeyValues kvs = MakeKeyValues("key:", 2000, "written in the outage");
    const std::vector<int> live = AllBut(kReplicas, down);
    const auto expected = ExpectedHints(placement_, KeysOf(kvs), down);
    for (const auto& [home, n] : expected) ASSERT_GT(n, 0) << home;

    ASSERT_TRUE(take_down());
    ASSERT_TRUE(SetAll(*client_, kvs)) << "(sloppy quorum refused writes)";
    EXPECT_TRUE(WaitForPendingHints(live, expected));

    ASSERT_TRUE(bring_back());
    EXPECT_TRUE(WaitForHomesToHold(cluster_, placement_, kvs));
    ExpectHintsDelivered(live, expected);
    EXPECT_TRUE(ReadsBack(*client_, kvs));
  }

  Cluster cluster_;
  Placement placement_;
  std::unique_ptr<RedisClient> client_;
};

TEST_F(HintedHandoffTest, KilledHomesCatchUpFromHintsAfterRestart) {
  const std::vector<int> down = {1, 3};
  WriteThroughOutage(
      down,
      [&] {
        for (int r : down) cluster_.KillReplica(r);
        return cluster_.WaitForReplicasUp(kReplicas - 2);
      },
      [&] {
        for (int r : down) {
          auto restarted = cluster_.RestartReplica(r);
          if (!restarted) return restarted;
        }
        return ::testing::AssertionSuccess();
      });
}

// A hung replica keeps its connections open and answers nothing: the proxy
// notices by request timeouts (driven here by reads of keys nobody wrote).
TEST_F(HintedHandoffTest, HungHomesCatchUpFromHintsAfterResuming) {
  const std::vector<int> down = {0, 2};
  WriteThroughOutage(
      down,
      [&] {
        for (int r : down) cluster_.PauseReplica(r);
        BackgroundReads traffic(cluster_.proxy_port(),
                                NumberedKeys("never-written:", 20));
        return cluster_.WaitForReplicasUp(kReplicas - 2);
      },
      [&] {
        for (int r : down) cluster_.ResumeReplica(r);
        return ::testing::AssertionSuccess();
      });
}

// Hints are durable: a stand-in killed and restarted on its data folder
// while holding hints still counts them and delivers every one once the
// home is back (its delivered counter starts at 0 with the new process).
class StandInRestartTest : public HintedHandoffTest {
 protected:
  static ClusterOptions WithFsync() {
    ClusterOptions options = HandoffOptions();
    options.replica_lines.push_back("appendfsync always");
    return options;
  }
  StandInRestartTest() : HintedHandoffTest(WithFsync()) {}
};

TEST_F(StandInRestartTest, RestartedStandInStillDeliversItsHints) {
  constexpr int kHome = 0;
  const KeyValues kvs = ValuesFor(
      KeysWhere(
          "homed-on-r1:", 400,
          [&](const std::string& k) { return placement_.IsHome(kHome, k); }),
      "held as a hint");
  // With only the home down, each key's stand-in is the first replica after
  // its homes in the walk. Restart the one that holds the most hints.
  std::map<int, long long> hints_on;
  for (const auto& [key, value] : kvs) ++hints_on[placement_.Walk(key)[3]];
  const auto [stand_in, held] = *std::max_element(
      hints_on.begin(), hints_on.end(),
      [](const auto& a, const auto& b) { return a.second < b.second; });
  const std::string home = Cluster::ReplicaId(kHome);

  cluster_.KillReplica(kHome);
  ASSERT_TRUE(cluster_.WaitForReplicasUp(kReplicas - 1));
  ASSERT_TRUE(SetAll(*client_, kvs));
  ASSERT_TRUE(WaitForPendingHints({stand_in}, {{home, held}}));
  // Held, not just received: the stand-in acknowledged them (durable with
  // appendfsync always). The client's OKs came from the homes alone.
  EXPECT_TRUE(WaitUntil([&] {
    return FieldValue(ReplicaInfo(cluster_, stand_in), "\nwrites_pending:") ==
           0;
  }));

  cluster_.KillReplica(stand_in);
  ASSERT_TRUE(cluster_.RestartReplica(stand_in));
  EXPECT_EQ(ReplicaHints(cluster_, stand_in)[home],
            (HintCounts{.pending = held}))
      << "hints counted from disk by the restarted stand-in";

  ASSERT_TRUE(cluster_.RestartReplica(kHome));
  EXPECT_TRUE(WaitForHomesToHold(cluster_, placement_, kvs));
  HintCounts after;
  EXPECT_TRUE(WaitUntil(
      [&] {
        after = ReplicaHints(cluster_, stand_in)[home];
        return after.pending == 0;
      },
      kDeadline, Millis(100)))
      << ::testing::PrintToString(after);
  EXPECT_EQ(after, (HintCounts{.delivered = held}));
  ASSERT_TRUE(cluster_.WaitForReplicasUp(kReplicas));
  EXPECT_TRUE(ReadsBack(*client_, kvs));
}

}  // namespace
}  // namespace leaderless::test
