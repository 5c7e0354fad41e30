// Protected mode, as Redis 7's: a proxy without `requirepass` that listens
// on a non-loopback address answers clients that are not on loopback with
// Redis's -DENIED error and closes them; loopback clients, `protected-mode
// no` and a password let clients in. A client that is not on loopback is
// made by connecting to this machine's own non-loopback address (no
// privilege needed); without such an address those tests are skipped.
// The error's full text is compared with a real redis-server's.

#include <string>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/password_proxy.h"

namespace leaderless::test {
namespace {

// Whether `data` is one -DENIED error (its text: DeniedLikeRedis).
bool IsDenied(const std::string& data) {
  return data.starts_with(
             "-DENIED Redis is running in protected mode because protected "
             "mode is enabled and no password is set for the default user.") &&
         data.ends_with("\r\n") && data.find('\n') == data.size() - 1;
}

// One cluster whose proxy listens on every address with the defaults:
// protected mode on, no password.
class ProtectedModeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ClusterOptions options;
    options.proxy_lines = {"bind 0.0.0.0"};
    cluster_ = std::make_unique<Cluster>(options);
    started_ = cluster_->Start();
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override { ASSERT_TRUE(started_); }

  // What a client at this machine's non-loopback address gets on `port`
  // after sending `bytes`, up to the close.
  static RawConnection::Drained FromRemote(int port, const std::string& bytes) {
    auto conn = RawConnection::Connect(port, 0, NonLoopbackIpv4());
    EXPECT_TRUE(conn) << "cannot connect to " << NonLoopbackIpv4() << ":"
                      << port;
    if (!conn) return {"", false};
    if (!bytes.empty()) conn->Send(bytes);
    return conn->ReadUntilClosed();
  }

  // The reply to one command from a client at the non-loopback address.
  static std::string RemoteReply(int port, const std::string& command) {
    auto conn = RawConnection::Connect(port, 0, NonLoopbackIpv4());
    EXPECT_TRUE(conn);
    if (!conn || !conn->Send(command)) return "(no connection)";
    return conn->ReadReplies(1);
  }

  static inline std::unique_ptr<Cluster> cluster_;
  static inline ::testing::AssertionResult started_ =
      ::testing::AssertionFailure();
};

#define REQUIRE_REMOTE_ADDRESS()                                        \
  if (NonLoopbackIpv4().empty()) {                                      \
    GTEST_SKIP() << "this machine has no non-loopback IPv4 address to " \
                    "connect from";                                     \
  }

TEST_F(ProtectedModeTest, LoopbackClientsAreServed) {
  auto client = cluster_->ConnectProxy();
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Command({"PING"}), Reply::Status("PONG"));
  EXPECT_EQ(client->Command({"SET", "pm:k", "v"}), Reply::Status("OK"));
  EXPECT_EQ(client->Command({"CONFIG", "GET", "protected-mode", "bind"}),
            Reply::Array({Reply::String("protected-mode"), Reply::String("yes"),
                          Reply::String("bind"), Reply::String("0.0.0.0")}));
}

TEST_F(ProtectedModeTest, RemoteClientIsDeniedThenClosed) {
  REQUIRE_REMOTE_ADDRESS();
  auto client = cluster_->ConnectProxy();
  ASSERT_TRUE(client);
  ASSERT_EQ(client->Command({"SET", "pm:denied", "before"}),
            Reply::Status("OK"));
  // As Redis: the error comes on connect, before any request is read...
  RawConnection::Drained silent = FromRemote(cluster_->proxy_port(), "");
  EXPECT_TRUE(silent.closed);
  EXPECT_TRUE(IsDenied(silent.data)) << Printable(silent.data);
  // ... and a request sent meanwhile is not run.
  RawConnection::Drained set = FromRemote(
      cluster_->proxy_port(), EncodeCommand({"SET", "pm:denied", "after"}));
  EXPECT_TRUE(set.closed);
  EXPECT_EQ(set.data, silent.data);
  EXPECT_EQ(client->Command({"GET", "pm:denied"}), Reply::String("before"));
}

TEST_F(ProtectedModeTest, ProtectedModeNoLetsRemoteClientsIn) {
  REQUIRE_REMOTE_ADDRESS();
  SideProxy open;
  ASSERT_TRUE(
      open.Start(*cluster_, {"--bind", "0.0.0.0", "--protected-mode", "no"}));
  EXPECT_EQ(RemoteReply(open.port(), EncodeCommand({"PING"})), "+PONG\r\n");
  EXPECT_EQ(RemoteReply(open.port(),
                        EncodeCommand({"CONFIG", "GET", "protected-mode"})),
            "*2\r\n$14\r\nprotected-mode\r\n$2\r\nno\r\n");
}

TEST_F(ProtectedModeTest, APasswordLetsRemoteClientsIn) {
  REQUIRE_REMOTE_ADDRESS();
  SideProxy locked;
  ASSERT_TRUE(locked.Start(
      *cluster_, {"--bind", "0.0.0.0", "--requirepass", kPassword}, kPassword));
  auto conn = RawConnection::Connect(locked.port(), 0, NonLoopbackIpv4());
  ASSERT_TRUE(conn);
  ASSERT_TRUE(conn->Send(EncodeCommand({"PING"}) +
                         EncodeCommand({"AUTH", kPassword}) +
                         EncodeCommand({"PING"})));
  EXPECT_EQ(conn->ReadReplies(3),
            "-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n");
}

TEST_F(ProtectedModeTest, ALoopbackBindAdmitsLoopbackClients) {
  SideProxy local;
  ASSERT_TRUE(local.Start(*cluster_, {"--bind", "127.0.0.1"}));
  auto client = RedisClient::Connect(local.port());
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Command({"PING"}), Reply::Status("PONG"));
  EXPECT_EQ(
      client->Command({"CONFIG", "GET", "protected-mode"}),
      Reply::Array({Reply::String("protected-mode"), Reply::String("yes")}));
}

// The same bytes as a real redis-server listening on every address.
TEST_F(ProtectedModeTest, DeniedLikeRedis) {
  REQUIRE_REMOTE_ADDRESS();
  RealRedis redis;
  std::string why;
  if (!redis.Start(&why, {"--bind", "0.0.0.0"})) GTEST_SKIP() << why;
  const std::string ping = EncodeCommand({"PING"});
  RawConnection::Drained theirs = FromRemote(redis.port(), ping);
  RawConnection::Drained ours = FromRemote(cluster_->proxy_port(), ping);
  EXPECT_EQ(ours.data, theirs.data);
  EXPECT_TRUE(ours.closed && theirs.closed);
}

}  // namespace
}  // namespace leaderless::test
