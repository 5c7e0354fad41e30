// Anti-entropy between replicas, alone: hinted handoff and read repair are
// off in every cluster here, so whatever a replica gains it gains from the
// Merkle-tree sync (replica/anti_entropy.h). Short sync intervals and a high
// rate keep the tests quick; every wait is a poll with a generous deadline.
//
// What a replica holds is checked black-box: LL.GET straight to it answers
// the encoded record it holds (protocol/cluster/record.h), or nil. Diverged
// replicas are crafted the same way, with LL.PUT of records built by
// cluster::EncodeRecord. Progress is read from the replicas' INFO:
//   # Keyspace    live_keys, tombstones, expired_not_purged, purged, ...
//   # AntiEntropy tree_nodes_compared, leaves_fetched, keys_exchanged,
//                 records_pulled, records_pull_failed, records_pushed,
//                 sync_with_<peer>:rounds=..,last_round_s_ago=..,
//                                  leaves_differing=..,records_repaired=..

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "protocol/cluster/record.h"
#include "protocol/cluster/ring.h"
#include "tests/integration/cluster_harness.h"

namespace leaderless::test {
namespace {

constexpr int kSyncIntervalMs = 200;
// Sync rounds and polls of a large keyspace under a sanitizer on a shared
// machine: far beyond what it takes, never a target.
constexpr Millis kConvergeDeadline{240000};
// A proxy id no proxy of these clusters has (they are 1..P): the node of
// the versions this file makes up.
constexpr uint32_t kTestNode = 77;
// How many LL.GETs (or SETs) are in flight at once on one connection.
constexpr size_t kPipelineDepth = 1000;

uint64_t NowMs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// A cluster of `replicas` replicas, every key on `n` of them, in which only
// anti-entropy moves records between replicas. `gc_grace_ms` 0 keeps the
// default (10 days).
ClusterOptions AntiEntropyOptions(int replicas, int n, int write_quorum,
                                  int64_t gc_grace_ms = 0) {
  ClusterOptions options;
  options.replicas = replicas;
  options.replication_factor = n;
  options.read_quorum = std::min(2, n);
  options.write_quorum = write_quorum;
  options.replica_lines = {
      "appendfsync no",
      "hinted-handoff no",
      "anti-entropy-interval-ms " + std::to_string(kSyncIntervalMs),
      "anti-entropy-rate 1000000",
      "expiry-sweep-rate 100000",
  };
  if (gc_grace_ms > 0) {
    options.replica_lines.push_back("gc-grace-ms " +
                                    std::to_string(gc_grace_ms));
    // A replica refuses a hint window that outlasts gc-grace.
    options.replica_lines.push_back("hint-window-ms " +
                                    std::to_string(gc_grace_ms / 2));
  }
  options.proxy_lines = {"read-repair off", "sloppy-quorum no"};
  return options;
}

std::vector<std::string> NumberedKeys(const std::string& prefix, int count) {
  std::vector<std::string> keys;
  keys.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) keys.push_back(prefix + std::to_string(i));
  return keys;
}

// ---- Records ----------------------------------------------------------------

cluster::Version V(uint64_t wall_ms, uint32_t logical = 0,
                   uint32_t node = kTestNode) {
  return cluster::Version{wall_ms, logical, node};
}

std::string Value(const cluster::Version& v, const std::string& value,
                  uint64_t expire_at_ms = 0) {
  cluster::Record r;
  r.version = v;
  r.expire_at_ms = expire_at_ms;
  r.value = value;
  return cluster::EncodeRecord(r);
}

std::string Tombstone(const cluster::Version& v) {
  cluster::Record r;
  r.version = v;
  r.tombstone = true;
  return cluster::EncodeRecord(r);
}

// What LL.GET answers for a record (nullopt: nil).
Reply Held(const std::optional<std::string>& record) {
  return record ? Reply::String(*record) : Reply::Nil();
}

// The value of a live record, for failure messages.
std::string Describe(const Reply& reply) {
  if (reply.type != Reply::Type::kString) {
    return ::testing::PrintToString(reply);
  }
  auto r = cluster::DecodeRecord(reply.str);
  if (!r.ok()) return "malformed record " + Printable(reply.str);
  return (r->tombstone ? std::string("tombstone")
                       : "value \"" + r->value + "\"") +
         " version " + cluster::VersionToString(r->version) +
         (r->expire_at_ms ? " expires " + std::to_string(r->expire_at_ms) : "");
}

// Sends `commands` pipelined, kPipelineDepth at a time; their replies.
std::vector<Reply> Pipeline(RedisClient& client,
                            const std::vector<std::vector<std::string>>& cmds) {
  std::vector<Reply> replies;
  replies.reserve(cmds.size());
  for (size_t start = 0; start < cmds.size(); start += kPipelineDepth) {
    size_t end = std::min(cmds.size(), start + kPipelineDepth);
    for (size_t i = start; i < end; ++i) client.Append(cmds[i]);
    for (size_t i = start; i < end; ++i) replies.push_back(client.Read());
  }
  return replies;
}

// LL.GET of every key on one replica, in order.
std::vector<Reply> RecordsOn(RedisClient& replica,
                             const std::vector<std::string>& keys) {
  std::vector<std::vector<std::string>> cmds;
  cmds.reserve(keys.size());
  for (const std::string& k : keys) cmds.push_back({"LL.GET", k});
  return Pipeline(replica, cmds);
}

// Stores `record` under `key` on `replica` (LL.PUT): success once durable.
::testing::AssertionResult Put(RedisClient& replica, const std::string& key,
                               const std::string& record) {
  Reply reply = replica.Command({"LL.PUT", key, record});
  if (reply.type == Reply::Type::kNil || reply.type == Reply::Type::kString) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "LL.PUT " << key << ": " << ::testing::PrintToString(reply);
}

// ---- INFO -------------------------------------------------------------------

struct PeerSync {
  uint64_t rounds = 0;
  std::string last_round_s_ago;  // "never" before the first round
  uint64_t leaves_differing = 0;
  uint64_t records_repaired = 0;
};

// The anti-entropy and keyspace counters of one replica's INFO.
struct SyncInfo {
  uint64_t nodes_compared = 0;
  uint64_t leaves_fetched = 0;
  uint64_t keys_exchanged = 0;
  uint64_t records_pulled = 0;
  uint64_t records_pull_failed = 0;
  uint64_t records_pushed = 0;
  uint64_t live_keys = 0;
  uint64_t tombstones = 0;
  uint64_t expired_not_purged = 0;
  uint64_t purged = 0;
  uint64_t sweep_passes = 0;
  std::map<std::string, PeerSync> peers;  // by peer id
  std::string text;                       // the whole INFO, for messages
};

uint64_t ToU64(const std::string& s) { return s.empty() ? 0 : std::stoull(s); }

// "a=1,b=2" -> {a: 1, b: 2}; values that are not numbers ("never") are 0.
std::map<std::string, uint64_t> ParseFields(const std::string& s) {
  std::map<std::string, uint64_t> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    std::string field = s.substr(pos, comma - pos);
    size_t eq = field.find('=');
    if (eq != std::string::npos) {
      std::string v = field.substr(eq + 1);
      bool number =
          !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
      out[field.substr(0, eq)] = number ? std::stoull(v) : 0;
    }
    pos = comma + 1;
  }
  return out;
}

