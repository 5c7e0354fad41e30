// Test harness for the integration tests: starts real leaderless-replica and
// leaderless-proxy processes (and, for comparisons, a real redis-server) on
// ephemeral 127.0.0.1 ports, each replica with its own temp data folder and
// all of them with generated config files in redis.conf syntax; talks to
// them with hiredis, raw sockets and redis-cli.
//
//   Cluster ──writes──▶ tmp/cluster.conf (replica lines, N R W, timeout)
//      │                tmp/replica.conf, tmp/proxy<i>.conf (include it)
//      ├─ Process × M: leaderless-replica replica.conf --replica-id rI
//      │               --dir tmp/rI        (output → tmp/rI.log)
//      └─ Process × P: leaderless-proxy proxy<i>.conf (→ tmp/proxy<i>.log)
//
// Readiness is always polled (connect + PING, then INFO until the proxy sees
// its replicas up), never waited for with a fixed sleep. A Cluster kills
// every process it started when destroyed, reports processes that died
// without being told to, and prints their logs when the test failed.
//
// Processes are started with fork/exec from the calling thread and die with
// it (PR_SET_PDEATHSIG): call the process functions from the test's main
// thread only.

#pragma once

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace leaderless::test {

using Millis = std::chrono::milliseconds;

// How long anything that should happen "soon" may take before a test
// declares it failed: generous, for a slow, sanitized, shared CI machine.
inline constexpr Millis kDeadline{30000};

// Calls `predicate` every `interval` until it returns true (true) or
// `deadline` has passed (false).
bool WaitUntil(const std::function<bool()>& predicate,
               Millis deadline = kDeadline, Millis interval = Millis(20));

// A 127.0.0.1 TCP port that was free a moment ago (bound to port 0, read
// back, closed). Another process may take it meanwhile: callers retry.
int PickFreePort();

// An IPv4 address of this machine that is not loopback (an interface's
// that is up), or "" if it has none. Connecting to it from here makes a
// client whose address is not loopback, without any privilege.
std::string NonLoopbackIpv4();

// A fresh folder from mkdtemp, removed with its contents on destruction
// (kept when the environment sets LEADERLESS_KEEP_TMP).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path()/name, written with `text`.
  std::string WriteFile(const std::string& name, std::string_view text) const;

 private:
  std::string path_;
};

// The last 16 KiB of the file at `path`, or "(no log)".
std::string ReadLogTail(const std::string& path);

// ---- Processes --------------------------------------------------------------

// A child process whose stdout and stderr are appended to a log file.
// Killed with SIGKILL (and reaped) on destruction if still running.
class Process {
 public:
  // Starts argv[0] (a path) with `argv`, in this process's environment plus
  // `env` ("NAME=value" each). nullptr if fork() fails.
  static std::unique_ptr<Process> Start(
      const std::vector<std::string>& argv, const std::string& log_path,
      const std::vector<std::string>& env = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // False once the process has exited (it is then reaped).
  bool Running();
  // Sends `sig` if still running.
  void Signal(int sig);
  // SIGKILL, then reaps it.
  void Kill();
  // Waits for the exit; false if still running at the deadline.
  bool WaitExit(Millis deadline = kDeadline);
  // After an exit: "exit code 3", "killed by signal 9".
  std::string DescribeExit() const;
  bool ExitedWithCode(int code) const;

 private:
  explicit Process(pid_t pid) : pid_(pid) {}
  bool Reap(bool block);

  pid_t pid_;
  bool exited_ = false;
  int wait_status_ = 0;
};

// Waits until `process` answers PING on `port` (and INFO names its pid, so
// another process on that port does not count; INFO after AUTH `password`
// if not empty); fails if it exits first or the deadline passes.
::testing::AssertionResult WaitForPing(Process& process, int port,
                                       const std::string& password = "");

struct CommandResult {
  bool timed_out = false;
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs `argv` to completion with `input` on its stdin, capturing stdout and
// stderr. A process still running at `timeout` is killed (timed_out).
CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::string_view input = {},
                         Millis timeout = kDeadline);

// /usr/bin/redis-cli -h 127.0.0.1 -p `port` `args...`, stdin from `input`.
CommandResult RunRedisCli(int port, const std::vector<std::string>& args,
                          std::string_view input = {});

// ---- Clients ----------------------------------------------------------------

// A reply, copied out of hiredis. kIoError stands for "no reply": the
// connection failed, closed or timed out (str holds hiredis's reason).
struct Reply {
  enum class Type {
    kStatus,
    kError,
    kInteger,
    kString,
    kNil,
    kArray,
    kIoError
  };
  Type type = Type::kNil;
  std::string str;
  long long integer = 0;
  std::vector<Reply> elements;

