// Helpers shared by the failure-handling integration tests
// (hinted_handoff_test, quorum_test, read_repair_test): clusters whose key
// placement a test can compute, pipelined writes and reads through a proxy,
// black-box checks of what a replica holds (LL.GET straight to it) and of
// its hint counters (the "# Hints" section of its INFO).
//
// Replicas that are stopped (SIGSTOP) must never be asked anything: a
// request to them waits for the client's full timeout. Functions that talk
// to replicas take the indices to ask.

#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "protocol/cluster/ring.h"
#include "tests/integration/cluster_harness.h"

namespace leaderless::test {

// Acknowledged writes: key -> value.
using KeyValues = std::map<std::string, std::string>;

// The ring's token count in every cluster of these tests; Placement uses it.
inline constexpr int kTokensPerReplica = 64;

// `replicas` replicas, N=3 R=2 W=2, `request-timeout-ms`, the token count
// pinned, `appendfsync no` (later replica_lines may set it back).
ClusterOptions FailureOptions(int replicas, int request_timeout_ms = 1000);

// The ring every process of a cluster started with `options` derives (ids
// r1..rM in order, kTokensPerReplica tokens each).
class Placement {
 public:
  explicit Placement(const ClusterOptions& options);

  // Every replica, as Cluster indices, in the key's walk order.
  std::vector<int> Walk(std::string_view key) const;
  // The first N of the walk.
  std::vector<int> Homes(std::string_view key) const;
  bool IsHome(int replica, std::string_view key) const;
  int replicas() const { return static_cast<int>(ring_.replica_count()); }

 private:
  cluster::Ring ring_;
  size_t n_;
};

// "<prefix>0" .. "<prefix><count - 1>".
std::vector<std::string> NumberedKeys(const std::string& prefix, int count);
// The first `count` keys "<prefix><i>" (i = 0, 1, ...) that satisfy `want`.
std::vector<std::string> KeysWhere(
    const std::string& prefix, int count,
    const std::function<bool(const std::string&)>& want);
// `count` keys "<prefix><i>", each with the value "<key> <tag>".
KeyValues MakeKeyValues(const std::string& prefix, int count,
                        const std::string& tag);
// `keys`, each with the value "<key> <tag>".
KeyValues ValuesFor(const std::vector<std::string>& keys,
                    const std::string& tag);
std::vector<std::string> KeysOf(const KeyValues& kvs);

// Sends `commands` pipelined, `depth` at a time; their replies, in order.
std::vector<Reply> Pipeline(
    RedisClient& client, const std::vector<std::vector<std::string>>& commands,
    size_t depth = 100);
// SETs every pair: success when every one was acknowledged (+OK).
::testing::AssertionResult SetAll(RedisClient& client, const KeyValues& kvs,
                                  size_t depth = 100);
// GETs every key: success when each reads back its value. Reads that
// time out (NOQUORUM) are retried until kDeadline.
::testing::AssertionResult ReadsBack(RedisClient& client, const KeyValues& kvs,
                                     size_t depth = 100);

// What `replica` holds for each key, asked with LL.GET: the encoded record
// (kString), nil, or an error / kIoError.
std::vector<Reply> HeldRecords(const Cluster& cluster, int replica,
                               const std::vector<std::string>& keys);
// The same, decoded for messages: the value, "(tombstone)", "(none)", or
// what went wrong.
std::string Describe(const Reply& held);
// Success when every home replica of every key holds the key's value.
::testing::AssertionResult HomesHold(const Cluster& cluster,
                                     const Placement& placement,
                                     const KeyValues& kvs);
// Polls HomesHold until it succeeds or kDeadline passes.
::testing::AssertionResult WaitForHomesToHold(const Cluster& cluster,
                                              const Placement& placement,
                                              const KeyValues& kvs);

// Replica `replica`'s INFO text; "" if it does not answer.
std::string ReplicaInfo(const Cluster& cluster, int replica);
// A proxy's INFO cluster text (its quorum counters).
std::string ProxyInfo(RedisClient& proxy);
// The integer after `field` (e.g. "writes_pending:") in `text`; -1 if
// absent.
long long FieldValue(std::string_view text, std::string_view field);

// One `hints_for_<home>` line of a replica's INFO.
struct HintCounts {
  long long pending = 0;
  long long delivered = 0;
  long long dropped = 0;
  bool operator==(const HintCounts&) const = default;
};
void PrintTo(const HintCounts& counts, std::ostream* os);
// Replica `replica`'s hint counters by home id; empty if it does not answer.
std::map<std::string, HintCounts> ReplicaHints(const Cluster& cluster,
                                               int replica);
// The sum over `replicas` of their counters for `home` ("": every home).
HintCounts SumHints(const Cluster& cluster, const std::vector<int>& replicas,
                    const std::string& home = "");
// How many hints each home in `down` should get from writes of `keys`
// while the homes in `down` are down: one per key it is a home of.
std::map<std::string, long long> ExpectedHints(
    const Placement& placement, const std::vector<std::string>& keys,
    const std::vector<int>& down);

// 0..replicas-1 without `excluded`.
std::vector<int> AllBut(int replicas, const std::vector<int>& excluded);

// How long `fn` took.
Millis TimeOf(const std::function<void()>& fn);

// The process_id field of a server's INFO; -1 if missing.
pid_t ProcessIdOf(RedisClient& server);
// The peak resident set (VmHWM) of process `pid`, in KiB; -1 if unknown.
long PeakRssKb(pid_t pid);

// GETs `keys` through proxy `port` in a loop on its own connection and
// thread until destroyed, ignoring the replies: traffic that makes the
// proxy notice a hung replica by request timeouts. Reads write nothing, so
// they leave no hints and no data behind for keys nobody wrote.
class BackgroundReads {
 public:
  BackgroundReads(int port, std::vector<std::string> keys);
  ~BackgroundReads();
  BackgroundReads(const BackgroundReads&) = delete;
  BackgroundReads& operator=(const BackgroundReads&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The log file of process `name` ("r1", "proxy0"...) of `cluster`.
std::string LogPath(const Cluster& cluster, const std::string& name);
// Whether the log at `path` holds `text` anywhere.
bool LogHas(const std::string& path, std::string_view text);
// Waits until the log at `path` holds `text`; a failure shows its tail.
::testing::AssertionResult WaitForLog(const std::string& path,
                                      std::string_view text);

// Another client, served right all along: SETs and GETs of its own keys on
// its own connection to a proxy, in a thread, until stopped; keeps the
// first reply that was not the expected one, and stops there.
class CheckedTraffic {
 public:
  explicit CheckedTraffic(int port);
  ~CheckedTraffic() { Stop(); }
  CheckedTraffic(const CheckedTraffic&) = delete;
  CheckedTraffic& operator=(const CheckedTraffic&) = delete;

  // Waits until `more` SET+GET pairs succeed after this call (or one
  // fails): requests that ran while the caller did something.
  bool RunsFurther(long more);
  // Stops; "" if every request succeeded, else what went wrong.
  std::string Stop();

 private:
  void Fail(std::string why);

  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<long> done_{0};
  std::string failure_;  // written by the thread before failed_
  std::thread thread_;
};

}  // namespace leaderless::test