std::optional<SyncInfo> ReadSyncInfo(RedisClient& replica) {
  Reply reply = replica.Command({"INFO"});
  if (reply.type != Reply::Type::kString) return std::nullopt;
  SyncInfo info;
  info.text = reply.str;
  std::map<std::string, std::string> lines;
  size_t pos = 0;
  while (pos < reply.str.size()) {
    size_t eol = reply.str.find("\r\n", pos);
    if (eol == std::string::npos) eol = reply.str.size();
    std::string line = reply.str.substr(pos, eol - pos);
    size_t colon = line.find(':');
    if (!line.empty() && line[0] != '#' && colon != std::string::npos) {
      lines[line.substr(0, colon)] = line.substr(colon + 1);
    }
    pos = eol + 2;
  }
  if (!lines.contains("tree_nodes_compared") || !lines.contains("purged")) {
    return std::nullopt;  // stopping, or not a replica
  }
  info.nodes_compared = ToU64(lines["tree_nodes_compared"]);
  info.leaves_fetched = ToU64(lines["leaves_fetched"]);
  info.keys_exchanged = ToU64(lines["keys_exchanged"]);
  info.records_pulled = ToU64(lines["records_pulled"]);
  info.records_pull_failed = ToU64(lines["records_pull_failed"]);
  info.records_pushed = ToU64(lines["records_pushed"]);
  info.live_keys = ToU64(lines["live_keys"]);
  info.tombstones = ToU64(lines["tombstones"]);
  info.expired_not_purged = ToU64(lines["expired_not_purged"]);
  info.purged = ToU64(lines["purged"]);
  info.sweep_passes = ToU64(lines["sweep_passes"]);
  for (const auto& [name, value] : lines) {
    if (!name.starts_with("sync_with_")) continue;
    auto fields = ParseFields(value);
    PeerSync& p = info.peers[name.substr(10)];
    p.rounds = fields["rounds"];
    p.leaves_differing = fields["leaves_differing"];
    p.records_repaired = fields["records_repaired"];
    size_t ago = value.find("last_round_s_ago=");
    if (ago != std::string::npos) {
      ago += 17;
      p.last_round_s_ago = value.substr(ago, value.find(',', ago) - ago);
    }
  }
  return info;
}

