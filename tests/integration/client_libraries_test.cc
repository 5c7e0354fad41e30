// Real clients against the proxy: redis-cli (arguments, piped stdin, an
// interactive session in a pseudo-terminal, --pipe mass insertion),
// Debian's python3-redis (redis-py 4, RESP2) and, from the npm registry,
// ioredis 6 and node-redis 6, which connect with HELLO 3 by default. Each
// runs against a proxy without a password and one with `requirepass`. The
// client programs are in tests/integration/clients/; hiredis is driven by
// the harness itself.

#include <unistd.h>

#include <regex>
#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/password_proxy.h"

namespace leaderless::test {
namespace {

constexpr char kClients[] = LEADERLESS_CLIENTS_DIR;

// Output as printed, with terminal escape sequences and carriage returns
// removed, so that what redis-cli drew can be searched as text.
std::string PlainText(const std::string& terminal) {
  static const std::regex kEscape("\x1b\\[[0-9;]*[A-Za-z]");
  std::string text = std::regex_replace(terminal, kEscape, "");
  std::erase(text, '\r');
  return text;
}

class ClientLibrariesTest : public PasswordClusterTest {
 protected:
  static int port() { return cluster_->proxy_port(); }

  // redis-cli's stdout; a non-zero exit fails the test.
  static std::string Cli(int port, const std::vector<std::string>& args,
                         std::string_view input = {}) {
    CommandResult r = RunRedisCli(port, args, input);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // Runs a program of tests/integration/clients, which prints "ok".
  static void ExpectClientProgramPasses(const std::vector<std::string>& argv) {
    CommandResult r = RunCommand(argv);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, "ok\n") << r.err;
  }
};

// ---- redis-cli
// ----------------------------------------------------------------

TEST_F(ClientLibrariesTest, RedisCliArguments) {
  EXPECT_EQ(Cli(port(), {"PING"}), "PONG\n");
  EXPECT_EQ(Cli(port(), {"SET", "cli:k", "two words"}), "OK\n");
  EXPECT_EQ(Cli(port(), {"GET", "cli:k"}), "two words\n");
  EXPECT_EQ(Cli(port(), {"--no-raw", "GET", "cli:missing"}), "(nil)\n");
  EXPECT_EQ(Cli(port(), {"CONFIG", "GET", "appendonly"}), "appendonly\nno\n");
  EXPECT_EQ(Cli(port(), {"SELECT", "1"}), "ERR DB index is out of range\n\n");
  // -3: the session starts with HELLO 3; maps print as key/value lines.
  EXPECT_EQ(Cli(port(), {"-3", "CONFIG", "GET", "save"}), "save \n");
  const std::string hello = Cli(port(), {"-3", "HELLO"});
  EXPECT_EQ(hello.substr(0, hello.find("id ")),
            "server redis\nversion 7.0.15\nproto 3\n");
  const std::string info = Cli(port(), {"INFO", "server"});
  EXPECT_EQ(info.substr(0, 31), "# Server\r\nredis_version:7.0.15\r");
}

TEST_F(ClientLibrariesTest, RedisCliWithPassword) {
  const int locked = locked_->port();
  EXPECT_EQ(Cli(locked, {"GET", "cli:k"}),
            "NOAUTH Authentication required.\n\n");
  EXPECT_EQ(Cli(locked, {"-a", kPassword, "--no-auth-warning", "PING"}),
            "PONG\n");
  EXPECT_EQ(Cli(locked, {"--user", "default", "--pass", kPassword,
                         "--no-auth-warning", "-3", "ECHO", "x"}),
            "x\n");
  CommandResult wrong =
      RunRedisCli(locked, {"-a", "wrong", "--no-auth-warning", "PING"});
  EXPECT_EQ(wrong.err,
            "AUTH failed: WRONGPASS invalid username-password pair or user "
            "is disabled.\n");
  EXPECT_EQ(wrong.out, "NOAUTH Authentication required.\n\n");
}

// One connection for every line of stdin, so state (protocol, name) carries
// from one command to the next.
TEST_F(ClientLibrariesTest, RedisCliPipedStdin) {
  const std::string out =
      Cli(port(), {},
          "CLIENT SETNAME piped\nCLIENT GETNAME\nSET cli:p \"a b\"\n"
          "GET cli:p\nHELLO 3\nGET cli:nokey\nCONFIG GET save\nECHO done\n");
  EXPECT_TRUE(std::regex_match(
      out, std::regex("OK\npiped\nOK\na b\nserver redis\nversion 7\\.0\\.15\n"
                      "proto 3\nid \\d+\nmode standalone\nrole master\n"
                      "modules \n\nsave \ndone\n")))
      << out;
}

// redis-cli in a terminal: it reads COMMAND DOCS at startup and draws each
// command's arguments as a hint while it is typed. Redis 7.0's redis-cli has
// no built-in help for CLIENT SETINFO: its hint can only come from the
// proxy's COMMAND DOCS.
TEST_F(ClientLibrariesTest, RedisCliInteractive) {
  CommandResult r = RunCommand(
      {"/usr/bin/python3", std::string(kClients) + "/redis_cli_interactive.py",
       std::to_string(port()), "CLIENT SETINFO lib-name cli", "SET cli:i 1",
       "GET cli:i", "HELLO 3", "CLIENT INFO"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = PlainText(r.out);
  for (const char* expected :
       {"CLIENT SETINFO LIB-NAME libname|LIB-VER libver",
        "SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|"
        "EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]",
        "\nOK\n", "\n\"1\"\n", "1# \"server\" => \"redis\"\n",
        "3# \"proto\" => (integer) 3\n", " resp=3 lib-name=cli lib-ver=\n"}) {
    EXPECT_NE(text.find(expected), std::string::npos)
        << "missing: " << expected << "\n"
        << text;
  }
}

// redis-cli --pipe: raw RESP for 10,000 commands, answered in order.
TEST_F(ClientLibrariesTest, RedisCliPipeMassInsert) {
  constexpr int kCommands = 10000;
  std::string input;
  for (int i = 0; i < kCommands - 1; ++i) {
    input += EncodeCommand(
        {"SET", "mass:" + std::to_string(i), "value " + std::to_string(i)});
  }
  input += EncodeCommand({"INCRBY", "mass:counter", "7"});
  CommandResult r = RunRedisCli(port(), {"--pipe"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("errors: 0, replies: " + std::to_string(kCommands)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Cli(port(), {"MGET", "mass:0", "mass:9998", "mass:counter"}),
            "value 0\nvalue 9998\n7\n");
}

// ---- python3-redis
// ---------------------------------------------------------------

TEST_F(ClientLibrariesTest, PythonRedis) {
  const std::string script = std::string(kClients) + "/redis_py_check.py";
  ExpectClientProgramPasses(
      {"/usr/bin/python3", script, std::to_string(port())});
  ExpectClientProgramPasses(
      {"/usr/bin/python3", script, std::to_string(locked_->port()), kPassword});
}

// ---- Node.js
// --------------------------------------------------------------------

TEST_F(ClientLibrariesTest, NodeClientsWithResp3) {
  if (RunCommand({"/usr/bin/env", "node", "--version"}).exit_code != 0) {
    GTEST_SKIP() << "node is not installed (scripts/install-deps.sh "
                    "installs Debian's nodejs)";
  }
  const std::string dir(kClients);
  ASSERT_EQ(access((dir + "/node_modules/ioredis").c_str(), F_OK), 0)
      << "the Node.js clients are not installed: run `npm ci` in " << dir
      << " (scripts/test.sh does)";
  const std::string script = dir + "/node_clients_check.js";
  ExpectClientProgramPasses(
      {"/usr/bin/env", "node", script, std::to_string(port())});
  ExpectClientProgramPasses({"/usr/bin/env", "node", script,
                             std::to_string(locked_->port()), kPassword});
}

}  // namespace
}  // namespace leaderless::test
