#include "tests/integration/cluster_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace leaderless::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kRedisCli[] = "/usr/bin/redis-cli";
constexpr char kRedisServer[] = "/usr/bin/redis-server";
constexpr int kStartAttempts = 3;

// Writing to a socket the server closed must fail with EPIPE, not kill the
// test binary. Children get the default disposition back before exec.
const bool kSigpipeIgnored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

// Milliseconds left until `end`, for poll(); 0 once it passed.
int MillisLeft(Clock::time_point end) {
  auto left = std::chrono::duration_cast<Millis>(end - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
}

// The environment of this process with `extra` ("NAME=value") added, a
// name in `extra` replacing the inherited one; the strings live in `out`.
std::vector<char*> ExecEnv(const std::vector<std::string>& extra,
                           std::vector<std::string>* out) {
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('=') + 1);
    bool replaced =
        std::any_of(extra.begin(), extra.end(),
                    [&](const std::string& x) { return x.starts_with(name); });
    if (!replaced) out->emplace_back(entry);
  }
  out->insert(out->end(), extra.begin(), extra.end());
  std::vector<char*> envp;
  for (std::string& e : *out) envp.push_back(e.data());
  envp.push_back(nullptr);
  return envp;
}

// argv as execv wants it; the strings must outlive the result.
std::vector<char*> ExecArgv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

// In a forked child (async-signal-safe calls only): die with the parent,
// take `in`, `out`, `err` as fds 0-2, close everything else (sockets of the
// test's clients must not outlive them in a server), restore the signals
// the test changed, and exec. Never returns.
[[noreturn]] void ExecChild(pid_t parent, int in, int out, int err,
                            char* const* argv, char* const* envp) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  if (close_range(3, ~0U, 0) != 0) {
    for (int fd = 3; fd < 65536; ++fd) close(fd);
  }
  signal(SIGPIPE, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(argv[0], argv, envp);
  static const char kFailed[] = "exec failed\n";
  (void)!write(2, kFailed, sizeof(kFailed) - 1);
  _exit(127);
}

}  // namespace

std::string ReadLogTail(const std::string& path) {
  constexpr size_t kMax = 16 * 1024;
  std::ifstream in(path, std::ios::binary);
  if (!in) return "(no log)\n";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  if (all.size() <= kMax) return all;
  return "[...]\n" + all.substr(all.size() - kMax);
}

namespace {

// Whether process `pid` answers on `port`: PING, then INFO's process_id
// (after AUTH `password`, if not empty). The port was free when picked, but
// a process of another test running at the same time may have taken it
// since; its PONG must not count.
bool Answers(int port, pid_t pid, const std::string& password) {
  auto client = RedisClient::Connect(port, Millis(2000));
  if (!client || client->Command({"PING"}) != Reply::Status("PONG")) {
    return false;
  }
  if (!password.empty() &&
      client->Command({"AUTH", password}) != Reply::Status("OK")) {
    return false;
  }
  const Reply info = client->Command({"INFO", "server"});
  return info.type == Reply::Type::kString &&
         info.str.find("process_id:" + std::to_string(pid) + "\r\n") !=
             std::string::npos;
}

// The end of the RESP reply starting at `pos`, or npos if incomplete.
size_t ReplyEnd(std::string_view d, size_t pos) {
  constexpr size_t npos = std::string_view::npos;
  if (pos >= d.size()) return npos;
  const size_t cr = d.find("\r\n", pos);
  if (cr == npos) return npos;
  const size_t next = cr + 2;
  long long n = 0;
  auto [p, ec] = std::from_chars(d.data() + pos + 1, d.data() + cr, n);
  const bool counted = ec == std::errc() && p == d.data() + cr && n >= 0;
  switch (d[pos]) {
    case '$':
    case '=':
    case '!':
      if (!counted) return next;  // $-1: null
      return d.size() < next + n + 2 ? npos : next + n + 2;
    case '*':
    case '~':
    case '>':
    case '%': {
      if (!counted) return next;  // *-1: null array
      size_t end = next;
      const long long items = d[pos] == '%' ? 2 * n : n;
      for (long long i = 0; i < items && end != npos; ++i) {
        end = ReplyEnd(d, end);
      }
      return end;
    }
    default:
      return next;  // one-line types: + - : _ , # (
  }
}

}  // namespace

bool WaitUntil(const std::function<bool()>& predicate, Millis deadline,
               Millis interval) {
  const auto end = Clock::now() + deadline;
  while (true) {
    if (predicate()) return true;
    if (Clock::now() >= end) return false;
    std::this_thread::sleep_for(interval);
  }
}

