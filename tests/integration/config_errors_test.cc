// Both executables refuse a bad configuration at startup: a non-zero exit
// and one stderr line that names the program, the file and line (for
// errors on a line) and the directive. `--directive value` arguments
// override the file, and may even carry the cluster description.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"

namespace leaderless::test {
namespace {

struct Binary {
  std::string name;
  std::string path;
  // Lines that make a valid config together with the cluster lines.
  std::string role_lines;
};

class ConfigErrorsTest : public ::testing::Test {
 protected:
  ConfigErrorsTest()
      : replica_port_(PickFreePort()),
        proxy_{"leaderless-proxy", LEADERLESS_PROXY_BIN,
               "proxy-id 1\nbind 127.0.0.1\nport " +
                   std::to_string(PickFreePort()) + "\n"},
        replica_{"leaderless-replica", LEADERLESS_REPLICA_BIN,
                 "replica-id r1\ndir " + tmp_.path() + "/data\n"} {}

  // The logs of the processes a test started, when it failed.
  void TearDown() override {
    if (!HasFailure()) return;
    for (const char* name : {"r1.log", "proxy.log"}) {
      std::cerr << "== " << name << " ==\n"
                << ReadLogTail(tmp_.path() + "/" + name);
    }
  }

  // Lines 1-4: a one-replica cluster description.
  std::string ClusterLines() const {
    return "replica r1 127.0.0.1:" + std::to_string(replica_port_) +
           "\nreplication-factor 1\nread-quorum 1\nwrite-quorum 1\n";
  }

  // Runs `binary` on a file holding `text`, with `args` after it, and
  // expects it to fail with one stderr line holding every one of `parts`.
  void ExpectRejected(const Binary& binary, const std::string& text,
                      const std::vector<std::string>& parts,
                      const std::vector<std::string>& args = {}) {
    const std::string file = tmp_.WriteFile("bad.conf", text);
    std::vector<std::string> argv = {binary.path, file};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult r = RunCommand(argv);
    SCOPED_TRACE(binary.name + " on:\n" + text);
    ASSERT_FALSE(r.timed_out) << "it started instead of failing";
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(r.err.starts_with(binary.name + ": ")) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    for (const std::string& part : parts) {
      EXPECT_NE(r.err.find(part), std::string::npos)
          << "no \"" << part << "\" in: " << r.err;
    }
  }

