// The connection and server commands clients send when they connect and
// introspect (PING, ECHO, SELECT, QUIT, RESET, AUTH, HELLO, CLIENT, COMMAND,
// INFO, TIME, CONFIG), their RESP3 shapes, the `requirepass` gate with its
// stricter pre-AUTH parser limits, and the errors for what leaderless does
// not support. Replies are checked as raw bytes; the comparison with a real
// redis-server is in handshake_vs_redis_test.cc.

#include <ctime>
#include <regex>
#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/password_proxy.h"

namespace leaderless::test {
namespace {

using namespace std::string_literals;
using Argv = std::vector<std::string>;

constexpr char kNoAuth[] = "-NOAUTH Authentication required.\r\n";
constexpr char kHelloNoAuth[] =
    "-NOAUTH HELLO must be called with the client already authenticated, "
    "otherwise the HELLO AUTH <user> <pass> option can be used to "
    "authenticate the client and select the RESP protocol version at the "
    "same time\r\n";
constexpr char kWrongPass[] =
    "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
constexpr char kOk[] = "+OK\r\n";

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

std::string Error(std::string_view message) {
  return "-" + std::string(message) + "\r\n";
}

// One cluster (and one proxy with a password) for the whole suite: these
// tests only talk to the proxies.
class HandshakeTest : public PasswordClusterTest {
 protected:
  static std::unique_ptr<RawConnection> Open(int port) {
    auto conn = RawConnection::Connect(port);
    EXPECT_TRUE(conn) << "cannot connect to port " << port;
    return conn;
  }
  std::unique_ptr<RawConnection> OpenProxy() {
    return Open(cluster_->proxy_port());
  }
  std::unique_ptr<RawConnection> OpenLocked() { return Open(locked_->port()); }

  // The raw reply to `argv` on `conn`.
  static std::string Raw(RawConnection& conn, const Argv& argv) {
    if (!conn.Send(EncodeCommand(argv))) return "(send failed)";
    return conn.ReadReplies(1);
  }

  // Sends each command and checks its raw reply.
  static void ExpectReplies(
      RawConnection& conn,
      const std::vector<std::pair<Argv, std::string>>& exchanges) {
    for (const auto& [argv, reply] : exchanges) {
      EXPECT_EQ(Printable(Raw(conn, argv), 2000), Printable(reply, 2000))
          << "command: " << Printable(EncodeCommand(argv));
    }
  }

  static int64_t ClientId(RawConnection& conn) {
    const std::string reply = Raw(conn, {"CLIENT", "ID"});
    return reply.size() > 3 ? std::stoll(reply.substr(1)) : -1;
  }
};

// ---- Connection commands
// -----------------------------------------------------

TEST_F(HandshakeTest, PingEchoSelect) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  ExpectReplies(
      *conn,
      {{{"PING"}, "+PONG\r\n"},
       {{"ping", "hi there"}, Bulk("hi there")},
       {{"PING", "a", "b"},
        Error("ERR wrong number of arguments for 'ping' command")},
       {{"ECHO", "bin\0\r\n\xff"s}, Bulk("bin\0\r\n\xff"s)},
       {{"ECHO", ""}, Bulk("")},
       {{"ECHO"}, Error("ERR wrong number of arguments for 'echo' command")},
       {{"SELECT", "0"}, kOk},
       {{"SELECT", "1"}, Error("ERR DB index is out of range")},
       {{"SELECT", "-1"}, Error("ERR DB index is out of range")},
       {{"SELECT", "00"}, Error("ERR value is not an integer or out of range")},
       {{"SELECT", "x"},
        Error("ERR value is not an integer or out of range")}});
}

TEST_F(HandshakeTest, QuitAnswersOkThenCloses) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  conn->Send(EncodeCommand({"QUIT", "ignored", "args"}) +
             EncodeCommand({"ECHO", "never"}));
  const RawConnection::Drained drained = conn->ReadUntilClosed();
  EXPECT_TRUE(drained.closed);
  EXPECT_EQ(drained.data, kOk);
}