// ---- Fixture ----------------------------------------------------------------

class AntiEntropyTest : public ::testing::Test {
 protected:
  void StartCluster(ClusterOptions options) {
    cluster_ = std::make_unique<Cluster>(std::move(options));
    ASSERT_TRUE(cluster_->Start());
    proxy_ = cluster_->ConnectProxy();
    ASSERT_TRUE(proxy_);
    for (int i = 0; i < cluster_->options().replicas; ++i) {
      replicas_.push_back(cluster_->ConnectReplica(i));
      ASSERT_TRUE(replicas_.back()) << Cluster::ReplicaId(i);
    }
  }

  RedisClient& Replica(int i) { return *replicas_[static_cast<size_t>(i)]; }

  SyncInfo Info(int i) {
    auto info = ReadSyncInfo(Replica(i));
    EXPECT_TRUE(info) << Cluster::ReplicaId(i) << " answers no INFO";
    return info.value_or(SyncInfo{});
  }

  // SETs `keys` through the proxy, pipelined; each value is "value of <key>".
  void SetThroughProxy(const std::vector<std::string>& keys) {
    std::vector<std::vector<std::string>> cmds;
    cmds.reserve(keys.size());
    for (const std::string& k : keys) cmds.push_back({"SET", k, ValueOf(k)});
    std::vector<Reply> replies = Pipeline(*proxy_, cmds);
    size_t failed = 0;
    for (size_t i = 0; i < replies.size(); ++i) {
      if (replies[i] != Reply::Status("OK") && failed++ < 5) {
        ADD_FAILURE() << "SET " << keys[i] << ": "
                      << ::testing::PrintToString(replies[i]);
      }
    }
    ASSERT_EQ(failed, 0u) << "SETs not acknowledged";
  }

  static std::string ValueOf(const std::string& key) {
    return "value of " + key + " ................................";
  }

  // Rounds replica `i` has finished with each of its peers.
  std::map<std::string, uint64_t> Rounds(int i) {
    std::map<std::string, uint64_t> rounds;
    for (const auto& [peer, sync] : Info(i).peers) rounds[peer] = sync.rounds;
    return rounds;
  }

  // Waits until each of `replicas` has finished `more` further sync rounds
  // with each of its peers.
  ::testing::AssertionResult WaitForRounds(const std::vector<int>& replicas,
                                           uint64_t more) {
    std::map<int, std::map<std::string, uint64_t>> target;
    for (int r : replicas) {
      auto rounds = Rounds(r);
      if (rounds.empty()) {
        return ::testing::AssertionFailure()
               << Cluster::ReplicaId(r) << " lists no sync peers";
      }
      for (auto& [peer, n] : rounds) n += more;
      target[r] = rounds;
    }
    std::string behind;
    bool done = WaitUntil(
        [&] {
          for (const auto& [r, want] : target) {
            auto now = Rounds(r);
            for (const auto& [peer, n] : want) {
              if (now[peer] < n) {
                behind = Cluster::ReplicaId(r) + " with " + peer + ": " +
                         std::to_string(now[peer]) + " of " +
                         std::to_string(n) + " rounds";
                return false;
              }
            }
          }
          return true;
        },
        kConvergeDeadline, Millis(50));
    if (done) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "sync rounds stalled: " << behind;
  }

  // Waits until a sweep pass that started after this call has counted, on
  // each replica of `which`, `live` live keys, `tombstones` deletes and
  // `expired` expired records not yet purged.
  ::testing::AssertionResult WaitForKeyspace(const std::vector<int>& which,
                                             uint64_t live, uint64_t tombstones,
                                             uint64_t expired) {
    std::map<int, uint64_t> passes;
    for (int r : which) passes[r] = Info(r).sweep_passes + 2;
    std::string last;
    bool counted = WaitUntil(
        [&] {
          for (int r : which) {
            SyncInfo info = Info(r);
            last = Cluster::ReplicaId(r) +
                   ": live_keys=" + std::to_string(info.live_keys) +
                   " tombstones=" + std::to_string(info.tombstones) +
                   " expired_not_purged=" +
                   std::to_string(info.expired_not_purged) +
                   " sweep_passes=" + std::to_string(info.sweep_passes);
            if (info.sweep_passes < passes[r] || info.live_keys != live ||
                info.tombstones != tombstones ||
                info.expired_not_purged != expired) {
              return false;
            }
          }
          return true;
        },
        kConvergeDeadline, Millis(100));
    if (counted) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "expected live_keys=" << live << " tombstones=" << tombstones
           << " expired_not_purged=" << expired << "; last seen " << last;
  }

