#include "tests/integration/failure_support.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <sstream>

#include "protocol/cluster/record.h"

namespace leaderless::test {
namespace {

std::vector<std::string> ReplicaIds(int replicas) {
  std::vector<std::string> ids;
  for (int i = 0; i < replicas; ++i) ids.push_back(Cluster::ReplicaId(i));
  return ids;
}

// Up to this many mismatches are listed in a failure message.
constexpr int kMaxListed = 5;

// Collects mismatches for a failure message: the first few, and a count.
class Mismatches {
 public:
  void Add(const std::string& what) {
    if (count_++ < kMaxListed) listed_ += "\n  " + what;
  }
  ::testing::AssertionResult Result(size_t checked) const {
    if (count_ == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << count_ << " of " << checked << " checks failed:" << listed_;
  }

 private:
  int count_ = 0;
  std::string listed_;
};

}  // namespace

ClusterOptions FailureOptions(int replicas, int request_timeout_ms) {
  ClusterOptions options;
  options.replicas = replicas;
  options.replication_factor = 3;
  options.read_quorum = 2;
  options.write_quorum = 2;
  options.request_timeout_ms = request_timeout_ms;
  options.cluster_lines.push_back("tokens-per-replica " +
                                  std::to_string(kTokensPerReplica));
  options.replica_lines.push_back("appendfsync no");
  return options;
}

Placement::Placement(const ClusterOptions& options)
    : ring_(ReplicaIds(options.replicas), kTokensPerReplica),
      n_(static_cast<size_t>(options.replication_factor)) {}

std::vector<int> Placement::Walk(std::string_view key) const {
  auto walk = ring_.Walk(key);
  return {walk.begin(), walk.end()};
}

std::vector<int> Placement::Homes(std::string_view key) const {
  auto homes = ring_.Walk(key).first(n_);
  return {homes.begin(), homes.end()};
}

bool Placement::IsHome(int replica, std::string_view key) const {
  for (int home : Homes(key)) {
    if (home == replica) return true;
  }
  return false;
}

std::vector<std::string> KeysWhere(
    const std::string& prefix, int count,
    const std::function<bool(const std::string&)>& want) {
  std::vector<std::string> keys;
  for (int i = 0; static_cast<int>(keys.size()) < count; ++i) {
    std::string key = prefix + std::to_string(i);
    if (want(key)) keys.push_back(std::move(key));
  }
  return keys;
}

KeyValues ValuesFor(const std::vector<std::string>& keys,
                    const std::string& tag) {
  KeyValues kvs;
  for (const std::string& key : keys) kvs[key] = key + " " + tag;
  return kvs;
}

std::vector<std::string> NumberedKeys(const std::string& prefix, int count) {
  return KeysWhere(prefix, count, [](const std::string&) { return true; });
}

KeyValues MakeKeyValues(const std::string& prefix, int count,
                        const std::string& tag) {
  return ValuesFor(NumberedKeys(prefix, count), tag);
}

std::vector<std::string> KeysOf(const KeyValues& kvs) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : kvs) keys.push_back(key);
  return keys;
}

std::vector<Reply> Pipeline(
    RedisClient& client, const std::vector<std::vector<std::string>>& commands,
    size_t depth) {
  std::vector<Reply> replies;
  for (size_t sent = 0; sent < commands.size();) {
    const size_t batch = std::min(depth, commands.size() - sent);
    for (size_t i = 0; i < batch; ++i) client.Append(commands[sent + i]);
    for (size_t i = 0; i < batch; ++i) replies.push_back(client.Read());
    sent += batch;
  }
  return replies;
}

::testing::AssertionResult SetAll(RedisClient& client, const KeyValues& kvs,
                                  size_t depth) {
  std::vector<std::vector<std::string>> commands;
  for (const auto& [key, value] : kvs) commands.push_back({"SET", key, value});
  std::vector<Reply> replies = Pipeline(client, commands, depth);
  Mismatches bad;
  for (size_t i = 0; i < commands.size(); ++i) {
    if (replies[i] != Reply::Status("OK")) {
      bad.Add("SET " + commands[i][1] + " -> " +
              ::testing::PrintToString(replies[i]));
    }
  }
  return bad.Result(commands.size());
}