TEST_F(HandshakeTest, ResetRestoresANewConnectionsState) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const std::string hello = Raw(*conn, {"HELLO", "3", "SETNAME", "before"});
  ASSERT_EQ(hello.substr(0, 4), "%7\r\n") << Printable(hello);
  ExpectReplies(*conn, {{{"CLIENT", "GETNAME"}, Bulk("before")},
                        {{"RESET"}, "+RESET\r\n"},
                        {{"RESET", "x"},
                         Error("ERR wrong number of arguments for 'reset' "
                               "command")},
                        // RESP2 again: a missing name is $-1, not _.
                        {{"CLIENT", "GETNAME"}, "$-1\r\n"},
                        {{"PING"}, "+PONG\r\n"}});
}

// ---- HELLO ------------------------------------------------------------------

std::string HelloMap(int protocol, int64_t id) {
  return (protocol == 3 ? "%7\r\n"s : "*14\r\n"s) + Bulk("server") +
         Bulk("redis") + Bulk("version") + Bulk("7.0.15") + Bulk("proto") +
         ":" + std::to_string(protocol) + "\r\n" + Bulk("id") + ":" +
         std::to_string(id) + "\r\n" + Bulk("mode") + Bulk("standalone") +
         Bulk("role") + Bulk("master") + Bulk("modules") + "*0\r\n";
}

TEST_F(HandshakeTest, HelloSwitchesProtocolAndDescribesTheServer) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const int64_t id = ClientId(*conn);
  ExpectReplies(*conn, {{{"HELLO"}, HelloMap(2, id)},
                        {{"HELLO", "3"}, HelloMap(3, id)},
                        {{"HELLO"}, HelloMap(3, id)},
                        {{"CLIENT", "GETNAME"}, "_\r\n"},
                        {{"hello", "2"}, HelloMap(2, id)},
                        {{"CLIENT", "GETNAME"}, "$-1\r\n"}});
}

TEST_F(HandshakeTest, HelloErrors) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const std::string kNotInteger =
      "-ERR Protocol version is not an integer or out of range\r\n";
  const std::string kNoProto = "-NOPROTO unsupported protocol version\r\n";
  ExpectReplies(
      *conn,
      {{{"HELLO", "4"}, kNoProto},
       {{"HELLO", "1"}, kNoProto},
       {{"HELLO", "-3"}, kNoProto},
       {{"HELLO", "3.0"}, kNotInteger},
       {{"HELLO", "03"}, kNotInteger},
       {{"HELLO", "three"}, kNotInteger},
       {{"HELLO", "3", "SETNAME"},
        Error("ERR Syntax error in HELLO option "
              "'SETNAME'")},
       {{"HELLO", "3", "AUTH", "default"},
        Error("ERR Syntax error in HELLO option 'AUTH'")},
       {{"HELLO", "2", "bogus"},
        Error("ERR Syntax error in HELLO option 'bogus'")},
       {{"HELLO", "2", "SETNAME", "a b"},
        Error("ERR Client names cannot contain spaces, newlines or special "
              "characters.")},
       // Without a password, any password of `default` authenticates.
       {{"HELLO", "2", "AUTH", "nobody", "x"},
        Error("WRONGPASS invalid username-password pair or user is "
              "disabled.")},
       {{"CLIENT", "GETNAME"}, "$-1\r\n"}});
}

// As Redis, options apply in order and stay applied when a later one fails.
TEST_F(HandshakeTest, HelloOptionsApplyInOrder) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const int64_t id = ClientId(*conn);
  ExpectReplies(*conn,
                {{{"HELLO", "3", "SETNAME", "first", "BOGUS"},
                  Error("ERR Syntax error in HELLO option 'BOGUS'")},
                 {{"CLIENT", "GETNAME"}, Bulk("first")},
                 {{"HELLO", "2", "AUTH", "default", "any", "setname", "last"},
                  HelloMap(2, id)},
                 {{"CLIENT", "GETNAME"}, Bulk("last")}});
}

// ---- AUTH and requirepass
// ----------------------------------------------------

