// Clients writing through two proxies while a nemesis injects faults one at
// a time (replica kill -9 and restart, replica SIGSTOP/SIGCONT, proxy
// restarts, wall clocks moved forward and back with libfaketime), then
// heals everything: no acknowledged write may be lost, and the replicas must
// end up holding identical records.
//
// Each client thread writes only its own keys, sequentially, so every key
// has one history: the values a key may finally hold are the one its last
// acknowledged write left, plus those of later writes that failed in a way
// that leaves it open whether they took effect (-NOQUORUM, -UNAVAILABLE,
// -SUPERSEDED, I/O error), plus those of writes that failed just before it
// (kMayStillWin): a failed write may still win later.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr int kReplicas = 3;
constexpr int kProxies = 2;
constexpr int kClients = 3;
constexpr int kValueKeysPerClient = 24;
constexpr int kCountersPerClient = 4;

// "(nil)" stands for an absent key (deleted or never written).
const std::string kNil = "(nil)";

// How long before an acknowledged write a failed one may still carry a
// higher version and win later, as -NOQUORUM warns: a proxy restarted on an
// earlier clock stamps below what it sent before, by up to the clock
// offset the cluster allows (max-clock-offset-ms 2000 here), plus slack.
constexpr auto kMayStillWin = std::chrono::milliseconds(3000);

// One key's possible values after the operations recorded so far.
struct KeyHistory {
  std::set<std::string> possible{kNil};
  // Failed SETs and DELs: when, and the value they would leave.
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>>
      failed;
  std::vector<std::string> log;  // for failure messages
};

struct ClientTotals {
  long acknowledged = 0;
  long ambiguous = 0;
  long refused = 0;  // ambiguous ones whose error says "ahead of"
};

// A client thread: writes its own keys through proxy `port`, reconnecting
// when its connection breaks, and records every key's history.
class Client {
 public:
  Client(int id, int port) : id_(id), port_(port) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Client() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // Valid after Stop().
  const std::map<std::string, KeyHistory>& histories() const {
    return histories_;
  }
  const ClientTotals& totals() const { return totals_; }

 private:
  void Run() {
    std::unique_ptr<RedisClient> client;
    for (long n = 0; !stop_; ++n) {
      if (!client) {
        client = RedisClient::Connect(port_, Millis(10000));
        if (!client) {
          std::this_thread::sleep_for(Millis(50));
          continue;
        }
      }
      const std::string prefix = "c" + std::to_string(id_) + ":";
      std::vector<std::string> argv;
      std::string key;
      const long kind = n % 10;
      if (kind < 6) {
        key = prefix + std::to_string(n % kValueKeysPerClient);
        argv = {"SET", key, key + "=" + std::to_string(n)};
      } else if (kind < 7) {
        key = prefix + std::to_string((n * 7) % kValueKeysPerClient);
        argv = {"DEL", key};
      } else {
        key = prefix + "ctr" + std::to_string(n % kCountersPerClient);
        argv = {"INCR", key};
      }
      Reply reply = client->Command(argv);
      Record(argv, reply);
      if (reply.type == Reply::Type::kIoError) client.reset();
    }
  }

  void Record(const std::vector<std::string>& argv, const Reply& reply) {
    KeyHistory& history = histories_[argv[1]];
    const std::string& op = argv[0];
    bool acknowledged = false;
    std::string result;  // the acknowledged write's value
    if (op == "SET" && reply == Reply::Status("OK")) {
      acknowledged = true;
      result = argv[2];
    } else if (op == "DEL" && reply.type == Reply::Type::kInteger) {
      acknowledged = true;
      result = kNil;
    } else if (op == "INCR" && reply.type == Reply::Type::kInteger) {
      acknowledged = true;
      result = std::to_string(reply.integer);
    }
    std::string outcome;
    if (acknowledged) {
      ++totals_.acknowledged;
      history.possible = {result};
      const auto now = std::chrono::steady_clock::now();
      for (const auto& [when, value] : history.failed) {
        if (now - when < kMayStillWin) history.possible.insert(value);
      }
      outcome = "ack " + result;
    } else {
      // Any other reply is an error: it may or may not have taken effect.
      ++totals_.ambiguous;
      if (reply.type == Reply::Type::kError &&
          reply.str.find("ahead of") != std::string::npos) {
        ++totals_.refused;
      }
      if (op == "SET" || op == "DEL") {
        const std::string value = op == "SET" ? argv[2] : kNil;
        history.possible.insert(value);
        history.failed.emplace_back(std::chrono::steady_clock::now(), value);
      } else {
        std::set<std::string> next = history.possible;
        for (const std::string& value : history.possible) {
          const long long before = value == kNil ? 0 : std::stoll(value);
          next.insert(std::to_string(before + 1));
        }
        history.possible = std::move(next);
      }
      outcome = "failed: " + ::testing::PrintToString(reply);
    }
    std::string entry = op;
    for (size_t i = 2; i < argv.size(); ++i) entry += " " + argv[i];
    history.log.push_back(entry + " -> " + outcome);
  }