  // Waits until LL.GET of every key on every replica of `which` answers
  // exactly `expected` (same order as `keys`). On failure, names up to 5
  // differences.
  ::testing::AssertionResult WaitForRecords(
      const std::vector<int>& which, const std::vector<std::string>& keys,
      const std::vector<Reply>& expected, Millis deadline = kConvergeDeadline) {
    std::string diff;
    bool same = WaitUntil(
        [&] {
          diff.clear();
          size_t shown = 0;
          for (int r : which) {
            std::vector<Reply> held = RecordsOn(Replica(r), keys);
            for (size_t k = 0; k < keys.size(); ++k) {
              if (held[k] == expected[k]) continue;
              if (shown++ < 5) {
                diff += "\n  " + Cluster::ReplicaId(r) + " " + keys[k] +
                        ": holds " + Describe(held[k]) + ", expected " +
                        Describe(expected[k]);
              }
            }
          }
          if (shown > 5) diff += "\n  ... " + std::to_string(shown) + " in all";
          return shown == 0;
        },
        // A poll reads every key: spaced out, so that it does not take the
        // CPU the replicas need to converge.
        deadline, Millis(1000));
    if (same) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "replicas differ:" << diff;
  }

  std::unique_ptr<Cluster> cluster_;
  std::unique_ptr<RedisClient> proxy_;
  std::vector<std::unique_ptr<RedisClient>> replicas_;
};

// ---- 1. A wiped replica refills ---------------------------------------------

// 3 replicas, N=3: every key on every replica. A replica whose data folder
// is lost comes back empty, and anti-entropy alone (no hints, no read
// repair, no reads at all) gives it every record, with its version, back.
TEST_F(AntiEntropyTest, WipedReplicaGetsEveryRecordBack) {
  StartCluster(AntiEntropyOptions(3, 3, 2));
  const std::vector<std::string> keys = NumberedKeys("key:", 20000);
  ASSERT_NO_FATAL_FAILURE(SetThroughProxy(keys));

  // The reference: r1's records, once it holds every key and r2 and r3
  // hold the same (writes were acknowledged by 2 of 3; the third may still
  // have been applying them).
  std::vector<Reply> reference;
  auto holds_all = [&] {
    reference = RecordsOn(Replica(0), keys);
    for (size_t k = 0; k < keys.size(); ++k) {
      if (reference[k].type != Reply::Type::kString) return false;
    }
    return true;
  };
  ASSERT_TRUE(WaitUntil(holds_all, kConvergeDeadline, Millis(100)));
  for (size_t k = 0; k < keys.size(); ++k) {
    auto r = cluster::DecodeRecord(reference[k].str);
    ASSERT_TRUE(r.ok() && !r->tombstone && r->value == ValueOf(keys[k]))
        << keys[k] << " on r1: " << Describe(reference[k]);
  }
  ASSERT_TRUE(WaitForRecords({1, 2}, keys, reference));

  const int wiped = 2;
  ASSERT_TRUE(cluster_->TerminateReplica(wiped));
  const std::string folder = cluster_->dir() + "/" + Cluster::ReplicaId(wiped);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  const uint64_t pushed_before =
      Info(0).records_pushed + Info(1).records_pushed;
  ASSERT_TRUE(cluster_->RestartReplica(wiped));
  replicas_[wiped] = cluster_->ConnectReplica(wiped);
  ASSERT_TRUE(replicas_[wiped]);

  EXPECT_TRUE(WaitForRecords({wiped}, keys, reference));
  // Every key's record on every replica is the same, read in one pass.
  EXPECT_TRUE(WaitForRecords({0, 1, 2}, keys, reference, Millis(0)));

  // Each record reached r3 by a pull of its own or a push from a peer.
  const SyncInfo r3 = Info(wiped);
  const uint64_t moved = r3.records_pulled + Info(0).records_pushed +
                         Info(1).records_pushed - pushed_before;
  EXPECT_GE(moved, keys.size()) << r3.text;
  // And its trees agree with its peers' again: a later round finds no
  // differing leaf.
  ASSERT_TRUE(WaitForRounds({wiped}, 2));
  for (const auto& [peer, sync] : Info(wiped).peers) {
    EXPECT_EQ(sync.leaves_differing, 0u) << "with " << peer;
  }
  EXPECT_TRUE(WaitForKeyspace({0, 1, 2}, keys.size(), 0, 0));
}

