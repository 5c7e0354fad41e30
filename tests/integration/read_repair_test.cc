// Read repair over 3 replicas (N=3 R=2 W=2: every key lives on every
// replica). A replica that missed writes while it was down is brought up to
// date by reads through the proxy, per `read-repair` mode; and successive
// quorum reads never go back in time while replicas die and return under
// a concurrent writer.
//
// Hinted handoff is off and anti-entropy runs once an hour here, so a read
// is the only way the returning replica can catch up. What it holds is
// checked black-box with LL.GET straight to it.

#include <array>
#include <atomic>
#include <charconv>
#include <mutex>
#include <optional>
#include <thread>

#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr int kBehind = 0;  // r1: the replica that misses writes

ClusterOptions RepairOptions(const std::string& mode) {
  ClusterOptions options = FailureOptions(3);
  options.proxy_lines.push_back("read-repair " + mode);
  options.replica_lines.push_back("hinted-handoff no");
  options.replica_lines.push_back("anti-entropy-interval-ms 3600000");
  return options;
}

class ReadRepairTest : public ::testing::TestWithParam<std::string> {
 protected:
  ReadRepairTest() : cluster_(RepairOptions(GetParam())) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
  }

  // Writes 30 keys, then, with r1 down, updates 10 of them, deletes 5 and
  // creates 5 more; restarts r1 and waits until the proxy uses it again.
  void LeaveReplicaBehind() {
    const KeyValues old = MakeKeyValues("key:", 30, "old");
    ASSERT_TRUE(SetAll(*client_, old));
    for (const auto& [key, value] : old) expected_[key] = value;
    // W=2 of 3: r1's copy may still be on its way; kill it only once it
    // holds every old record, so that what it holds stale is known.
    const std::vector<std::string> keys = KeysOf(old);
    ASSERT_TRUE(WaitUntil([&] {
      const std::vector<Reply> held = HeldRecords(cluster_, kBehind, keys);
      for (size_t i = 0; i < keys.size(); ++i) {
        if (Describe(held[i]) != old.at(keys[i])) return false;
      }
      return true;
    }));

    cluster_.KillReplica(kBehind);
    ASSERT_TRUE(cluster_.WaitForReplicasUp(2));
    KeyValues newer = ValuesFor(NumberedKeys("key:", 10), "new");
    const KeyValues created = MakeKeyValues("created:", 5, "new");
    newer.insert(created.begin(), created.end());
    ASSERT_TRUE(SetAll(*client_, newer));
    for (const auto& [key, value] : newer) {
      expected_[key] = value;
      stale_[key] = old.contains(key) ? old.at(key) : "(none)";
    }
    for (int i = 10; i < 15; ++i) {
      const std::string key = "key:" + std::to_string(i);
      ASSERT_EQ(client_->Command({"DEL", key}), Reply::Integer(1)) << key;
      expected_[key] = std::nullopt;
      stale_[key] = old.at(key);
    }

    ASSERT_TRUE(cluster_.RestartReplica(kBehind));
    ASSERT_TRUE(cluster_.WaitForReplicasUp(3));
    EXPECT_TRUE(HoldsStale()) << "before any read";
  }

  std::vector<std::string> Missed() const {
    std::vector<std::string> keys;
    for (const auto& [key, value] : stale_) keys.push_back(key);
    return keys;
  }

  // r1 still holds, for every write it missed, what it held before.
  ::testing::AssertionResult HoldsStale() const {
    const std::vector<std::string> keys = Missed();
    std::vector<Reply> held = HeldRecords(cluster_, kBehind, keys);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (Describe(held[i]) != stale_.at(keys[i])) {
        return ::testing::AssertionFailure()
               << "r1 holds " << Printable(Describe(held[i])) << " for "
               << keys[i]
               << ", not what it held before: " << stale_.at(keys[i]);
      }
    }
    return ::testing::AssertionSuccess();
  }

  // r1 holds exactly the records r2 holds (the newest: r2 acknowledged
  // every write r1 missed), tombstones included.
  ::testing::AssertionResult HoldsNewest() const {
    const std::vector<std::string> keys = Missed();
    std::vector<Reply> behind = HeldRecords(cluster_, kBehind, keys);
    std::vector<Reply> newest = HeldRecords(cluster_, 1, keys);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (newest[i].type != Reply::Type::kString || behind[i] != newest[i]) {
        return ::testing::AssertionFailure()
               << keys[i] << ": r1 holds " << Printable(Describe(behind[i]))
               << ", r2 holds " << Printable(Describe(newest[i]));
      }
    }
    return ::testing::AssertionSuccess();
  }

  // GETs every key through the proxy; each must read its newest value.
  void ReadAll() {
    std::vector<std::vector<std::string>> gets;
    for (const auto& [key, value] : expected_) gets.push_back({"GET", key});
    std::vector<Reply> replies = Pipeline(*client_, gets);
    size_t i = 0;
    for (const auto& [key, value] : expected_) {
      EXPECT_EQ(replies[i++], value ? Reply::String(*value) : Reply::Nil())
          << key;
    }
  }

  Cluster cluster_;
  std::unique_ptr<RedisClient> client_;
  std::map<std::string, std::optional<std::string>>
      expected_;  // nullopt: deleted
  std::map<std::string, std::string>
      stale_;  // what r1 held before, by Describe()
};