int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string NonLoopbackIpv4() {
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return "";
  std::string found;
  for (ifaddrs* i = all; i != nullptr && found.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET ||
        (i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0) {
      continue;
    }
    char ip[INET_ADDRSTRLEN] = "";
    const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    if (inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip)) != nullptr) found = ip;
  }
  freeifaddrs(all);
  return found;
}

// ---- TempDir ----------------------------------------------------------------

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base && *base ? base : "/tmp") + "/leaderless-it-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (std::getenv("LEADERLESS_KEEP_TMP") != nullptr) {
    std::cerr << "kept " << path_ << "\n";
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::WriteFile(const std::string& name,
                               std::string_view text) const {
  std::string path = path_ + "/" + name;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

// ---- Process ----------------------------------------------------------------

std::unique_ptr<Process> Process::Start(const std::vector<std::string>& argv,
                                        const std::string& log_path,
                                        const std::vector<std::string>& env) {
  int log =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  std::vector<char*> args = ExecArgv(argv);
  std::vector<std::string> env_strings;
  std::vector<char*> envp = ExecEnv(env, &env_strings);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) ExecChild(parent, null, log, log, args.data(), envp.data());
  close(log);
  close(null);
  if (pid < 0) return nullptr;
  return std::unique_ptr<Process>(new Process(pid));
}

Process::~Process() { Kill(); }

bool Process::Reap(bool block) {
  if (exited_) return true;
  int status = 0;
  pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == pid_) {
    exited_ = true;
    wait_status_ = status;
  }
  return exited_;
}

bool Process::Running() { return !Reap(false); }

void Process::Signal(int sig) {
  if (!exited_) kill(pid_, sig);
}

void Process::Kill() {
  if (exited_) return;
  kill(pid_, SIGKILL);
  Reap(true);
}

bool Process::WaitExit(Millis deadline) {
  return WaitUntil([this] { return Reap(false); }, deadline, Millis(10));
}

std::string Process::DescribeExit() const {
  if (!exited_) return "still running";
  if (WIFEXITED(wait_status_)) {
    return "exit code " + std::to_string(WEXITSTATUS(wait_status_));
  }
  if (WIFSIGNALED(wait_status_)) {
    return "killed by signal " + std::to_string(WTERMSIG(wait_status_));
  }
  return "wait status " + std::to_string(wait_status_);
}

bool Process::ExitedWithCode(int code) const {
  return exited_ && WIFEXITED(wait_status_) &&
         WEXITSTATUS(wait_status_) == code;
}

::testing::AssertionResult WaitForPing(Process& process, int port,
                                       const std::string& password) {
  bool answered = false;
  WaitUntil([&] {
    answered = process.Running() && Answers(port, process.pid(), password);
    return answered || !process.Running();
  });
  if (answered) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "nothing answered PING on port " << port << " ("
         << process.DescribeExit() << ")";
}

// ---- RunCommand
// ---------------------------------------------------------------

namespace {

// Feeds `input` to `in` and collects `out` and `err` until both close or
// `end` passes. Returns false on timeout.
bool Pump(int in, int out, int err, std::string_view input,
          CommandResult& result, Clock::time_point end) {
  size_t written = 0;
  if (input.empty()) {
    close(in);
    in = -1;
  }
  while (out >= 0 || err >= 0) {
    pollfd fds[3] = {{in, POLLOUT, 0}, {out, POLLIN, 0}, {err, POLLIN, 0}};
    if (poll(fds, 3, MillisLeft(end)) <= 0) return false;
    if (in >= 0 && fds[0].revents != 0) {
      ssize_t n = write(in, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 || written == input.size()) {
        close(in);
        in = -1;
      }
    }
    int* fd_of[] = {&out, &err};
    std::string* sink_of[] = {&result.out, &result.err};
    for (int i = 0; i < 2; ++i) {
      if (*fd_of[i] < 0 || fds[i + 1].revents == 0) continue;
      char buf[65536];
      ssize_t n = read(*fd_of[i], buf, sizeof(buf));
      if (n > 0) {
        sink_of[i]->append(buf, static_cast<size_t>(n));
      } else {
        close(*fd_of[i]);
        *fd_of[i] = -1;
      }
    }
  }
  if (in >= 0) close(in);
  return true;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::string_view input, Millis timeout) {
  CommandResult result;
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
    result.err = "pipe failed";
    return result;
  }
  std::vector<char*> args = ExecArgv(argv);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) ExecChild(parent, in[0], out[1], err[1], args.data(), environ);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  const auto end = Clock::now() + timeout;
  if (!Pump(in[1], out[0], err[0], input, result, end)) {
    result.timed_out = true;
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!result.timed_out && WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

CommandResult RunRedisCli(int port, const std::vector<std::string>& args,
                          std::string_view input) {
  std::vector<std::string> argv = {kRedisCli, "-h", "127.0.0.1", "-p",
                                   std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, input);
}

// ---- Replies and clients
// ------------------------------------------------------

std::string Printable(std::string_view bytes, size_t max) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < max; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      out += hex;
    }
  }
  if (bytes.size() > max) {
    out += "...(" + std::to_string(bytes.size()) + " bytes)";
  }
  return out;
}

