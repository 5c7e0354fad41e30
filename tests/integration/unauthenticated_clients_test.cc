// What a client that has not authenticated to a `requirepass` proxy may
// make the proxy hold: Redis's small limits (proxy_server.h,
// kUnauthenticated*), so that many anonymous connections sending large
// bulks or pipelines they never read are cut off while the proxy's memory
// stays small and authenticated clients keep being served.

#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/password_proxy.h"

namespace leaderless::test {
namespace {

constexpr char kNoAuth[] = "-NOAUTH Authentication required.\r\n";

// Field `name` ("VmRSS", "VmHWM") of /proc/<pid>/status, in KiB; -1 if
// absent.
long ProcStatusKb(pid_t pid, const std::string& name) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(name + ":")) {
      return std::stol(line.substr(name.size() + 1));
    }
  }
  return -1;
}

// Whether `data` is what the proxy sent of a run of NOAUTH errors before
// it closed the connection: whole errors, then perhaps part of one.
bool IsRunOfNoAuth(const std::string& data) {
  const std::string_view error = kNoAuth;
  for (size_t i = 0; i < data.size(); i += error.size()) {
    const std::string_view part = std::string_view(data).substr(i);
    if (!error.starts_with(part.substr(0, error.size()))) return false;
  }
  return true;
}

class UnauthenticatedClientsTest : public PasswordClusterTest {
 protected:
  std::unique_ptr<RawConnection> Connect() {
    // A small receive window: the replies it does not read pile up in the
    // proxy, not in the kernel.
    auto conn = RawConnection::Connect(locked_->port(), 4096);
    EXPECT_TRUE(conn) << "cannot connect to the proxy";
    return conn;
  }

  // An authenticated client of the password proxy.
  std::unique_ptr<RedisClient> LogIn() {
    auto client = RedisClient::Connect(locked_->port());
    EXPECT_TRUE(client);
    if (client) {
      EXPECT_EQ(client->Command({"AUTH", kPassword}), Reply::Status("OK"));
    }
    return client;
  }
};

// A pipeline it does not read: Redis closes such a client without a reply
// once its unread replies pass the limit (CVE-2025-21605); so does the
// proxy, long before it has answered the whole pipeline.
TEST_F(UnauthenticatedClientsTest, APipelineNotReadIsCutOff) {
  constexpr size_t kPings = 200000;  // 6.8 MB of NOAUTH errors
  std::string pings;
  for (size_t i = 0; i < kPings; ++i) pings += "PING\r\n";
  auto conn = Connect();
  ASSERT_TRUE(conn);
  conn->Send(pings);  // fails once the proxy closed: that is the point
  const RawConnection::Drained got = conn->ReadUntilClosed();
  EXPECT_TRUE(got.closed);
  EXPECT_TRUE(IsRunOfNoAuth(got.data)) << Printable(got.data);
  EXPECT_LT(got.data.size(), kPings * std::string_view(kNoAuth).size());

  // Once logged in, a client's pipeline is answered in full.
  auto client = LogIn();
  ASSERT_TRUE(client);
  for (int i = 0; i < 1000; ++i) client->Append({"PING"});
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(client->Read(), Reply::Status("PONG")) << "reply " << i;
  }
}

// A few small pipelined requests before AUTH are answered as usual.
TEST_F(UnauthenticatedClientsTest, ShortPipelinesBeforeAuthAreAnswered) {
  auto conn = RawConnection::Connect(locked_->port());
  ASSERT_TRUE(conn);
  std::string requests;
  for (int i = 0; i < 10; ++i) requests += EncodeCommand({"PING"});
  requests += EncodeCommand({"AUTH", kPassword}) + EncodeCommand({"PING"});
  ASSERT_TRUE(conn->Send(requests));
  std::string expected;
  for (int i = 0; i < 10; ++i) expected += kNoAuth;
  EXPECT_EQ(conn->ReadReplies(12), expected + "+OK\r\n+PONG\r\n");
}

// Many anonymous connections at once, half declaring 100 MB bulks and half
// pipelining requests they never read: each is cut off (the bulks with
// Redis's protocol error), the proxy's resident memory never grows by more
// than kRssBoundKb over the flood, and an authenticated client is served
// throughout. Without the limits the pipelines alone would make the proxy
// hold about 1.1 GB of unread replies.
TEST_F(UnauthenticatedClientsTest, ManyAnonymousConnectionsStayCheap) {
  constexpr int kConnections = 200;
  constexpr size_t kPipelineBytes = 1 << 20;  // of "PING\r\n": 5.9 MB replies
  constexpr long kRssBoundKb = 64 * 1024;
  const std::string big_bulk = "*2\r\n$4\r\nAUTH\r\n$104857600\r\n";
  std::string pipeline;
  while (pipeline.size() < kPipelineBytes) pipeline += "PING\r\n";

  const pid_t pid = locked_->pid();
  const long before_kb = ProcStatusKb(pid, "VmRSS");
  ASSERT_GT(before_kb, 0) << "cannot read /proc/" << pid << "/status";
  auto client = LogIn();
  ASSERT_TRUE(client);

  std::vector<std::unique_ptr<RawConnection>> anonymous;
  for (int i = 0; i < kConnections; ++i) {
    anonymous.push_back(Connect());
    ASSERT_TRUE(anonymous.back());
    anonymous.back()->Send(i % 2 == 0 ? big_bulk : pipeline);
    if (i % 20 == 0) {
      const std::string key = "anon:" + std::to_string(i);
      ASSERT_EQ(client->Command({"SET", key, "v"}), Reply::Status("OK"));
      ASSERT_EQ(client->Command({"GET", key}), Reply::String("v"));
    }
  }
  for (int i = 0; i < kConnections; ++i) {
    const RawConnection::Drained got = anonymous[i]->ReadUntilClosed();
    EXPECT_TRUE(got.closed) << "connection " << i;
    if (i % 2 == 0) {
      EXPECT_EQ(got.data,
                "-ERR Protocol error: unauthenticated bulk length\r\n");
    } else {
      EXPECT_TRUE(IsRunOfNoAuth(got.data)) << Printable(got.data);
    }
  }
  const long peak_kb = ProcStatusKb(pid, "VmHWM");
  EXPECT_LE(peak_kb - before_kb, kRssBoundKb)
      << "VmRSS before the flood " << before_kb << " kB, peak " << peak_kb
      << " kB";
  EXPECT_EQ(client->Command({"PING"}), Reply::Status("PONG"));
  EXPECT_TRUE(WaitUntil([&] {
    const Reply info = client->Command({"INFO", "clients"});
    return info.str.find("\r\nconnected_clients:1\r\n") != std::string::npos;
  })) << "anonymous connections are still open";
}

}  // namespace
}  // namespace leaderless::test
