// Replicas serve authenticated links only. With a replica-password, a
// connection that has not sent AUTH with it gets -NOAUTH for every internal
// command (and the data stays as it was), a wrong secret gets -WRONGPASS,
// and a proxy or replica holding a wrong secret cannot reach the replicas:
// its links stay down (requests answer errors at once), the reason is in
// the logs of both sides and in the proxy's INFO, and the links come up once
// the secret is right. Without a secret, a replica serves loopback clients
// only.
//
// The other integration tests run over authenticated links too: the
// harness gives every cluster a replica-password unless told otherwise.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "protocol/cluster/record.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr char kNoAuth[] = "NOAUTH Authentication required.";
constexpr char kWrongPass[] =
    "WRONGPASS invalid username-password pair or user is disabled.";
constexpr char kRedisCli[] = "/usr/bin/redis-cli";

// A version stamped now, above any a proxy stamped before: a record of it
// would replace what the replicas hold, were it accepted.
cluster::Version VersionNow() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now);
  return {static_cast<uint64_t>(ms.count()), 1000000, 7};
}

// The encoded record of `version`: `value`, or a tombstone if nullopt.
std::string Encoded(const cluster::Version& version,
                    std::optional<std::string> value) {
  cluster::Record r;
  r.version = version;
  r.tombstone = !value;
  if (value) r.value = std::move(*value);
  return cluster::EncodeRecord(r);
}

// ---- One connection, straight to a replica --------------------------------

class ReplicaAuthTest : public SharedClusterTest {
 protected:
  std::unique_ptr<RedisClient> Unauthenticated(int replica) {
    auto client = RedisClient::Connect(cluster_->replica_port(replica));
    EXPECT_TRUE(client);
    return client;
  }
};

// Every command that reads or changes data, and every other command but
// PING, AUTH, HELLO and QUIT, is refused before AUTH: the writes, the hint,
// the flush at a version above every write change nothing, as the proxy
// and each replica then tell.
TEST_F(ReplicaAuthTest, UnauthenticatedCommandsAreRefusedAndChangeNothing) {
  ASSERT_EQ(client_->Command({"SET", "guarded", "original"}),
            Reply::Status("OK"));
  const cluster::Version now = VersionNow();
  const std::string newer = Encoded(now, "overwritten");
  const std::string flush = Encoded(now, std::nullopt);
  const std::vector<std::vector<std::string>> refused = {
      {"LL.GET", "guarded"},
      {"LL.PUT", "guarded", newer},
      {"LL.HPUT", "r2", "guarded", newer},
      {"LL.FLUSH", flush},
      {"LL.SCAN", "0", "18446744073709551615", "100"},
      {"LL.TREE", "r2", "0", "0"},
      {"LL.LEAF", "r2", "0"},
      {"LL.PROXY", "77", "token"},
      {"INFO"},
      {"ECHO", "x"},
  };
  for (int r = 0; r < cluster_->options().replicas; ++r) {
    auto raw = Unauthenticated(r);
    ASSERT_TRUE(raw);
    for (const auto& argv : refused) {
      EXPECT_EQ(raw->Command(argv), Reply::Error(kNoAuth))
          << argv[0] << " on " << Cluster::ReplicaId(r);
    }
    // As in Redis, a command's name and arity are checked first.
    EXPECT_TRUE(raw->Command({"NOSUCH"}).IsError("ERR unknown command"));
    EXPECT_EQ(raw->Command({"LL.GET"}),
              Reply::Error("ERR wrong number of arguments for 'll.get' "
                           "command"));
    EXPECT_EQ(raw->Command({"PING"}), Reply::Status("PONG"));
  }
  EXPECT_EQ(client_->Command({"GET", "guarded"}), Reply::String("original"));
  for (int r = 0; r < cluster_->options().replicas; ++r) {
    EXPECT_EQ(Describe(HeldRecords(*cluster_, r, {"guarded"})[0]), "original")
        << Cluster::ReplicaId(r);
  }
  // The first refusal of each second is logged, later ones counted.
  EXPECT_TRUE(
      WaitForLog(LogPath(*cluster_, "r1"), "refused ll.get from 127.0.0.1:"));
}

