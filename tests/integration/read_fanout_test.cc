// How many replicas a read asks (3 replicas, N=3 R=2 W=2): R of them while
// all answer, spread over the key's homes, one for the record and the
// others for its rank only (digest reads); one more when an asked replica
// hangs (a speculative read), so a stopped replica does not hold reads up
// to the request timeout; and read repair brings the replicas a read asked
// up to date.
//
// What replicas were asked is counted black-box: a replica's INFO
// `record_reads` counts the LL.GET and LL.DIGEST requests it served.

#include "protocol/cluster/record.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr int kReplicas = 3;
// A request timeout far beyond what the reads of these tests may take: a
// read that waited for a stopped replica would fail them.
constexpr int kMinuteMs = 60000;

ClusterOptions FanoutOptions(int request_timeout_ms,
                             const std::string& read_repair = "blocking") {
  ClusterOptions options = FailureOptions(kReplicas, request_timeout_ms);
  options.proxy_lines.push_back("read-repair " + read_repair);
  // Nothing but client reads may send LL.GET or repair a replica.
  options.replica_lines.push_back("hinted-handoff no");
  options.replica_lines.push_back("anti-entropy-interval-ms 3600000");
  return options;
}

std::vector<long long> RecordReads(const Cluster& cluster) {
  std::vector<long long> reads;
  for (int i = 0; i < kReplicas; ++i) {
    reads.push_back(FieldValue(ReplicaInfo(cluster, i), "record_reads:"));
  }
  return reads;
}

// Reads beyond R the proxy sent: speculative reads, read retries, and
// records asked for after a newer digest.
long long ExtraReads(RedisClient& proxy) {
  const std::string info = ProxyInfo(proxy);
  return FieldValue(info, "speculative_reads:") +
         FieldValue(info, "read_retries:") +
         FieldValue(info, "digest_mismatches:");
}

std::vector<std::vector<std::string>> Gets(const KeyValues& kvs, int rounds) {
  std::vector<std::vector<std::string>> gets;
  for (int round = 0; round < rounds; ++round) {
    for (const auto& [key, value] : kvs) gets.push_back({"GET", key});
  }
  return gets;
}

TEST(ReadFanoutTest, AReadAsksROfItsReplicasSpreadOverThem) {
  Cluster cluster(FanoutOptions(10000));
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);
  // One key, whose three homes are the three replicas: only a draw anew
  // per read spreads its reads over all of them.
  const KeyValues kvs = MakeKeyValues("fanout:", 1, "v");
  ASSERT_TRUE(SetAll(*client, kvs));

  const std::vector<long long> before = RecordReads(cluster);
  for (long long b : before) ASSERT_GE(b, 0);
  const long long extra_before = ExtraReads(*client);
  const auto gets = Gets(kvs, 300);
  const std::vector<Reply> replies = Pipeline(*client, gets);
  for (size_t i = 0; i < gets.size(); ++i) {
    ASSERT_EQ(replies[i], Reply::String(kvs.at(gets[i][1]))) << i;
  }
  // Two per GET, plus exactly what the proxy counted as asked beyond R (a
  // slow machine may make reads speculate, so how many is not asserted).
  // A speculative ask may be served after its GET was answered: poll.
  const auto r = static_cast<long long>(gets.size()) * 2;
  std::vector<long long> asked(kReplicas);
  long long extra = 0;
  const bool accounted = WaitUntil([&] {
    const std::vector<long long> after = RecordReads(cluster);
    for (int i = 0; i < kReplicas; ++i) asked[i] = after[i] - before[i];
    extra = ExtraReads(*client) - extra_before;
    return asked[0] + asked[1] + asked[2] == r + extra;
  });
  EXPECT_TRUE(accounted) << asked[0] + asked[1] + asked[2] << " asked, " << r
                         << " + " << extra << " expected";
  for (int i = 0; i < kReplicas; ++i) {
    // Every replica takes a share: which two a read asks is drawn anew.
    EXPECT_GT(asked[i], 0) << Cluster::ReplicaId(i);
  }
}

// Keys written while every replica was up, then r1 stopped (SIGSTOP; it
// gets SIGCONT at the end).
class StoppedReplicaTest : public ::testing::Test {
 protected:
  StoppedReplicaTest() : cluster_(FanoutOptions(kMinuteMs)) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
  }

  void TearDown() override {
    if (stopped_) cluster_.ResumeReplica(0);
  }

  void WriteThenStop(const KeyValues& kvs) {
    ASSERT_TRUE(SetAll(*client_, kvs));
    speculative_before_ = FieldValue(ProxyInfo(*client_), "speculative_reads:");
    cluster_.PauseReplica(0);
    stopped_ = true;
  }

  Cluster cluster_;
  std::unique_ptr<RedisClient> client_;
  long long speculative_before_ = 0;
  bool stopped_ = false;
};