TEST_F(HandshakeTest, AuthWithoutAPasswordConfigured) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  ExpectReplies(
      *conn,
      {{{"AUTH", "pw"},
        Error("ERR AUTH <password> called without any password configured "
              "for the default user. Are you sure your configuration is "
              "correct?")},
       {{"AUTH", "default", "anything"}, kOk},
       {{"AUTH", "someone", "pw"},
        Error("WRONGPASS invalid username-password pair or user is "
              "disabled.")},
       {{"AUTH", "a", "b", "c"}, Error("ERR syntax error")},
       {{"AUTH"}, Error("ERR wrong number of arguments for 'auth' command")},
       {{"PING"}, "+PONG\r\n"}});
}

TEST_F(HandshakeTest, PasswordGatesEverythingButAuthHelloQuitReset) {
  auto conn = OpenLocked();
  ASSERT_TRUE(conn);
  ExpectReplies(
      *conn,
      {{{"PING"}, kNoAuth},
       {{"GET", "k"}, kNoAuth},
       {{"SELECT", "0"}, kNoAuth},
       {{"CLIENT", "ID"}, kNoAuth},
       {{"COMMAND"}, kNoAuth},
       {{"INFO"}, kNoAuth},
       // EXEC's refusals, as Redis's, come as EXECABORT even outside MULTI.
       {{"EXEC"},
        Error("EXECABORT Transaction discarded because of: NOAUTH "
              "Authentication required.")},
       // Unknown commands and arity errors are answered before the gate.
       {{"NOSUCH", "x"},
        Error("ERR unknown command 'NOSUCH', with args beginning with: 'x' ")},
       {{"GET"}, Error("ERR wrong number of arguments for 'get' command")},
       {{"CLIENT", "BOGUS"},
        Error("ERR unknown subcommand 'BOGUS'. Try CLIENT HELP.")},
       {{"HELLO", "3"}, kHelloNoAuth},
       {{"HELLO", "4"}, "-NOPROTO unsupported protocol version\r\n"},
       {{"RESET"}, "+RESET\r\n"},
       {{"PING"}, kNoAuth}});
}

TEST_F(HandshakeTest, AuthFlowWithRequirepass) {
  auto conn = OpenLocked();
  ASSERT_TRUE(conn);
  ExpectReplies(*conn, {{{"AUTH", "wrong"}, kWrongPass},
                        {{"AUTH", "default", "wrong"}, kWrongPass},
                        {{"AUTH", "admin", kPassword}, kWrongPass},
                        {{"PING"}, kNoAuth},
                        {{"AUTH", kPassword}, kOk},
                        {{"PING"}, "+PONG\r\n"},
                        // A failed AUTH does not log a client out.
                        {{"AUTH", "wrong"}, kWrongPass},
                        {{"PING"}, "+PONG\r\n"},
                        {{"RESET"}, "+RESET\r\n"},
                        {{"PING"}, kNoAuth},
                        {{"AUTH", "default", kPassword}, kOk},
                        {{"SET", "auth:key", "v"}, kOk},
                        {{"GET", "auth:key"}, Bulk("v")}});
  auto other = OpenLocked();
  ASSERT_TRUE(other);
  const std::string hello =
      Raw(*other, {"HELLO", "3", "AUTH", "default", kPassword, "SETNAME", "n"});
  EXPECT_EQ(hello.substr(0, 4), "%7\r\n") << Printable(hello);
  ExpectReplies(*other, {{{"CLIENT", "GETNAME"}, Bulk("n")}});
}

TEST_F(HandshakeTest, QuitWorksBeforeAuth) {
  auto conn = OpenLocked();
  ASSERT_TRUE(conn);
  conn->Send(EncodeCommand({"QUIT"}));
  const RawConnection::Drained drained = conn->ReadUntilClosed();
  EXPECT_TRUE(drained.closed);
  EXPECT_EQ(drained.data, kOk);
}