  static Reply Of(Type type, std::string s = {}, long long n = 0) {
    Reply r;
    r.type = type;
    r.str = std::move(s);
    r.integer = n;
    return r;
  }
  static Reply Status(std::string s) { return Of(Type::kStatus, std::move(s)); }
  static Reply Error(std::string s) { return Of(Type::kError, std::move(s)); }
  static Reply String(std::string s) { return Of(Type::kString, std::move(s)); }
  static Reply Integer(long long n) { return Of(Type::kInteger, {}, n); }
  static Reply Nil() { return {}; }
  static Reply Array(std::vector<Reply> e) {
    Reply r = Of(Type::kArray);
    r.elements = std::move(e);
    return r;
  }

  bool IsError(std::string_view prefix = {}) const {
    return type == Type::kError && str.starts_with(prefix);
  }
  bool operator==(const Reply&) const = default;
};
// For gtest messages: type and content, binary bytes escaped, long strings
// cut.
void PrintTo(const Reply& reply, std::ostream* os);
// `bytes` with control and non-ASCII bytes as \xHH, cut to `max` bytes.
std::string Printable(std::string_view bytes, size_t max = 200);

// A blocking hiredis connection. Every call gives up after the command
// timeout, so a server that hangs fails the test instead of blocking it.
class RedisClient {
 public:
  // nullptr if the connection fails; `error` (if given) says why.
  static std::unique_ptr<RedisClient> Connect(int port,
                                              Millis timeout = kDeadline,
                                              std::string* error = nullptr);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends one command (binary-safe argv) and waits for its reply.
  Reply Command(const std::vector<std::string>& argv);
  // Pipelining: Append() queues commands, Read() returns their replies in
  // order (the first Read() sends everything queued).
  void Append(const std::vector<std::string>& argv);
  Reply Read();

 private:
  explicit RedisClient(redisContext* context) : context_(context) {}
  redisContext* context_;
};

// A plain TCP connection for bytes no client library would send.
class RawConnection {
 public:
  // Connects to `host` (an IPv4 address). `receive_buffer` > 0 shrinks
  // SO_RCVBUF before connecting, so a client that does not read fills its
  // window early. nullptr on failure.
  static std::unique_ptr<RawConnection> Connect(
      int port, int receive_buffer = 0, const std::string& host = "127.0.0.1");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Writes all of `bytes`; false if the peer closed or reset.
  bool Send(std::string_view bytes);
  // Reads until `count` complete RESP replies arrived and returns exactly
  // their bytes (later bytes are kept for the next read); if the peer closes
  // or the deadline passes first, returns what came.
  std::string ReadReplies(size_t count, Millis deadline = kDeadline);

  struct Drained {
    std::string data;  // everything read before the close
    bool closed;       // false: still open at the deadline
  };
  // Reads until the peer closes (EOF or reset).
  Drained ReadUntilClosed(Millis deadline = kDeadline);

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  int fd_;
  std::string buffered_;  // received, not yet returned
};

// `argv` in RESP multibulk form, as a client sends it.
std::string RespCommand(const std::vector<std::string>& argv);

// The length of the first complete RESP reply in `data`, or 0 if `data`
// does not hold a complete one yet.
size_t RespReplyLength(std::string_view data);

// ---- Servers ----------------------------------------------------------------

// The replica-password of a Cluster unless its options say otherwise, so
// that the authenticated internal links are what most tests run over.
inline constexpr char kReplicaPassword[] = "harness replica secret";

struct ClusterOptions {
  int replicas = 3;
  int replication_factor = 3;
  int read_quorum = 2;
  int write_quorum = 2;
  // Generous: a test about anything but timeouts must not fail because a
  // loaded, sanitized CI machine took a second to move an 8 MiB value.
  int request_timeout_ms = 10000;
  int proxies = 1;
  // Written to secret.conf (mode 0600; no quotes or backslashes), which
  // every process's file includes; "" writes none, and the replicas then
  // accept loopback clients only.
  std::string replica_password = kReplicaPassword;
  // Extra config lines, in redis.conf syntax. Proxy and replica lines come
  // after the include of secret.conf, so they may override it.
  std::vector<std::string> cluster_lines;  // every process
  std::vector<std::string> proxy_lines;    // proxies only
  std::vector<std::string> replica_lines;  // replicas only
};

// M replicas and P proxies, started by Start().
class Cluster {
 public:
  explicit Cluster(ClusterOptions options = {});
  // Kills every process; reports processes that died unbidden; prints the
  // logs if the current test has failed.
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Starts the replicas, then the proxies, and waits until every proxy
  // answers PING and sees every replica up. Picks new ports and starts over
  // if a process could not start (e.g. its port was taken meanwhile).
  ::testing::AssertionResult Start();

