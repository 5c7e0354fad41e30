// Quorums when replicas fail (N=3 R=2 W=2): strict quorums (sloppy-quorum
// no) give the documented errors promptly instead of writing elsewhere; two
// proxies over the same replicas see each other's acknowledged writes; and
// a hung replica behind a small replica-link-max-in-flight is neither waited
// for nor allowed to grow the proxy's memory.
//
// Replica-side state is checked black-box: LL.GET and INFO sent straight to
// replicas (failure_support.h).

#include <string>
#include <string_view>

#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

const Reply kOk = Reply::Status("OK");

// ---- sloppy-quorum no ------------------------------------------------------

constexpr int kStrictTimeoutMs = 300;
// "Did not hang": far beyond the request timeout, never a latency target.
constexpr Millis kStrictHangBound{10 * kStrictTimeoutMs};

const Reply kWriteNoQuorum = Reply::Error(
    "NOQUORUM 1 of 2 replicas acknowledged the write in time; it "
    "may have been applied on some replicas");
const Reply kWriteUnavailable = Reply::Error(
    "UNAVAILABLE 1 replicas reachable, write quorum is 2; nothing was written");
const Reply kReadUnavailable =
    Reply::Error("UNAVAILABLE 1 replicas reachable, read quorum is 2");

// With 3 replicas every key lives on r1, r2 and r3; with 5, only the keys
// whose homes include both r1 and r2 lose their quorum when those two fail,
// and a sloppy quorum would have taken them.
class StrictQuorumTest : public ::testing::TestWithParam<int> {
 protected:
  static ClusterOptions Options() {
    ClusterOptions options = FailureOptions(GetParam(), kStrictTimeoutMs);
    options.proxy_lines.push_back("sloppy-quorum no");
    options.proxy_lines.push_back("replica-down-after-timeouts 2");
    return options;
  }
  StrictQuorumTest() : cluster_(Options()), placement_(Options()) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
  }

  // Sends `commands` pipelined and checks every reply came before
  // kStrictHangBound.
  std::vector<Reply> RunBounded(
      const std::vector<std::vector<std::string>>& commands) {
    std::vector<Reply> replies;
    Millis took = TimeOf([&] { replies = Pipeline(*client_, commands); });
    EXPECT_LT(took, kStrictHangBound)
        << commands.size() << " pipelined " << commands[0][0] << " hung";
    return replies;
  }

  // SETs every key of `keys` to `value` and checks each reply is `expected`;
  // acknowledged ones join acknowledged_.
  void SetExpecting(const std::vector<std::string>& keys,
                    const std::string& value, const Reply& expected) {
    std::vector<std::vector<std::string>> commands;
    for (const std::string& key : keys) commands.push_back({"SET", key, value});
    std::vector<Reply> replies = RunBounded(commands);
    for (size_t i = 0; i < keys.size(); ++i) {
      EXPECT_EQ(replies[i], expected) << "SET " << keys[i];
      if (replies[i] == kOk) {
        acknowledged_[keys[i]] = value;
      } else if (replies[i].IsError("NOQUORUM")) {
        acknowledged_.erase(keys[i]);  // it may or may not have landed
      }
    }
  }

  Cluster cluster_;
  Placement placement_;
  std::unique_ptr<RedisClient> client_;
  KeyValues acknowledged_;
};