// With more replicas than N, each replica shares only some token ranges
// with each peer: a wiped replica gets back exactly the keys it is a home
// replica of, from whichever peers share them, and nothing else.
TEST_F(AntiEntropyTest, WipedReplicaGetsBackExactlyItsRanges) {
  constexpr int kReplicas = 4, kN = 2, kTokens = 64;
  ClusterOptions options = AntiEntropyOptions(kReplicas, kN, kN);
  options.cluster_lines.push_back("tokens-per-replica " +
                                  std::to_string(kTokens));
  StartCluster(options);
  std::vector<std::string> ids;
  for (int i = 0; i < kReplicas; ++i) ids.push_back(Cluster::ReplicaId(i));
  const cluster::Ring ring(ids, kTokens);
  const int wiped = 3;

  const std::vector<std::string> keys = NumberedKeys("key:", 8000);
  // W = N: once acknowledged, each write is on both its homes.
  ASSERT_NO_FATAL_FAILURE(SetThroughProxy(keys));
  // What each replica must hold: its own keys' records, nil for the rest.
  std::vector<std::vector<Reply>> expected(kReplicas);
  std::vector<std::vector<Reply>> held(kReplicas);
  for (int r = 0; r < kReplicas; ++r) held[r] = RecordsOn(Replica(r), keys);
  size_t wiped_keys = 0;
  for (size_t k = 0; k < keys.size(); ++k) {
    auto homes = ring.Walk(keys[k]).first(kN);
    const Reply& record = held[homes[0]][k];
    ASSERT_EQ(record.type, Reply::Type::kString) << keys[k];
    for (int r = 0; r < kReplicas; ++r) {
      bool home = std::find(homes.begin(), homes.end(), r) != homes.end();
      expected[r].push_back(home ? record : Reply::Nil());
      if (home && r == wiped) ++wiped_keys;
    }
  }
  ASSERT_GT(wiped_keys, 0u);
  for (int r = 0; r < kReplicas; ++r) {
    ASSERT_TRUE(WaitForRecords({r}, keys, expected[r], Millis(0)));
  }

  ASSERT_TRUE(cluster_->TerminateReplica(wiped));
  const std::string folder = cluster_->dir() + "/" + Cluster::ReplicaId(wiped);
  std::filesystem::remove_all(folder);
  std::filesystem::create_directories(folder);
  ASSERT_TRUE(cluster_->RestartReplica(wiped));
  replicas_[wiped] = cluster_->ConnectReplica(wiped);
  ASSERT_TRUE(replicas_[wiped]);

  EXPECT_TRUE(WaitForRecords({wiped}, keys, expected[wiped]));
  for (int r = 0; r < kReplicas; ++r) {
    EXPECT_TRUE(WaitForRecords({r}, keys, expected[r], Millis(0)))
        << Cluster::ReplicaId(r);
  }
  EXPECT_TRUE(WaitForKeyspace({wiped}, wiped_keys, 0, 0));
}

// ---- 2. Divergence both ways ------------------------------------------------