// AUTH [default] <replica-password> opens the session; anything else is
// WRONGPASS (user names are case-sensitive, as in Redis) and leaves it
// closed. A failed AUTH after a good one does not log out.
TEST_F(ReplicaAuthTest, AuthWithTheSecretOnly) {
  auto raw = Unauthenticated(1);
  ASSERT_TRUE(raw);
  const std::string secret = kReplicaPassword;
  for (const std::vector<std::string>& wrong :
       std::vector<std::vector<std::string>>{
           {"AUTH", "wrong"},
           {"AUTH", secret + "x"},
           {"AUTH", secret.substr(0, secret.size() - 1)},
           {"AUTH", ""},
           {"AUTH", "default", "wrong"},
           {"AUTH", "DEFAULT", secret},
           {"AUTH", "admin", secret}}) {
    EXPECT_EQ(raw->Command(wrong), Reply::Error(kWrongPass))
        << wrong.back() << " as " << wrong[1];
  }
  EXPECT_EQ(raw->Command({"AUTH", "default", secret, "x"}),
            Reply::Error("ERR syntax error"));
  EXPECT_EQ(raw->Command({"AUTH"}),
            Reply::Error("ERR wrong number of arguments for 'auth' command"));
  EXPECT_EQ(raw->Command({"LL.GET", "never-written"}), Reply::Error(kNoAuth));

  EXPECT_EQ(raw->Command({"AUTH", secret}), Reply::Status("OK"));
  EXPECT_EQ(raw->Command({"LL.GET", "never-written"}), Reply::Nil());
  EXPECT_EQ(raw->Command({"AUTH", "wrong"}), Reply::Error(kWrongPass));
  EXPECT_EQ(raw->Command({"LL.GET", "never-written"}), Reply::Nil());

  auto named = Unauthenticated(1);
  ASSERT_TRUE(named);
  EXPECT_EQ(named->Command({"AUTH", "default", secret}), Reply::Status("OK"));
  const Reply info = named->Command({"INFO"});
  ASSERT_EQ(info.type, Reply::Type::kString);
  EXPECT_NE(info.str.find("\r\nclient_access:password\r\n"), std::string::npos);
  EXPECT_GE(FieldValue(info.str, "acl_access_denied_auth:"), 8);
  EXPECT_TRUE(
      WaitForLog(LogPath(*cluster_, "r2"), "refused AUTH from 127.0.0.1:"));
}

// HELLO works before AUTH only with its AUTH option; this replica speaks
// RESP2, so HELLO 3 is -NOPROTO (clients then fall back to RESP2), checked
// before the options as in Redis.
TEST_F(ReplicaAuthTest, HelloAuthenticatesWithItsAuthOption) {
  auto raw = Unauthenticated(2);
  ASSERT_TRUE(raw);
  const std::string secret = kReplicaPassword;
  const std::string not_authenticated =
      "NOAUTH HELLO must be called with the client already authenticated";
  EXPECT_TRUE(raw->Command({"HELLO"}).IsError(not_authenticated));
  EXPECT_TRUE(raw->Command({"HELLO", "2"}).IsError(not_authenticated));
  EXPECT_EQ(raw->Command({"HELLO", "3", "AUTH", "default", secret}),
            Reply::Error("NOPROTO unsupported protocol version"));
  EXPECT_EQ(raw->Command({"HELLO", "two"}),
            Reply::Error("ERR Protocol version is not an integer or out of "
                         "range"));
  EXPECT_EQ(raw->Command({"HELLO", "2", "AUTH", "default", "wrong"}),
            Reply::Error(kWrongPass));
  EXPECT_EQ(raw->Command({"LL.GET", "k"}), Reply::Error(kNoAuth));

  const Reply hello =
      raw->Command({"HELLO", "2", "AUTH", "default", secret, "SETNAME", "me"});
  ASSERT_EQ(hello.type, Reply::Type::kArray) << ::testing::PrintToString(hello);
  ASSERT_EQ(hello.elements.size(), 14u);
  EXPECT_EQ(hello.elements[4], Reply::String("proto"));
  EXPECT_EQ(hello.elements[5], Reply::Integer(2));
  EXPECT_EQ(raw->Command({"LL.GET", "k"}), Reply::Nil());
  EXPECT_EQ(raw->Command({"HELLO", "2", "BOGUS"}),
            Reply::Error("ERR Syntax error in HELLO option 'BOGUS'"));
}

TEST_F(ReplicaAuthTest, QuitBeforeAuth) {
  auto raw = RawConnection::Connect(cluster_->replica_port(0));
  ASSERT_TRUE(raw);
  ASSERT_TRUE(raw->Send(RespCommand({"QUIT"})));
  const RawConnection::Drained drained = raw->ReadUntilClosed();
  EXPECT_TRUE(drained.closed);
  EXPECT_EQ(drained.data, "+OK\r\n");
}