TEST_P(StrictQuorumTest, TwoHomesDownIsAQuorumErrorNeverAHang) {
  const int replicas = GetParam();
  // Keys on r1 and r2 ("lost": one home left), keys on r2 but not r1
  // ("kept": two homes left while r1 is down).
  auto on = [&](int r) {
    return [&, r](const std::string& k) { return placement_.IsHome(r, k); };
  };
  const std::vector<std::string> lost = KeysWhere(
      "lost:", 20, [&](const std::string& k) { return on(0)(k) && on(1)(k); });
  const std::vector<std::string> kept =
      replicas == 3 ? std::vector<std::string>{}
                    : KeysWhere("kept:", 20, [&](const std::string& k) {
                        return !on(0)(k) && on(1)(k);
                      });
  std::vector<std::string> all = lost;
  all.insert(all.end(), kept.begin(), kept.end());
  SetExpecting(all, "before", kOk);

  // r1 dead, r2 hung: the writes are sent to r2 and the last home; one
  // acknowledgement comes, and the proxy answers NOQUORUM at its timeout.
  cluster_.KillReplica(0);
  ASSERT_TRUE(cluster_.WaitForReplicasUp(replicas - 1));
  cluster_.PauseReplica(1);
  SetExpecting(lost, "maybe", kWriteNoQuorum);
  SetExpecting(kept, "while r2 hangs", kOk);
  // Those timeouts made the proxy give up on r2: nothing is sent any more.
  Reply reply;
  EXPECT_TRUE(WaitUntil([&] {
    reply = RunBounded({{"SET", lost[0], "maybe"}})[0];
    EXPECT_TRUE(reply == kWriteNoQuorum || reply == kWriteUnavailable)
        << ::testing::PrintToString(reply);
    return reply == kWriteUnavailable;
  })) << ::testing::PrintToString(reply);

  // r1 and r2 dead: refused at once, reads too.
  cluster_.KillReplica(1);
  SetExpecting(lost, "refused", kWriteUnavailable);
  SetExpecting(kept, "while r1 and r2 are dead", kOk);
  std::vector<std::vector<std::string>> gets;
  for (const std::string& key : lost) gets.push_back({"GET", key});
  for (const Reply& r : RunBounded(gets)) EXPECT_EQ(r, kReadUnavailable);

  // Strict quorums write nowhere but the homes: no replica holds a hint.
  const std::vector<int> live = AllBut(replicas, {0, 1});
  EXPECT_EQ(SumHints(cluster_, live), HintCounts{});

  ASSERT_TRUE(cluster_.RestartReplica(0));
  ASSERT_TRUE(cluster_.RestartReplica(1));
  ASSERT_TRUE(cluster_.WaitForReplicasUp(replicas));
  EXPECT_TRUE(ReadsBack(*client_, acknowledged_));
  // A NOQUORUM write may or may not have landed; a refused one did not.
  for (const std::string& key : lost) {
    Reply value = client_->Command({"GET", key});
    EXPECT_TRUE(value == Reply::String("before") ||
                value == Reply::String("maybe"))
        << key << ": " << ::testing::PrintToString(value);
  }
}

INSTANTIATE_TEST_SUITE_P(Replicas, StrictQuorumTest, ::testing::Values(3, 5),
                         [](const auto& info) {
                           return std::to_string(info.param) + "Replicas";
                         });

// ---- two proxies -----------------------------------------------------------

// R + W > N: a write acknowledged through one proxy is read through the
// other. Each proxy reads a key before overwriting it, which moves its clock
// past the other's version (last writer wins by version, not by arrival).
TEST(TwoProxiesTest, EachReadsWhatTheOtherAcknowledged) {
  ClusterOptions options = FailureOptions(3);
  options.proxies = 2;
  Cluster cluster(options);
  ASSERT_TRUE(cluster.Start());
  auto first = cluster.ConnectProxy(0);
  auto second = cluster.ConnectProxy(1);
  ASSERT_TRUE(first && second);
  KeyValues last;
  auto round = [&](const std::string& when) {
    last = MakeKeyValues("shared:", 100, "via proxy 1 " + when);
    EXPECT_TRUE(SetAll(*first, last)) << when;
    EXPECT_TRUE(ReadsBack(*second, last)) << when;
    last = MakeKeyValues("shared:", 100, "via proxy 2 " + when);
    EXPECT_TRUE(SetAll(*second, last)) << when;
    EXPECT_TRUE(ReadsBack(*first, last)) << when;
  };
  round("with every replica up");

  cluster.KillReplica(0);
  ASSERT_TRUE(cluster.WaitForReplicasUp(2, 0));
  ASSERT_TRUE(cluster.WaitForReplicasUp(2, 1));
  round("with r1 down");

  // r1 returns without the last writes, r2 dies: every read quorum now
  // includes the stale r1 and only r3 holds the newest values.
  ASSERT_TRUE(cluster.RestartReplica(0));
  ASSERT_TRUE(cluster.WaitForReplicasUp(3, 0));
  ASSERT_TRUE(cluster.WaitForReplicasUp(3, 1));
  cluster.KillReplica(1);
  EXPECT_TRUE(ReadsBack(*first, last));
  EXPECT_TRUE(ReadsBack(*second, last));
}