void PrintTo(const Reply& reply, std::ostream* os) {
  using Type = Reply::Type;
  switch (reply.type) {
    case Type::kStatus:
      *os << "status \"" << Printable(reply.str) << "\"";
      return;
    case Type::kError:
      *os << "error \"" << Printable(reply.str) << "\"";
      return;
    case Type::kString:
      *os << "bulk \"" << Printable(reply.str) << "\"";
      return;
    case Type::kInteger:
      *os << "integer " << reply.integer;
      return;
    case Type::kNil:
      *os << "nil";
      return;
    case Type::kIoError:
      *os << "no reply (" << reply.str << ")";
      return;
    case Type::kArray:
      *os << "[";
      for (size_t i = 0; i < reply.elements.size(); ++i) {
        if (i > 0) *os << ", ";
        PrintTo(reply.elements[i], os);
      }
      *os << "]";
      return;
  }
}

namespace {

Reply CopyReply(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      out.integer = r->integer;
      return out;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) {
        out.elements.push_back(CopyReply(r->element[i]));
      }
      return out;
    default:
      return out;  // nil
  }
  out.str.assign(r->str, r->len);
  return out;
}

timeval ToTimeval(Millis ms) {
  return {static_cast<time_t>(ms.count() / 1000),
          static_cast<suseconds_t>(ms.count() % 1000 * 1000)};
}

Reply TakeReply(redisContext* context, void* raw) {
  if (raw == nullptr) {
    return Reply::Of(Reply::Type::kIoError,
                     context->errstr[0] ? context->errstr : "?");
  }
  auto* reply = static_cast<redisReply*>(raw);
  Reply out = CopyReply(reply);
  freeReplyObject(reply);
  return out;
}

}  // namespace

std::unique_ptr<RedisClient> RedisClient::Connect(int port, Millis timeout,
                                                  std::string* error) {
  redisContext* c = redisConnectWithTimeout(
      "127.0.0.1", port, ToTimeval(std::min(timeout, Millis(5000))));
  if (c == nullptr || c->err) {
    if (error) *error = c ? c->errstr : "out of memory";
    if (c) redisFree(c);
    return nullptr;
  }
  redisSetTimeout(c, ToTimeval(timeout));
  return std::unique_ptr<RedisClient>(new RedisClient(c));
}

RedisClient::~RedisClient() { redisFree(context_); }

namespace {

struct ArgvView {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  explicit ArgvView(const std::vector<std::string>& argv) {
    for (const std::string& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
  }
};

}  // namespace

Reply RedisClient::Command(const std::vector<std::string>& argv) {
  ArgvView v(argv);
  void* raw = redisCommandArgv(context_, static_cast<int>(argv.size()),
                               v.ptrs.data(), v.lens.data());
  return TakeReply(context_, raw);
}

void RedisClient::Append(const std::vector<std::string>& argv) {
  ArgvView v(argv);
  redisAppendCommandArgv(context_, static_cast<int>(argv.size()), v.ptrs.data(),
                         v.lens.data());
}

Reply RedisClient::Read() {
  void* raw = nullptr;
  if (redisGetReply(context_, &raw) != REDIS_OK) raw = nullptr;
  return TakeReply(context_, raw);
}

// ---- RawConnection
// ------------------------------------------------------------

std::unique_ptr<RawConnection> RawConnection::Connect(int port,
                                                      int receive_buffer,
                                                      const std::string& host) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) return nullptr;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  if (receive_buffer > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer,
               sizeof(receive_buffer));
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return nullptr;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return std::unique_ptr<RawConnection>(new RawConnection(fd));
}