// Two replicas (N=2, so they share every key), each with writes the other
// missed: values, deletes, and keys where each holds a different version.
// After sync both hold, for every key, the newest record either had; a
// delete newer than a value stays a delete.
TEST_F(AntiEntropyTest, DivergedReplicasConvergeOnNewestVersions) {
  StartCluster(AntiEntropyOptions(2, 2, 2));
  const uint64_t base = NowMs() - 60000;  // recent: far inside gc-grace
  const cluster::Version old_v = V(base), new_v = V(base + 1000);

  struct Case {
    std::string key;
    std::optional<std::string> on_a, on_b;  // as crafted on r1 and r2
    std::optional<std::string> newest;      // what both must hold after
    std::optional<std::string> get;         // GET through the proxy after
  };
  std::vector<Case> cases;
  auto add = [&](const std::string& name, int count, auto make) {
    for (int i = 0; i < count; ++i) {
      Case c;
      c.key = name + ":" + std::to_string(i);
      make(c);
      cases.push_back(std::move(c));
    }
  };
  const std::string v1 = "old value", v2 = "new value";
  // Writes only one side has.
  add("only-a", 100, [&](Case& c) { c.on_a = c.newest = Value(old_v, v1); });
  add("only-b", 100, [&](Case& c) { c.on_b = c.newest = Value(old_v, v1); });
  // Deletes one side missed (it holds the old value) or never saw the key.
  add("deleted-on-a", 100, [&](Case& c) {
    c.on_a = c.newest = Tombstone(new_v);
    c.on_b = Value(old_v, v1);
  });
  add("deleted-on-b", 100, [&](Case& c) {
    c.on_a = Value(old_v, v1);
    c.on_b = c.newest = Tombstone(new_v);
  });
  add("tombstone-only-a", 50,
      [&](Case& c) { c.on_a = c.newest = Tombstone(new_v); });
  add("tombstone-only-b", 50,
      [&](Case& c) { c.on_b = c.newest = Tombstone(new_v); });
  // Both hold the key, each a different version; the newer wins, whichever
  // side has it, down to the logical counter and the node tie breaker.
  add("newer-on-a", 100, [&](Case& c) {
    c.on_a = c.newest = Value(new_v, v2);
    c.on_b = Value(old_v, v1);
  });
  add("newer-on-b", 100, [&](Case& c) {
    c.on_a = Value(old_v, v1);
    c.on_b = c.newest = Value(new_v, v2);
  });
  add("logical-newer-on-b", 20, [&](Case& c) {
    c.on_a = Value(V(base, 1), v1);
    c.on_b = c.newest = Value(V(base, 2), v2);
  });
  add("node-newer-on-a", 20, [&](Case& c) {
    c.on_a = c.newest = Value(V(base, 0, kTestNode + 1), v2);
    c.on_b = Value(V(base, 0, kTestNode), v1);
  });
  // A write newer than a delete brings the key back, as it should.
  add("rewritten-on-a", 50, [&](Case& c) {
    c.on_a = c.newest = Value(new_v, v2);
    c.on_b = Tombstone(old_v);
  });
  add("rewritten-on-b", 50, [&](Case& c) {
    c.on_a = Tombstone(old_v);
    c.on_b = c.newest = Value(new_v, v2);
  });
  add("same", 100,
      [&](Case& c) { c.on_a = c.on_b = c.newest = Value(old_v, v1); });

  for (Case& c : cases) {
    if (c.on_a) {
      ASSERT_TRUE(Put(Replica(0), c.key, *c.on_a));
    }
    if (c.on_b) {
      ASSERT_TRUE(Put(Replica(1), c.key, *c.on_b));
    }
    auto newest = cluster::DecodeRecord(*c.newest);
    ASSERT_TRUE(newest.ok());
    if (!newest->tombstone) c.get = newest->value;
  }

  std::vector<std::string> keys;
  std::vector<Reply> expected;
  for (const Case& c : cases) {
    keys.push_back(c.key);
    expected.push_back(Held(c.newest));
  }
  ASSERT_TRUE(WaitForRecords({0, 1}, keys, expected));

  // Repairs went both ways.
  const SyncInfo a = Info(0), b = Info(1);
  EXPECT_GT(a.records_pulled + b.records_pushed, 0u) << a.text << b.text;
  EXPECT_GT(a.records_pushed + b.records_pulled, 0u) << a.text << b.text;
  EXPECT_EQ(a.records_pull_failed + b.records_pull_failed, 0u)
      << a.text << b.text;

  uint64_t live = 0;
  for (const Case& c : cases) live += c.get ? 1 : 0;
  EXPECT_TRUE(WaitForKeyspace({0, 1}, live, cases.size() - live, 0));

  // Further rounds change nothing: deleted keys stay deleted.
  ASSERT_TRUE(WaitForRounds({0, 1}, 3));
  EXPECT_TRUE(WaitForRecords({0, 1}, keys, expected, Millis(0)));
  for (int r : {0, 1}) {
    for (const auto& [peer, sync] : Info(r).peers) {
      EXPECT_EQ(sync.leaves_differing, 0u)
          << Cluster::ReplicaId(r) << " with " << peer;
    }
  }
  std::vector<std::vector<std::string>> gets;
  for (const Case& c : cases) gets.push_back({"GET", c.key});
  std::vector<Reply> got = Pipeline(*proxy_, gets);
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(got[i],
              cases[i].get ? Reply::String(*cases[i].get) : Reply::Nil())
        << "GET " << cases[i].key;
  }
}

// ---- 3. Identical replicas exchange no keys ---------------------------------

// Two replicas that already agree on 20,000 keys: a sync round compares
// tree nodes (the roots) and fetches no leaf and no key.
TEST_F(AntiEntropyTest, IdenticalReplicasOnlyCompareTrees) {
  StartCluster(AntiEntropyOptions(2, 2, 2));
  const std::vector<std::string> keys = NumberedKeys("key:", 20000);
  // W = N = 2: once acknowledged, each write is on both replicas.
  ASSERT_NO_FATAL_FAILURE(SetThroughProxy(keys));
  // Rounds that started while the writes were arriving may have seen
  // passing differences; measure from rounds that start later.
  ASSERT_TRUE(WaitForRounds({0, 1}, 2));

  const SyncInfo before[2] = {Info(0), Info(1)};
  ASSERT_TRUE(WaitForRounds({0, 1}, 5));
  for (int r : {0, 1}) {
    const SyncInfo after = Info(r);
    const SyncInfo& was = before[r];
    SCOPED_TRACE(Cluster::ReplicaId(r) + " before:\n" + was.text +
                 "\nafter:\n" + after.text);
    uint64_t rounds = 0;
    for (const auto& [peer, sync] : after.peers) {
      rounds += sync.rounds - was.peers.at(peer).rounds;
      EXPECT_EQ(sync.leaves_differing, 0u) << "with " << peer;
      EXPECT_EQ(sync.records_repaired, 0u) << "with " << peer;
      EXPECT_NE(sync.last_round_s_ago, "never") << "with " << peer;
      EXPECT_FALSE(sync.last_round_s_ago.empty()) << "with " << peer;
    }
    EXPECT_GE(rounds, 5u);
    EXPECT_EQ(after.leaves_fetched, was.leaves_fetched);
    EXPECT_EQ(after.keys_exchanged, was.keys_exchanged);
    EXPECT_EQ(after.records_pulled, was.records_pulled);
    EXPECT_EQ(after.records_pushed, was.records_pushed);
    // Equal roots end a round: one node per round, not the 4,369 of a tree.
    const uint64_t compared = after.nodes_compared - was.nodes_compared;
    EXPECT_GT(compared, 0u);
    EXPECT_LE(compared, rounds);
  }
  EXPECT_TRUE(WaitForKeyspace({0, 1}, keys.size(), 0, 0));
}

