// RENAME, RENAMENX and COPY through a proxy over three replicas: every
// reply and error against a real redis-server, the source's TTL carried
// over, a pipelined read of the destination seeing the rename, and renames
// while replicas are killed, which must never lose a value under both
// names.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

using Argv = std::vector<std::string>;

const Reply kOk = Reply::Status("OK");
Reply Int(long long n) { return Reply::Integer(n); }
Reply Str(std::string s) { return Reply::String(std::move(s)); }
Reply Err(std::string s) { return Reply::Error(std::move(s)); }

class RenameCommandsTest : public SharedClusterTest {
 protected:
  void Expect(const std::vector<std::pair<Argv, Reply>>& steps) {
    for (const auto& [argv, expected] : steps) {
      EXPECT_EQ(client_->Command(argv), expected)
          << Printable(RespCommand(argv));
    }
  }
};

TEST_F(RenameCommandsTest, RenameMovesValueAndTtl) {
  Expect({{{"SET", "rn:a", "v", "PX", "100000"}, kOk},
          {{"SET", "rn:b", "old"}, kOk},
          {{"RENAME", "rn:a", "rn:b"}, kOk},
          {{"GET", "rn:b"}, Str("v")},
          {{"EXISTS", "rn:a"}, Int(0)},
          {{"RENAME", "rn:a", "rn:b"}, Err("ERR no such key")},
          {{"RENAME", "rn:b", "rn:b"}, kOk},
          {{"RENAME", "rn:none", "rn:none"}, Err("ERR no such key")},
          {{"RENAME", "rn:b"},
           Err("ERR wrong number of arguments for 'rename' command")}});
  Reply ttl = client_->Command({"PTTL", "rn:b"});
  EXPECT_GT(ttl.integer, 90000) << "the TTL moves with the value";
  // A destination's own TTL goes: it takes the source's (here, none).
  Expect({{{"SET", "rn:c", "persistent"}, kOk},
          {{"RENAME", "rn:c", "rn:b"}, kOk},
          {{"TTL", "rn:b"}, Int(-1)}});
}

TEST_F(RenameCommandsTest, RenameNxKeepsAnExistingDestination) {
  Expect({{{"SET", "rnx:a", "1"}, kOk},
          {{"SET", "rnx:b", "2"}, kOk},
          {{"RENAMENX", "rnx:a", "rnx:b"}, Int(0)},
          {{"GET", "rnx:b"}, Str("2")},
          {{"RENAMENX", "rnx:a", "rnx:a"}, Int(0)},
          {{"RENAMENX", "rnx:a", "rnx:c"}, Int(1)},
          {{"MGET", "rnx:a", "rnx:c"}, Reply::Array({Reply::Nil(), Str("1")})},
          {{"RENAMENX", "rnx:a", "rnx:d"}, Err("ERR no such key")}});
}

TEST_F(RenameCommandsTest, CopyOptionsAndDatabaseZeroOnly) {
  Expect({{{"SET", "cp:a", "v", "EX", "1000"}, kOk},
          {{"COPY", "cp:a", "cp:b"}, Int(1)},
          {{"COPY", "cp:a", "cp:b"}, Int(0)},
          {{"SET", "cp:a", "w"}, kOk},
          {{"COPY", "cp:a", "cp:b", "REPLACE"}, Int(1)},
          {{"GET", "cp:b"}, Str("w")},
          {{"TTL", "cp:b"}, Int(-1)},
          {{"COPY", "cp:a", "cp:c", "DB", "0", "REPLACE"}, Int(1)},
          {{"COPY", "cp:none", "cp:c"}, Int(0)},
          {{"COPY", "cp:a", "cp:a"},
           Err("ERR source and destination objects are the same")},
          // Redis has 16 databases; leaderless has database 0 only.
          {{"COPY", "cp:a", "cp:d", "DB", "1"},
           Err("ERR DB index is out of range")},
          {{"COPY", "cp:a", "cp:d", "DB", "x"},
           Err("ERR value is not an integer or out of range")},
          {{"COPY", "cp:a", "cp:d", "DB"}, Err("ERR syntax error")},
          {{"COPY", "cp:a", "cp:d", "NOPE"}, Err("ERR syntax error")},
          {{"EXISTS", "cp:d"}, Int(0)}});
}

// Pipelined, so every command reaches both servers within milliseconds.
// COPY to another database is left out: Redis has 16, leaderless one
// (CopyOptionsAndDatabaseZeroOnly checks its error).
TEST_F(RenameCommandsTest, SameRepliesAsRedis) {
  RealRedis redis;
  std::string why;
  ASSERT_TRUE(redis.Start(&why)) << why;
  auto theirs = RedisClient::Connect(redis.port());
  ASSERT_TRUE(theirs);
  const std::vector<Argv> script = {
      {"SET", "s:a", "1"},
      {"RENAME", "s:a", "s:a"},
      {"RENAMENX", "s:a", "s:a"},
      {"RENAME", "s:x", "s:x"},
      {"RENAMENX", "s:x", "s:y"},
      {"RENAME", "s:a", "s:b"},
      {"EXISTS", "s:a", "s:b"},
      {"SET", "s:c", "2"},
      {"RENAMENX", "s:b", "s:c"},
      {"RENAME", "s:b", "s:c"},
      {"GET", "s:c"},
      {"TTL", "s:c"},
      {"COPY", "s:c", "s:c"},
      {"COPY", "s:x", "s:x"},
      {"COPY", "s:c", "s:d", "DB", "x"},
      {"COPY", "s:c", "s:d", "DB"},
      {"COPY", "s:c", "s:d", "REPLACE", "DB", "0", "REPLACE"},
      {"COPY", "s:c", "s:d"},
      {"COPY", "s:c", "s:d", "REPLACE"},
      {"COPY", "s:c", "s:d", "FOO"},
      {"COPY", "s:c", "s:d", "DB", "16"},
      {"COPY", "s:c", "s:d", "DB", "-1"},
      {"COPY", "s:x", "s:d", "DB", "0"},
      {"RENAME", "s:x"},
      {"RENAMENX", "s:x", "s:y", "s:z"},
      {"COPY", "s:x"},
      {"MGET", "s:a", "s:b", "s:c", "s:d"},
      {"rEnAmE", "s:d", "s:e"},
      {"GET", "s:e"}};
  for (const Argv& argv : script) {
    client_->Append(argv);
    theirs->Append(argv);
  }
  for (const Argv& argv : script) {
    EXPECT_EQ(client_->Read(), theirs->Read()) << Printable(RespCommand(argv));
  }
}

