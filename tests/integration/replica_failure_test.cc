// Replicas dying, hanging and coming back under a running proxy (N=3 R=2
// W=2 over three replicas, so every key lives on every replica): which
// requests still succeed, which fail with which error and how fast, and
// that no acknowledged write is lost.

#include <chrono>
#include <map>
#include <string>

#include "protocol/cluster/record.h"
#include "tests/integration/cluster_harness.h"

namespace leaderless::test {
namespace {

const Reply kOk = Reply::Status("OK");
// request-timeout-ms where a test waits for it; elsewhere the harness's
// generous default applies, so a slow machine fails no request.
constexpr int kShortTimeoutMs = 1000;
// "Did not hang": far beyond the request timeout, never a latency target.
constexpr Millis kHangBound{10 * kShortTimeoutMs};

class ReplicaFailureTest : public ::testing::Test {
 protected:
  explicit ReplicaFailureTest(ClusterOptions options = {})
      : cluster_(std::move(options)) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
  }

  Reply Run(const std::vector<std::string>& argv) {
    return client_->Command(argv);
  }

  // Writes `count` keys with `prefix`; every one must be acknowledged.
  void WriteKeys(const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i) {
      const std::string key = prefix + std::to_string(i);
      ASSERT_EQ(Run({"SET", key, "value of " + key}), kOk) << key;
      acknowledged_[key] = "value of " + key;
    }
  }

  // Every acknowledged write reads back with its value.
  void ExpectAcknowledgedReadable() {
    for (const auto& [key, value] : acknowledged_) {
      EXPECT_EQ(Run({"GET", key}), Reply::String(value)) << key;
    }
  }

  // Polls until a write and a read through the same proxy succeed again.
  ::testing::AssertionResult WaitForService() {
    Reply last;
    bool ok = WaitUntil([&] {
      last = Run({"SET", "probe", "x"});
      return last == kOk && Run({"GET", "probe"}) == Reply::String("x");
    });
    if (ok) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "no service; last SET: " << ::testing::PrintToString(last);
  }

  Cluster cluster_;
  std::unique_ptr<RedisClient> client_;
  std::map<std::string, std::string> acknowledged_;
};

// Runs `argv` and checks it answered before kHangBound.
Reply RunBounded(RedisClient& client, const std::vector<std::string>& argv) {
  const auto start = std::chrono::steady_clock::now();
  Reply reply = client.Command(argv);
  EXPECT_LT(std::chrono::steady_clock::now() - start, kHangBound)
      << argv[0] << " hung";
  return reply;
}

TEST_F(ReplicaFailureTest, OneReplicaDownStillServesReadsAndWrites) {
  WriteKeys("before:", 20);
  cluster_.KillReplica(0);
  ExpectAcknowledgedReadable();
  WriteKeys("during:", 20);
  ExpectAcknowledgedReadable();
  EXPECT_EQ(Run({"DEL", "before:0", "missing"}), Reply::Integer(1));
  acknowledged_.erase("before:0");
  EXPECT_EQ(Run({"EXISTS", "before:0", "before:1"}), Reply::Integer(1));
}

// Two of three down: fewer than W (R) reachable, so requests fail at once
// with UNAVAILABLE, and nothing is sent. Back up: service resumes without
// restarting the proxy, and nothing acknowledged was lost.
TEST_F(ReplicaFailureTest, TwoReplicasDownIsUnavailableUntilTheyReturn) {
  WriteKeys("before:", 20);
  cluster_.KillReplica(0);
  cluster_.KillReplica(1);
  // Until the proxy noticed the deaths, requests may be sent and fail as
  // NOQUORUM; no write may succeed.
  Reply set;
  EXPECT_TRUE(WaitUntil([&] {
    set = RunBounded(*client_, {"SET", "probe", "during outage"});
    EXPECT_TRUE(set.IsError("NOQUORUM") || set.IsError("UNAVAILABLE"))
        << ::testing::PrintToString(set);
    return set.IsError("UNAVAILABLE");
  })) << ::testing::PrintToString(set);
  EXPECT_EQ(set, Reply::Error("UNAVAILABLE 1 replicas reachable, write quorum "
                              "is 2; nothing was written"));
  EXPECT_EQ(RunBounded(*client_, {"GET", "before:1"}),
            Reply::Error("UNAVAILABLE 1 replicas reachable, read quorum is 2"));
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"DEL", "before:2"},
           {"MSET", "before:3", "x", "new", "y"},
           {"MGET", "before:4", "new"},
           {"EXISTS", "before:5"}}) {
    EXPECT_TRUE(RunBounded(*client_, argv).IsError("UNAVAILABLE")) << argv[0];
  }

  ASSERT_TRUE(cluster_.RestartReplica(0));
  ASSERT_TRUE(cluster_.RestartReplica(1));
  ASSERT_TRUE(WaitForService());
  ExpectAcknowledgedReadable();
}