// Before AUTH, Redis's caps keep an anonymous client from making the
// replica buffer much: at most 10 arguments, bulks of at most 16 KiB.
TEST_F(ReplicaAuthTest, PreAuthenticationLimits) {
  for (const auto& [request, error] :
       std::vector<std::pair<std::string, std::string>>{
           {"*2\r\n$4\r\nAUTH\r\n$16385\r\n", "unauthenticated bulk length"},
           {"*11\r\n", "unauthenticated multibulk length"}}) {
    auto raw = RawConnection::Connect(cluster_->replica_port(0));
    ASSERT_TRUE(raw);
    ASSERT_TRUE(raw->Send(request));
    const RawConnection::Drained drained = raw->ReadUntilClosed();
    EXPECT_TRUE(drained.closed);
    EXPECT_EQ(drained.data, "-ERR Protocol error: " + error + "\r\n");
  }
  auto client = cluster_->ConnectReplica(0);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->Command({"LL.GET", std::string(100000, 'k')}),
            Reply::Nil());
}

TEST_F(ReplicaAuthTest, RedisCliWithThePassword) {
  const int port = cluster_->replica_port(0);
  CommandResult with =
      RunRedisCli(port, {"-a", kReplicaPassword, "--no-auth-warning", "INFO"});
  EXPECT_EQ(with.exit_code, 0) << with.err;
  EXPECT_NE(with.out.find("replica_id:r1"), std::string::npos) << with.out;
  CommandResult without = RunRedisCli(port, {"INFO"});
  EXPECT_NE((without.out + without.err).find(kNoAuth), std::string::npos)
      << without.out << without.err;
  EXPECT_EQ(without.out.find("replica_id"), std::string::npos) << without.out;
  CommandResult wrong =
      RunRedisCli(port, {"-a", "wrong", "--no-auth-warning", "INFO"});
  EXPECT_NE((wrong.out + wrong.err).find("WRONGPASS"), std::string::npos)
      << wrong.out << wrong.err;
  EXPECT_EQ(wrong.out.find("replica_id"), std::string::npos) << wrong.out;
}

// ---- Links with the wrong secret ------------------------------------------

// A proxy started beside `cluster` from its proxy0.conf, with `overrides`.
std::unique_ptr<Process> StartProxy(const Cluster& cluster,
                                    const std::string& name, int port,
                                    std::vector<std::string> overrides) {
  std::vector<std::string> argv = {LEADERLESS_PROXY_BIN,
                                   cluster.dir() + "/proxy0.conf", "--port",
                                   std::to_string(port)};
  argv.insert(argv.end(), overrides.begin(), overrides.end());
  return Process::Start(argv, LogPath(cluster, name));
}

// A proxy with a wrong replica-password, and one with none, reach no
// replica: requests answer -UNAVAILABLE at once, INFO and the log say why,
// and the proxies keep running (a refused AUTH is not the proxy-id clash
// that ends a proxy) while their links keep trying. A proxy with the right
// secret serves as usual.
TEST(ReplicaAuthLinkTest, ProxyWithAWrongSecretReachesNoReplica) {
  Cluster cluster;
  ASSERT_TRUE(cluster.Start());
  struct Case {
    std::string name;
    std::vector<std::string> overrides;
    std::string refusal;      // what the replicas answer its links
    std::string replica_log;  // what the replicas log about it
  };
  const std::vector<Case> cases = {
      {"wrong-secret",
       {"--proxy-id", "9001", "--replica-password", "not the secret"},
       kWrongPass,
       "refused AUTH from 127.0.0.1:"},
      {"no-secret",
       {"--proxy-id", "9002", "--replica-password", ""},
       kNoAuth,
       "refused ll.proxy from 127.0.0.1:"},
  };
  std::vector<std::unique_ptr<Process>> proxies;
  std::vector<int> ports;
  for (const Case& c : cases) {
    ports.push_back(PickFreePort());
    proxies.push_back(StartProxy(cluster, c.name, ports.back(), c.overrides));
    ASSERT_TRUE(proxies.back());
    ASSERT_TRUE(WaitForPing(*proxies.back(), ports.back())) << c.name;
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    auto client = RedisClient::Connect(ports[i]);
    ASSERT_TRUE(client);
    std::string info;
    EXPECT_TRUE(WaitUntil([&] {
      info = client->Command({"INFO", "cluster"}).str;
      for (int r = 0; r < 3; ++r) {
        const std::string line = "replica" + std::to_string(r) +
                                 "_refused_by:" + cases[i].refusal + "\r\n";
        if (info.find(line) == std::string::npos) return false;
      }
      return true;
    })) << info;
    EXPECT_NE(info.find("replicas_up:0\r\n"), std::string::npos) << info;
    EXPECT_TRUE(client->Command({"GET", "k"}).IsError("UNAVAILABLE")) << info;
    EXPECT_TRUE(client->Command({"SET", "k", "v"}).IsError("UNAVAILABLE"));
    EXPECT_TRUE(WaitForLog(LogPath(cluster, cases[i].name),
                           "refused this proxy: " + cases[i].refusal));
    for (int r = 0; r < 3; ++r) {
      EXPECT_TRUE(WaitForLog(LogPath(cluster, Cluster::ReplicaId(r)),
                             cases[i].replica_log));
    }
  }
  // Each replica has refused both proxies several times over: links retry.
  for (int r = 0; r < 3; ++r) {
    std::string info;
    EXPECT_TRUE(WaitUntil([&] {
      info = ReplicaInfo(cluster, r);
      return FieldValue(info, "acl_access_denied_auth:") >= 4 &&
             FieldValue(info, "unauthenticated_refused:") >= 4;
    })) << info;
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_TRUE(proxies[i]->Running()) << cases[i].name << " exited";
    auto client = RedisClient::Connect(ports[i]);
    ASSERT_TRUE(client);
    EXPECT_TRUE(client->Command({"GET", "k"}).IsError("UNAVAILABLE"));
  }
  auto good = cluster.ConnectProxy();
  ASSERT_TRUE(good);
  EXPECT_EQ(good->Command({"SET", "k", "v"}), Reply::Status("OK"));
  EXPECT_EQ(good->Command({"GET", "k"}), Reply::String("v"));
}

