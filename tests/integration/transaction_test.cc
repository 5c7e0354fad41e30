// MULTI / EXEC / DISCARD through a proxy over three replicas: the reply
// bytes of queueing, aborting and running transactions against a real
// redis-server (RESP2 and RESP3), WATCH refused, redis-py's default
// transactional pipeline, isolation from other clients of the proxy, no
// deadlock between transactions and their own read-modify-writes, and a
// quorum error landing inside EXEC's array.

#include <atomic>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

using Argv = std::vector<std::string>;
using Session = std::vector<Argv>;

const Reply kOk = Reply::Status("OK");
const Reply kQueued = Reply::Status("QUEUED");
Reply Int(long long n) { return Reply::Integer(n); }
Reply Str(std::string s) { return Reply::String(std::move(s)); }

constexpr char kNoWatch[] =
    "ERR leaderless does not support WATCH: proxies share no state to tell "
    "whether a watched key changed";

// HELLO's client id differs between servers.
std::string MaskIds(const std::string& raw) {
  static const std::regex kId("\\$2\r\nid\r\n:\\d+\r\n");
  return std::regex_replace(raw, kId, "$$2\r\nid\r\n:<id>\r\n");
}

// The bytes a server answers to `session`, sent pipelined on a new
// connection; one reply per command, fewer if the server closes.
std::string Replies(int port, const Session& session) {
  auto conn = RawConnection::Connect(port);
  if (!conn) return "(no connection)";
  std::string request;
  for (const Argv& argv : session) request += RespCommand(argv);
  if (!conn->Send(request)) return "(send failed)";
  return MaskIds(conn->ReadReplies(session.size()));
}

class TransactionTest : public SharedClusterTest {
 protected:
  static int port() { return cluster_->proxy_port(); }
};