  TempDir tmp_;
  int replica_port_;
  Binary proxy_;
  Binary replica_;
};

TEST_F(ConfigErrorsTest, UnknownDirective) {
  for (const Binary* b : {&proxy_, &replica_}) {
    ExpectRejected(*b, ClusterLines() + "frobnicate yes\n" + b->role_lines,
                   {tmp_.path() + "/bad.conf:5: unknown directive "
                                  "'frobnicate'"});
  }
}

TEST_F(ConfigErrorsTest, BadValues) {
  const std::pair<std::string, std::string> kCases[] = {
      {"write-quorum two",
       "bad.conf:5: 'write-quorum': \"two\" is not an integer"},
      {"request-timeout-ms 0",
       "bad.conf:5: 'request-timeout-ms': 0 is out of range"},
      {"appendfsync sometimes",
       "bad.conf:5: 'appendfsync': \"sometimes\" is not one of"},
      {"replication-factor", "bad.conf:5: 'replication-factor': expected <n>"},
      {"replica r2 localhost",
       "bad.conf:5: 'replica': expected <id> <host>:<port>"},
      {"client-query-buffer-limit 1zb",
       "bad.conf:5: 'client-query-buffer-limit': \"1zb\" is not a memory"},
  };
  for (const Binary* b : {&proxy_, &replica_}) {
    for (const auto& [line, error] : kCases) {
      ExpectRejected(*b, ClusterLines() + line + "\n" + b->role_lines,
                     {tmp_.path() + "/" + error});
    }
  }
}

// The role's own id is the one thing the shared cluster file cannot hold.
TEST_F(ConfigErrorsTest, MissingIds) {
  ExpectRejected(proxy_, ClusterLines() + "port 0\n",
                 {"'proxy-id' is missing"});
  ExpectRejected(replica_, ClusterLines(), {"'replica-id' is missing"});
  ExpectRejected(replica_, ClusterLines() + "replica-id r9\n",
                 {"'replica-id' r9 does not name a 'replica' line"});
}

TEST_F(ConfigErrorsTest, QuorumLargerThanReplicationFactor) {
  for (const Binary* b : {&proxy_, &replica_}) {
    ExpectRejected(*b, ClusterLines() + "write-quorum 2\n" + b->role_lines,
                   {"'write-quorum' 2 is larger than 'replication-factor' 1"});
    ExpectRejected(*b, ClusterLines() + b->role_lines,
                   {"'read-quorum' 3 is larger than 'replication-factor' 1"},
                   {"--read-quorum", "3"});
  }
}

TEST_F(ConfigErrorsTest, MissingFiles) {
  for (const Binary* b : {&proxy_, &replica_}) {
    const std::string missing = tmp_.path() + "/nonexistent.conf";
    ExpectRejected(*b, "# the cluster\ninclude nonexistent.conf\n",
                   {"bad.conf:2: 'include': cannot read config file '" +
                    missing + "': No such file or directory"});
    CommandResult r = RunCommand({b->path, tmp_.path() + "/nowhere.conf"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_EQ(r.err, b->name + ": cannot read config file '" + tmp_.path() +
                         "/nowhere.conf': No such file or directory\n");
    r = RunCommand({b->path});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("usage: " + b->name + " FILE"), std::string::npos)
        << r.err;
  }
}

TEST_F(ConfigErrorsTest, BadCommandLineOverrides) {
  for (const Binary* b : {&proxy_, &replica_}) {
    const std::string valid = ClusterLines() + b->role_lines;
    ExpectRejected(*b, valid,
                   {"command line: 'port': \"abc\" is not an integer"},
                   {"--port", "abc"});
    ExpectRejected(*b, valid, {"command line: unknown directive 'frobnicate'"},
                   {"--frobnicate", "1"});
    ExpectRejected(*b, valid, {"\"port\" comes before any --directive"},
                   {"port", "7000"});
  }
}

// A later `--port` replaces the file's port, and `--write-quorum` repairs
// an invalid value from the file: overrides apply after the file.
TEST_F(ConfigErrorsTest, OverridesReplaceFileValues) {
  const int port = PickFreePort();
  const std::string file = tmp_.WriteFile(
      "proxy.conf", ClusterLines() + proxy_.role_lines + "write-quorum 7\n");
  auto proxy = Process::Start({proxy_.path, file, "--port",
                               std::to_string(port), "--write-quorum", "1"},
                              tmp_.path() + "/proxy.log");
  ASSERT_TRUE(proxy);
  ASSERT_TRUE(WaitForPing(*proxy, port));
  auto client = RedisClient::Connect(port);
  ASSERT_TRUE(client);
  Reply info = client->Command({"INFO"});
  EXPECT_NE(info.str.find("\r\ntcp_port:" + std::to_string(port) + "\r\n"),
            std::string::npos)
      << info.str;
  EXPECT_NE(info.str.find("\r\nwrite_quorum:1\r\n"), std::string::npos)
      << info.str;
  proxy->Signal(SIGTERM);
  ASSERT_TRUE(proxy->WaitExit());
  EXPECT_TRUE(proxy->ExitedWithCode(0)) << proxy->DescribeExit();
}

// A port already taken (here by a listening socket of the test): each
// executable says so in one line and exits non-zero, having closed what it
// opened (under AddressSanitizer a leak would add a report to stderr).
TEST_F(ConfigErrorsTest, PortInUse) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string taken = std::to_string(ntohs(addr.sin_port));
  ExpectRejected(replica_,
                 "replica r1 127.0.0.1:" + taken +
                     "\nreplication-factor 1\nread-quorum 1\n"
                     "write-quorum 1\n" +
                     replica_.role_lines,
                 {"cannot listen", taken, "address already in use"});
  ExpectRejected(proxy_, ClusterLines() + proxy_.role_lines,
                 {"cannot listen", taken, "address already in use"},
                 {"--port", taken});
  close(fd);
}

// The whole cluster description on the command line, the file holding
// nothing but a comment: one replica and one proxy that serve requests.
TEST_F(ConfigErrorsTest, ReplicaLinesOnTheCommandLine) {
  const std::string empty = tmp_.WriteFile("empty.conf", "# nothing here\n");
  const std::vector<std::string> cluster = {
      "--replica",
      "r1",
      "127.0.0.1:" + std::to_string(replica_port_),
      "--replication-factor",
      "1",
      "--read-quorum",
      "1",
      "--write-quorum",
      "1"};
  std::vector<std::string> replica_argv = {
      replica_.path, empty, "--replica-id", "r1", "--dir", tmp_.path() + "/r1"};
  replica_argv.insert(replica_argv.end(), cluster.begin(), cluster.end());
  const int proxy_port = PickFreePort();
  std::vector<std::string> proxy_argv = {
      proxy_.path, empty,    "--proxy-id",
      "1",         "--port", std::to_string(proxy_port)};
  proxy_argv.insert(proxy_argv.end(), cluster.begin(), cluster.end());

  auto replica = Process::Start(replica_argv, tmp_.path() + "/r1.log");
  ASSERT_TRUE(replica);
  ASSERT_TRUE(WaitForPing(*replica, replica_port_));
  auto proxy = Process::Start(proxy_argv, tmp_.path() + "/proxy.log");
  ASSERT_TRUE(proxy);
  ASSERT_TRUE(WaitForPing(*proxy, proxy_port));
  auto client = RedisClient::Connect(proxy_port);
  ASSERT_TRUE(client);
  EXPECT_TRUE(WaitUntil([&] {
    return client->Command({"SET", "k", "v"}) == Reply::Status("OK");
  }));
  EXPECT_EQ(client->Command({"GET", "k"}), Reply::String("v"));
}

}  // namespace
}  // namespace leaderless::test