RawConnection::~RawConnection() { close(fd_); }

bool RawConnection::Send(std::string_view bytes) {
  const auto end = Clock::now() + kDeadline;
  while (!bytes.empty()) {
    pollfd p = {fd_, POLLOUT, 0};
    if (poll(&p, 1, MillisLeft(end)) <= 0) return false;
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string RawConnection::ReadReplies(size_t count, Millis deadline) {
  const auto end = Clock::now() + deadline;
  // The bytes of the first `count` replies in buffered_, or 0.
  auto complete = [&]() -> size_t {
    size_t pos = 0;
    for (size_t i = 0; i < count; ++i) {
      size_t len = RespReplyLength(std::string_view(buffered_).substr(pos));
      if (len == 0) return 0;
      pos += len;
    }
    return pos;
  };
  size_t length = 0;
  while ((length = complete()) == 0 && count > 0) {
    pollfd p = {fd_, POLLIN, 0};
    if (poll(&p, 1, MillisLeft(end)) <= 0) break;
    char buf[65536];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buffered_.append(buf, static_cast<size_t>(n));
  }
  if (length == 0) length = buffered_.size();  // incomplete: all there is
  std::string out = buffered_.substr(0, length);
  buffered_.erase(0, length);
  return out;
}

RawConnection::Drained RawConnection::ReadUntilClosed(Millis deadline) {
  const auto end = Clock::now() + deadline;
  Drained result{std::move(buffered_), false};
  buffered_.clear();
  while (true) {
    pollfd p = {fd_, POLLIN, 0};
    if (poll(&p, 1, MillisLeft(end)) <= 0) return result;
    char buf[65536];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      result.closed = true;  // EOF, or reset by the peer
      return result;
    }
    result.data.append(buf, static_cast<size_t>(n));
  }
}

std::string RespCommand(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& a : argv) {
    out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  }
  return out;
}

size_t RespReplyLength(std::string_view data) {
  size_t end = ReplyEnd(data, 0);
  return end == std::string_view::npos ? 0 : end;
}

// ---- Cluster
// ------------------------------------------------------------------

Cluster::Cluster(ClusterOptions options) : options_(std::move(options)) {
  for (int i = 0; i < options_.replicas; ++i) {
    Node node;
    node.name = ReplicaId(i);
    node.argv = {LEADERLESS_REPLICA_BIN,
                 dir() + "/replica.conf",
                 "--replica-id",
                 node.name,
                 "--dir",
                 dir() + "/" + node.name};
    node.password = options_.replica_password;
    replicas_.push_back(std::move(node));
  }
  for (int i = 0; i < options_.proxies; ++i) {
    Node node;
    node.name = "proxy" + std::to_string(i);
    node.argv = {LEADERLESS_PROXY_BIN, dir() + "/" + node.name + ".conf"};
    proxies_.push_back(std::move(node));
  }
}

Cluster::~Cluster() {
  CheckAlive();
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- logs of the cluster in " << dir() << " ----\n"
              << Logs() << "---- end of logs ----\n";
  }
  StopAll();
}

void Cluster::CheckAlive() {
  for (auto* nodes : {&replicas_, &proxies_}) {
    for (Node& n : *nodes) {
      if (n.expect_running && n.process && !n.process->Running()) {
        ADD_FAILURE() << n.name
                      << " died unexpectedly: " << n.process->DescribeExit();
        n.expect_running = false;
      }
    }
  }
}

void Cluster::StopAll() {
  for (auto* nodes : {&proxies_, &replicas_}) {
    for (Node& n : *nodes) {
      n.process.reset();  // SIGKILL
      n.expect_running = false;
    }
  }
}

void Cluster::PickPorts() {
  for (auto* nodes : {&replicas_, &proxies_}) {
    for (Node& n : *nodes) n.port = PickFreePort();
  }
}

