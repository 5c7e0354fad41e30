// Clients that try to make the proxy, a replica or a link hold unbounded
// memory: one MGET of a large key repeated, a slow KEYS followed by
// pipelined GETs of a large key, an endless MULTI, an EXEC and a KEYS whose
// results pass the output limit. None of them reads its replies (except
// where said). Each is disconnected at its limit, as Redis does (and the
// proxy logs why); the peak RSS of the proxy and of every replica grows by
// less than a stated bound; and another client is served right all along:
// its reads answer the values written, never a quorum error, and no replica
// is marked down.

#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr size_t kBigValue = 256 * 1024;
// Small limits, cheap to reach: "client-output-buffer-limit normal 4mb 0 0",
// "client-query-buffer-limit 8mb".
constexpr size_t kOutputLimit = 4 << 20;
constexpr size_t kQueryLimit = 8 << 20;
// What a hostile client may cost at its peak. The proxy: its limits (4 and
// 8 MiB), a multi-key command's window of results (8 MiB) and slack. A
// replica: the replies its link from the proxy may have in flight (32 MiB)
// and as much again for allocator slack and storage caches. Before the
// limits held, an MGET of a 1 MiB key repeated took each replica to 1 GiB,
// and the same MGET of the 256 KiB key here made the proxy gather 500 MiB.
constexpr long kProxyGrowthBoundKb = 32 * 1024;
constexpr long kReplicaGrowthBoundKb = 96 * 1024;

ClusterOptions SmallLimits() {
  ClusterOptions options;
  options.replica_lines = {"appendfsync no"};
  options.proxy_lines = {"client-output-buffer-limit normal 4mb 0 0",
                         "client-query-buffer-limit 8mb"};
  return options;
}

class HostileClientsTest : public ::testing::Test {
 protected:
  HostileClientsTest() : cluster_(SmallLimits()) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    control_ = cluster_.ConnectProxy();
    ASSERT_TRUE(control_);
    ASSERT_EQ(control_->Command({"SET", "big", std::string(kBigValue, 'b')}),
              Reply::Status("OK"));
    // Warm up: the peaks measured from here on are the hostile client's.
    ASSERT_EQ(control_->Command({"GET", "big"}).str.size(), kBigValue);
    pids_.push_back(ProcessIdOf(*control_));
    for (int r = 0; r < cluster_.options().replicas; ++r) {
      auto replica = cluster_.ConnectReplica(r);
      ASSERT_TRUE(replica);
      pids_.push_back(ProcessIdOf(*replica));
    }
    for (pid_t pid : pids_) ASSERT_GT(pid, 0);
    ResetPeaks();
    other_ = std::make_unique<CheckedTraffic>(cluster_.proxy_port());
    ASSERT_TRUE(other_->RunsFurther(10));
  }

  // Measures peak RSS growth from here on.
  void ResetPeaks() {
    peaks_.clear();
    for (pid_t pid : pids_) peaks_.push_back(PeakRssKb(pid));
  }

  // Whether the proxy's CLIENT LIST shows client `name`.
  bool Listed(const std::string& name) {
    Reply list = control_->Command({"CLIENT", "LIST"});
    return list.type == Reply::Type::kString &&
           list.str.find("name=" + name + " ") != std::string::npos;
  }

  // A connection that named itself `name` (once the proxy lists it) and
  // never reads.
  std::unique_ptr<RawConnection> Hostile(const std::string& name) {
    auto conn = RawConnection::Connect(cluster_.proxy_port(),
                                       /*receive_buffer=*/4096);
    if (!conn || !conn->Send(RespCommand({"CLIENT", "SETNAME", name})) ||
        !WaitUntil([&] { return Listed(name); })) {
      ADD_FAILURE() << "no client named " << name;
      return nullptr;
    }
    return conn;
  }

  // Whether client `name` is gone from the proxy's CLIENT LIST before the
  // deadline.
  ::testing::AssertionResult Disconnected(const std::string& name) {
    if (WaitUntil([&] { return !Listed(name); })) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << name << " is still connected";
  }

  // The proxy's log holds `text`.
  bool ProxyLogHas(std::string_view text) const {
    return LogHas(LogPath(cluster_, "proxy0"), text);
  }

  // The other client was served right all along, no replica went down, and
  // no process's peak RSS grew past the bound.
  void ExpectOthersUnharmed() {
    // Served after the hostile client too, not only before it came.
    EXPECT_TRUE(other_->RunsFurther(10));
    EXPECT_EQ(other_->Stop(), "");
    Reply info = control_->Command({"INFO", "cluster"});
    EXPECT_NE(info.str.find("\r\nreplicas_up:3\r\n"), std::string::npos)
        << info.str;
    EXPECT_FALSE(ProxyLogHas(" is down")) << cluster_.Logs();
#ifndef __SANITIZE_ADDRESS__  // its allocator's RSS says nothing of ours
    for (size_t i = 0; i < pids_.size(); ++i) {
      const long growth = PeakRssKb(pids_[i]) - peaks_[i];
      EXPECT_LT(growth, i == 0 ? kProxyGrowthBoundKb : kReplicaGrowthBoundKb)
          << (i == 0 ? "the proxy" : "replica " + std::to_string(i))
          << "'s peak RSS grew by " << growth << " KiB";
    }
#endif
    Reply big = control_->Command({"GET", "big"});
    EXPECT_EQ(big.str.size(), kBigValue) << big.str.substr(0, 100);
  }

  Cluster cluster_;
  std::unique_ptr<RedisClient> control_;
  std::vector<pid_t> pids_;  // the proxy's, then each replica's
  std::vector<long> peaks_;  // their peak RSS before the hostile client
  std::unique_ptr<CheckedTraffic> other_;
};

