// The differential test of the connection and server commands: the same
// scripted commands go to leaderless and to a real redis-server started
// here, and the raw replies must be byte-for-byte the same, in RESP2, in
// RESP3 and with a password set. What is known to differ is listed at the
// end with its reason, and checked: leaderless's reply is the one expected
// and Redis's is another.

#include <regex>
#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/password_proxy.h"

namespace leaderless::test {
namespace {

using namespace std::string_literals;
using Argv = std::vector<std::string>;
using Script = std::vector<Argv>;

// Connection ids are numbered by each server on its own: HELLO's "id" and
// CLIENT ID's reply are compared with the number masked.
std::string MaskIds(const std::string& reply) {
  static const std::regex kHelloId("(\\$2\r\nid\r\n:)\\d+\r\n");
  static const std::regex kClientId(":\\d+\r\n");
  if (std::regex_match(reply, kClientId)) return ":<id>\r\n";
  return std::regex_replace(reply, kHelloId, "$1<id>\r\n");
}

std::string RawReply(RawConnection& conn, const Argv& argv) {
  if (!conn.Send(EncodeCommand(argv))) return "(send failed)";
  return conn.ReadReplies(1);
}

// Runs `script` on both connections, comparing every reply.
void ExpectSameReplies(RawConnection& ours, RawConnection& theirs,
                       const Script& script) {
  for (const Argv& argv : script) {
    EXPECT_EQ(Printable(MaskIds(RawReply(ours, argv)), 4000),
              Printable(MaskIds(RawReply(theirs, argv)), 4000))
        << "command: " << Printable(EncodeCommand(argv));
  }
}

// The string and key commands, whose COMMAND INFO and DOCS the proxy
// generates from its tables.
const Argv kKeyCommands = {
    "get",        "set",         "setnx",    "setex",       "psetex", "getset",
    "getdel",     "getex",       "mget",     "mset",        "msetnx", "incr",
    "decr",       "incrby",      "decrby",   "incrbyfloat", "append", "strlen",
    "getrange",   "setrange",    "del",      "unlink",      "exists", "type",
    "expire",     "pexpire",     "expireat", "pexpireat",   "ttl",    "pttl",
    "expiretime", "pexpiretime", "persist",  "touch"};

Argv Prefixed(Argv prefix, const Argv& rest) {
  prefix.insert(prefix.end(), rest.begin(), rest.end());
  return prefix;
}

// Introspection of everything the proxy answers but the containers, whose
// subcommand lists differ (see the known differences).
Script IntrospectionScript() {
  const Argv kOwn = {"ping", "echo",  "select", "quit", "reset",
                     "auth", "hello", "info",   "time"};
  const Argv kSubcommands = {
      "client|id",    "client|getname", "client|setname", "client|info",
      "client|list",  "client|help",    "command|count",  "command|info",
      "command|docs", "command|list",   "command|help",   "config|get",
      "config|set",   "config|help"};
  const Argv kKeyspace = {"scan",      "keys",     "dbsize",
                          "randomkey", "flushall", "flushdb"};
  Script script;
  for (const Argv* names : {&kOwn, &kSubcommands, &kKeyCommands, &kKeyspace}) {
    script.push_back(Prefixed({"COMMAND", "INFO"}, *names));
    script.push_back(Prefixed({"COMMAND", "DOCS"}, *names));
  }
  Script errors = {{"COMMAND", "INFO", "nosuch", "PING", "Client|Id"},
                   {"COMMAND", "INFO", "client|nosuch", "get|x"},
                   {"COMMAND", "DOCS", "nosuch", "ECHO"},
                   {"COMMAND", "FOO"},
                   {"COMMAND", "COUNT", "x"},
                   {"COMMAND", "HELP", "x"},
                   {"COMMAND", "LIST", "x"},
                   {"COMMAND", "LIST", "FILTERBY"},
                   {"COMMAND", "LIST", "FILTERBY", "FOO", "x"},
                   {"COMMAND", "LIST", "FILTERBY", "MODULE", "x"},
                   {"COMMAND", "LIST", "FILTERBY", "PATTERN", "nosuch*"},
                   {"COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"}};
  script.insert(script.end(), errors.begin(), errors.end());
  return script;
}

const Script kConnectionScript = {
    {"PING"},
    {"PING", "hello world"},
    {"PING", "a", "b"},
    {"pInG"},
    {"ECHO"},
    {"ECHO", "x", "y"},
    {"ECHO", "bin\0ary\r\n\xff"s},
    {"ECHO", ""},
    {"SELECT", "0"},
    {"SELECT", "-1"},
    {"SELECT", "16"},
    {"SELECT", "99999999999999999999"},
    {"SELECT", "x"},
    {"SELECT", "0x"},
    {"SELECT", "00"},
    {"SELECT"},
    {"SELECT", "0", "1"},
    {"AUTH"},
    {"AUTH", "pw"},
    {"AUTH", "default", "pw"},
    {"AUTH", "someone", "pw"},
    {"AUTH", "a", "b", "c"},
    {"HELLO"},
    {"HELLO", "2"},
    {"HELLO", "4"},
    {"HELLO", "1"},
    {"HELLO", "0"},
    {"HELLO", "-1"},
    {"HELLO", "02"},
    {"HELLO", "3.0"},
    {"HELLO", "x"},
    {"HELLO", "2", "FOO"},
    {"HELLO", "2", "SETNAME"},
    {"HELLO", "2", "SETNAME", "a", "b"},
    {"HELLO", "2", "AUTH", "default"},
    {"HELLO", "2", "AUTH", "default", "pw"},
    {"HELLO", "2", "AUTH", "nobody", "pw"},
    {"HELLO", "2", "SETNAME", "bad name"},
    {"HELLO", "2", "setname", "nm", "auth", "default", "pw"},
    {"CLIENT", "GETNAME"},
    {"CLIENT"},
    {"CLIENT", "FOO"},
    {"client", "foo", "bar"},
    {"CLIENT", "SETNAME"},
    {"CLIENT", "SETNAME", "a", "b"},
    {"CLIENT", "SETNAME", "sp ace"},
    {"CLIENT", "SETNAME", "caf\xc3\xa9"},
    {"CLIENT", "SETNAME", "new\nline"},
    {"CLIENT", "SETNAME", "ok-name"},
    {"CLIENT", "GETNAME"},
    {"CLIENT", "GETNAME", "x"},
    {"CLIENT", "SETNAME", ""},
    {"CLIENT", "GETNAME"},
    {"CLIENT", "ID"},
    {"CLIENT", "ID", "x"},
    {"CLIENT", "INFO", "x"},
    {"CLIENT", "LIST", "foo"},
    {"CLIENT", "LIST", "TYPE"},
    {"CLIENT", "LIST", "TYPE", "x"},
    {"CLIENT", "LIST", "TYPE", "master"},
    {"CLIENT", "LIST", "TYPE", "replica"},
    {"CLIENT", "LIST", "TYPE", "slave"},
    {"CLIENT", "LIST", "TYPE", "PUBSUB"},
    {"CLIENT", "LIST", "ID"},
    {"CLIENT", "LIST", "ID", "x"},
    {"CLIENT", "LIST", "ID", "1", "x"},
    {"CLIENT", "LIST", "ID", "999999"},
    {"CLIENT", "LIST", "ID", "-5"},
    {"CLIENT", "HELP", "x"},
    // Redis quotes arguments into errors with printf: a NUL ends them.
    {"CLIENT", "NO\0SUCH"s},
    {"NO\0SUCH"s, "a\0b"s, "c\xff"},
    {"INFO", "nosuch"},
    {"INFO", "NOSUCH", "other"},
    {"TIME", "x"},
    {"CONFIG"},
    {"CONFIG", "FOO"},
    {"CONFIG", "GET"},
    {"CONFIG", "GET", "save"},
    {"CONFIG", "GET", "SAVE"},
    {"CONFIG", "GET", "appendonly"},
    {"CONFIG", "GET", "maxmemory"},
    {"CONFIG", "GET", "maxmemory-policy"},
    {"CONFIG", "GET", "timeout"},
    {"CONFIG", "GET", "bind"},
    {"CONFIG", "GET", "maxclients"},
    {"CONFIG", "GET", "requirepass"},
    {"CONFIG", "GET", "protected-mode"},
    {"CONFIG", "GET", "nosuch"},
    {"CONFIG", "GET", "*nosuch*"},
    {"CONFIG", "GET", "slaveof"},
    {"CONFIG", "GET", "replicaof"},
    {"CONFIG", "GET", "notify-keyspace-events"},
    {"CONFIG", "GET", "daemonize"},
    {"CONFIG", "GET", "cluster-enabled"},
    {"CONFIG", "GET", "loglevel"},
    {"CONFIG", "GET", "proto-max-bulk-len"},
    {"CONFIG", "GET", "client-query-buffer-limit"},
    {"CONFIG", "SET"},
    {"CONFIG", "SET", "save"},
    {"CONFIG", "SET", "a", "b", "c"},
    {"CONFIG", "SET", "nosuch", "1"},
    {"RESET"},
    {"RESET", "x"},
    {"CLIENT", "GETNAME"},
    {"QUIT", "with", "args"}};

// After HELLO 3: Redis 7's RESP3 shapes (maps, sets, nulls, verbatim
// strings), including the string commands' nulls.
const Script kResp3Script = {
    {"PING"},
    {"PING", "x"},
    {"ECHO", "x"},
    {"CLIENT", "GETNAME"},
    {"CLIENT", "SETNAME", "r3"},
    {"CLIENT", "GETNAME"},
    {"HELLO"},
    {"HELLO", "3", "SETNAME", "again"},
    {"CLIENT", "GETNAME"},
    {"COMMAND", "INFO", "nosuch", "ping", "client|setname"},
    {"COMMAND", "INFO", "get", "mset", "del", "set"},
    {"COMMAND", "DOCS", "set", "hello", "getex", "client|list", "nosuch"},
    {"COMMAND", "DOCS", "nosuch"},
    {"CONFIG", "GET", "save"},
    {"CONFIG", "GET", "maxmemory"},
    {"CONFIG", "GET", "nosuch"},
    {"CONFIG", "GET", "appendonly"},
    {"CLIENT", "LIST", "ID", "999999"},
    {"CLIENT", "LIST", "TYPE", "master"},
    {"INFO", "nosuch"},
    {"HELLO", "4"},
    {"SELECT", "0"},
    {"SELECT", "16"},
    {"AUTH", "x"},
    {"CLIENT", "FOO"},
    {"FOO", "bar"},
    {"TIME", "x"},
    {"GET", "hs:resp3"},
    {"MGET", "hs:resp3", "hs:resp3"},
    {"SET", "hs:resp3", "v"},
    {"GET", "hs:resp3"},
    {"EXISTS", "hs:resp3"},
    {"TTL", "hs:resp3"},
    {"DEL", "hs:resp3"},
    {"GET", "hs:resp3"},
    {"RESET"},
    {"CLIENT", "GETNAME"},
    {"PING"}};

// With a password: the gate, its errors, and how AUTH, HELLO and RESET
// change the connection's state.
const Script kAuthScript = {
    {"PING"},
    {"GET", "k"},
    {"SET", "k", "v"},
    {"FOO", "bar"},
    {"GET"},
    {"CLIENT", "FOO"},
    {"CLIENT", "SETNAME"},
    {"CONFIG", "GET", "save"},
    {"HELLO"},
    {"HELLO", "3"},
    {"HELLO", "4"},
    {"HELLO", "x"},
    {"HELLO", "3", "SETNAME", "q"},
    {"AUTH"},
    {"AUTH", "a", "b", "c"},
    {"AUTH", "bad"},
    {"AUTH", "default", "bad"},
    {"AUTH", "nosuch", kPassword},
    {"HELLO", "3", "SETNAME", "q", "AUTH", "a", "b"},
    {"AUTH", kPassword},
    {"AUTH", "bad"},
    {"PING"},
    {"RESET"},
    {"PING"},
    {"HELLO", "2", "AUTH", "default", kPassword, "SETNAME", "w"},
    {"CLIENT", "GETNAME"},
    {"RESET"},
    {"PING"},
    {"SELECT", "0"},
    {"HELLO", "2", "AUTH", "default", kPassword, "FOO"},
    {"PING"},
    {"CONFIG", "GET", "requirepass"},
    {"QUIT"}};

class HandshakeVsRedisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = std::make_unique<Cluster>();
    locked_ = std::make_unique<PasswordProxy>();
    redis_ = std::make_unique<RealRedis>();
    locked_redis_ = std::make_unique<RealRedis>();
    started_ = cluster_->Start();
    if (started_) started_ = locked_->Start(*cluster_, kPassword);
    if (!started_ || !redis_->Start(&why_no_redis_) ||
        !locked_redis_->Start(&why_no_redis_)) {
      return;
    }
    auto client = RedisClient::Connect(locked_redis_->port());
    if (!client || client->Command({"CONFIG", "SET", "requirepass",
                                    kPassword}) != Reply::Status("OK")) {
      started_ = ::testing::AssertionFailure()
                 << "cannot set a password on the second redis-server";
    }
  }
  static void TearDownTestSuite() {
    locked_redis_.reset();
    redis_.reset();
    locked_.reset();
    cluster_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(started_);
    if (!why_no_redis_.empty()) GTEST_SKIP() << why_no_redis_;
  }