TEST_F(StoppedReplicaTest, AStoppedReplicaDoesNotHoldReadsUp) {
  const KeyValues kvs = MakeKeyValues("slow:", 30, "v");
  WriteThenStop(kvs);
  if (HasFatalFailure()) return;
  // The client gives up well before the proxy's request timeout, so each
  // read must have been answered without the stopped replica.
  auto reader = RedisClient::Connect(cluster_.proxy_port(), Millis(20000));
  ASSERT_TRUE(reader);
  for (const auto& [key, value] : kvs) {
    EXPECT_EQ(reader->Command({"GET", key}), Reply::String(value)) << key;
  }
  // About two reads in three asked the stopped replica among their two.
  EXPECT_GT(FieldValue(ProxyInfo(*reader), "speculative_reads:"),
            speculative_before_);
}

// A read that asks one more replica late (here: because r1 is stopped)
// must not see a write pipelined after it: the SET waits for the GET.
TEST_F(StoppedReplicaTest, ALateAskDoesNotSeeAWritePipelinedAfterTheRead) {
  const KeyValues old = MakeKeyValues("order:", 20, "old");
  WriteThenStop(old);
  if (HasFatalFailure()) return;
  std::vector<std::vector<std::string>> commands;
  for (const auto& [key, value] : old) {
    commands.push_back({"GET", key});
    commands.push_back({"SET", key, key + " new"});
  }
  const std::vector<Reply> replies = Pipeline(*client_, commands);
  ASSERT_EQ(replies.size(), commands.size());
  for (size_t i = 0; i < commands.size(); i += 2) {
    const std::string& key = commands[i][1];
    EXPECT_EQ(replies[i], Reply::String(old.at(key))) << key;
    EXPECT_EQ(replies[i + 1], Reply::Status("OK")) << key;
  }
}

// One read with r2 down must ask r1 and r3, so it is a read that asked
// the stale replica r1: read repair brings r1 up to date (blocking: before
// the reply; async: soon after).
class AskedReplicaRepairTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AskedReplicaRepairTest, OneReadRepairsTheStaleReplicaItAsked) {
  const bool blocking = GetParam() == "blocking";
  Cluster cluster(FanoutOptions(10000, GetParam()));
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);
  const KeyValues old = MakeKeyValues("repair:", 10, "old");
  ASSERT_TRUE(SetAll(*client, old));
  const std::vector<std::string> keys = KeysOf(old);
  ASSERT_TRUE(WaitUntil([&] {
    const std::vector<Reply> held = HeldRecords(cluster, 0, keys);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (Describe(held[i]) != old.at(keys[i])) return false;
    }
    return true;
  }));
  // r1 misses the new values; then r2 goes down and r1 returns.
  cluster.KillReplica(0);
  ASSERT_TRUE(cluster.WaitForReplicasUp(kReplicas - 1));
  const KeyValues newer = ValuesFor(keys, "new");
  ASSERT_TRUE(SetAll(*client, newer));
  ASSERT_TRUE(cluster.RestartReplica(0));
  ASSERT_TRUE(cluster.WaitForReplicasUp(kReplicas));
  cluster.KillReplica(1);
  ASSERT_TRUE(cluster.WaitForReplicasUp(kReplicas - 1));

  for (const auto& [key, value] : newer) {
    ASSERT_EQ(Describe(HeldRecords(cluster, 0, {key})[0]), old.at(key));
    ASSERT_EQ(client->Command({"GET", key}), Reply::String(value)) << key;
    auto repaired = [&] {
      return Describe(HeldRecords(cluster, 0, {key})[0]) == value;
    };
    EXPECT_TRUE(blocking ? repaired() : WaitUntil(repaired)) << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, AskedReplicaRepairTest,
                         ::testing::Values("blocking", "async"),
                         [](const auto& info) { return info.param; });

