// Raw bytes to a proxy: malformed RESP, inline commands, split requests,
// cross-protocol attacks and every per-client limit (REDIS-LIMITS.md). The
// limits are set small so they are cheap to reach. After each test the
// proxy must still answer, with the data acknowledged before intact.

#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"

namespace leaderless::test {
namespace {

using namespace std::string_literals;

constexpr int kMaxClients = 6;
constexpr size_t kMaxBulk = 512 * 1024;            // proto-max-bulk-len 512kb
constexpr size_t kQueryBufferLimit = 1024 * 1024;  // 1mb
constexpr size_t kMaxInline = 64 * 1024;           // fixed, as in Redis

ClusterOptions SmallLimits() {
  ClusterOptions options;
  options.proxy_lines = {
      "maxclients " + std::to_string(kMaxClients),
      "proto-max-bulk-len 512kb",
      "client-query-buffer-limit 1mb",
      "client-output-buffer-limit normal 1mb 0 0",
  };
  return options;
}

class ProtocolLimitsTest : public ::testing::Test {
 protected:
  ProtocolLimitsTest() : cluster_(SmallLimits()) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    auto client = cluster_.ConnectProxy();
    ASSERT_TRUE(client);
    ASSERT_EQ(client->Command({"SET", "acknowledged", "before"}),
              Reply::Status("OK"));
  }

  // Whatever the test did, the proxy still serves other clients and the
  // data acknowledged before is intact.
  void TearDown() override {
    std::unique_ptr<RedisClient> client;
    ASSERT_TRUE(WaitUntil([&] {  // closed connections may take a moment
      client = cluster_.ConnectProxy();
      return client && client->Command({"PING"}) == Reply::Status("PONG");
    })) << "the proxy no longer answers";
    EXPECT_EQ(client->Command({"GET", "acknowledged"}),
              Reply::String("before"));
    EXPECT_EQ(client->Command({"SET", "after", "x"}), Reply::Status("OK"));
  }

  std::unique_ptr<RawConnection> Connect(int receive_buffer = 0) {
    auto conn = RawConnection::Connect(cluster_.proxy_port(), receive_buffer);
    EXPECT_TRUE(conn) << "cannot connect to the proxy";
    return conn;
  }

  // Sends `bytes` on a new connection and reads until the proxy closes it.
  RawConnection::Drained SendAndDrain(std::string_view bytes) {
    auto conn = Connect();
    if (!conn) return {"", false};
    conn->Send(bytes);  // may fail once the proxy closed: that is fine
    return conn->ReadUntilClosed();
  }

  Cluster cluster_;
};

TEST_F(ProtocolLimitsTest, MalformedRequestsGetProtocolErrorThenClose) {
  const std::string kBigBulk = "$" + std::to_string(kMaxBulk + 1);
  const std::pair<std::string, std::string> kCases[] = {
      {"*abc\r\n", "invalid multibulk length"},
      {"*1x\r\n", "invalid multibulk length"},
      {"*9999999999\r\n", "invalid multibulk length"},
      {"*1\r\n$x\r\n", "invalid bulk length"},
      {"*1\r\n$-1\r\n", "invalid bulk length"},
      {"*1\r\n$01\r\n", "invalid bulk length"},
      {"*2\r\n$3\r\nGET\r\n" + kBigBulk + "\r\n", "invalid bulk length"},
      {"*1\r\nGET\r\n", "expected '$', got 'G'"},
      {"*2\r\n$3\r\nGET\r\n:1\r\n", "expected '$', got ':'"},
      {"SET a \"b\r\n", "unbalanced quotes in request"},
      {"SET a 'b\r\n", "unbalanced quotes in request"},
      {"SET a \"b\"c\r\n", "unbalanced quotes in request"},
      {std::string(kMaxInline + 1, 'a'), "too big inline request"},
      {"*" + std::string(kMaxInline + 1, '1'), "too big mbulk count string"},
      {"*1\r\n$" + std::string(kMaxInline + 1, '1'),
       "too big bulk count string"},
  };
  for (const auto& [request, error] : kCases) {
    SCOPED_TRACE("request " + Printable(request, 40));
    // A valid command after the bad one must not run.
    RawConnection::Drained got = SendAndDrain(request + "SET leaked 1\r\n");
    EXPECT_TRUE(got.closed) << "the connection stayed open";
    EXPECT_EQ(got.data, "-ERR Protocol error: " + error + "\r\n");
  }
  auto client = cluster_.ConnectProxy();
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Command({"EXISTS", "leaked"}), Reply::Integer(0));
}