// A replica restarted with another secret refuses its peers' handoff and
// anti-entropy links and they refuse its own; each side logs it, the
// proxy's link is refused too, and the replica misses the writes made
// meanwhile. Restarted with the right secret, anti-entropy (read repair is
// off) brings it every one of them.
TEST(ReplicaAuthLinkTest, ReplicaLinksWithAWrongSecretStayDownUntilFixed) {
  ClusterOptions options = FailureOptions(3);
  options.replica_lines.push_back("anti-entropy-interval-ms 200");
  options.proxy_lines.push_back("read-repair off");
  Cluster cluster(options);
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);

  cluster.KillReplica(2);
  cluster.SetReplicaPassword(2, "another secret");
  ASSERT_TRUE(cluster.RestartReplica(2));
  const std::string r3 =
      "replica r3 (127.0.0.1:" + std::to_string(cluster.replica_port(2)) + ")";
  const std::string r1 =
      "replica r1 (127.0.0.1:" + std::to_string(cluster.replica_port(0)) + ")";
  for (const std::string link : {"handoff", "anti-entropy"}) {
    EXPECT_TRUE(WaitForLog(LogPath(cluster, "r1"), r3 + " refused the " + link +
                                                       " link: " + kWrongPass));
    EXPECT_TRUE(WaitForLog(LogPath(cluster, "r3"), r1 + " refused the " + link +
                                                       " link: " + kWrongPass));
  }
  for (const std::string replica : {"r1", "r3"}) {
    EXPECT_TRUE(
        WaitForLog(LogPath(cluster, replica), "refused AUTH from 127.0.0.1:"));
  }
  EXPECT_TRUE(cluster.WaitForReplicasUp(2));
  std::string info;
  EXPECT_TRUE(WaitUntil([&] {
    info = client->Command({"INFO", "cluster"}).str;
    return info.find("replica2_refused_by:" + std::string(kWrongPass)) !=
           std::string::npos;
  })) << info;

  const KeyValues kvs = MakeKeyValues("auth:", 200, "while r3 refused");
  ASSERT_TRUE(SetAll(*client, kvs));
  for (const Reply& held : HeldRecords(cluster, 2, KeysOf(kvs))) {
    ASSERT_EQ(held, Reply::Nil());
  }

  cluster.KillReplica(2);
  cluster.SetReplicaPassword(2, kReplicaPassword);
  ASSERT_TRUE(cluster.RestartReplica(2));
  EXPECT_TRUE(cluster.WaitForReplicasUp(3));
  EXPECT_TRUE(WaitForHomesToHold(cluster, Placement(options), kvs));
}

// ---- Without a secret -----------------------------------------------------