// r1 misses the newest values (it was down when they were written). A
// read that asks r1 for the record and another replica for the digest
// finds the digest newer, and asks that replica for the record: every read
// returns the newest value.
TEST(DigestReadTest, ADigestNewerThanTheRecordReadFetchesItsRecord) {
  Cluster cluster(FanoutOptions(10000));
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);
  // Of two replicas asked, r1 is the one asked for the record in one read
  // of three: with 40 keys, some reads take that path (all but surely).
  const KeyValues old = MakeKeyValues("digest:", 40, "old");
  ASSERT_TRUE(SetAll(*client, old));
  ASSERT_TRUE(WaitForHomesToHold(cluster, Placement(cluster.options()), old));
  cluster.KillReplica(0);
  ASSERT_TRUE(cluster.WaitForReplicasUp(kReplicas - 1));
  const KeyValues newer = ValuesFor(KeysOf(old), "new");
  ASSERT_TRUE(SetAll(*client, newer));
  ASSERT_TRUE(cluster.RestartReplica(0));
  ASSERT_TRUE(cluster.WaitForReplicasUp(kReplicas));

  const long long mismatches_before =
      FieldValue(ProxyInfo(*client), "digest_mismatches:");
  for (const auto& [key, value] : newer) {
    EXPECT_EQ(client->Command({"GET", key}), Reply::String(value)) << key;
  }
  const std::string info = ProxyInfo(*client);
  EXPECT_GT(FieldValue(info, "digest_mismatches:"), mismatches_before);
  EXPECT_GE(FieldValue(info, "digest_reads:"), 40);
}

// "nil", or the hex of an encoded rank: what an LL.DIGEST answered, or the
// rank of the record an LL.GET answered.
std::string RankText(const Reply& reply, bool from_get) {
  if (reply.type == Reply::Type::kNil) return "nil";
  if (reply.type != Reply::Type::kString) {
    return ::testing::PrintToString(reply);
  }
  std::string rank = reply.str;
  if (from_get) {
    if (!cluster::ParseRecord(reply.str).ok()) return "(not a record)";
    rank = cluster::EncodeRank(cluster::RankOf(reply.str));
  }
  std::string hex;
  for (unsigned char c : rank) {
    static const char kDigits[] = "0123456789abcdef";
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

// Every replica answers LL.DIGEST with the rank of what it answers LL.GET
// with: values, tombstones, keys never written, records a FLUSHALL covers,
// and, on a stand-in (4 replicas, N=3), hints.
TEST(DigestReadTest, ADigestIsTheRankOfWhatAReadOfTheRecordAnswers) {
  ClusterOptions options = FanoutOptions(10000);
  options.replicas = 4;
  Cluster cluster(options);
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);
  // r4 down: writes of its keys leave hints on stand-ins.
  cluster.KillReplica(3);
  ASSERT_TRUE(cluster.WaitForReplicasUp(3));
  const KeyValues kvs = MakeKeyValues("rank:", 30, "v");
  ASSERT_TRUE(SetAll(*client, kvs));
  ASSERT_GT(FieldValue(ProxyInfo(*client), "hinted_writes:"), 0);
  std::vector<std::string> keys = KeysOf(kvs);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(client->Command({"DEL", keys[static_cast<size_t>(i)]}),
              Reply::Integer(1));
  }
  keys.push_back("rank:never-written");

  auto check = [&](const char* when, int replicas) {
    for (int r = 0; r < replicas; ++r) {
      auto replica = cluster.ConnectReplica(r);
      ASSERT_TRUE(replica);
      std::vector<std::vector<std::string>> gets, digests;
      for (const std::string& key : keys) {
        gets.push_back({"LL.GET", key});
        digests.push_back({"LL.DIGEST", key});
      }
      const std::vector<Reply> held = Pipeline(*replica, gets);
      const std::vector<Reply> ranks = Pipeline(*replica, digests);
      ASSERT_EQ(held.size(), keys.size());
      ASSERT_EQ(ranks.size(), keys.size());
      for (size_t i = 0; i < keys.size(); ++i) {
        EXPECT_EQ(RankText(ranks[i], false), RankText(held[i], true))
            << when << ", " << Cluster::ReplicaId(r) << ", " << keys[i];
      }
    }
  };
  check("after the writes", 3);
  // (Hinted handoff is off: the stand-ins keep their hints.)
  ASSERT_TRUE(cluster.RestartReplica(3));
  ASSERT_TRUE(cluster.WaitForReplicasUp(4));
  check("r4 back", 4);
  ASSERT_EQ(client->Command({"FLUSHALL"}), Reply::Status("OK"));
  ASSERT_EQ(client->Command({"SET", keys[10], "after"}), Reply::Status("OK"));
  check("after FLUSHALL", 4);
}

}  // namespace
}  // namespace leaderless::test