// Nothing a client sends before AUTH changes its connection: no name (not
// even through HELLO SETNAME, which Redis 7.0 set before it refused), no
// protocol switch, no library attributes, no transaction.
TEST_F(HandshakeTest, CommandsBeforeAuthChangeNothing) {
  auto conn = OpenLocked();
  ASSERT_TRUE(conn);
  ExpectReplies(
      *conn,
      {{{"RESET"}, "+RESET\r\n"},
       {{"HELLO", "3", "SETNAME", "a"}, kHelloNoAuth},
       {{"HELLO", "3"}, kHelloNoAuth},
       {{"HELLO", "3", "SETNAME", "b", "AUTH", "default", "wrong"}, kWrongPass},
       {{"HELLO", "3", "AUTH", "default", "wrong", "SETNAME", "c"}, kWrongPass},
       {{"HELLO", "3", "SETNAME", "d", "BOGUS"},
        Error("ERR Syntax error in HELLO option 'BOGUS'")},
       {{"HELLO", "2", "SETNAME", "e f"},
        Error("ERR Client names cannot contain spaces, newlines or special "
              "characters.")},
       {{"AUTH", "wrong"}, kWrongPass},
       {{"AUTH", "someone", kPassword}, kWrongPass},
       {{"CLIENT", "SETNAME", "g"}, kNoAuth},
       {{"CLIENT", "SETINFO", "LIB-NAME", "lib"}, kNoAuth},
       {{"MULTI"}, kNoAuth},
       {{"AUTH", kPassword}, kOk},
       // Still RESP2: a missing name is $-1, not _.
       {{"CLIENT", "GETNAME"}, "$-1\r\n"},
       {{"EXEC"}, Error("ERR EXEC without MULTI")}});
  const std::string info = Raw(*conn, {"CLIENT", "INFO"});
  for (const char* field :
       {" name= ", " multi=-1 ", " resp=2 ", " lib-name= lib-ver=\n"}) {
    EXPECT_NE(info.find(field), std::string::npos)
        << field << " in " << Printable(info);
  }

  // A name given before the AUTH option of the same HELLO is set once that
  // AUTH has logged the client in.
  auto other = OpenLocked();
  ASSERT_TRUE(other);
  const std::string hello = Raw(
      *other, {"HELLO", "3", "SETNAME", "early", "AUTH", "default", kPassword});
  EXPECT_EQ(hello.substr(0, 4), "%7\r\n") << Printable(hello);
  ExpectReplies(*other, {{{"CLIENT", "GETNAME"}, Bulk("early")}});
}

// Before AUTH: at most 10 arguments and bulks of at most 16384 bytes, with
// Redis's texts, and the connection is closed; none of it after AUTH.
TEST_F(HandshakeTest, UnauthenticatedParserLimits) {
  const std::pair<std::string, std::string> kCases[] = {
      {"*11\r\n", "unauthenticated multibulk length"},
      {"*2\r\n$4\r\nAUTH\r\n$16385\r\n", "unauthenticated bulk length"},
      {"*3000000000\r\n", "invalid multibulk length"},
  };
  for (const auto& [bytes, error] : kCases) {
    auto conn = OpenLocked();
    ASSERT_TRUE(conn);
    conn->Send(bytes);
    const RawConnection::Drained drained = conn->ReadUntilClosed();
    EXPECT_TRUE(drained.closed) << Printable(bytes);
    EXPECT_EQ(drained.data, "-ERR Protocol error: " + error + "\r\n");
  }
  auto conn = OpenLocked();
  ASSERT_TRUE(conn);
  const Argv ten_args(10, "x");
  const std::string big(100000, 'v');
  ExpectReplies(
      *conn,
      {{ten_args, Error("ERR unknown command 'x', with args beginning with: "
                        "'x' 'x' 'x' 'x' 'x' 'x' 'x' 'x' 'x' ")},
       {{"AUTH", std::string(16384, 'p')},
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n"},
       {{"AUTH", kPassword}, kOk},
       {{"MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5"}, kOk},
       {{"SET", "big", big}, kOk},
       {{"STRLEN", "big"}, ":100000\r\n"},
       {{"RESET"}, "+RESET\r\n"}});
  conn->Send("*11\r\n");
  EXPECT_EQ(conn->ReadUntilClosed().data,
            "-ERR Protocol error: unauthenticated multibulk length\r\n");
}

// ---- CLIENT -----------------------------------------------------------------

TEST_F(HandshakeTest, ClientNameAndLibraryAttributes) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const std::string kBadName =
      "-ERR Client names cannot contain spaces, newlines or special "
      "characters.\r\n";
  ExpectReplies(
      *conn,
      {{{"CLIENT", "GETNAME"}, "$-1\r\n"},
       {{"CLIENT", "SETNAME", "web-1"}, kOk},
       {{"client", "getname"}, Bulk("web-1")},
       {{"CLIENT", "SETNAME", "two words"}, kBadName},
       {{"CLIENT", "SETNAME", "caf\xc3\xa9"}, kBadName},
       {{"CLIENT", "SETNAME", "tab\t"}, kBadName},
       {{"CLIENT", "GETNAME"}, Bulk("web-1")},
       {{"CLIENT", "SETNAME", ""}, kOk},
       {{"CLIENT", "GETNAME"}, "$-1\r\n"},
       {{"CLIENT", "SETNAME"},
        Error("ERR wrong number of arguments for 'client|setname' command")},
       {{"CLIENT", "SETINFO", "LIB-NAME", "mylib"}, kOk},
       {{"CLIENT", "SETINFO", "lib-ver", "1.2.3"}, kOk},
       {{"CLIENT", "SETINFO", "LIB-FOO", "x"},
        Error("ERR Unrecognized option 'LIB-FOO'")},
       {{"CLIENT", "SETINFO", "lib-name", "a b"},
        Error("ERR lib-name cannot contain spaces, newlines or special "
              "characters.")}});
  const std::string info = Raw(*conn, {"CLIENT", "INFO"});
  EXPECT_NE(info.find(" lib-name=mylib lib-ver=1.2.3\n"), std::string::npos)
      << Printable(info);
}