TEST_P(ReadRepairTest, ReadsBringTheReturningReplicaUpToDate) {
  LeaveReplicaBehind();
  if (HasFatalFailure()) return;
  // R=2 of 3 may be answered without r1; its late answer is repaired too.
  ::testing::AssertionResult current = ::testing::AssertionFailure();
  EXPECT_TRUE(WaitUntil(
      [&] {
        ReadAll();
        return (current = HoldsNewest()) || HasFailure();
      },
      kDeadline, Millis(100)));
  EXPECT_TRUE(current);
}

// The control: without read repair, reads answer right but leave r1 behind.
using NoReadRepairTest = ReadRepairTest;

TEST_P(NoReadRepairTest, ReadsLeaveTheReturningReplicaBehind) {
  LeaveReplicaBehind();
  if (HasFatalFailure()) return;
  for (int round = 0; round < 20; ++round) ReadAll();
  EXPECT_TRUE(HoldsStale()) << "after reads with read-repair off";
}

INSTANTIATE_TEST_SUITE_P(Modes, ReadRepairTest,
                         ::testing::Values("blocking", "async"),
                         [](const auto& info) { return info.param; });
INSTANTIATE_TEST_SUITE_P(Modes, NoReadRepairTest, ::testing::Values("off"),
                         [](const auto& info) { return info.param; });

// ---- monotonic reads -------------------------------------------------------

constexpr int kCounters = 8;

// The number a counter key holds; -1 if the reply is not one.
long CounterOf(const Reply& reply) {
  long n = -1;
  if (reply.type != Reply::Type::kString) return n;
  const char* end = reply.str.data() + reply.str.size();
  auto [p, ec] = std::from_chars(reply.str.data(), end, n);
  return ec == std::errc() && p == end ? n : -1;
}
// Writes between two steps of the failure schedule.
constexpr long kWritesPerStep = 300;