  int proxy_port(int i = 0) const { return proxies_[i].port; }
  int replica_port(int i) const { return replicas_[i].port; }
  static std::string ReplicaId(int i) { return "r" + std::to_string(i + 1); }
  const std::string& dir() const { return tmp_.path(); }
  const ClusterOptions& options() const { return options_; }

  std::unique_ptr<RedisClient> ConnectProxy(int i = 0) const;
  // Connects to replica `i` and authenticates with its replica-password,
  // if it has one; nullptr if either fails.
  std::unique_ptr<RedisClient> ConnectReplica(int i) const;

  // Moves the wall clock of replica (proxy) `i` by `offset_s` seconds
  // (0: the real clock again) from its next start or restart on. The
  // monotonic clock stays real. Done with libfaketime preloaded into that
  // one process (Debian's faketime package): nothing in the product knows.
  void SetReplicaClock(int i, double offset_s);
  void SetProxyClock(int i, double offset_s);
  // Gives replica `i` a replica-password of its own (a command-line
  // override of secret.conf's) from its next start or restart on; the
  // harness then authenticates to it with that one.
  void SetReplicaPassword(int i, const std::string& password);

  // kill -9, reaped.
  void KillReplica(int i);
  void KillProxy(int i = 0);
  // SIGSTOP / SIGCONT.
  void PauseReplica(int i);
  void ResumeReplica(int i);
  // Starts replica `i` again on its port and data folder and waits until it
  // answers PING. Requires: it is not running.
  ::testing::AssertionResult RestartReplica(int i);
  // The same for proxy `i` (it may not see its replicas up yet).
  ::testing::AssertionResult RestartProxy(int i = 0);
  // SIGTERM; success if it exits with code 0 before the deadline.
  ::testing::AssertionResult TerminateReplica(int i);
  ::testing::AssertionResult TerminateProxy(int i = 0);

  // Waits until proxy `proxy`'s INFO lists exactly `count` replicas up.
  ::testing::AssertionResult WaitForReplicasUp(int count, int proxy = 0);

  // The tail of every process's log, for failure messages.
  std::string Logs() const;

 private:
  struct Node {
    std::string name;  // "r1", "proxy0": also the log and config file name
    int port = 0;
    std::vector<std::string> argv;
    std::vector<std::string> env;  // added to the test's, at every start
    std::string password;          // AUTH before INFO, when not empty
    std::unique_ptr<Process> process;
    bool expect_running = false;  // false once told to stop or die
    bool paused = false;          // SIGSTOPped by PauseReplica()
  };

  void PickPorts();
  void WriteConfigs();
  ::testing::AssertionResult StartAll();
  void StopAll();
  ::testing::AssertionResult Launch(Node& node);
  ::testing::AssertionResult Terminate(Node& node);
  ::testing::AssertionResult Relaunch(Node& node);
  void CheckAlive();

  ClusterOptions options_;
  TempDir tmp_;
  std::vector<Node> replicas_;
  std::vector<Node> proxies_;
};

// A suite whose tests share one cluster (3 replicas, appendfsync no) and
// each get a new proxy connection, client_.
class SharedClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ClusterOptions options;
    options.replica_lines = {"appendfsync no"};
    cluster_ = std::make_unique<Cluster>(options);
    started_ = cluster_->Start();
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(started_);
    client_ = cluster_->ConnectProxy();
    ASSERT_TRUE(client_);
  }

  static inline std::unique_ptr<Cluster> cluster_;
  static inline ::testing::AssertionResult started_ =
      ::testing::AssertionFailure();
  std::unique_ptr<RedisClient> client_;
};

// A stock redis-server (/usr/bin/redis-server) without persistence, to
// compare replies with.
class RealRedis {
 public:
  RealRedis() = default;
  ~RealRedis() = default;

  // False (with `why`) if redis-server is missing or does not start.
  // `args` ("--directive", "value"...) come after the harness's own, so
  // they override them.
  bool Start(std::string* why, const std::vector<std::string>& args = {});
  int port() const { return port_; }

 private:
  TempDir tmp_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace leaderless::test