// A hung replica (SIGSTOP: its kernel still accepts the bytes) with another
// one dead: the write is sent, at most one replica acknowledges, and the
// proxy answers NOQUORUM at its request timeout instead of hanging.
class HungReplicaTest : public ReplicaFailureTest {
 protected:
  static ClusterOptions ShortTimeout() {
    ClusterOptions options;
    options.request_timeout_ms = kShortTimeoutMs;
    return options;
  }
  HungReplicaTest() : ReplicaFailureTest(ShortTimeout()) {}
};

// "NOQUORUM k of 2 ..." for a write (`what` "acknowledged the write") or a
// read (`what` "answered the read"); k depends on what answered in time.
bool IsNoQuorum(const Reply& reply, const std::string& what) {
  return reply.IsError("NOQUORUM ") &&
         reply.str.find(" of 2 replicas " + what + " in time") !=
             std::string::npos;
}

TEST_F(HungReplicaTest, WritesAndReadsGiveNoQuorumInsteadOfHanging) {
  WriteKeys("before:", 10);
  cluster_.KillReplica(0);
  cluster_.PauseReplica(1);
  Reply set = RunBounded(*client_, {"SET", "before:0", "maybe"});
  EXPECT_TRUE(IsNoQuorum(set, "acknowledged the write"))
      << ::testing::PrintToString(set);
  EXPECT_TRUE(set.str.ends_with("; it may have been applied on some replicas"))
      << set.str;
  Reply get = RunBounded(*client_, {"GET", "before:1"});
  EXPECT_TRUE(IsNoQuorum(get, "answered the read"))
      << ::testing::PrintToString(get);
  // Later requests fail too (NOQUORUM, or UNAVAILABLE once the proxy gave
  // up on the hung replica), each within the bound.
  for (int i = 0; i < 4; ++i) {
    Reply r = RunBounded(*client_, {"SET", "during", "x"});
    EXPECT_TRUE(r.IsError("NOQUORUM") || r.IsError("UNAVAILABLE"))
        << ::testing::PrintToString(r);
  }

  cluster_.ResumeReplica(1);
  ASSERT_TRUE(cluster_.RestartReplica(0));
  ASSERT_TRUE(WaitForService());
  // The write that got NOQUORUM may or may not have landed.
  Reply maybe = Run({"GET", "before:0"});
  EXPECT_TRUE(maybe == Reply::String("maybe") ||
              maybe == Reply::String("value of before:0"))
      << ::testing::PrintToString(maybe);
  acknowledged_.erase("before:0");
  ExpectAcknowledgedReadable();
}

// R + W > N: a write acknowledged by r2 and r3 while r1 was down is read
// back after r1 returns (without it) and r2 dies, over the older value r1
// still holds.
TEST_F(ReplicaFailureTest, WriteDuringOutageSurvivesQuorumOverlap) {
  WriteKeys("key:", 20);
  cluster_.KillReplica(0);
  for (auto& [key, value] : acknowledged_) {
    value = "newer value of " + key;
    ASSERT_EQ(Run({"SET", key, value}), kOk) << key;
  }
  ASSERT_TRUE(cluster_.RestartReplica(0));
  ASSERT_TRUE(cluster_.WaitForReplicasUp(3));
  cluster_.KillReplica(1);
  ExpectAcknowledgedReadable();
}

