// Whole-keyspace commands through the proxy: KEYS, SCAN, DBSIZE, RANDOMKEY
// (compared with a real redis-server given the same writes, deletes and
// expiries) and FLUSHALL / FLUSHDB (cluster-wide, versioned: refused while
// a replica is down, and never undone by a replica that missed it).

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

using KeySet = std::set<std::string>;

KeySet ArrayStrings(const Reply& r) {
  KeySet keys;
  for (const Reply& e : r.elements) keys.insert(e.str);
  return keys;
}

// SCAN from cursor 0 to the end, `count` at a time; every key returned
// (repeats collapse), or nullopt on an error reply. `next(i)` picks the
// client for the i-th call, so a scan can move between proxies.
std::optional<KeySet> ScanAll(const std::function<RedisClient&(int call)>& next,
                              const std::vector<std::string>& options = {}) {
  KeySet keys;
  std::string cursor = "0";
  for (int call = 0;; ++call) {
    std::vector<std::string> argv = {"SCAN", cursor};
    argv.insert(argv.end(), options.begin(), options.end());
    Reply r = next(call).Command(argv);
    if (r.type != Reply::Type::kArray || r.elements.size() != 2) {
      ADD_FAILURE() << "SCAN " << cursor << ": " << ::testing::PrintToString(r);
      return std::nullopt;
    }
    for (const Reply& key : r.elements[1].elements) keys.insert(key.str);
    cursor = r.elements[0].str;
    if (cursor == "0") return keys;
  }
}

std::optional<KeySet> ScanAll(RedisClient& client,
                              const std::vector<std::string>& options = {}) {
  return ScanAll([&client](int) -> RedisClient& { return client; }, options);
}

// The same script for leaderless and Redis: live keys, overwritten keys,
// deleted keys, keys with a TTL ahead and keys that expire at once.
std::vector<std::vector<std::string>> Script() {
  std::vector<std::vector<std::string>> script;
  for (int i = 0; i < 600; ++i) {
    script.push_back({"SET", "key:" + std::to_string(i), "v"});
  }
  for (int i = 0; i < 600; i += 5) {
    script.push_back({"DEL", "key:" + std::to_string(i)});
  }
  for (int i = 1; i < 600; i += 7) {
    script.push_back({"SET", "key:" + std::to_string(i), "again"});
  }
  for (int i = 0; i < 40; ++i) {
    script.push_back({"SET", "gone:" + std::to_string(i), "v", "PX", "1"});
    script.push_back({"SET", "ttl:" + std::to_string(i), "v", "EX", "1000"});
  }
  script.push_back({"SET", "", "empty key"});
  script.push_back({"SET", std::string("bin\0\r\n", 6), "binary key"});
  script.push_back({"SET", "ключ", "unicode key"});
  return script;
}

class KeyspaceTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    std::string why;
    if (!redis_.Start(&why)) GTEST_SKIP() << why;
    options_ = FailureOptions(GetParam());
    cluster_ = std::make_unique<Cluster>(options_);
    ASSERT_TRUE(cluster_->Start());
    ours_ = cluster_->ConnectProxy();
    theirs_ = RedisClient::Connect(redis_.port());
    ASSERT_TRUE(ours_ && theirs_);
  }

  void RunScript() {
    for (RedisClient* c : {ours_.get(), theirs_.get()}) {
      for (const Reply& r : Pipeline(*c, Script())) {
        ASSERT_FALSE(r.IsError()) << ::testing::PrintToString(r);
      }
    }
    // The PX 1 keys are gone from both once a read says so.
    ASSERT_TRUE(WaitUntil([&] {
      for (RedisClient* c : {ours_.get(), theirs_.get()}) {
        if (c->Command({"EXISTS", "gone:0", "gone:39"}) != Reply::Integer(0)) {
          return false;
        }
      }
      return true;
    }));
  }

  // Every listing of leaderless equals Redis's, which lists `expected`
  // keys.
  void ExpectSameListings(size_t expected) {
    const KeySet all = ArrayStrings(theirs_->Command({"KEYS", "*"}));
    ASSERT_EQ(all.size(), expected);
    EXPECT_EQ(ArrayStrings(ours_->Command({"KEYS", "*"})), all);
    EXPECT_EQ(ArrayStrings(ours_->Command({"KEYS", "key:1?"})),
              ArrayStrings(theirs_->Command({"KEYS", "key:1?"})));
    EXPECT_EQ(ArrayStrings(ours_->Command({"KEYS", "gone:*"})), KeySet());
    EXPECT_EQ(ours_->Command({"DBSIZE"}),
              Reply::Integer(static_cast<long long>(all.size())));
    for (const auto& options : std::vector<std::vector<std::string>>{
             {},
             {"COUNT", "3"},
             {"COUNT", "1000"},
             {"MATCH", "ttl:*", "COUNT", "50"},
             {"TYPE", "string"},
             {"TYPE", "hash"}}) {
      SCOPED_TRACE(::testing::PrintToString(options));
      auto mine = ScanAll(*ours_, options);
      auto redis = ScanAll(*theirs_, options);
      ASSERT_TRUE(mine && redis);
      EXPECT_EQ(*mine, *redis);
    }
    Reply random = ours_->Command({"RANDOMKEY"});
    ASSERT_EQ(random.type, Reply::Type::kString);
    EXPECT_TRUE(all.count(random.str)) << random.str;
  }

  RealRedis redis_;
  ClusterOptions options_;
  std::unique_ptr<Cluster> cluster_;
  std::unique_ptr<RedisClient> ours_;
  std::unique_ptr<RedisClient> theirs_;
};