  static std::unique_ptr<RawConnection> Open(int port) {
    auto conn = RawConnection::Connect(port);
    EXPECT_TRUE(conn) << "cannot connect to port " << port;
    return conn;
  }

  static inline std::unique_ptr<Cluster> cluster_;
  static inline std::unique_ptr<PasswordProxy> locked_;
  static inline std::unique_ptr<RealRedis> redis_;
  static inline std::unique_ptr<RealRedis> locked_redis_;
  static inline std::string why_no_redis_;
  static inline ::testing::AssertionResult started_ =
      ::testing::AssertionFailure();
};

TEST_F(HandshakeVsRedisTest, Resp2) {
  auto ours = Open(cluster_->proxy_port());
  auto theirs = Open(redis_->port());
  ASSERT_TRUE(ours && theirs);
  ExpectSameReplies(*ours, *theirs, IntrospectionScript());
  ExpectSameReplies(*ours, *theirs, kConnectionScript);
}

TEST_F(HandshakeVsRedisTest, Resp3) {
  auto ours = Open(cluster_->proxy_port());
  auto theirs = Open(redis_->port());
  ASSERT_TRUE(ours && theirs);
  ExpectSameReplies(*ours, *theirs, {{"HELLO", "3"}});
  ExpectSameReplies(*ours, *theirs, IntrospectionScript());
  ExpectSameReplies(*ours, *theirs, kResp3Script);
}