// ---- bounded links ---------------------------------------------------------

constexpr int kMaxInFlight = 8;
constexpr size_t kBigValue = 256 * 1024;
constexpr int kBigWrites = 48;  // 12 MiB for the hung replica alone
// Far below what queueing every write for the hung replica holds (over
// 30 MiB when the proxy was run with the default limit).
constexpr long kRssGrowthBoundKb = 8 * 1024;

// The proxy's INFO line for replica `id`: "in_flight=..,refused=..".
struct LinkCounts {
  long long in_flight = -1;
  long long refused = -1;
};
LinkCounts LinkOf(RedisClient& proxy, const std::string& id) {
  const Reply info = proxy.Command({"INFO", "cluster"});
  const size_t line = info.str.find(":id=" + id + ",");
  LinkCounts counts;
  if (line == std::string::npos) return counts;
  const std::string_view rest = std::string_view(info.str).substr(line);
  counts.in_flight = FieldValue(rest, "in_flight=");
  counts.refused = FieldValue(rest, "refused=");
  return counts;
}

// One replica hangs with a small replica-link-max-in-flight: once its link
// holds that many requests, later writes skip it (a stand-in takes each, with
// a hint) instead of queueing for it. The link is never dropped here
// (replica-down-after-timeouts is huge), so the bound alone protects: the
// burst is acknowledged (W=2 without the hung replica), the link holds at
// most its bound, and refused the rest.
TEST(BoundedLinkTest, HungReplicaIsNeitherWaitedForNorBuffered) {
  // Nothing here waits for a timeout, so a long one keeps 256 KiB requests
  // to the healthy replicas from missing it on a loaded machine.
  ClusterOptions options = FailureOptions(5, 5000);
  options.proxy_lines.push_back("replica-link-max-in-flight " +
                                std::to_string(kMaxInFlight));
  options.proxy_lines.push_back("replica-down-after-timeouts 1000000000");
  Cluster cluster(options);
  ASSERT_TRUE(cluster.Start());
  const Placement placement(options);
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);

  constexpr int kHung = 0;
  const std::string big(kBigValue, 'v');
  KeyValues kvs;
  for (const std::string& key : KeysWhere(
           "big:", kBigWrites,
           [&](const std::string& k) { return placement.IsHome(kHung, k); })) {
    kvs[key] = key + big;
  }
  // Warm up the proxy's buffers with the same traffic, all replicas up.
  ASSERT_TRUE(SetAll(*client, ValuesFor(NumberedKeys("warm:", 32), big), 4));
#ifndef __SANITIZE_ADDRESS__  // its allocator's RSS says nothing of ours
  const pid_t proxy = ProcessIdOf(*client);
  const long before = PeakRssKb(proxy);
  ASSERT_GT(before, 0) << "no VmHWM for proxy pid " << proxy;
#endif

  cluster.PauseReplica(kHung);
  EXPECT_TRUE(SetAll(*client, kvs, 4));
  const LinkCounts link = LinkOf(*client, Cluster::ReplicaId(kHung));
  EXPECT_GE(link.in_flight, 0);
  EXPECT_LE(link.in_flight, kMaxInFlight);
  EXPECT_GE(link.refused, kBigWrites - kMaxInFlight);
#ifndef __SANITIZE_ADDRESS__
  const long growth = PeakRssKb(proxy) - before;
  EXPECT_LT(growth, kRssGrowthBoundKb)
      << "proxy peak RSS grew by " << growth << " KiB while "
      << kBigWrites * kBigValue / 1024
      << " KiB were written for a hung replica";
#endif

  cluster.ResumeReplica(kHung);
  // Cheap polls first: every hint for it delivered, then its records read.
  HintCounts hints;
  EXPECT_TRUE(WaitUntil(
      [&] {
        return (hints = SumHints(cluster, AllBut(options.replicas, {})))
                   .pending == 0;
      },
      kDeadline, Millis(100)))
      << ::testing::PrintToString(hints);
  EXPECT_TRUE(WaitForHomesToHold(cluster, placement, kvs));
  EXPECT_TRUE(ReadsBack(*client, kvs, 4));
}

}  // namespace
}  // namespace leaderless::test