TEST_P(KeyspaceTest, ListingsMatchRedisAlsoWithAReplicaDown) {
  EXPECT_EQ(ours_->Command({"RANDOMKEY"}), Reply::Nil());
  EXPECT_EQ(ours_->Command({"DBSIZE"}), Reply::Integer(0));
  EXPECT_EQ(ours_->Command({"SCAN", "0"}),
            Reply::Array({Reply::String("0"), Reply::Array({})}));
  RunScript();
  // 600 set, 120 deleted of which 17 set again, 40 with a TTL, 3 odd.
  const size_t scripted = 600 - 120 + 17 + 40 + 3;
  ExpectSameListings(scripted);
  cluster_->KillReplica(1);
  ASSERT_TRUE(cluster_->WaitForReplicasUp(GetParam() - 1));
  ExpectSameListings(scripted);
  if (GetParam() == 3) return;
  // With 5 replicas, r4 goes down too. Keys homed on r2 and r4 written now
  // are held by one home and two stand-ins (as hints), and a quorum read of
  // their range may get its two answers from the stand-ins: listings must
  // read hints. (Keys written before, homed on both, are another matter:
  // no quorum read, GET included, is sure to see them with two homes down.)
  cluster_->KillReplica(3);
  ASSERT_TRUE(cluster_->WaitForReplicasUp(3));
  KeyValues late = MakeKeyValues("late:", 300, "v");
  ASSERT_TRUE(SetAll(*ours_, late));
  const KeySet listed = ArrayStrings(ours_->Command({"KEYS", "late:*"}));
  auto scanned = ScanAll(*ours_, {"MATCH", "late:*", "COUNT", "20"});
  ASSERT_TRUE(scanned);
  for (const auto& [key, value] : late) {
    EXPECT_TRUE(listed.count(key)) << key << " not in KEYS";
    EXPECT_TRUE(scanned->count(key)) << key << " not in SCAN";
  }
}

INSTANTIATE_TEST_SUITE_P(Replicas, KeyspaceTest, ::testing::Values(3, 5),
                         [](const auto& info) {
                           return std::to_string(info.param) + "Replicas";
                         });

// Errors and edge cases, reply for reply against Redis (RESP2 bytes).
TEST(KeyspaceErrorsTest, SameRepliesAsRedis) {
  RealRedis redis;
  std::string why;
  if (!redis.Start(&why)) GTEST_SKIP() << why;
  Cluster cluster;
  ASSERT_TRUE(cluster.Start());
  auto ours = RawConnection::Connect(cluster.proxy_port());
  auto theirs = RawConnection::Connect(redis.port());
  ASSERT_TRUE(ours && theirs);
  const std::vector<std::vector<std::string>> commands = {
      {"SCAN", "x"},
      {"SCAN", "-"},
      {"SCAN", " 1"},
      {"SCAN", "1x"},
      {"SCAN", "99999999999999999999"},
      {"SCAN", "0", "COUNT"},
      {"SCAN", "0", "COUNT", "0"},
      {"SCAN", "0", "COUNT", "-1"},
      {"SCAN", "0", "COUNT", "x"},
      {"SCAN", "0", "COUNT", "1000000"},  // past a replica's page limit
      {"SCAN", "0", "MATCH"},
      {"SCAN", "0", "FOO", "1"},
      {"SCAN", "0", "TYPE"},
      {"SCAN"},
      {"SCAN", "0", "count", "5", "match", "*", "type", "STRING"},
      {"KEYS"},
      {"KEYS", "a", "b"},
      {"KEYS", "nothing*"},
      {"DBSIZE", "x"},
      {"RANDOMKEY", "x"},
      {"RANDOMKEY"},
      {"FLUSHALL", "x"},
      {"FLUSHALL", "ASYNC", "SYNC"},
      {"FLUSHDB", "sync"},
      {"FLUSHALL", "async"},
      {"FLUSHALL"},
      {"DBSIZE"},
      // A flushed key is gone for DEL's count too, though its records are
      // only swept later.
      {"MSET", "a", "1", "b", "2", "c", "3"},
      {"FLUSHALL"},
      {"DEL", "a", "b", "c", "d"},
      {"SET", "f", "1"},
      {"FLUSHDB"},
      {"GETDEL", "f"},
      {"UNLINK", "f"},
      {"SET", "f", "2"},
      {"DEL", "f", "f"},
      {"DBSIZE"},
  };
  for (const auto& argv : commands) {
    SCOPED_TRACE(Printable(RespCommand(argv)));
    ASSERT_TRUE(ours->Send(RespCommand(argv)));
    ASSERT_TRUE(theirs->Send(RespCommand(argv)));
    EXPECT_EQ(Printable(ours->ReadReplies(1), 500),
              Printable(theirs->ReadReplies(1), 500));
  }
}