void Cluster::WriteConfigs() {
  std::string cluster = "# written by tests/integration/cluster_harness\n";
  for (const Node& r : replicas_) {
    cluster +=
        "replica " + r.name + " 127.0.0.1:" + std::to_string(r.port) + "\n";
  }
  cluster += "replication-factor " +
             std::to_string(options_.replication_factor) + "\nread-quorum " +
             std::to_string(options_.read_quorum) + "\nwrite-quorum " +
             std::to_string(options_.write_quorum) + "\nrequest-timeout-ms " +
             std::to_string(options_.request_timeout_ms) + "\n";
  for (const std::string& line : options_.cluster_lines) cluster += line + "\n";
  tmp_.WriteFile("cluster.conf", cluster);

  // The secret is kept apart from the shared description, readable by its
  // owner only, as the README advises.
  std::string includes = "include cluster.conf\n";
  if (!options_.replica_password.empty()) {
    const std::string secret =
        tmp_.WriteFile("secret.conf", "replica-password \"" +
                                          options_.replica_password + "\"\n");
    fs::permissions(secret, fs::perms::owner_read | fs::perms::owner_write);
    includes += "include secret.conf\n";
  }

  std::string replica = includes + "appendfsync always\n";
  for (const std::string& line : options_.replica_lines) replica += line + "\n";
  tmp_.WriteFile("replica.conf", replica);

  for (size_t i = 0; i < proxies_.size(); ++i) {
    std::string proxy = includes + "bind 127.0.0.1\nport " +
                        std::to_string(proxies_[i].port) + "\nproxy-id " +
                        std::to_string(i + 1) + "\n";
    for (const std::string& line : options_.proxy_lines) proxy += line + "\n";
    tmp_.WriteFile(proxies_[i].name + ".conf", proxy);
  }
}

::testing::AssertionResult Cluster::Start() {
  ::testing::AssertionResult result = ::testing::AssertionFailure();
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    PickPorts();
    WriteConfigs();
    result = StartAll();
    if (result) return result;
    StopAll();
  }
  return result << " (after " << kStartAttempts << " attempts)";
}

::testing::AssertionResult Cluster::StartAll() {
  for (Node& r : replicas_) {
    r.process = Process::Start(r.argv, dir() + "/" + r.name + ".log", r.env);
  }
  for (Node& r : replicas_) {
    auto ready = Launch(r);
    if (!ready) return ready;
  }
  for (Node& p : proxies_) {
    p.process = Process::Start(p.argv, dir() + "/" + p.name + ".log", p.env);
    auto ready = Launch(p);
    if (!ready) return ready;
  }
  for (size_t i = 0; i < proxies_.size(); ++i) {
    auto up = WaitForReplicasUp(options_.replicas, static_cast<int>(i));
    if (!up) return up;
  }
  return ::testing::AssertionSuccess();
}

// Waits until the started `node` answers PING.
::testing::AssertionResult Cluster::Launch(Node& node) {
  if (!node.process) {
    return ::testing::AssertionFailure() << "cannot fork " << node.name;
  }
  ::testing::AssertionResult ready =
      WaitForPing(*node.process, node.port, node.password);
  if (ready) node.expect_running = true;
  return ready << " (" << node.name << ")";
}

std::unique_ptr<RedisClient> Cluster::ConnectProxy(int i) const {
  return RedisClient::Connect(proxy_port(i));
}

std::unique_ptr<RedisClient> Cluster::ConnectReplica(int i) const {
  auto client = RedisClient::Connect(replica_port(i));
  const std::string& password = replicas_[i].password;
  if (client && !password.empty() &&
      client->Command({"AUTH", password}) != Reply::Status("OK")) {
    client.reset();
  }
  return client;
}

namespace {

// The environment that moves a process's wall clock by `offset_s`.
std::vector<std::string> FakeClockEnv(double offset_s) {
  if (offset_s == 0) return {};
  std::ostringstream offset;
  offset << std::showpos << offset_s;
  const char* asan = getenv("ASAN_OPTIONS");
  return {
      "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
      "FAKETIME=" + offset.str(),
      // Timers and timeouts keep the real monotonic clock.
      "FAKETIME_DONT_FAKE_MONOTONIC=1",
      // The preloaded library comes before a sanitized binary's ASan
      // runtime, which ASan otherwise refuses.
      std::string("ASAN_OPTIONS=") + (asan ? asan : "") +
          ":verify_asan_link_order=0",
  };
}

}  // namespace

void Cluster::SetReplicaClock(int i, double offset_s) {
  replicas_[i].env = FakeClockEnv(offset_s);
}

void Cluster::SetProxyClock(int i, double offset_s) {
  proxies_[i].env = FakeClockEnv(offset_s);
}

void Cluster::SetReplicaPassword(int i, const std::string& password) {
  replicas_[i].argv.insert(replicas_[i].argv.end(),
                           {"--replica-password", password});
  replicas_[i].password = password;
}

void Cluster::KillReplica(int i) {
  replicas_[i].expect_running = false;
  replicas_[i].process->Kill();
}

void Cluster::KillProxy(int i) {
  proxies_[i].expect_running = false;
  proxies_[i].process->Kill();
}