// clang-format off: a session reads best a few commands to a line.
const std::vector<Session> kSessions = {
    {{"COMMAND", "INFO", "multi", "exec", "discard", "watch", "unwatch"},
     {"COMMAND", "DOCS", "multi", "exec", "discard", "watch", "unwatch"}},
    // Nesting is refused without dooming the transaction.
    {{"MULTI"}, {"MULTI"}, {"SET", "t:n", "1"}, {"EXEC"}, {"GET", "t:n"}},
    {{"EXEC"}, {"DISCARD"}, {"MULTI"}, {"DISCARD"}, {"DISCARD"}, {"EXEC"}},
    {{"EXEC", "x"}, {"DISCARD", "x"}, {"NOSUCH"}, {"EXEC"}},
    {{"MULTI"}, {"EXEC"}},
    // Refused while queueing: EXEC aborts and nothing runs.
    {{"MULTI"},
     {"SET", "t:ab", "1"},
     {"NOSUCH", "x"},
     {"GET", "t:ab"},
     {"EXEC"},
     {"GET", "t:ab"},
     {"EXEC"}},
    {{"MULTI"}, {"SET", "t:ab", "1"}, {"GET"}, {"EXEC"}, {"GET", "t:ab"}},
    {{"MULTI"}, {"CLIENT", "NOSUCH"}, {"EXEC"}},
    {{"MULTI"}, {"DISCARD", "x"}, {"MULTI", "x"}, {"EXEC"}},
    {{"MULTI"}, {"SET", "t:ab", "1"}, {"EXEC", "x"}, {"EXEC"}, {"GET", "t:ab"}},
    // A command failing when run puts its error in the array.
    {{"MULTI"},
     {"SET", "t:s", "text"},
     {"INCR", "t:s"},
     {"APPEND", "t:s", "!"},
     {"SET", "t:s", "x", "EX", "0"},
     {"EXEC"},
     {"GET", "t:s"}},
    // Queued commands of every kind.
    {{"MULTI"},
     {"SET", "t:a", "1"},
     {"GET", "t:a"},
     {"SETNX", "t:a", "2"},
     {"GETSET", "t:a", "3"},
     {"SET", "t:a", "4", "GET"},
     {"SET", "t:a", "5", "NX"},
     {"MSET", "t:b", "10", "t:c", "x"},
     {"MSETNX", "t:b", "1", "t:d", "1"},
     {"MGET", "t:a", "t:b", "t:c", "t:z"},
     {"INCR", "t:b"},
     {"INCRBY", "t:b", "5"},
     {"DECR", "t:b"},
     {"DECRBY", "t:b", "2"},
     {"INCRBYFLOAT", "t:b", "1.5"},
     {"APPEND", "t:c", "yz"},
     {"STRLEN", "t:c"},
     {"GETRANGE", "t:c", "1", "-1"},
     {"SUBSTR", "t:c", "0", "0"},
     {"SETRANGE", "t:c", "1", "Y"},
     {"SETEX", "t:e", "100", "v"},
     {"PSETEX", "t:f", "100000", "v"},
     {"EXPIRE", "t:a", "100"},
     {"PEXPIRE", "t:a", "100000", "NX"},
     {"EXPIREAT", "t:a", "4000000000", "GT"},
     {"PERSIST", "t:a"},
     {"TTL", "t:a"},
     {"PTTL", "t:z"},
     {"EXPIRETIME", "t:a"},
     {"GETEX", "t:a", "PERSIST"},
     {"GETDEL", "t:d"},
     {"TYPE", "t:a"},
     {"EXISTS", "t:a", "t:a", "t:z"},
     {"TOUCH", "t:a"},
     {"RENAME", "t:a", "t:r"},
     {"RENAMENX", "t:r", "t:b"},
     {"COPY", "t:r", "t:cp"},
     {"COPY", "t:r", "t:cp"},
     {"COPY", "t:r", "t:cp", "REPLACE"},
     {"DEL", "t:cp", "t:z"},
     {"UNLINK", "t:e", "t:f"},
     {"PING"},
     {"PING", "hi"},
     {"ECHO", "e"},
     {"SELECT", "0"},
     {"CLIENT", "SETNAME", "tx"},
     {"CLIENT", "GETNAME"},
     {"CONFIG", "GET", "maxmemory"},
     {"EXEC"},
     {"MGET", "t:a", "t:b", "t:c", "t:r", "t:cp"},
     {"CLIENT", "GETNAME"}},
    // RESET ends the transaction; QUIT answers and closes.
    {{"MULTI"}, {"SET", "t:rs", "1"}, {"RESET"}, {"EXEC"}, {"GET", "t:rs"}},
    {{"MULTI"}, {"SET", "t:q", "1"}, {"QUIT"}, {"PING"}},
    // HELLO inside: the replies after it are RESP3, in the same array.
    {{"MULTI"}, {"HELLO", "3"}, {"GET", "t:none"}, {"PING"}, {"EXEC"}},
    // Requests pipelined after EXEC run after it: they see what it did to
    // the connection, and nothing runs after QUIT.
    {{"MULTI"},
     {"INCR", "t:p"},
     {"HELLO", "3"},
     {"CLIENT", "SETNAME", "p"},
     {"EXEC"},
     {"GET", "t:none"},
     {"CLIENT", "GETNAME"},
     {"INCR", "t:p"},
     {"QUIT"},
     {"INCR", "t:p"}},
    {{"MULTI"},
     {"INCR", "t:p2"},
     {"EXEC"},
     {"MULTI"},
     {"INCR", "t:p2"},
     {"EXEC"},
     {"MULTI"},
     {"PING"},
     {"EXEC"},
     {"QUIT"},
     {"INCR", "t:p2"}},
    {{"GET", "t:p2"}},
    {{"HELLO", "3"},
     {"MULTI"},
     {"SET", "t:r3", "1"},
     {"INCRBYFLOAT", "t:r3", "1"},
     {"MGET", "t:r3", "t:none"},
     {"EXEC"},
     {"EXEC"}},
};
// clang-format on

TEST_F(TransactionTest, SameRepliesAsRedis) {
  RealRedis redis;
  std::string why;
  ASSERT_TRUE(redis.Start(&why)) << why;
  for (const Session& session : kSessions) {
    std::string text;
    for (const Argv& argv : session) text += Printable(RespCommand(argv));
    EXPECT_EQ(Printable(Replies(port(), session), 100000),
              Printable(Replies(redis.port(), session), 100000))
        << text;
  }
}