// Redis 7's field list, then 7.2's lib-name and lib-ver.
TEST_F(HandshakeTest, ClientInfoAndList) {
  auto conn = OpenProxy();
  auto other = OpenProxy();
  ASSERT_TRUE(conn && other);
  Raw(*other, {"CLIENT", "SETNAME", "other"});
  const int64_t id = ClientId(*conn);
  const int64_t other_id = ClientId(*other);
  const std::string line =
      "id=" + std::to_string(id) +
      " addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:" +
      std::to_string(cluster_->proxy_port()) +
      " fd=-1 name= age=\\d+ idle=\\d+ flags=N db=0 sub=0 psub=0 ssub=0 "
      "multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 "
      "oll=0 omem=0 tot-mem=0 events=r cmd=client\\|(info|list) "
      "user=default redir=-1 resp=2 lib-name= lib-ver=\n";
  const std::string info = Raw(*conn, {"CLIENT", "INFO"});
  EXPECT_TRUE(std::regex_match(info, std::regex("\\$\\d+\r\n" + line + "\r\n")))
      << Printable(info);
  const std::string list = Raw(*conn, {"CLIENT", "LIST"});
  EXPECT_TRUE(std::regex_search(list, std::regex(line))) << Printable(list);
  EXPECT_NE(list.find(" name=other "), std::string::npos) << Printable(list);
  const std::string by_id =
      Raw(*conn, {"CLIENT", "LIST", "ID", std::to_string(other_id), "999999"});
  EXPECT_NE(by_id.find("id=" + std::to_string(other_id) + " "),
            std::string::npos);
  EXPECT_EQ(by_id.find("id=" + std::to_string(id) + " "), std::string::npos);
  ExpectReplies(
      *conn,
      {{{"CLIENT", "LIST", "TYPE", "pubsub"}, Bulk("")},
       {{"CLIENT", "LIST", "TYPE", "x"}, Error("ERR Unknown client type 'x'")},
       {{"CLIENT", "LIST", "ID", "x"}, Error("ERR Invalid client ID")},
       {{"CLIENT", "LIST", "ID"}, Error("ERR syntax error")},
       {{"CLIENT", "INFO", "x"},
        Error("ERR wrong number of arguments for 'client|info' command")},
       {{"CLIENT", "KILL", "x"},
        Error("ERR unknown subcommand 'KILL'. Try CLIENT HELP.")},
       {{"client"},
        Error("ERR wrong number of arguments for 'client' "
              "command")}});
  const std::string typed = Raw(*conn, {"CLIENT", "LIST", "TYPE", "normal"});
  EXPECT_NE(typed.find(" name=other "), std::string::npos);
}

// ---- COMMAND ----------------------------------------------------------------

// The number of top-level elements of an array reply.
int64_t ArrayLength(std::string_view reply) {
  return reply.size() > 1 ? std::stoll(std::string(reply.substr(1))) : -1;
}