// ---- 4. Expired keys --------------------------------------------------------

// Records whose expiry passed read as absent, are purged gc-grace after
// their expiry, and anti-entropy brings none of them back: not the expired
// record, and not an older value a replica held before it.
TEST_F(AntiEntropyTest, ExpiredKeysStayGoneAndArePurgedAfterGrace) {
  constexpr int64_t kGraceMs = 4000;
  StartCluster(AntiEntropyOptions(2, 2, 2, kGraceMs));
  const uint64_t now = NowMs();
  const int kCount = 50;
  std::vector<std::string> expired = NumberedKeys("expired-on-a:", kCount);
  std::vector<std::string> expiring = NumberedKeys("expiring-on-a:", kCount);
  std::vector<std::string> over_old = NumberedKeys("expired-over-old:", kCount);
  std::vector<std::string> control = NumberedKeys("live-on-a:", kCount);
  for (int i = 0; i < kCount; ++i) {
    // Expired already, on r1 only.
    ASSERT_TRUE(
        Put(Replica(0), expired[i], Value(V(now - 1000), "x", now - 100)));
    // Live for a second more, on r1 only: it may well be copied to r2
    // while live, and must expire and be purged there too.
    ASSERT_TRUE(
        Put(Replica(0), expiring[i], Value(V(now - 1000), "y", now + 1000)));
    // r2 holds an older value without expiry that r1 overwrote with a
    // value that has expired since: the old value must not come back.
    ASSERT_TRUE(
        Put(Replica(1), over_old[i], Value(V(now - 2000), "old value")));
    ASSERT_TRUE(
        Put(Replica(0), over_old[i], Value(V(now - 1000), "z", now - 100)));
    // A live key on r1 only: proof that sync runs.
    ASSERT_TRUE(Put(Replica(0), control[i], Value(V(now - 1000), "live")));
  }
  std::vector<std::string> gone;
  for (auto* v : {&expired, &expiring, &over_old}) {
    gone.insert(gone.end(), v->begin(), v->end());
  }
  std::vector<Reply> control_records = RecordsOn(Replica(0), control);

  // None of the expired keys reads through the proxy, at any time; after
  // the grace LL.GET answers nil for each on both replicas (purged from
  // LevelDB), and the sweepers counted purges.
  std::vector<std::vector<std::string>> gets;
  for (const std::string& k : gone) gets.push_back({"GET", k});
  auto expect_no_reads = [&](const std::string& when) {
    std::vector<Reply> got = Pipeline(*proxy_, gets);
    size_t bad = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      if (got[i] != Reply::Nil() && bad++ < 5) {
        ADD_FAILURE() << when << ": GET " << gone[i] << " answers "
                      << ::testing::PrintToString(got[i]);
      }
    }
  };
  // The "expiring" keys are still live for a moment: read only the others.
  std::vector<std::vector<std::string>> early_gets;
  for (const std::string& k : expired) early_gets.push_back({"GET", k});
  for (const std::string& k : over_old) early_gets.push_back({"GET", k});
  for (const Reply& r : Pipeline(*proxy_, early_gets)) {
    EXPECT_EQ(r, Reply::Nil()) << "before sync";
  }

  ASSERT_TRUE(WaitForRecords({1}, control, control_records));
  ASSERT_TRUE(WaitForRecords({0, 1}, gone,
                             std::vector<Reply>(gone.size(), Reply::Nil())));
  ASSERT_TRUE(
      WaitUntil([&] { return Info(0).purged > 0 && Info(1).purged > 0; },
                kConvergeDeadline, Millis(100)))
      << Info(0).text << Info(1).text;
  // Every key r1 had gets purged there; r2 purges what reached it.
  EXPECT_GE(Info(0).purged, gone.size());
  expect_no_reads("after the grace");

  // Further rounds bring nothing back.
  ASSERT_TRUE(WaitForRounds({0, 1}, 5));
  EXPECT_TRUE(WaitForRecords(
      {0, 1}, gone, std::vector<Reply>(gone.size(), Reply::Nil()), Millis(0)));
  expect_no_reads("after more rounds");
  EXPECT_TRUE(WaitForRecords({0, 1}, control, control_records, Millis(0)));
  // Nothing left but the live keys.
  EXPECT_TRUE(WaitForKeyspace({0, 1}, control.size(), 0, 0));
}