// Redis runs WATCH inside MULTI too (refusing it there); leaderless refuses
// it everywhere, never dooming the transaction.
TEST_F(TransactionTest, WatchIsRefused) {
  EXPECT_EQ(client_->Command({"WATCH", "t:w"}), Reply::Error(kNoWatch));
  EXPECT_EQ(client_->Command({"UNWATCH"}), Reply::Error(kNoWatch));
  EXPECT_EQ(client_->Command({"WATCH"}),
            Reply::Error("ERR wrong number of arguments for 'watch' command"));
  EXPECT_EQ(client_->Command({"MULTI"}), kOk);
  EXPECT_EQ(client_->Command({"WATCH", "t:w"}), Reply::Error(kNoWatch));
  EXPECT_EQ(client_->Command({"SET", "t:w", "1"}), kQueued);
  EXPECT_EQ(client_->Command({"UNWATCH"}), Reply::Error(kNoWatch));
  EXPECT_EQ(client_->Command({"EXEC"}), Reply::Array({kOk}));
}

TEST_F(TransactionTest, ClientListShowsTheQueue) {
  Reply id = client_->Command({"CLIENT", "ID"});
  ASSERT_EQ(id.type, Reply::Type::kInteger);
  EXPECT_EQ(client_->Command({"MULTI"}), kOk);
  EXPECT_EQ(client_->Command({"PING"}), kQueued);
  EXPECT_EQ(client_->Command({"PING"}), kQueued);
  auto other = cluster_->ConnectProxy();
  ASSERT_TRUE(other);
  const std::string list = other->Command({"CLIENT", "LIST"}).str;
  const std::string mine = "id=" + std::to_string(id.integer) + " ";
  const size_t at = list.find(mine);
  ASSERT_NE(at, std::string::npos) << list;
  const std::string line = list.substr(at, list.find('\n', at) - at);
  EXPECT_NE(line.find(" flags=x "), std::string::npos) << line;
  EXPECT_NE(line.find(" multi=2 "), std::string::npos) << line;
  EXPECT_EQ(client_->Command({"DISCARD"}), kOk);
}

TEST_F(TransactionTest, RedisPyDefaultPipeline) {
  CommandResult r = RunCommand(
      {"/usr/bin/python3",
       std::string(LEADERLESS_CLIENTS_DIR) + "/transaction_py_check.py",
       std::to_string(port())});
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "ok\n") << r.err;
}

// Another client hammers INCR on the key a transaction sets and reads: if
// an INCR ran between the transaction's commands, the GET after its SET or
// the value its INCR returns would show it. The hammering client's own
// replies show it ran all along (its counter keeps climbing past the
// transaction's resets).
TEST_F(TransactionTest, OtherClientsDoNotInterleave) {
  constexpr int kTransactions = 150;
  ASSERT_EQ(client_->Command({"SET", "t:iso", "0"}), kOk);
  std::atomic<bool> stop{false};
  std::atomic<long long> incrs{0};
  std::atomic<long long> incr_errors{0};
  std::thread hammer([&] {
    auto other = cluster_->ConnectProxy();
    if (!other) return;
    while (!stop) {
      std::vector<Reply> replies =
          Pipeline(*other, std::vector<Argv>(16, Argv{"INCR", "t:iso"}), 16);
      for (const Reply& r : replies) {
        (r.type == Reply::Type::kInteger ? incrs : incr_errors)++;
      }
    }
  });
  const long long before = incrs;
  for (int i = 0; i < kTransactions; ++i) {
    client_->Append({"MULTI"});
    client_->Append({"GET", "t:iso"});
    client_->Append({"SET", "t:iso", "1000000"});
    client_->Append({"GET", "t:iso"});
    client_->Append({"INCR", "t:iso"});
    client_->Append({"GET", "t:iso"});
    client_->Append({"EXEC"});
    for (int q = 0; q < 6; ++q) client_->Read();  // OK, QUEUED...
    Reply exec = client_->Read();
    ASSERT_EQ(exec.elements.size(), 5u) << ::testing::PrintToString(exec);
    EXPECT_EQ(exec.elements[1], kOk);
    EXPECT_EQ(exec.elements[2], Str("1000000")) << "transaction " << i;
    EXPECT_EQ(exec.elements[3], Int(1000001)) << "transaction " << i;
    EXPECT_EQ(exec.elements[4], Str("1000001")) << "transaction " << i;
  }
  const long long during = incrs - before;
  stop = true;
  hammer.join();
  EXPECT_GT(during, 0) << "the other client never ran meanwhile";
  EXPECT_EQ(incr_errors, 0);
}