TEST_F(HandshakeTest, CommandIntrospectionListsWhatTheProxyAnswers) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const std::string count = Raw(*conn, {"COMMAND", "COUNT"});
  ASSERT_EQ(count[0], ':') << Printable(count);
  EXPECT_EQ(ArrayLength(Raw(*conn, {"COMMAND"})), std::stoll(count.substr(1)));
  EXPECT_EQ(ArrayLength(Raw(*conn, {"COMMAND", "INFO"})),
            std::stoll(count.substr(1)));
  const std::string list = Raw(*conn, {"COMMAND", "LIST"});
  for (const char* name : {"get", "set", "ping", "hello", "client",
                           "client|setinfo", "config|get", "command|docs"}) {
    EXPECT_NE(list.find(Bulk(name)), std::string::npos) << name;
  }
  // A command the proxy lacks is as absent as an unknown one in Redis.
  EXPECT_EQ(list.find(Bulk("lpush")), std::string::npos);
  ExpectReplies(
      *conn,
      {{{"COMMAND", "INFO", "lpush", "nosuch"}, "*2\r\n$-1\r\n$-1\r\n"},
       {{"COMMAND", "DOCS", "lpush"}, "*0\r\n"},
       {{"COMMAND", "LIST", "FILTERBY", "PATTERN", "conf*"},
        "*4\r\n" + Bulk("config") + Bulk("config|get") + Bulk("config|set") +
            Bulk("config|help")},
       {{"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}, "*0\r\n"},
       {{"COMMAND", "LIST", "FILTERBY", "BOGUS", "x"},
        Error("ERR syntax error")},
       {{"COMMAND", "COUNT", "x"},
        Error("ERR wrong number of arguments for 'command|count' command")},
       {{"COMMAND", "GETKEYS", "GET", "k"},
        Error("ERR unknown subcommand 'GETKEYS'. Try COMMAND HELP.")}});
}

// redis-cli builds its hints from COMMAND DOCS: argument types, tokens and
// flags nest as in Redis (the differential test compares the bytes).
TEST_F(HandshakeTest, CommandDocsOfASubcommand) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  ExpectReplies(
      *conn,
      {{{"COMMAND", "DOCS", "CLIENT|SETINFO"},
        "*2\r\n" + Bulk("client|setinfo") + "*10\r\n" + Bulk("summary") +
            Bulk("Set client or connection specific info") + Bulk("since") +
            Bulk("7.2.0") + Bulk("group") + Bulk("connection") +
            Bulk("complexity") + Bulk("O(1)") + Bulk("arguments") +
            "*1\r\n*6\r\n" + Bulk("name") + Bulk("attr") + Bulk("type") +
            Bulk("oneof") + Bulk("arguments") + "*2\r\n*6\r\n" + Bulk("name") +
            Bulk("libname") + Bulk("type") + Bulk("string") + Bulk("token") +
            Bulk("LIB-NAME") + "*6\r\n" + Bulk("name") + Bulk("libver") +
            Bulk("type") + Bulk("string") + Bulk("token") + Bulk("LIB-VER")}});
}

// ---- INFO, TIME, CONFIG
// -------------------------------------------------------

// The "# Title" lines of an INFO text, in order.
std::vector<std::string> SectionTitles(const std::string& info) {
  std::vector<std::string> titles;
  const std::regex title("# (\\w+)\r\n");
  for (auto it = std::sregex_iterator(info.begin(), info.end(), title);
       it != std::sregex_iterator(); ++it) {
    titles.push_back((*it)[1]);
  }
  return titles;
}