::testing::AssertionResult ReadsBack(RedisClient& client, const KeyValues& kvs,
                                     size_t depth) {
  // A read that timed out (NOQUORUM) said nothing about the value: on a
  // loaded machine a 256 KiB read can miss a 1 s request timeout. Such keys
  // are read again until kDeadline; any other wrong answer fails at once.
  std::vector<std::string> pending = KeysOf(kvs);
  Mismatches bad;
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (!pending.empty()) {
    std::vector<std::vector<std::string>> commands;
    for (const std::string& key : pending) commands.push_back({"GET", key});
    std::vector<Reply> replies = Pipeline(client, commands, depth);
    const bool retry = std::chrono::steady_clock::now() < deadline;
    std::vector<std::string> timed_out;
    for (size_t i = 0; i < pending.size(); ++i) {
      const std::string& value = kvs.at(pending[i]);
      if (replies[i] == Reply::String(value)) continue;
      if (retry && replies[i].type == Reply::Type::kError &&
          replies[i].str.rfind("NOQUORUM ", 0) == 0) {
        timed_out.push_back(pending[i]);
        continue;
      }
      bad.Add("GET " + pending[i] + " -> " +
              ::testing::PrintToString(replies[i]) + ", expected \"" +
              Printable(value) + "\"");
    }
    pending = std::move(timed_out);
  }
  return bad.Result(kvs.size());
}

std::vector<Reply> HeldRecords(const Cluster& cluster, int replica,
                               const std::vector<std::string>& keys) {
  auto client = cluster.ConnectReplica(replica);
  if (!client) {
    return std::vector<Reply>(
        keys.size(), Reply::Of(Reply::Type::kIoError, "cannot connect"));
  }
  std::vector<std::vector<std::string>> commands;
  for (const std::string& key : keys) commands.push_back({"LL.GET", key});
  return Pipeline(*client, commands, 500);
}

std::string Describe(const Reply& held) {
  if (held.type == Reply::Type::kNil) return "(none)";
  if (held.type != Reply::Type::kString) {
    return ::testing::PrintToString(held);
  }
  auto record = cluster::DecodeRecord(held.str);
  if (!record.ok()) return "(undecodable record)";
  return record->tombstone ? "(tombstone)" : record->value;
}

::testing::AssertionResult HomesHold(const Cluster& cluster,
                                     const Placement& placement,
                                     const KeyValues& kvs) {
  Mismatches bad;
  size_t checked = 0;
  for (int r = 0; r < placement.replicas(); ++r) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : kvs) {
      if (placement.IsHome(r, key)) keys.push_back(key);
    }
    std::vector<Reply> held = HeldRecords(cluster, r, keys);
    for (size_t i = 0; i < keys.size(); ++i, ++checked) {
      const std::string value = Describe(held[i]);
      if (value != kvs.at(keys[i])) {
        bad.Add(Cluster::ReplicaId(r) + " holds " + Printable(value) + " for " +
                keys[i]);
      }
    }
  }
  return bad.Result(checked);
}

::testing::AssertionResult WaitForHomesToHold(const Cluster& cluster,
                                              const Placement& placement,
                                              const KeyValues& kvs) {
  ::testing::AssertionResult last = ::testing::AssertionFailure();
  if (WaitUntil([&] { return bool(last = HomesHold(cluster, placement, kvs)); },
                kDeadline, Millis(200))) {
    return ::testing::AssertionSuccess();
  }
  return last << "\n(still so after " << kDeadline.count() << " ms)";
}

void PrintTo(const HintCounts& counts, std::ostream* os) {
  *os << "pending=" << counts.pending << ",delivered=" << counts.delivered
      << ",dropped=" << counts.dropped;
}

std::string ProxyInfo(RedisClient& proxy) {
  return proxy.Command({"INFO", "cluster"}).str;
}

long long FieldValue(std::string_view text, std::string_view field) {
  const size_t at = text.find(field);
  if (at == std::string_view::npos) return -1;
  const char* begin = text.data() + at + field.size();
  const char* end = text.data() + text.size();
  while (begin < end && (*begin == ' ' || *begin == '\t')) ++begin;
  long long value = -1;
  std::from_chars(begin, end, value);
  return value;
}

std::string ReplicaInfo(const Cluster& cluster, int replica) {
  auto client = cluster.ConnectReplica(replica);
  if (!client) return "";
  Reply info = client->Command({"INFO"});
  return info.type == Reply::Type::kString ? info.str : "";
}