// ---- 5. A purged tombstone --------------------------------------------------

// r1 takes a delete that r2 missed (r2 still holds the value). Within the
// grace anti-entropy carries the tombstone to r2; after the grace both
// purge it, and from then on neither replica, over many rounds, and no read
// through the proxy ever shows the old value again.
TEST_F(AntiEntropyTest, PurgedTombstoneDoesNotBringOldValueBack) {
  constexpr int64_t kGraceMs = 4000;
  StartCluster(AntiEntropyOptions(2, 2, 2, kGraceMs));
  const std::vector<std::string> keys = NumberedKeys("deleted:", 200);
  ASSERT_NO_FATAL_FAILURE(SetThroughProxy(keys));  // on both (W = N = 2)
  std::vector<Reply> values = RecordsOn(Replica(1), keys);
  ASSERT_TRUE(WaitForRecords({0}, keys, values, Millis(0)));

  // The delete, newer than the value, on r1 only.
  std::vector<Reply> tombstones;
  uint64_t deleted_at = NowMs();
  for (size_t k = 0; k < keys.size(); ++k) {
    auto value = cluster::DecodeRecord(values[k].str);
    ASSERT_TRUE(value.ok()) << keys[k];
    cluster::Version v =
        V(std::max(deleted_at, value->version.wall_ms + 1), 0, kTestNode);
    const std::string tombstone = Tombstone(v);
    ASSERT_TRUE(Put(Replica(0), keys[k], tombstone));
    tombstones.push_back(Reply::String(tombstone));
  }

  // r2 gets the tombstone (or has already purged it): once it dropped the
  // old value it never shows it again, and r1 never does. Watch every key
  // on both replicas until both purged.
  std::vector<bool> tombstone_seen(keys.size(), false);  // on r2
  std::vector<bool> value_dropped(keys.size(), false);   // by r2
  std::string resurrected;
  auto watch = [&](int r) {
    std::vector<Reply> held = RecordsOn(Replica(r), keys);
    for (size_t k = 0; k < keys.size(); ++k) {
      const bool old_value = held[k] == values[k];
      if (old_value && (r == 0 || value_dropped[k])) {
        resurrected += "\n  " + Cluster::ReplicaId(r) + " " + keys[k];
      } else if (!old_value && held[k] != tombstones[k] &&
                 held[k] != Reply::Nil()) {
        resurrected += "\n  " + Cluster::ReplicaId(r) + " " + keys[k] +
                       " holds " + Describe(held[k]);
      }
      if (r == 1 && !old_value) value_dropped[k] = true;
      if (r == 1 && held[k] == tombstones[k]) tombstone_seen[k] = true;
    }
    return held;
  };
  bool all_purged = WaitUntil(
      [&] {
        bool purged = true;
        for (int r : {1, 0}) {
          for (const Reply& h : watch(r)) purged = purged && h == Reply::Nil();
        }
        return purged;
      },
      kConvergeDeadline, Millis(100));
  EXPECT_TRUE(resurrected.empty()) << "old values back:" << resurrected;
  ASSERT_TRUE(all_purged) << "tombstones not purged on both replicas";
  // The tombstones travelled within the grace: r2 held them before purging
  // (seen by the polls above, unless a poll was slower than the grace).
  size_t seen = 0;
  for (bool s : tombstone_seen) seen += s ? 1 : 0;
  EXPECT_GT(seen, 0u) << "no tombstone ever seen on r2";
  EXPECT_GT(Info(0).purged, 0u);
  EXPECT_GT(Info(1).purged, 0u);

  // Many more rounds: nothing comes back on either replica.
  const std::vector<Reply> nils(keys.size(), Reply::Nil());
  ASSERT_TRUE(WaitForRounds({0, 1}, 5));
  EXPECT_TRUE(WaitForRecords({0, 1}, keys, nils, Millis(0)));
  std::vector<std::vector<std::string>> gets;
  for (const std::string& k : keys) gets.push_back({"GET", k});
  std::vector<Reply> got = Pipeline(*proxy_, gets);
  for (size_t k = 0; k < keys.size(); ++k) {
    EXPECT_EQ(got[k], Reply::Nil()) << "GET " << keys[k];
  }
  EXPECT_TRUE(WaitForKeyspace({0, 1}, 0, 0, 0));
}

}  // namespace
}  // namespace leaderless::test