constexpr char kOutputLimitLog[] =
    "scheduled to be closed ASAP for overcoming of output buffer limits";

// 2,000 repeats of a 256 KiB key: 500 MiB of reply from an 18 KiB request.
// The results count against the output limit as they come in, and the
// reads stop once the client is dropped.
TEST_F(HostileClientsTest, MgetOfOneLargeKeyRepeated) {
  std::vector<std::string> mget = {"MGET"};
  mget.insert(mget.end(), 2000, "big");
  auto hostile = Hostile("mget");
  ASSERT_TRUE(hostile);
  hostile->Send(RespCommand(mget));
  EXPECT_TRUE(Disconnected("mget"));
  EXPECT_TRUE(ProxyLogHas(kOutputLimitLog));
  ExpectOthersUnharmed();
}

// Replies ready behind a slow one (KEYS walks the whole ring) count against
// the output limit while they wait for it.
TEST_F(HostileClientsTest, KeysThenPipelinedGetsOfALargeKey) {
  std::string requests = RespCommand({"KEYS", "*"});
  for (int i = 0; i < 1023; ++i) requests += RespCommand({"GET", "big"});
  auto hostile = Hostile("keys");
  ASSERT_TRUE(hostile);
  hostile->Send(requests);
  EXPECT_TRUE(Disconnected("keys"));
  EXPECT_TRUE(ProxyLogHas(kOutputLimitLog));
  ExpectOthersUnharmed();
}

// The commands a MULTI queues count against the query buffer limit, as
// Redis counts them in a client's memory: past it, the client is closed
// without a reply and its transaction dropped.
TEST_F(HostileClientsTest, EndlessMulti) {
  auto hostile = Hostile("multi");
  ASSERT_TRUE(hostile);
  ASSERT_TRUE(hostile->Send(RespCommand({"MULTI"})));
  const std::string set =
      RespCommand({"SET", "queued", std::string(64 * 1024, 'q')});
  // Four times the limit, unless the proxy closes the connection first.
  for (size_t sent = 0; sent < 4 * kQueryLimit && hostile->Send(set);) {
    sent += set.size();
  }
  EXPECT_TRUE(Disconnected("multi"));
  EXPECT_TRUE(
      ProxyLogHas("Closing client that reached max query buffer length"));
  EXPECT_EQ(control_->Command({"EXISTS", "queued"}), Reply::Integer(0))
      << "a command of the dropped transaction ran";
  ExpectOthersUnharmed();
}

// EXEC's replies wait for each other: they count against the output limit
// as they come, so even a client that reads is dropped once they pass it,
// as Redis drops one whose EXEC reply passes its hard limit, and the rest
// of the transaction does not run (400 reads: 100 MiB of results).
TEST_F(HostileClientsTest, ExecResultsPastTheOutputLimit) {
  constexpr int kGets = 400;
  auto client = cluster_.ConnectProxy();
  ASSERT_TRUE(client);
  client->Append({"MULTI"});
  for (int i = 0; i < kGets; ++i) client->Append({"GET", "big"});
  client->Append({"SET", "exec:after", "1"});
  client->Append({"EXEC"});
  EXPECT_EQ(client->Read(), Reply::Status("OK"));
  for (int i = 0; i <= kGets; ++i) {
    ASSERT_EQ(client->Read(), Reply::Status("QUEUED"));
  }
  EXPECT_EQ(client->Read().type, Reply::Type::kIoError);
  EXPECT_TRUE(ProxyLogHas(kOutputLimitLog));
  EXPECT_EQ(control_->Command({"EXISTS", "exec:after"}), Reply::Integer(0))
      << "the command after the reads that passed the limit ran";
  ExpectOthersUnharmed();
}

// KEYS keeps the names it finds for its reply: they count against the
// output limit as the walk finds them, and the walk stops there (32 MiB of
// key names here).
TEST_F(HostileClientsTest, KeysPastTheOutputLimit) {
  constexpr int kNames = 128;
  const std::string stem(kBigValue, 'k');
  auto writer = cluster_.ConnectProxy();
  ASSERT_TRUE(writer);
  for (int i = 0; i < kNames; ++i) {
    writer->Append({"SET", stem + std::to_string(i), "v"});
  }
  for (int i = 0; i < kNames; ++i) {
    ASSERT_EQ(writer->Read(), Reply::Status("OK"));
  }
  ResetPeaks();
  auto client = cluster_.ConnectProxy();
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Command({"KEYS", "k*"}).type, Reply::Type::kIoError);
  EXPECT_TRUE(ProxyLogHas(kOutputLimitLog));
  ExpectOthersUnharmed();
}

}  // namespace
}  // namespace leaderless::test