// A key present for the whole scan is returned, while other keys arrive.
TEST(ScanTest, KeysPresentThroughoutAreReturnedWhileOthersArrive) {
  Cluster cluster(FailureOptions(3));
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  KeyValues before = MakeKeyValues("old:", 2000, "v");
  ASSERT_TRUE(SetAll(*client, before));
  std::atomic<bool> stop{false};
  std::atomic<int> added{0};
  std::thread writer([&] {
    auto w = cluster.ConnectProxy();
    for (int i = 0; w && !stop; ++i) {
      if (w->Command({"SET", "new:" + std::to_string(i), "v"}) ==
          Reply::Status("OK")) {
        ++added;
      }
    }
  });
  auto keys = ScanAll(*client, {"COUNT", "20"});
  stop = true;
  writer.join();
  ASSERT_TRUE(keys);
  EXPECT_GT(added.load(), 0);
  for (const auto& [key, value] : before) {
    EXPECT_TRUE(keys->count(key)) << key << " missing";
  }
}

// A cursor is a ring position: it means the same on another proxy, and
// after the proxy that gave it restarted.
TEST(ScanTest, CursorsWorkOnAnyProxyAndAcrossRestarts) {
  ClusterOptions options = FailureOptions(3);
  options.proxies = 2;
  Cluster cluster(options);
  ASSERT_TRUE(cluster.Start());
  auto first = cluster.ConnectProxy(0);
  auto second = cluster.ConnectProxy(1);
  KeyValues kvs = MakeKeyValues("k:", 500, "v");
  ASSERT_TRUE(SetAll(*first, kvs));
  auto keys = ScanAll(
      [&](int call) -> RedisClient& { return call % 2 ? *second : *first; },
      {"COUNT", "25"});
  ASSERT_TRUE(keys);
  KeySet want;
  for (const auto& [key, value] : kvs) want.insert(key);
  EXPECT_EQ(*keys, want);

  Reply page = first->Command({"SCAN", "0", "COUNT", "100"});
  ASSERT_EQ(page.type, Reply::Type::kArray);
  const std::string cursor = page.elements[0].str;
  ASSERT_NE(cursor, "0");
  KeySet seen = ArrayStrings(page.elements[1]);
  ASSERT_TRUE(cluster.TerminateProxy(0));
  // Restarted on the same port: a new connection picks up the cursor.
  ASSERT_TRUE(cluster.RestartProxy(0));
  ASSERT_TRUE(cluster.WaitForReplicasUp(3, 0));
  first = cluster.ConnectProxy(0);
  ASSERT_TRUE(first);
  std::string next = cursor;
  while (next != "0") {
    Reply r = first->Command({"SCAN", next, "COUNT", "100"});
    ASSERT_EQ(r.type, Reply::Type::kArray);
    for (const Reply& key : r.elements[1].elements) seen.insert(key.str);
    next = r.elements[0].str;
  }
  EXPECT_EQ(seen, want);
}

// ---- FLUSHALL ---------------------------------------------------------------

KeySet Keys(RedisClient& client) {
  return ArrayStrings(client.Command({"KEYS", "*"}));
}

TEST(FlushTest, RefusedWhileAReplicaIsDown) {
  Cluster cluster(FailureOptions(3));
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  KeyValues kvs = MakeKeyValues("k:", 100, "v");
  ASSERT_TRUE(SetAll(*client, kvs));
  cluster.KillReplica(2);
  ASSERT_TRUE(cluster.WaitForReplicasUp(2));
  for (const char* command : {"FLUSHALL", "FLUSHDB"}) {
    Reply r = client->Command({command});
    EXPECT_TRUE(r.IsError("UNAVAILABLE 2 of 3 replicas reachable")) << r.str;
  }
  EXPECT_TRUE(ReadsBack(*client, kvs));
  ASSERT_TRUE(cluster.RestartReplica(2));
  ASSERT_TRUE(cluster.WaitForReplicasUp(3));
  EXPECT_EQ(client->Command({"FLUSHALL"}), Reply::Status("OK"));
  EXPECT_EQ(client->Command({"DBSIZE"}), Reply::Integer(0));
  EXPECT_EQ(client->Command({"GET", "k:1"}), Reply::Nil());
}