TEST_F(ProtocolLimitsTest, InlineCommands) {
  auto conn = Connect();
  ASSERT_TRUE(conn);
  const std::pair<std::string, std::string> kCases[] = {
      {"PING\r\n", "+PONG\r\n"},
      {"ping\n", "+PONG\r\n"},          // LF alone ends a line too
      {"\r\n\nPING\r\n", "+PONG\r\n"},  // empty lines are skipped
      {"SET a \"b c\"\r\n", "+OK\r\n"},
      {"GET a\r\n", "$3\r\nb c\r\n"},
      {"SET 'k 1' \"\\x00\\r\\n\\xff\"\r\n", "+OK\r\n"},
      {"GET \"k 1\"\r\n", "$4\r\n\0\r\n\xff\r\n"s},
      {"  EXISTS\ta  \"k 1\"   missing \r\n", ":2\r\n"},
      {"GET\r\n", "-ERR wrong number of arguments for 'get' command\r\n"},
  };
  for (const auto& [request, reply] : kCases) {
    SCOPED_TRACE("request " + Printable(request));
    ASSERT_TRUE(conn->Send(request));
    EXPECT_EQ(Printable(conn->ReadReplies(1)), Printable(reply));
  }
}

TEST_F(ProtocolLimitsTest, RequestsSplitIntoSingleBytes) {
  auto conn = Connect();
  ASSERT_TRUE(conn);
  const std::string requests = RespCommand({"SET", "split", "a\r\nb"}) +
                               "GET split\r\n" +
                               RespCommand({"MGET", "split", "nothing"});
  for (char c : requests) ASSERT_TRUE(conn->Send(std::string_view(&c, 1)));
  EXPECT_EQ(Printable(conn->ReadReplies(3)),
            Printable("+OK\r\n$4\r\na\r\nb\r\n*2\r\n$4\r\na\r\nb\r\n$-1\r\n"));
}

TEST_F(ProtocolLimitsTest, CrossProtocolAttackClosesWithoutReply) {
  const std::string kRequests[] = {
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nSET leaked 1\r\n",
      "Host: example.com\r\nSET leaked 1\r\n",
  };
  for (const std::string& request : kRequests) {
    SCOPED_TRACE(Printable(request));
    RawConnection::Drained got = SendAndDrain(request);
    EXPECT_TRUE(got.closed);
    EXPECT_EQ(got.data, "");
  }
  auto client = cluster_.ConnectProxy();
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Command({"EXISTS", "leaked"}), Reply::Integer(0));
}

// An argument of exactly proto-max-bulk-len bytes is accepted.
TEST_F(ProtocolLimitsTest, BulkOfMaximumLengthIsAccepted) {
  auto client = cluster_.ConnectProxy();
  ASSERT_TRUE(client);
  const std::string value(kMaxBulk, 'v');
  EXPECT_EQ(client->Command({"SET", "biggest", value}), Reply::Status("OK"));
  EXPECT_EQ(client->Command({"GET", "biggest"}), Reply::String(value));
}