// Loopback clients are served without AUTH, and AUTH answers as Redis does
// for a user without a password.
TEST(ReplicaNoSecretTest, LoopbackClientsAreServed) {
  ClusterOptions options;
  options.replica_password = "";
  Cluster cluster(options);
  ASSERT_TRUE(cluster.Start());
  auto proxy = cluster.ConnectProxy();
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->Command({"SET", "k", "v"}), Reply::Status("OK"));
  auto raw = RedisClient::Connect(cluster.replica_port(0));
  ASSERT_TRUE(raw);
  EXPECT_EQ(Describe(raw->Command({"LL.GET", "k"})), "v");
  EXPECT_EQ(raw->Command({"AUTH", "anything"}),
            Reply::Error("ERR AUTH <password> called without any password "
                         "configured for the default user. Are you sure your "
                         "configuration is correct?"));
  EXPECT_EQ(raw->Command({"AUTH", "default", "anything"}), Reply::Status("OK"));
  EXPECT_EQ(raw->Command({"HELLO"}).type, Reply::Type::kArray);
  EXPECT_NE(raw->Command({"INFO"}).str.find("\r\nclient_access:loopback\r\n"),
            std::string::npos);
  EXPECT_TRUE(WaitForLog(LogPath(cluster, "r1"),
                         "no replica-password: accepting loopback clients "
                         "only"));
}

// A one-replica cluster whose replica listens on this host's own
// non-loopback address, so that clients reach it from that address, as
// from another host would; `lines` are added to its file.
class ReplicaOnTheNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ip_ = NonLoopbackIpv4();
    if (ip_.empty()) GTEST_SKIP() << "this host has no non-loopback address";
  }

  void StartReplica(const std::string& lines) {
    port_ = PickFreePort();
    const std::string conf = tmp_.WriteFile(
        "replica.conf", "replica r1 " + ip_ + ":" + std::to_string(port_) +
                            "\nreplication-factor 1\nread-quorum 1\n"
                            "write-quorum 1\nreplica-id r1\ndir " +
                            tmp_.path() + "/r1\n" + lines);
    replica_ = Process::Start({LEADERLESS_REPLICA_BIN, conf}, log());
    ASSERT_TRUE(replica_);
    ASSERT_TRUE(WaitForLog(log(), "ready on " + ip_));
  }

  CommandResult Cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kRedisCli, "-h", ip_, "-p",
                                     std::to_string(port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  std::string log() const { return tmp_.path() + "/r1.log"; }

  void TearDown() override {
    if (HasFailure()) std::cerr << ReadLogTail(log());
  }

  TempDir tmp_;
  std::string ip_;
  int port_ = 0;
  std::unique_ptr<Process> replica_;
};

// Without a secret, a client that is not on loopback gets one error line,
// whatever it sends, and is closed; the replica says so at start-up and
// logs each refusal.
TEST_F(ReplicaOnTheNetworkTest, WithoutASecretOtherHostsAreRefused) {
  ASSERT_NO_FATAL_FAILURE(StartReplica(""));
  EXPECT_TRUE(WaitForLog(log(),
                         "no replica-password: accepting loopback "
                         "clients only"));
  for (const std::string& request :
       {RespCommand({"PING"}), RespCommand({"AUTH", "x"}),
        RespCommand({"LL.GET", "k"}) + RespCommand({"PING"})}) {
    auto raw = RawConnection::Connect(port_, 0, ip_);
    ASSERT_TRUE(raw);
    raw->Send(request);  // may find the connection closed already
    const RawConnection::Drained drained = raw->ReadUntilClosed();
    EXPECT_TRUE(drained.closed);
    EXPECT_TRUE(drained.data.starts_with(
        "-DENIED leaderless-replica accepts loopback clients only"))
        << drained.data;
    EXPECT_EQ(drained.data.find("\r\n"), drained.data.size() - 2)
        << "not one line: " << drained.data;
  }
  EXPECT_TRUE(WaitForLog(log(), "refused a client from " + ip_ + ":"));
}

// With a secret, a client from another address authenticates and is
// served: what replicas on separate hosts need.
TEST_F(ReplicaOnTheNetworkTest, WithASecretOtherHostsAuthenticate) {
  ASSERT_NO_FATAL_FAILURE(StartReplica("replica-password \"net secret\"\n"));
  CommandResult info = Cli({"-a", "net secret", "--no-auth-warning", "INFO"});
  EXPECT_NE(info.out.find("replica_id:r1"), std::string::npos)
      << info.out << info.err;
  CommandResult get = Cli({"LL.GET", "k"});
  EXPECT_NE((get.out + get.err).find(kNoAuth), std::string::npos) << get.out;
}

}  // namespace
}  // namespace leaderless::test