// A replica that held flushed keys, and hints for another replica, comes
// back with that old data after the flush: reads (and their repairs),
// hinted handoff and anti-entropy all meet it, and no flushed key comes
// back anywhere, while writes made after the flush survive.
TEST(FlushTest, ReplicaWithOldDataDoesNotBringFlushedKeysBack) {
  ClusterOptions options = FailureOptions(5);
  options.replica_lines.push_back("anti-entropy-interval-ms 200");
  options.replica_lines.push_back("anti-entropy-rate 100000");
  Cluster cluster(options);
  Placement placement(options);
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  KeyValues early = MakeKeyValues("early:", 300, "v");
  ASSERT_TRUE(SetAll(*client, early));

  // r1 down: stand-ins, among them r2, keep hints for it.
  const int home = 0, stale = 1;
  cluster.KillReplica(home);
  ASSERT_TRUE(cluster.WaitForReplicasUp(4));
  KeyValues hinted = MakeKeyValues("hinted:", 300, "v");
  ASSERT_TRUE(SetAll(*client, hinted));
  ASSERT_GT(SumHints(cluster, {stale}, Cluster::ReplicaId(home)).pending, 0);

  // A copy of r2's data folder, hints included.
  ASSERT_TRUE(cluster.TerminateReplica(stale));
  const std::string folder = cluster.dir() + "/" + Cluster::ReplicaId(stale);
  const std::string copy = cluster.dir() + "/copy";
  std::filesystem::copy(folder, copy, std::filesystem::copy_options::recursive);
  ASSERT_TRUE(cluster.RestartReplica(stale));
  ASSERT_TRUE(cluster.RestartReplica(home));
  ASSERT_TRUE(cluster.WaitForReplicasUp(5));

  ASSERT_EQ(client->Command({"FLUSHALL"}), Reply::Status("OK"));
  KeyValues late = MakeKeyValues("late:", 300, "v");
  ASSERT_TRUE(SetAll(*client, late));
  KeySet late_keys;
  for (const auto& [key, value] : late) late_keys.insert(key);
  EXPECT_EQ(Keys(*client), late_keys);

  // r2 comes back with its data from before the flush.
  ASSERT_TRUE(cluster.TerminateReplica(stale));
  std::filesystem::remove_all(folder);
  std::filesystem::rename(copy, folder);
  ASSERT_TRUE(cluster.RestartReplica(stale));
  ASSERT_TRUE(cluster.WaitForReplicasUp(5));

  std::vector<std::string> flushed = KeysOf(early);
  for (const auto& [key, value] : hinted) flushed.push_back(key);
  // Reads meet r2's old records and outvote them, more than once.
  for (int round = 0; round < 3; ++round) {
    for (const Reply& r : Pipeline(*client, [&] {
           std::vector<std::vector<std::string>> gets;
           for (const std::string& key : flushed) gets.push_back({"GET", key});
           return gets;
         }())) {
      ASSERT_EQ(r, Reply::Nil());
    }
    EXPECT_EQ(Keys(*client), late_keys);
  }
  // Handoff delivers (and drops) r2's old hints; anti-entropy hands it the
  // flush: in the end no replica holds a live flushed record.
  EXPECT_TRUE(WaitUntil([&] {
    return SumHints(cluster, {stale}).pending == 0;
  })) << ReplicaInfo(cluster, stale);
  EXPECT_TRUE(WaitUntil([&] {
    for (int r = 0; r < 5; ++r) {
      for (const Reply& held : HeldRecords(cluster, r, flushed)) {
        std::string what = Describe(held);
        if (what != "(none)" && what != "(tombstone)") return false;
      }
    }
    return true;
  })) << ReplicaInfo(cluster, stale);
  EXPECT_EQ(Keys(*client), late_keys);
  EXPECT_EQ(client->Command({"DBSIZE"}), Reply::Integer(300));
  EXPECT_TRUE(ReadsBack(*client, late));
  // r2 lost the late records with its folder; a read repairs only the
  // replicas it asked (R of them), so anti-entropy brings r2 the rest.
  EXPECT_TRUE(WaitForHomesToHold(cluster, placement, late));
}

}  // namespace
}  // namespace leaderless::test