TEST_F(HandshakeVsRedisTest, WithPassword) {
  auto ours = Open(locked_->port());
  auto theirs = Open(locked_redis_->port());
  ASSERT_TRUE(ours && theirs);
  ExpectSameReplies(*ours, *theirs, kAuthScript);
}

// Raw requests that break the limits of a client not logged in: the same
// error, then both close; at the limits, the same error as any bad AUTH.
TEST_F(HandshakeVsRedisTest, UnauthenticatedLimits) {
  const std::string kMaxBulk(16384, 'p');
  const std::string kClosing[] = {
      "*11\r\n",         "*10\r\n$16385\r\n",
      "*3000000000\r\n", "*1\r\n$600000000\r\n",
      "*1\r\n$-1\r\n",   "*2\r\n$4\r\nAUTH\r\n$x\r\n"};
  for (const std::string& bytes : kClosing) {
    auto ours = Open(locked_->port());
    auto theirs = Open(locked_redis_->port());
    ASSERT_TRUE(ours && theirs);
    ours->Send(bytes);
    theirs->Send(bytes);
    RawConnection::Drained a = ours->ReadUntilClosed();
    RawConnection::Drained b = theirs->ReadUntilClosed();
    EXPECT_EQ(a.data, b.data) << Printable(bytes);
    EXPECT_TRUE(a.closed && b.closed) << Printable(bytes);
  }
  auto ours = Open(locked_->port());
  auto theirs = Open(locked_redis_->port());
  ASSERT_TRUE(ours && theirs);
  ExpectSameReplies(*ours, *theirs,
                    {Argv(10, "x"), {"AUTH", kMaxBulk}, {"PING"}});
}