std::map<std::string, HintCounts> ReplicaHints(const Cluster& cluster,
                                               int replica) {
  std::map<std::string, HintCounts> hints;
  std::istringstream lines(ReplicaInfo(cluster, replica));
  constexpr std::string_view kPrefix = "hints_for_";
  for (std::string line; std::getline(lines, line);) {
    const size_t colon = line.find(':');
    if (!line.starts_with(kPrefix) || colon == std::string::npos) continue;
    const std::string_view fields = std::string_view(line).substr(colon);
    hints[line.substr(kPrefix.size(), colon - kPrefix.size())] = {
        FieldValue(fields, "pending="), FieldValue(fields, "delivered="),
        FieldValue(fields, "dropped=")};
  }
  return hints;
}

HintCounts SumHints(const Cluster& cluster, const std::vector<int>& replicas,
                    const std::string& home) {
  HintCounts sum;
  for (int r : replicas) {
    for (const auto& [id, counts] : ReplicaHints(cluster, r)) {
      if (!home.empty() && id != home) continue;
      sum.pending += counts.pending;
      sum.delivered += counts.delivered;
      sum.dropped += counts.dropped;
    }
  }
  return sum;
}

std::map<std::string, long long> ExpectedHints(
    const Placement& placement, const std::vector<std::string>& keys,
    const std::vector<int>& down) {
  std::map<std::string, long long> expected;
  for (int home : down) {
    long long& n = expected[Cluster::ReplicaId(home)];
    for (const std::string& key : keys) n += placement.IsHome(home, key);
  }
  return expected;
}

std::vector<int> AllBut(int replicas, const std::vector<int>& excluded) {
  std::vector<int> out;
  for (int r = 0; r < replicas; ++r) {
    if (std::find(excluded.begin(), excluded.end(), r) == excluded.end()) {
      out.push_back(r);
    }
  }
  return out;
}

Millis TimeOf(const std::function<void()>& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() -
                                            start);
}

pid_t ProcessIdOf(RedisClient& server) {
  Reply info = server.Command({"INFO", "server"});
  if (info.type != Reply::Type::kString) return -1;
  return static_cast<pid_t>(FieldValue(info.str, "\nprocess_id:"));
}

long PeakRssKb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmHWM:")) {
      return static_cast<long>(FieldValue(line, "VmHWM:"));
    }
  }
  return -1;
}

BackgroundReads::BackgroundReads(int port, std::vector<std::string> keys)
    : thread_([this, port, keys = std::move(keys)] {
        std::unique_ptr<RedisClient> client;
        while (!stop_) {
          if (!client) client = RedisClient::Connect(port);
          if (!client) {
            std::this_thread::sleep_for(Millis(50));
            continue;
          }
          for (const std::string& key : keys) client->Append({"GET", key});
          for (size_t i = 0; i < keys.size(); ++i) {
            if (client->Read().type == Reply::Type::kIoError) client.reset();
            if (!client) break;
          }
        }
      }) {}

BackgroundReads::~BackgroundReads() {
  stop_ = true;
  thread_.join();
}

std::string LogPath(const Cluster& cluster, const std::string& name) {
  return cluster.dir() + "/" + name + ".log";
}

bool LogHas(const std::string& path, std::string_view text) {
  std::ifstream log(path);
  std::stringstream all;
  all << log.rdbuf();
  return all.str().find(text) != std::string::npos;
}

::testing::AssertionResult WaitForLog(const std::string& path,
                                      std::string_view text) {
  if (WaitUntil([&] { return LogHas(path, text); })) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "no \"" << text << "\" in " << path << ":\n"
         << ReadLogTail(path);
}

CheckedTraffic::CheckedTraffic(int port)
    : thread_([this, port] {
        auto client = RedisClient::Connect(port);
        if (!client) return Fail("cannot connect");
        for (long i = 0; !stop_; ++i) {
          const std::string key = "checked:" + std::to_string(i % 100);
          const std::string value = std::to_string(i);
          Reply set = client->Command({"SET", key, value});
          if (set != Reply::Status("OK")) return Fail("SET: " + set.str);
          Reply get = client->Command({"GET", key});
          if (get != Reply::String(value)) return Fail("GET: " + get.str);
          ++done_;
        }
      }) {}

bool CheckedTraffic::RunsFurther(long more) {
  const long target = done_ + more;
  return WaitUntil([&] { return done_ >= target || failed_; }) && !failed_;
}

std::string CheckedTraffic::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return failure_;
}

void CheckedTraffic::Fail(std::string why) {
  failure_ = std::move(why);
  failed_ = true;
}

}  // namespace leaderless::test