  const int id_;
  const int port_;
  std::atomic<bool> stop_{false};
  std::map<std::string, KeyHistory> histories_;
  ClientTotals totals_;
  std::thread thread_;
};

// The last `count` entries of `log`, one a line.
std::string LogTail(const std::vector<std::string>& log, size_t count = 8) {
  std::ostringstream out;
  const size_t start = log.size() > count ? log.size() - count : 0;
  for (size_t i = start; i < log.size(); ++i) out << "\n    " << log[i];
  return out.str();
}

class NemesisTest : public ::testing::Test {
 protected:
  static ClusterOptions Options() {
    ClusterOptions options = FailureOptions(kReplicas, 1000);
    options.proxies = kProxies;
    options.cluster_lines.push_back("max-clock-offset-ms 2000");
    options.replica_lines.push_back("anti-entropy-interval-ms 200");
    return options;
  }

  NemesisTest() : cluster_(Options()) {}

  // Both proxies see every replica up.
  void WaitForAllUp() {
    for (int p = 0; p < kProxies; ++p) {
      EXPECT_TRUE(cluster_.WaitForReplicasUp(kReplicas, p)) << "proxy " << p;
    }
  }

  void RestartProxyOnClock(int p, double offset_s) {
    cluster_.KillProxy(p);
    cluster_.SetProxyClock(p, offset_s);
    ASSERT_TRUE(cluster_.RestartProxy(p));
  }

  void RestartReplicaOnClock(int r, double offset_s) {
    cluster_.KillReplica(r);
    cluster_.SetReplicaClock(r, offset_s);
    ASSERT_TRUE(cluster_.RestartReplica(r));
  }

  static void Step(const char* what) {
    std::fprintf(stderr, "nemesis: %s\n", what);
  }

  Cluster cluster_;
};