// kill -9 loses no acknowledged write: with W=3 every replica acknowledged
// every write, so each must hold all of them when restarted on its data
// folder.
class DurabilityTest : public ReplicaFailureTest {
 protected:
  static ClusterOptions AllAcknowledge() {
    ClusterOptions options;
    options.read_quorum = 1;
    options.write_quorum = 3;
    return options;
  }
  DurabilityTest() : ReplicaFailureTest(AllAcknowledge()) {}
};

// The value replica `i` holds for `key` (LL.GET straight to it), or the
// reason it has none.
std::string HeldValue(Cluster& cluster, int i, const std::string& key) {
  auto replica = cluster.ConnectReplica(i);
  if (!replica) return "(no connection)";
  Reply r = replica->Command({"LL.GET", key});
  if (r.type != Reply::Type::kString) return ::testing::PrintToString(r);
  auto record = cluster::DecodeRecord(r.str);
  if (!record.ok()) return "(undecodable record)";
  return record->tombstone ? "(tombstone)" : record->value;
}

// Each replica is restarted alone, its peers down, so that nothing (hinted
// handoff, anti-entropy, read repair) can refill it from another replica.
TEST_F(DurabilityTest, KilledReplicasKeepAcknowledgedWritesOnRestart) {
  WriteKeys("durable:", 50);
  ASSERT_EQ(Run({"DEL", "durable:0"}), Reply::Integer(1));
  acknowledged_.erase("durable:0");
  for (int i = 0; i < 3; ++i) cluster_.KillReplica(i);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(Cluster::ReplicaId(i));
    ASSERT_TRUE(cluster_.RestartReplica(i));
    for (const auto& [key, value] : acknowledged_) {
      EXPECT_EQ(HeldValue(cluster_, i, key), value) << key;
    }
    EXPECT_EQ(HeldValue(cluster_, i, "durable:0"), "(tombstone)");
    EXPECT_EQ(HeldValue(cluster_, i, "never written"), "nil");
    cluster_.KillReplica(i);
  }
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cluster_.RestartReplica(i));
  ASSERT_TRUE(cluster_.WaitForReplicasUp(3));
  ExpectAcknowledgedReadable();
}

// SIGTERM stops each process cleanly (exit code 0), also with clients
// connected, requests just served and a replica that came back; a replica
// stopped that way restarts with its data.
TEST_F(ReplicaFailureTest, GracefulShutdownExitsZero) {
  WriteKeys("key:", 10);
  auto idle = cluster_.ConnectProxy();
  ASSERT_TRUE(idle);
  EXPECT_TRUE(cluster_.TerminateReplica(2));
  ASSERT_TRUE(cluster_.RestartReplica(2));
  ASSERT_TRUE(cluster_.WaitForReplicasUp(3));
  cluster_.KillReplica(0);
  ExpectAcknowledgedReadable();  // from r2 and the restarted r3
  EXPECT_TRUE(cluster_.TerminateProxy());
  EXPECT_TRUE(cluster_.TerminateReplica(1));
  EXPECT_TRUE(cluster_.TerminateReplica(2));
}

// The proxy stops cleanly while its links wait for replies from hung
// replicas.
TEST_F(ReplicaFailureTest, GracefulShutdownWithRequestsInFlight) {
  cluster_.PauseReplica(0);
  cluster_.PauseReplica(1);
  auto raw = RawConnection::Connect(cluster_.proxy_port());
  ASSERT_TRUE(raw);
  ASSERT_TRUE(raw->Send(RespCommand({"SET", "stuck", "x"}) +
                        RespCommand({"GET", "stuck"})));
  EXPECT_TRUE(WaitUntil([&] {
    return Run({"INFO"}).str.find(",in_flight=2") != std::string::npos;
  })) << "the requests never reached the hung replicas' links";
  EXPECT_TRUE(cluster_.TerminateProxy());
  cluster_.ResumeReplica(0);
  cluster_.ResumeReplica(1);
  EXPECT_TRUE(cluster_.TerminateReplica(0));
}

}  // namespace
}  // namespace leaderless::test
