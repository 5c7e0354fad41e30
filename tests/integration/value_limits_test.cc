// Values at and past proto-max-bulk-len, through a proxy and straight to a
// replica, and replies a client does not read. Every process runs with
// proto-max-bulk-len 1mb, so the largest value is cheap to make.
//
// At the largest value, the record a proxy sends a replica is a header
// longer than any value a client may send. Should a replica refuse it by
// closing the link, every request of every client in flight on that link
// would fail with it; so these tests also check that no connection to any
// replica was dropped (its INFO counts the connections it received) while
// another client's requests all succeed.

#include <chrono>
#include <string>
#include <vector>

#include "protocol/cluster/record.h"
#include "tests/integration/cluster_harness.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr size_t kMaxValue = 1024 * 1024;  // proto-max-bulk-len 1mb
constexpr size_t kMaxRecord = kMaxValue + cluster::kRecordHeaderSize;
constexpr int kReplicas = 3;
const std::string kTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

ClusterOptions SmallValues() {
  ClusterOptions options;
  options.replicas = kReplicas;
  options.cluster_lines = {"proto-max-bulk-len 1mb"};
  // Replies past 4 MiB pause a connection; one that lets nothing be
  // written for a second is closed.
  options.replica_lines = {"appendfsync no",
                           "replica-output-buffer-limit 4mb 1"};
  return options;
}

long long InfoField(RedisClient& server, std::string_view field) {
  const Reply info = server.Command({"INFO"});
  return info.type == Reply::Type::kString
             ? FieldValue(info.str, "\n" + std::string(field) + ":")
             : -1;
}

class ValueLimitsTest : public ::testing::Test {
 protected:
  ValueLimitsTest() : cluster_(SmallValues()) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
    // Each replica is reached by the proxy, by anti-entropy and hinted
    // handoff from each peer, and by us: once all of them connected, any
    // new connection means one was dropped.
    const long long links = 1 + 2 * (kReplicas - 1) + 1;
    for (int i = 0; i < kReplicas; ++i) {
      replicas_.push_back(cluster_.ConnectReplica(i));
      ASSERT_TRUE(replicas_.back());
      ASSERT_TRUE(WaitUntil([&] {
        return InfoField(*replicas_.back(), "connected_clients") == links;
      })) << "replica "
          << i << " did not get its " << links << " links";
      connections_.push_back(
          InfoField(*replicas_.back(), "total_connections_received"));
    }
  }

  // No connection to a replica was dropped since SetUp (none was made
  // again), and the proxy sees every replica up.
  void ExpectEveryLinkKept() {
    for (int i = 0; i < kReplicas; ++i) {
      EXPECT_EQ(InfoField(*replicas_[i], "total_connections_received"),
                connections_[i])
          << "a connection to replica " << i << " was dropped";
    }
    const Reply info = client_->Command({"INFO", "cluster"});
    EXPECT_EQ(FieldValue(info.str, "\nreplicas_up:"), kReplicas);
  }

  Cluster cluster_;
  std::unique_ptr<RedisClient> client_;
  std::vector<std::unique_ptr<RedisClient>> replicas_;
  std::vector<long long> connections_;
};

// LL.GET's bound on the record it sends: a longer record is answered by
// its length (the proxy asks again with room for it); a bound that is not
// a number of bytes, or an argument past the grammar, is refused.
TEST_F(ValueLimitsTest, LlGetAnswersTheLengthOfARecordPastItsBound) {
  ASSERT_EQ(client_->Command({"SET", "bounded", std::string(100, 'v')}),
            Reply::Status("OK"));
  RedisClient& replica = *replicas_[0];
  Reply whole;
  ASSERT_TRUE(WaitUntil([&] {
    whole = replica.Command({"LL.GET", "bounded"});
    return whole.type == Reply::Type::kString;
  }));
  const auto length = static_cast<long long>(whole.str.size());
  EXPECT_EQ(replica.Command({"LL.GET", "bounded", std::to_string(length)}),
            whole);
  EXPECT_EQ(replica.Command({"LL.GET", "bounded", std::to_string(length - 1)}),
            Reply::Integer(length));
  for (const char* bound : {"", "-1", "x", "1.5"}) {
    EXPECT_EQ(replica.Command({"LL.GET", "bounded", bound}),
              Reply::Error("ERR bad LL.GET arguments"))
        << "bound '" << bound << "'";
  }
  EXPECT_EQ(replica.Command({"LL.GET", "bounded", "10", "x"}),
            Reply::Error("ERR bad LL.GET arguments"));
}