TEST_F(HandshakeTest, InfoSections) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const std::vector<std::string> kAll = {
      "Server",      "Clients", "Memory",  "Persistence", "Stats",
      "Replication", "CPU",     "Modules", "Cluster",     "Keyspace"};
  EXPECT_EQ(SectionTitles(Raw(*conn, {"INFO"})), kAll);
  EXPECT_EQ(SectionTitles(Raw(*conn, {"INFO", "everything"})), kAll);
  EXPECT_EQ(SectionTitles(Raw(*conn, {"INFO", "CLUSTER", "server"})),
            (std::vector<std::string>{"Server", "Cluster"}));
  EXPECT_EQ(Raw(*conn, {"INFO", "nosuch"}), "$0\r\n\r\n");
  const std::string server = Raw(*conn, {"INFO", "server"});
  for (const std::string& line :
       {"\r\nredis_version:7.0.15\r\n"s, "\r\nredis_mode:standalone\r\n"s,
        "\r\ntcp_port:" + std::to_string(cluster_->proxy_port()) + "\r\n",
        "\r\nuptime_in_days:0\r\n"s}) {
    EXPECT_NE(server.find(line), std::string::npos) << Printable(line);
  }
  // Two sections: one blank line between them, none at the end.
  const std::string two = Raw(*conn, {"INFO", "persistence", "replication"});
  EXPECT_NE(two.find("aof_last_write_status:ok\r\n\r\n# Replication\r\n"
                     "role:master\r\nconnected_slaves:0\r\n"),
            std::string::npos)
      << Printable(two);
  EXPECT_EQ(two.substr(two.size() - 4), "\r\n\r\n");
}

TEST_F(HandshakeTest, InfoClusterSection) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const std::string info = Raw(*conn, {"INFO", "cluster"});
  const std::string timeout =
      std::to_string(cluster_->options().request_timeout_ms);
  for (const std::string& line :
       {"# Cluster\r\ncluster_enabled:0\r\nreplication_factor:3\r\n"
        "read_quorum:2\r\nwrite_quorum:2\r\nrequest_timeout_ms:" +
            timeout + "\r\nsloppy_quorum:yes\r\nread_repair:blocking\r\n",
        "\r\nreplicas:3\r\nreplicas_up:3\r\n"s, "\r\nquorum_failures:"s}) {
    EXPECT_NE(info.find(line), std::string::npos)
        << Printable(line) << " in " << Printable(info, 2000);
  }
  const std::regex replica(
      "replica(\\d):id=r(\\d),addr=127\\.0\\.0\\.1:(\\d+),state=up,"
      "state_age_s=\\d+,in_flight=\\d+,refused=\\d+,waiting=\\d+\r\n");
  int replicas = 0;
  for (auto it = std::sregex_iterator(info.begin(), info.end(), replica);
       it != std::sregex_iterator(); ++it, ++replicas) {
    EXPECT_EQ(std::stoi((*it)[3]), cluster_->replica_port(replicas));
  }
  EXPECT_EQ(replicas, 3) << Printable(info);
}

TEST_F(HandshakeTest, Time) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const std::string reply = Raw(*conn, {"TIME"});
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      reply, m,
      std::regex("\\*2\r\n\\$\\d+\r\n(\\d+)\r\n\\$\\d+\r\n(\\d+)\r\n")))
      << Printable(reply);
  EXPECT_LE(std::abs(std::stoll(m[1]) - static_cast<long long>(time(nullptr))),
            5);
  EXPECT_LT(std::stoll(m[2]), 1000000);
  ExpectReplies(*conn, {{{"TIME", "x"},
                         Error("ERR wrong number of arguments for 'time' "
                               "command")}});
}

TEST_F(HandshakeTest, ConfigGetAnswersWhatClientsAsk) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const std::string port = std::to_string(cluster_->proxy_port());
  ExpectReplies(
      *conn,
      {{{"CONFIG", "GET", "save"}, "*2\r\n" + Bulk("save") + Bulk("")},
       // A plain name is echoed as written, as Redis does.
       {{"CONFIG", "GET", "APPENDONLY"},
        "*2\r\n" + Bulk("APPENDONLY") + Bulk("no")},
       {{"CONFIG", "GET", "databases", "port", "databases"},
        "*4\r\n" + Bulk("databases") + Bulk("1") + Bulk("port") + Bulk(port)},
       {{"CONFIG", "GET", "maxmemory*"},
        "*4\r\n" + Bulk("maxmemory") + Bulk("0") + Bulk("maxmemory-policy") +
            Bulk("noeviction")},
       {{"CONFIG", "GET", "*max-*-entries*"}, "*0\r\n"},
       {{"CONFIG", "GET", "write-quor?m"},
        "*2\r\n" + Bulk("write-quorum") + Bulk("2")},
       {{"HELLO", "3"}, HelloMap(3, ClientId(*conn))},
       {{"CONFIG", "GET", "timeout"}, "%1\r\n" + Bulk("timeout") + Bulk("0")},
       {{"CONFIG", "GET"},
        Error("ERR wrong number of arguments for 'config|get' command")}});
}