// A request that buffers past client-query-buffer-limit before it is
// complete closes the connection without a reply, as in Redis.
TEST_F(ProtocolLimitsTest, QueryBufferLimitClosesConnection) {
  constexpr size_t kArgs = 2 * kQueryBufferLimit / kMaxBulk + 1;
  std::string request = "*" + std::to_string(kArgs + 1) + "\r\n$4\r\nMGET\r\n";
  for (size_t i = 0; i < kArgs; ++i) {
    request += "$" + std::to_string(kMaxBulk) + "\r\n" +
               std::string(kMaxBulk, 'q') + "\r\n";
  }
  RawConnection::Drained got = SendAndDrain(request);
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(got.data, "");
}

// Empty arguments take 6 bytes of input each but a table entry in the
// proxy too: the table counts against the limit, so a request of many of
// them is cut off as well, though its bytes alone stay under it.
TEST_F(ProtocolLimitsTest, QueryBufferLimitCountsTheArgumentTable) {
  constexpr size_t kArgs = kQueryBufferLimit / 8;  // 6/8 of the limit
  std::string request = "*2147483647\r\n$4\r\nMGET\r\n";
  for (size_t i = 0; i < kArgs; ++i) request += "$0\r\n\r\n";
  ASSERT_LT(request.size(), kQueryBufferLimit);
  RawConnection::Drained got = SendAndDrain(request);
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(got.data, "");
}

// maxclients connections are served; one more gets Redis's error and is
// closed; once a client leaves, a new one is served again.
TEST_F(ProtocolLimitsTest, MaxClientsRejectsTheConnectionTooMany) {
  std::vector<std::unique_ptr<RawConnection>> held;
  // Connections of the harness may still be closing: retry until served.
  while (held.size() < static_cast<size_t>(kMaxClients)) {
    std::unique_ptr<RawConnection> conn;
    ASSERT_TRUE(WaitUntil([&] {
      conn = Connect();
      return conn && conn->Send("PING\r\n") &&
             conn->ReadReplies(1) == "+PONG\r\n";
    })) << "connection "
        << held.size() + 1 << " was not served";
    held.push_back(std::move(conn));
  }
  auto extra = Connect();
  ASSERT_TRUE(extra);
  extra->Send("PING\r\n");
  RawConnection::Drained got = extra->ReadUntilClosed();
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(got.data, "-ERR max number of clients reached\r\n");

  held.pop_back();
  EXPECT_TRUE(WaitUntil([&] {
    auto conn = Connect();
    return conn && conn->Send("PING\r\n") &&
           conn->ReadReplies(1) == "+PONG\r\n";
  })) << "a freed slot was not reused";
}

// A client that pipelines big reads and never reads the replies is
// disconnected past client-output-buffer-limit; other clients go on.
TEST_F(ProtocolLimitsTest, OutputBufferLimitDisconnectsClientThatDoesNotRead) {
  constexpr size_t kValueSize = 256 * 1024;
  constexpr int kGets = 64;  // 16 MiB of replies: far past every buffer
  auto client = cluster_.ConnectProxy();
  ASSERT_TRUE(client);
  ASSERT_EQ(client->Command({"SET", "big", std::string(kValueSize, 'b')}),
            Reply::Status("OK"));

  auto greedy = Connect(/*receive_buffer=*/4096);
  ASSERT_TRUE(greedy);
  std::string gets;
  for (int i = 0; i < kGets; ++i) gets += RespCommand({"GET", "big"});
  greedy->Send(gets);
  // The proxy drops the client while it still has not read anything.
  EXPECT_TRUE(WaitUntil([&] {
    Reply info = client->Command({"INFO"});
    return info.str.find("\r\nconnected_clients:1\r\n") != std::string::npos;
  })) << "the client that does not read is still connected";
  EXPECT_EQ(client->Command({"GET", "acknowledged"}), Reply::String("before"));

  RawConnection::Drained got = greedy->ReadUntilClosed();
  EXPECT_TRUE(got.closed);
  EXPECT_LT(got.data.size(), kGets * kValueSize) << "every reply was sent";
}

}  // namespace
}  // namespace leaderless::test