// SETRANGE at an offset that would make a string of 512 MB is refused
// before anything is allocated or sent: the proxy does not grow, and the
// requests of another client go on meanwhile.
TEST_F(ValueLimitsTest, SetRangePastTheLimitIsRefusedBeforeAnyAllocation) {
  CheckedTraffic other(cluster_.proxy_port());
  ASSERT_TRUE(other.RunsFurther(10));
#ifndef __SANITIZE_ADDRESS__  // its allocator's RSS says nothing of ours
  const pid_t proxy = ProcessIdOf(*client_);
  const long before = PeakRssKb(proxy);
  ASSERT_GT(before, 0);
#endif
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(client_->Command({"SETRANGE", "k", "536870911", "x"}),
              Reply::Error(kTooLong));
  }
  EXPECT_EQ(client_->Command({"SETRANGE", "k", std::to_string(kMaxValue), "x"}),
            Reply::Error(kTooLong));
#ifndef __SANITIZE_ADDRESS__
  EXPECT_LT(PeakRssKb(proxy) - before, 16 * 1024)
      << "the proxy's peak RSS grew (KiB)";
#endif
  EXPECT_EQ(client_->Command({"EXISTS", "k"}), Reply::Integer(0));
  EXPECT_TRUE(other.RunsFurther(10));
  EXPECT_EQ(other.Stop(), "");
  ExpectEveryLinkKept();
}

// A value of exactly proto-max-bulk-len bytes, made by SETRANGE or sent by
// SET, reaches every replica and reads back, while another client's
// requests succeed: no link is dropped for the record's header.
TEST_F(ValueLimitsTest, ValueOfTheMaximumSizeIsStoredAndReadBack) {
  CheckedTraffic other(cluster_.proxy_port());
  ASSERT_TRUE(other.RunsFurther(10));
  EXPECT_EQ(client_->Command(
                {"SETRANGE", "made", std::to_string(kMaxValue - 1), "x"}),
            Reply::Integer(kMaxValue));
  EXPECT_EQ(client_->Command({"GET", "made"}),
            Reply::String(std::string(kMaxValue - 1, '\0') + "x"));
  std::string sent(kMaxValue, '\0');
  for (size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>(i * 7);
  EXPECT_EQ(client_->Command({"SET", "sent", sent}), Reply::Status("OK"));
  EXPECT_EQ(client_->Command({"GET", "sent"}), Reply::String(sent));
  for (int i = 0; i < kReplicas; ++i) {
    EXPECT_TRUE(WaitUntil([&] {
      const Reply held = replicas_[i]->Command({"LL.GET", "sent"});
      return held.str.size() == kMaxRecord && held.str.ends_with(sent);
    })) << "replica "
        << i << " does not hold the value";
  }
  EXPECT_TRUE(other.RunsFurther(10));
  EXPECT_EQ(other.Stop(), "");
  ExpectEveryLinkKept();
}

// APPEND checks the length it would make, as Redis: up to the limit it
// appends, past it nothing changes.
TEST_F(ValueLimitsTest, AppendPastTheLimitIsRefused) {
  EXPECT_EQ(client_->Command({"APPEND", "a", std::string(kMaxValue - 1, 'a')}),
            Reply::Integer(kMaxValue - 1));
  EXPECT_EQ(client_->Command({"APPEND", "a", "b"}), Reply::Integer(kMaxValue));
  EXPECT_EQ(client_->Command({"APPEND", "a", "c"}), Reply::Error(kTooLong));
  EXPECT_EQ(client_->Command({"APPEND", "a", ""}), Reply::Integer(kMaxValue));
  EXPECT_EQ(client_->Command({"GET", "a"}),
            Reply::String(std::string(kMaxValue - 1, 'a') + "b"));
  ExpectEveryLinkKept();
}

// An LL.PUT whose record is a byte longer than any a proxy can build gets
// an error, and the same connection goes on: the request behind it in the
// same write is answered, and so is the next one. The largest record is
// taken.
TEST_F(ValueLimitsTest, OversizedRequestToAReplicaFailsAlone) {
  auto conn = RawConnection::Connect(cluster_.replica_port(0));
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->Send(RespCommand({"AUTH", kReplicaPassword})));
  ASSERT_EQ(conn->ReadReplies(1), "+OK\r\n");
  const std::string too_long(kMaxRecord + 1, 'v');
  ASSERT_TRUE(conn->Send(RespCommand({"LL.PUT", "k", too_long}) +
                         RespCommand({"PING"})));
  EXPECT_EQ(conn->ReadReplies(2), "-ERR request skipped: an argument of " +
                                      std::to_string(kMaxRecord + 1) +
                                      " bytes exceeds the limit of " +
                                      std::to_string(kMaxRecord) +
                                      " bytes\r\n+PONG\r\n");

  cluster::Record record;
  record.version.wall_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  record.value = std::string(kMaxValue, 'r');
  const std::string largest = cluster::EncodeRecord(record);
  ASSERT_EQ(largest.size(), kMaxRecord);
  ASSERT_TRUE(conn->Send(RespCommand({"LL.PUT", "k", largest})));
  EXPECT_EQ(conn->ReadReplies(1), "$-1\r\n");  // nothing held before
  ASSERT_TRUE(conn->Send(RespCommand({"PING"})));
  EXPECT_EQ(conn->ReadReplies(1), "+PONG\r\n");
  EXPECT_EQ(replicas_[0]->Command({"LL.GET", "k"}), Reply::String(largest));
}