// Two clients run transactions over the same keys in opposite orders, each
// with read-modify-writes on keys the transaction itself holds: no
// deadlock, and no increment lost.
TEST_F(TransactionTest, OverlappingTransactionsNeitherDeadlockNorLoseUpdates) {
  constexpr int kEach = 100;
  auto run = [&](std::vector<std::string> keys, std::atomic<int>* bad) {
    auto c = cluster_->ConnectProxy();
    if (!c) {
      ++*bad;
      return;
    }
    for (int i = 0; i < kEach; ++i) {
      c->Append({"MULTI"});
      for (const std::string& key : keys) c->Append({"INCR", key});
      c->Append({"APPEND", "t:log", "x"});
      c->Append({"EXEC"});
      for (size_t q = 0; q < keys.size() + 2; ++q) c->Read();
      if (c->Read().elements.size() != keys.size() + 1) ++*bad;
    }
  };
  std::atomic<int> bad{0};
  std::thread one(run, std::vector<std::string>{"t:ov1", "t:ov2"}, &bad);
  std::thread two(run, std::vector<std::string>{"t:ov2", "t:ov1", "t:ov2"},
                  &bad);
  one.join();
  two.join();
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(client_->Command({"GET", "t:ov1"}), Str(std::to_string(2 * kEach)));
  EXPECT_EQ(client_->Command({"GET", "t:ov2"}), Str(std::to_string(3 * kEach)));
  EXPECT_EQ(client_->Command({"STRLEN", "t:log"}), Int(2 * kEach));
}

// A client that leaves while its EXEC runs: the rest of its transaction is
// dropped and its keys go back to the other clients.
TEST_F(TransactionTest, ClientGoneMidExecReleasesItsKeys) {
  {
    auto gone = RawConnection::Connect(port());
    ASSERT_TRUE(gone);
    std::string request = RespCommand({"MULTI"});
    for (int i = 0; i < 200; ++i) request += RespCommand({"INCR", "t:gone"});
    request += RespCommand({"EXEC"});
    ASSERT_TRUE(gone->Send(request));
    gone->ReadReplies(2);  // +OK +QUEUED: the proxy has the request
  }
  // Answered at all (within the deadline) means the keys were released.
  Reply r = client_->Command({"INCR", "t:gone"});
  ASSERT_EQ(r.type, Reply::Type::kInteger) << ::testing::PrintToString(r);
  EXPECT_GE(r.integer, 1);
  EXPECT_LE(r.integer, 201);
}

// Not atomic across replica failures: with one replica of three left, the
// queued SET fails with its quorum error inside the array and the commands
// after it still run.
TEST(TransactionFailureTest, QuorumErrorIsOneElementOfTheArray) {
  Cluster cluster(FailureOptions(3));
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);
  cluster.KillReplica(0);
  cluster.KillReplica(1);
  ASSERT_TRUE(cluster.WaitForReplicasUp(1));
  EXPECT_EQ(client->Command({"MULTI"}), kOk);
  EXPECT_EQ(client->Command({"SET", "t:q", "v"}), kQueued);
  EXPECT_EQ(client->Command({"PING"}), kQueued);
  EXPECT_EQ(client->Command({"GET", "t:q"}), kQueued);
  Reply exec = client->Command({"EXEC"});
  ASSERT_EQ(exec.type, Reply::Type::kArray) << ::testing::PrintToString(exec);
  ASSERT_EQ(exec.elements.size(), 3u);
  EXPECT_TRUE(exec.elements[0].IsError("UNAVAILABLE"))
      << ::testing::PrintToString(exec.elements[0]);
  EXPECT_EQ(exec.elements[1], Reply::Status("PONG"));
  EXPECT_TRUE(exec.elements[2].IsError("UNAVAILABLE"))
      << ::testing::PrintToString(exec.elements[2]);
}

}  // namespace
}  // namespace leaderless::test