void Cluster::PauseReplica(int i) {
  replicas_[i].paused = true;
  replicas_[i].process->Signal(SIGSTOP);
}

void Cluster::ResumeReplica(int i) {
  replicas_[i].paused = false;
  replicas_[i].process->Signal(SIGCONT);
}

::testing::AssertionResult Cluster::RestartReplica(int i) {
  return Relaunch(replicas_[i]);
}

::testing::AssertionResult Cluster::RestartProxy(int i) {
  return Relaunch(proxies_[i]);
}

// The port may be briefly unavailable (another process took it while this
// node was down): a node that exits at startup is started again.
::testing::AssertionResult Cluster::Relaunch(Node& node) {
  const std::string log = dir() + "/" + node.name + ".log";
  bool ready = WaitUntil(
      [&] {
        if (!node.process || !node.process->Running()) {
          node.process = Process::Start(node.argv, log, node.env);
          if (!node.process) return false;
        }
        return Answers(node.port, node.process->pid(), node.password);
      },
      kDeadline, Millis(50));
  if (!ready) {
    return ::testing::AssertionFailure()
           << node.name << " did not come back on port " << node.port;
  }
  node.expect_running = true;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Cluster::Terminate(Node& node) {
  node.expect_running = false;
  // Only a paused process gets SIGCONT, and before SIGTERM: one arriving
  // while the process exits would discard the SIGSTOP with which
  // LeakSanitizer's exit-time check stops its threads (PTRACE_ATTACH), and
  // the check would wait for them forever.
  if (node.paused) {
    node.paused = false;
    node.process->Signal(SIGCONT);
  }
  node.process->Signal(SIGTERM);
  if (!node.process->WaitExit()) {
    return ::testing::AssertionFailure()
           << node.name << " still runs " << kDeadline.count()
           << " ms after SIGTERM";
  }
  if (!node.process->ExitedWithCode(0)) {
    return ::testing::AssertionFailure()
           << node.name << " ended with " << node.process->DescribeExit()
           << " after SIGTERM, expected exit code 0";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Cluster::TerminateReplica(int i) {
  return Terminate(replicas_[i]);
}

::testing::AssertionResult Cluster::TerminateProxy(int i) {
  return Terminate(proxies_[i]);
}

namespace {

// Replicas marked up in a proxy's INFO; -1 when the proxy does not answer.
int ReplicasUp(RedisClient& client) {
  Reply info = client.Command({"INFO"});
  if (info.type != Reply::Type::kString) return -1;
  int up = 0;
  for (size_t pos = 0;
       (pos = info.str.find(",state=up,", pos)) != std::string::npos; ++pos) {
    ++up;
  }
  return up;
}

}  // namespace

::testing::AssertionResult Cluster::WaitForReplicasUp(int count, int proxy) {
  std::unique_ptr<RedisClient> client;
  int last = -1;
  bool seen = WaitUntil([&] {
    if (!client) client = ConnectProxy(proxy);
    last = client ? ReplicasUp(*client) : -1;
    if (last < 0) client.reset();
    return last == count;
  });
  if (seen) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << proxies_[proxy].name << " sees "
                                       << last << " replicas up, not " << count;
}

std::string Cluster::Logs() const {
  std::string out;
  for (const auto* nodes : {&replicas_, &proxies_}) {
    for (const Node& n : *nodes) {
      out += "== " + n.name + " (port " + std::to_string(n.port) + ") ==\n";
      out += ReadLogTail(dir() + "/" + n.name + ".log");
    }
  }
  return out;
}

// ---- RealRedis
// ----------------------------------------------------------------

bool RealRedis::Start(std::string* why, const std::vector<std::string>& args) {
  if (access(kRedisServer, X_OK) != 0) {
    *why = std::string(kRedisServer) + " is not installed";
    return false;
  }
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    port_ = PickFreePort();
    std::vector<std::string> argv = {
        kRedisServer, "--port", std::to_string(port_), "--bind", "127.0.0.1",
        "--save",     "",       "--appendonly",        "no",     "--dir",
        tmp_.path()};
    argv.insert(argv.end(), args.begin(), args.end());
    process_ = Process::Start(argv, tmp_.path() + "/redis.log");
    if (!process_) continue;
    if (WaitForPing(*process_, port_)) return true;
  }
  *why =
      "redis-server did not start: " + ReadLogTail(tmp_.path() + "/redis.log");
  return false;
}

}  // namespace leaderless::test