// The rename waits for INCR's write on its source; a GET of its
// destination pipelined after it must wait for the rename, not overtake it
// on the key the rename has not been granted yet.
TEST_F(RenameCommandsTest, PipelinedReadsSeeTheRename) {
  constexpr int kRounds = 200;
  ASSERT_EQ(client_->Command({"SET", "pl:a", "0"}), kOk);
  std::vector<Argv> commands;
  for (int i = 0; i < kRounds; ++i) {
    commands.push_back({"INCR", "pl:a"});
    commands.push_back({"RENAME", "pl:a", "pl:b"});
    commands.push_back({"GET", "pl:b"});
    commands.push_back({"RENAME", "pl:b", "pl:a"});
  }
  std::vector<Reply> replies = Pipeline(*client_, commands, 64);
  ASSERT_EQ(replies.size(), commands.size());
  for (int i = 0; i < kRounds; ++i) {
    EXPECT_EQ(replies[4 * i + 1], kOk);
    EXPECT_EQ(replies[4 * i + 2], Str(std::to_string(i + 1))) << "round " << i;
  }
}

// Renames back and forth between pairs of keys, pipelined, while one
// replica is killed and then a second one (leaving too few for W=2): some
// renames fail, some midway, but every value stays under at least one of
// its two names once the replicas are back.
TEST(RenameFailureTest, KilledReplicasNeverLoseBothNames) {
  Cluster cluster(FailureOptions(3));
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);
  constexpr int kPairs = 60;
  constexpr int kRounds = 4;
  auto src = [](int i) { return "kf:src:" + std::to_string(i); };
  auto dst = [](int i) { return "kf:dst:" + std::to_string(i); };
  auto value = [](int i) { return "value " + std::to_string(i); };
  for (int i = 0; i < kPairs; ++i) {
    ASSERT_EQ(client->Command({"SET", src(i), value(i)}), kOk);
  }

  // The renaming thread stops twice, right after the first reply of a
  // batch (the rest still in flight), until the main thread has killed a
  // replica: the harness kills from the main thread only.
  std::mutex mu;
  std::condition_variable cv;
  int paused_at = 0;  // batch the thread waits in, 0: running
  int killed = 0;
  std::vector<Reply> replies;
  std::thread renamer([&] {
    auto own = RedisClient::Connect(cluster.proxy_port());
    if (!own) return;
    for (int round = 0; round < kRounds; ++round) {
      for (int i = 0; i < kPairs; ++i) {
        own->Append(round % 2 == 0 ? Argv{"RENAME", src(i), dst(i)}
                                   : Argv{"RENAME", dst(i), src(i)});
      }
      replies.push_back(own->Read());
      if (round == 1 || round == 2) {
        std::unique_lock<std::mutex> lock(mu);
        paused_at = round;
        cv.notify_all();
        cv.wait(lock, [&] { return killed == round; });
        paused_at = 0;
      }
      for (int i = 1; i < kPairs; ++i) replies.push_back(own->Read());
    }
  });
  for (int round : {1, 2}) {
    std::unique_lock<std::mutex> lock(mu);
    const bool paused =
        cv.wait_for(lock, kDeadline, [&] { return paused_at == round; });
    EXPECT_TRUE(paused) << "the renaming thread never reached round " << round;
    if (paused) cluster.KillReplica(round - 1);
    killed = round;  // releases the thread either way
    cv.notify_all();
  }
  renamer.join();
  ASSERT_EQ(replies.size(), static_cast<size_t>(kPairs * kRounds));
  int failed = 0;
  for (const Reply& r : replies) {
    if (r == kOk || r == Err("ERR no such key")) continue;
    EXPECT_TRUE(r.IsError("UNAVAILABLE") || r.IsError("NOQUORUM"))
        << ::testing::PrintToString(r);
    ++failed;
  }
  EXPECT_GT(failed, 0) << "the last round ran with one replica of three";

  ASSERT_TRUE(cluster.RestartReplica(0));
  ASSERT_TRUE(cluster.RestartReplica(1));
  ASSERT_TRUE(cluster.WaitForReplicasUp(3));
  for (int i = 0; i < kPairs; ++i) {
    Reply a = client->Command({"GET", src(i)});
    Reply b = client->Command({"GET", dst(i)});
    EXPECT_TRUE(a == Str(value(i)) || b == Str(value(i)))
        << "pair " << i << ": " << ::testing::PrintToString(a) << " / "
        << ::testing::PrintToString(b);
  }
}

}  // namespace
}  // namespace leaderless::test