// One writer sets each of kCounters keys to an ever larger number; two
// readers check that a read never returns less than a read that completed
// before it started (by any reader). Meanwhile r1, then r2, is killed and
// restarted on its data folder: it returns stale, and quorum reads that
// include it must still never go back (blocking read repair).
class MonotonicReadTest : public ::testing::Test {
 protected:
  MonotonicReadTest() : cluster_(FailureOptions(3)) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    auto client = cluster_.ConnectProxy();
    ASSERT_TRUE(client);
    KeyValues zeros;
    for (const std::string& key : keys_) zeros[key] = "0";
    ASSERT_TRUE(SetAll(*client, zeros));
  }

  void Write() {
    auto client = cluster_.ConnectProxy();
    for (long n = 1; client && !stop_; ++n) {
      const size_t k = static_cast<size_t>(n) % kCounters;
      attempted_[k] = n;
      Reply reply = client->Command({"SET", keys_[k], std::to_string(n)});
      if (reply == Reply::Status("OK")) {
        acknowledged_[k] = n;
        ++writes_;
      } else {
        Note("SET " + keys_[k] + " " + std::to_string(n) + " -> " +
             ::testing::PrintToString(reply));
      }
    }
  }

  void Read() {
    auto client = cluster_.ConnectProxy();
    while (client && !stop_) {
      for (size_t k = 0; k < kCounters; ++k) {
        const long floor = newest_read_[k].load();
        Reply reply = client->Command({"GET", keys_[k]});
        const long n = CounterOf(reply);
        if (n < 0) {
          Note("GET " + keys_[k] + " -> " + ::testing::PrintToString(reply));
        } else if (n < floor) {
          Note("GET " + keys_[k] + " -> " + std::to_string(n) +
               " after a completed read returned " + std::to_string(floor));
        }
        for (long seen = floor; n > seen;) {
          if (newest_read_[k].compare_exchange_weak(seen, n)) break;
        }
        ++reads_;
      }
    }
  }

  void Note(const std::string& problem) {
    std::lock_guard<std::mutex> lock(mutex_);
    problems_.push_back(problem);
  }

  // Waits until the writer acknowledged kWritesPerStep more writes.
  ::testing::AssertionResult Progress() {
    const long target = writes_ + kWritesPerStep;
    if (WaitUntil([&] { return writes_ >= target; })) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "the writer is stuck at " << writes_ << " writes";
  }

  Cluster cluster_;
  const std::vector<std::string> keys_ = NumberedKeys("counter:", kCounters);
  std::atomic<bool> stop_{false};
  std::atomic<long> writes_{0};
  std::atomic<long> reads_{0};
  std::array<std::atomic<long>, kCounters> newest_read_{};
  std::array<long, kCounters> attempted_{};     // writer thread until joined
  std::array<long, kCounters> acknowledged_{};  // writer thread until joined
  std::mutex mutex_;
  std::vector<std::string> problems_;
};

TEST_F(MonotonicReadTest, QuorumReadsNeverGoBackWhileReplicasReturnStale) {
  std::vector<std::thread> threads;
  threads.emplace_back([this] { Write(); });
  threads.emplace_back([this] { Read(); });
  threads.emplace_back([this] { Read(); });
  // Process control stays on this thread (see cluster_harness.h).
  [&] {
    for (int r : {0, 1}) {
      ASSERT_TRUE(Progress());
      cluster_.KillReplica(r);
      ASSERT_TRUE(Progress());
      ASSERT_TRUE(cluster_.RestartReplica(r));
      ASSERT_TRUE(cluster_.WaitForReplicasUp(3));
    }
    ASSERT_TRUE(Progress());
  }();
  stop_ = true;
  for (std::thread& t : threads) t.join();

  EXPECT_GT(reads_, 0);
  std::string problems;
  for (size_t i = 0; i < problems_.size() && i < 10; ++i) {
    problems += "\n  " + problems_[i];
  }
  EXPECT_TRUE(problems_.empty())
      << problems_.size() << " errors or reads back in time:" << problems;
  // No acknowledged write is lost: each key holds its last acknowledged
  // number, or a later one whose write failed but may have landed.
  auto client = cluster_.ConnectProxy();
  ASSERT_TRUE(client);
  for (size_t k = 0; k < kCounters; ++k) {
    const long n = CounterOf(client->Command({"GET", keys_[k]}));
    EXPECT_GE(n, acknowledged_[k]) << keys_[k];
    EXPECT_LE(n, attempted_[k]) << keys_[k];
    EXPECT_GE(n, newest_read_[k].load()) << keys_[k];
  }
}

}  // namespace
}  // namespace leaderless::test