TEST_F(HandshakeTest, ConfigSetIsRefused) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  ExpectReplies(
      *conn,
      {{{"CONFIG", "SET", "maxmemory", "1mb"},
        Error("ERR CONFIG SET is not supported by leaderless: set 'maxmemory' "
              "in the configuration file and restart the proxy")},
       {{"CONFIG", "SET", "nosuch", "1"},
        Error("ERR Unknown option or number of arguments for CONFIG SET - "
              "'nosuch'")},
       {{"CONFIG", "SET", "a", "b", "c"}, Error("ERR syntax error")},
       {{"CONFIG", "SET", "save"},
        Error("ERR wrong number of arguments for 'config|set' command")},
       {{"CONFIG", "RESETSTAT"},
        Error("ERR unknown subcommand 'RESETSTAT'. Try CONFIG HELP.")},
       {{"CONFIG", "GET", "maxmemory"},
        "*2\r\n" + Bulk("maxmemory") + Bulk("0")}});
}

// ---- What leaderless does not support
// ------------------------------------------

// Pub/sub, scripting, blocking commands and other data types get Redis's
// unknown-command error (clients match its text), and the connection stays
// usable.
TEST_F(HandshakeTest, UnsupportedCommandsAnswerRedisUnknownCommandError) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  const std::vector<Argv> kUnsupported = {
      {"SUBSCRIBE", "c"},  {"PUBLISH", "c", "m"}, {"EVAL", "return 1", "0"},
      {"BLPOP", "l", "0"}, {"LPUSH", "l", "v"},   {"HSET", "h", "f", "v"},
      {"MONITOR"},         {"WAIT", "1", "0"}};
  for (const Argv& argv : kUnsupported) {
    std::string args;
    for (size_t i = 1; i < argv.size(); ++i) args += "'" + argv[i] + "' ";
    ExpectReplies(*conn,
                  {{argv, Error("ERR unknown command '" + argv[0] +
                                "', with args beginning with: " + args)}});
  }
  ExpectReplies(*conn, {{{"PING"}, "+PONG\r\n"}});
}

// ---- RESP3
// ----------------------------------------------------------------------

// After HELLO 3 the commands of the proxy use RESP3's types; the string and
// keyspace commands too (nulls).
TEST_F(HandshakeTest, Resp3ReplyShapes) {
  auto conn = OpenProxy();
  ASSERT_TRUE(conn);
  Raw(*conn, {"HELLO", "3"});
  ExpectReplies(
      *conn,
      {{{"GET", "resp3:missing"}, "_\r\n"},
       {{"MGET", "resp3:missing"}, "*1\r\n_\r\n"},
       {{"CLIENT", "GETNAME"}, "_\r\n"},
       {{"COMMAND", "INFO", "nosuch"}, "*1\r\n_\r\n"},
       {{"CONFIG", "GET", "appendonly"},
        "%1\r\n" + Bulk("appendonly") + Bulk("no")},
       {{"COMMAND", "DOCS", "echo"},
        "%1\r\n" + Bulk("echo") + "%5\r\n" + Bulk("summary") +
            Bulk("Echo the given string") + Bulk("since") + Bulk("1.0.0") +
            Bulk("group") + Bulk("connection") + Bulk("complexity") +
            Bulk("O(1)") + Bulk("arguments") + "*1\r\n%2\r\n" + Bulk("name") +
            Bulk("message") + Bulk("type") + Bulk("string")},
       {{"INFO", "nosuch"}, "=4\r\ntxt:\r\n"},
       {{"CLIENT", "LIST", "ID", "0"}, "=4\r\ntxt:\r\n"}});
  const std::string info = Raw(*conn, {"INFO", "replication"});
  EXPECT_TRUE(std::regex_search(
      info, std::regex("^=\\d+\r\ntxt:# Replication\r\nrole:master\r\n")))
      << Printable(info);
}

}  // namespace
}  // namespace leaderless::test