// A connection that pipelines reads of a large value and never reads the
// replies is paused, then closed once nothing could be written for a
// second, and the replica's memory stays bounded meanwhile; the proxy goes
// on serving.
TEST_F(ValueLimitsTest, ReplicaClosesAConnectionThatDoesNotRead) {
  constexpr int kGets = 400;  // 400 MiB of replies, would they pile up
  const std::string big(kMaxValue, 'b');
  ASSERT_EQ(client_->Command({"SET", "big", big}), Reply::Status("OK"));
  RedisClient& replica = *replicas_[0];
  ASSERT_TRUE(WaitUntil([&] {
    return replica.Command({"LL.GET", "big"}).str.size() == kMaxRecord;
  }));
  const long long clients = InfoField(replica, "connected_clients");
#ifndef __SANITIZE_ADDRESS__
  const pid_t pid = ProcessIdOf(replica);
  const long before = PeakRssKb(pid);
  ASSERT_GT(before, 0);
#endif

  auto greedy = RawConnection::Connect(cluster_.replica_port(0),
                                       /*receive_buffer=*/4096);
  ASSERT_TRUE(greedy);
  std::string gets = RespCommand({"AUTH", kReplicaPassword});
  for (int i = 0; i < kGets; ++i) gets += RespCommand({"LL.GET", "big"});
  ASSERT_TRUE(greedy->Send(gets));
  ASSERT_TRUE(WaitUntil([&] {
    return InfoField(replica, "connected_clients") == clients + 1;
  })) << "the replica did not take the connection";
  EXPECT_TRUE(WaitUntil([&] {
    return InfoField(replica, "connected_clients") == clients;
  })) << "the connection that does not read is still open";
  EXPECT_EQ(client_->Command({"GET", "big"}), Reply::String(big));
  EXPECT_EQ(client_->Command({"SET", "after", "x"}), Reply::Status("OK"));
#ifndef __SANITIZE_ADDRESS__
  // 4 MiB of replies, one more reply and the socket's buffers.
  EXPECT_LT(PeakRssKb(pid) - before, 48 * 1024)
      << "the replica's peak RSS grew (KiB)";
#endif
  RawConnection::Drained got = greedy->ReadUntilClosed();
  EXPECT_TRUE(got.closed);
  EXPECT_LT(got.data.size(), kGets * kMaxValue) << "every reply was sent";
}

// The proxy's links read all the time: many large replies at once slow
// them down but never get them closed.
TEST_F(ValueLimitsTest, ProxyLinksAreSlowedNotClosed) {
  constexpr size_t kGets = 64;  // 64 MiB of replies per replica asked
  const std::string big(kMaxValue, 'p');
  ASSERT_EQ(client_->Command({"SET", "big", big}), Reply::Status("OK"));
  const std::vector<std::vector<std::string>> gets(kGets, {"GET", "big"});
  const std::vector<Reply> replies = Pipeline(*client_, gets, kGets);
  ASSERT_EQ(replies.size(), kGets);
  for (const Reply& reply : replies) {
    ASSERT_EQ(reply, Reply::String(big));
  }
  ExpectEveryLinkKept();
}

}  // namespace
}  // namespace leaderless::test