TEST_F(NemesisTest, NoAcknowledgedWriteIsLostAndReplicasConverge) {
  ASSERT_TRUE(cluster_.Start());
  std::vector<std::unique_ptr<Client>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(
        std::make_unique<Client>(c, cluster_.proxy_port(c % kProxies)));
  }
  auto traffic = [](int ms) { std::this_thread::sleep_for(Millis(ms)); };
  traffic(1000);

  // A fixed schedule; at most one replica is faulty at any time.
  Step("kill -9 r1, restart it");
  cluster_.KillReplica(0);
  traffic(1500);
  ASSERT_TRUE(cluster_.RestartReplica(0));
  WaitForAllUp();
  traffic(1000);

  Step("SIGSTOP r2 for 2 s");
  cluster_.PauseReplica(1);
  traffic(2000);
  cluster_.ResumeReplica(1);
  WaitForAllUp();
  traffic(1000);

  Step("restart proxy0");
  RestartProxyOnClock(0, 0);
  WaitForAllUp();
  traffic(1000);

  Step("restart proxy1 1.5 s ahead");
  RestartProxyOnClock(1, 1.5);
  WaitForAllUp();
  traffic(1500);

  Step("kill -9 r3, restart it");
  cluster_.KillReplica(2);
  traffic(1000);
  ASSERT_TRUE(cluster_.RestartReplica(2));
  WaitForAllUp();
  traffic(1000);

  Step("restart proxy1 on the real clock (backward jump)");
  RestartProxyOnClock(1, 0);
  WaitForAllUp();
  traffic(1500);

  Step("restart r1 1 s ahead");
  RestartReplicaOnClock(0, 1.0);
  WaitForAllUp();
  traffic(1500);

  Step("restart r1 on the real clock");
  RestartReplicaOnClock(0, 0);
  WaitForAllUp();
  traffic(1000);

  Step("restart proxy0 10 s ahead (beyond max-clock-offset-ms)");
  RestartProxyOnClock(0, 10.0);
  WaitForAllUp();
  traffic(2000);
  Step("restart proxy0 on the real clock");
  RestartProxyOnClock(0, 0);
  WaitForAllUp();
  traffic(1000);

  Step("SIGSTOP r3 for 2 s");
  cluster_.PauseReplica(2);
  traffic(2000);
  cluster_.ResumeReplica(2);
  WaitForAllUp();
  traffic(1000);

  // Healed: every process runs on the real clock and is seen up.
  WaitForAllUp();
  for (auto& client : clients) client->Stop();

  ClientTotals sum;
  std::map<std::string, const KeyHistory*> histories;
  for (const auto& client : clients) {
    sum.acknowledged += client->totals().acknowledged;
    sum.ambiguous += client->totals().ambiguous;
    sum.refused += client->totals().refused;
    for (const auto& [key, history] : client->histories()) {
      histories[key] = &history;
    }
  }
  std::fprintf(stderr,
               "nemesis summary: %zu keys, %ld writes acknowledged, %ld "
               "ambiguous (of which %ld refused: clock ahead)\n",
               histories.size(), sum.acknowledged, sum.ambiguous, sum.refused);
  ASSERT_GT(sum.acknowledged, 0);

  // Every key reads back one of the values its history allows.
  auto reader = cluster_.ConnectProxy(1);
  ASSERT_TRUE(reader);
  int lost = 0;
  for (const auto& [key, history] : histories) {
    Reply reply;
    std::string value;
    ASSERT_TRUE(WaitUntil(
        [&] {
          if (!reader) reader = cluster_.ConnectProxy(1);
          if (!reader) return false;
          reply = reader->Command({"GET", key});
          if (reply.type == Reply::Type::kIoError) {
            reader.reset();
            return false;
          }
          return reply.type == Reply::Type::kString ||
                 reply.type == Reply::Type::kNil;
        },
        kDeadline, Millis(100)))
        << key << ": " << ::testing::PrintToString(reply);
    value = reply.type == Reply::Type::kNil ? kNil : reply.str;
    if (!history->possible.contains(value)) {
      ++lost;
      std::string allowed;
      for (const auto& v : history->possible) allowed += " " + v;
      ADD_FAILURE() << key << " reads " << value << ", allowed:" << allowed
                    << "\n  last operations:" << LogTail(history->log);
    }
  }
  EXPECT_EQ(lost, 0);

  // The replicas converge to identical records for every key.
  std::vector<std::string> keys;
  for (const auto& [key, history] : histories) keys.push_back(key);
  std::string difference;
  const bool identical = WaitUntil(
      [&] {
        std::vector<std::vector<Reply>> held;
        for (int r = 0; r < kReplicas; ++r) {
          held.push_back(HeldRecords(cluster_, r, keys));
        }
        for (size_t i = 0; i < keys.size(); ++i) {
          for (int r = 0; r < kReplicas; ++r) {
            if (held[r][i].type == Reply::Type::kIoError ||
                held[r][i].type == Reply::Type::kError) {
              difference = keys[i] + ": " + Cluster::ReplicaId(r) +
                           " answers " + Describe(held[r][i]);
              return false;
            }
            if (!(held[r][i] == held[0][i])) {
              difference = keys[i] + ": r1 holds " + Describe(held[0][i]) +
                           ", " + Cluster::ReplicaId(r) + " holds " +
                           Describe(held[r][i]);
              return false;
            }
          }
        }
        return true;
      },
      Millis(60000), Millis(200));
  EXPECT_TRUE(identical) << difference;
}

}  // namespace
}  // namespace leaderless::test