// Redis 7.0 sets the name of HELLO SETNAME before it refuses a client that
// has not authenticated; leaderless, as Redis 7.2, leaves the connection as
// it was.
TEST_F(HandshakeVsRedisTest, KnownDifferenceHelloBeforeAuth) {
  auto ours = Open(locked_->port());
  auto theirs = Open(locked_redis_->port());
  ASSERT_TRUE(ours && theirs);
  ExpectSameReplies(*ours, *theirs,
                    {{"HELLO", "3", "SETNAME", "early"}, {"AUTH", kPassword}});
  const std::string mine = RawReply(*ours, {"CLIENT", "GETNAME"});
  EXPECT_EQ(mine, "$-1\r\n");
  EXPECT_NE(mine, RawReply(*theirs, {"CLIENT", "GETNAME"}))
      << "no longer a difference";
}

// What leaderless answers differently, and why.
struct Difference {
  Argv argv;
  std::string ours;  // a regular expression for leaderless's raw reply
  std::string reason;
};

const Difference kDifferences[] = {
    {{"SELECT", "1"},
     "-ERR DB index is out of range\r\n",
     "one keyspace: only database 0 exists"},
    {{"CONFIG", "GET", "databases"},
     "\\*2\r\n\\$9\r\ndatabases\r\n\\$1\r\n1\r\n",
     "one keyspace"},
    {{"CLIENT", "SETINFO", "LIB-NAME", "x"},
     "\\+OK\r\n",
     "a Redis 7.2 command, answered because clients send it on connect"},
    {{"CONFIG", "GET", "port"},
     "\\*2\r\n\\$4\r\nport\r\n\\$\\d+\r\n\\d+\r\n",
     "another port"},
    {{"CONFIG", "GET", "appendfsync"},
     "\\*2\r\n\\$11\r\nappendfsync\r\n\\$6\r\nalways\r\n",
     "the replicas' fsync policy, always by default"},
    {{"CONFIG", "GET", "client-output-buffer-limit"},
     "\\*2\r\n\\$26\r\nclient-output-buffer-limit\r\n\\$\\d+\r\nnormal "
     "268435456 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 "
     "60\r\n",
     "a proxy fans out: normal clients are limited to 256mb by default"},
    {{"CONFIG", "SET", "maxmemory", "0"},
     "-ERR CONFIG SET is not supported by leaderless: set 'maxmemory' in the "
     "configuration file and restart the proxy\r\n",
     "the configuration is fixed at startup"},
    {{"CONFIG", "RESETSTAT"},
     "-ERR unknown subcommand 'RESETSTAT'\\. Try CONFIG HELP\\.\r\n",
     "CONFIG has GET, SET and HELP only"},
    {{"COMMAND", "COUNT"}, ":\\d+\r\n", "fewer commands"},
    {{"COMMAND", "INFO", "client"},
     "\\*1\r\n\\*10\r\n\\$6\r\nclient\r\n[\\s\\S]*",
     "CLIENT lists only the subcommands leaderless answers"},
    {{"CLIENT", "HELP"},
     "\\*\\d+\r\n\\+CLIENT <subcommand> \\[<arg> \\[value\\] \\[opt\\] "
     "\\.\\.\\.\\]\\. Subcommands are:\r\n[\\s\\S]*",
     "lists only the subcommands leaderless answers"},
    {{"INFO", "server"},
     "\\$\\d+\r\n# Server\r\nredis_version:7\\.0\\.15\r\n"
     "[\\s\\S]*",
     "a proxy's fields and values; the layout is Redis's"},
    {{"TIME"},
     "\\*2\r\n\\$10\r\n\\d{10}\r\n\\$\\d\r\n\\d+\r\n",
     "another clock reading"},
    {{"WATCH", "hs:k"},
     "-ERR leaderless does not support WATCH: proxies share no state to "
     "tell whether a watched key changed\r\n",
     "transactions without WATCH"},
    {{"COPY", "hs:k", "hs:k2", "DB", "1"},
     "-ERR DB index is out of range\r\n",
     "only database 0"},
    {{"LPUSH", "hs:list", "v"},
     "-ERR unknown command 'LPUSH', with args beginning with: 'hs:list' 'v' "
     "\r\n",
     "strings only"},
};

TEST_F(HandshakeVsRedisTest, KnownDifferences) {
  auto ours = Open(cluster_->proxy_port());
  auto theirs = Open(redis_->port());
  ASSERT_TRUE(ours && theirs);
  for (const Difference& d : kDifferences) {
    SCOPED_TRACE(Printable(EncodeCommand(d.argv)) + ": " + d.reason);
    const std::string mine = RawReply(*ours, d.argv);
    const std::string redis = RawReply(*theirs, d.argv);
    EXPECT_TRUE(std::regex_match(mine, std::regex(d.ours)))
        << Printable(mine, 2000);
    EXPECT_NE(mine, redis) << "no longer a difference";
  }
}

}  // namespace
}  // namespace leaderless::test
