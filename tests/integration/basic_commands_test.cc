// The supported commands through a proxy over three replicas (N=3 R=2 W=2),
// as Redis clients see them: exact reply types and Redis 7 error texts,
// binary safety, expiry, pipelining, concurrent clients, redis-cli, and a
// byte-for-byte comparison with a real redis-server.

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cluster_harness.h"

namespace leaderless::test {
namespace {

using namespace std::string_literals;

const Reply kOk = Reply::Status("OK");

class BasicCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
  }

  Reply Run(const std::vector<std::string>& argv) {
    return client_->Command(argv);
  }

  Cluster cluster_;
  std::unique_ptr<RedisClient> client_;
};

// `size` bytes covering every byte value, the same on every run.
std::string RandomBytes(size_t size, uint32_t seed) {
  std::mt19937 gen(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(gen() & 0xff);
  return out;
}

TEST_F(BasicCommandsTest, SetGetDelete) {
  EXPECT_EQ(Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Reply::String("v"));
  EXPECT_EQ(Run({"SET", "k", "w"}), kOk);
  EXPECT_EQ(Run({"get", "k"}), Reply::String("w"));
  EXPECT_EQ(Run({"GET", "missing"}), Reply::Nil());
  EXPECT_EQ(Run({"DEL", "k", "missing"}), Reply::Integer(1));
  EXPECT_EQ(Run({"GET", "k"}), Reply::Nil());
  EXPECT_EQ(Run({"DEL", "k"}), Reply::Integer(0));
  // A write after a delete supersedes the tombstone.
  EXPECT_EQ(Run({"SET", "k", "again"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Reply::String("again"));
}

TEST_F(BasicCommandsTest, ExistsCountsEveryArgument) {
  ASSERT_EQ(Run({"MSET", "a", "1", "b", "2"}), kOk);
  EXPECT_EQ(Run({"EXISTS", "a"}), Reply::Integer(1));
  EXPECT_EQ(Run({"EXISTS", "missing"}), Reply::Integer(0));
  EXPECT_EQ(Run({"EXISTS", "a", "a", "b", "missing", "a"}), Reply::Integer(4));
  ASSERT_EQ(Run({"DEL", "a"}), Reply::Integer(1));
  EXPECT_EQ(Run({"EXISTS", "a", "a", "b"}), Reply::Integer(1));
}

TEST_F(BasicCommandsTest, MsetAndMget) {
  EXPECT_EQ(Run({"MSET", "a", "1", "b", "2", "c", "3"}), kOk);
  EXPECT_EQ(Run({"MGET", "a", "missing", "b", "c", "a"}),
            Reply::Array({Reply::String("1"), Reply::Nil(), Reply::String("2"),
                          Reply::String("3"), Reply::String("1")}));
  // As in Redis, the last value given for a key wins.
  EXPECT_EQ(Run({"MSET", "a", "first", "a", "last"}), kOk);
  EXPECT_EQ(Run({"GET", "a"}), Reply::String("last"));
  EXPECT_EQ(Run({"DEL", "a", "a", "b"}), Reply::Integer(2));
  EXPECT_EQ(Run({"MGET", "a", "b"}),
            Reply::Array({Reply::Nil(), Reply::Nil()}));
}

TEST_F(BasicCommandsTest, ConnectionCommands) {
  EXPECT_EQ(Run({"PING"}), Reply::Status("PONG"));
  EXPECT_EQ(Run({"pInG"}), Reply::Status("PONG"));
  EXPECT_EQ(Run({"PING", "hello world"}), Reply::String("hello world"));
  EXPECT_EQ(Run({"ECHO", "a\0b"s}), Reply::String("a\0b"s));
  EXPECT_EQ(Run({"ECHO", ""}), Reply::String(""));
  EXPECT_EQ(Run({"SELECT", "0"}), kOk);
  EXPECT_EQ(Run({"SELECT", "16"}),
            Reply::Error("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SELECT", "x"}),
            Reply::Error("ERR value is not an integer or out of range"));
}

TEST_F(BasicCommandsTest, QuitAnswersThenClosesAndDropsLaterCommands) {
  client_->Append({"SET", "before-quit", "1"});
  client_->Append({"QUIT"});
  client_->Append({"SET", "after-quit", "1"});
  EXPECT_EQ(client_->Read(), kOk);
  EXPECT_EQ(client_->Read(), kOk);
  EXPECT_EQ(client_->Read().type, Reply::Type::kIoError);

  auto other = cluster_.ConnectProxy();
  ASSERT_TRUE(other);
  EXPECT_EQ(other->Command({"GET", "before-quit"}), Reply::String("1"));
  EXPECT_EQ(other->Command({"GET", "after-quit"}), Reply::Nil());
}

TEST_F(BasicCommandsTest, RedisErrorTexts) {
  const std::pair<std::vector<std::string>, std::string> kCases[] = {
      {{"foo", "bar"},
       "ERR unknown command 'foo', with args beginning with: 'bar' "},
      {{"FOO"}, "ERR unknown command 'FOO', with args beginning with: "},
      {{"GET"}, "ERR wrong number of arguments for 'get' command"},
      {{"get", "a", "b"}, "ERR wrong number of arguments for 'get' command"},
      {{"SET", "k"}, "ERR wrong number of arguments for 'set' command"},
      {{"MSET", "k", "v", "k2"},
       "ERR wrong number of arguments for 'mset' command"},
      {{"PING", "a", "b"}, "ERR wrong number of arguments for 'ping' command"},
      {{"SET", "k", "v", "EX"}, "ERR syntax error"},
      {{"SET", "k", "v", "EX", "10", "PX", "100"}, "ERR syntax error"},
      {{"SET", "k", "v", "BOGUS"}, "ERR syntax error"},
      {{"SET", "k", "v", "EX", "ten"},
       "ERR value is not an integer or out of range"},
      {{"SET", "k", "v", "PX", "01"},
       "ERR value is not an integer or out of range"},
      {{"SET", "k", "v", "EX", "0"},
       "ERR invalid expire time in 'set' command"},
      {{"SET", "k", "v", "PX", "-5"},
       "ERR invalid expire time in 'set' command"},
      {{"SET", "k", "v", "EX", "9223372036854775807"},
       "ERR invalid expire time in 'set' command"},
  };
  for (const auto& [argv, error] : kCases) {
    SCOPED_TRACE(argv[0] + " with " + std::to_string(argv.size()) + " words");
    EXPECT_EQ(Run(argv), Reply::Error(error));
  }
  // None of the rejected SETs wrote anything.
  EXPECT_EQ(Run({"EXISTS", "k"}), Reply::Integer(0));
}

TEST_F(BasicCommandsTest, BinarySafeKeysAndValues) {
  const std::vector<std::pair<std::string, std::string>> kPairs = {
      {"nul\0key"s, "nul\0value\0"s},
      {"crlf\r\nkey", "line1\r\nline2\r\n"},
      {"\xff\xfe\x80", "\xff\x00\x80\x7f"s},
      {"", "the empty key"},
      {"empty value", ""},
      {"ключ-键-🔑", "значение-値-✓"},
      {"*1\r\n$4\r\nPING\r\n", "$-1\r\n"},
  };
  std::vector<std::string> mget = {"MGET"}, exists = {"EXISTS"}, del = {"DEL"};
  std::vector<Reply> values;
  for (const auto& [key, value] : kPairs) {
    SCOPED_TRACE("key " + Printable(key));
    EXPECT_EQ(Run({"SET", key, value}), kOk);
    EXPECT_EQ(Run({"GET", key}), Reply::String(value));
    for (auto* argv : {&mget, &exists, &del}) argv->push_back(key);
    values.push_back(Reply::String(value));
  }
  EXPECT_EQ(Run(mget), Reply::Array(values));
  const auto count = static_cast<long long>(kPairs.size());
  EXPECT_EQ(Run(exists), Reply::Integer(count));
  EXPECT_EQ(Run(del), Reply::Integer(count));
  EXPECT_EQ(Run(exists), Reply::Integer(0));
}

TEST_F(BasicCommandsTest, LargeValues) {
  for (size_t size : {size_t{1} << 20, size_t{8} << 20}) {
    SCOPED_TRACE(std::to_string(size) + " bytes");
    const std::string key = "large-" + std::to_string(size);
    const std::string value = RandomBytes(size, static_cast<uint32_t>(size));
    ASSERT_EQ(Run({"SET", key, value}), kOk);
    Reply got = Run({"GET", key});
    ASSERT_EQ(got.type, Reply::Type::kString);
    EXPECT_EQ(got.str.size(), value.size());
    EXPECT_TRUE(got.str == value) << "the value came back changed";
  }
}

TEST_F(BasicCommandsTest, SetWithExpiry) {
  ASSERT_EQ(Run({"SET", "long-lived", "v", "EX", "1000"}), kOk);
  EXPECT_EQ(Run({"GET", "long-lived"}), Reply::String("v"));
  ASSERT_EQ(Run({"SET", "short-lived", "v", "EX", "1"}), kOk);
  ASSERT_EQ(Run({"SET", "shorter-lived", "v", "px", "200"}), kOk);
  EXPECT_TRUE(WaitUntil([&] {
    return Run({"MGET", "short-lived", "shorter-lived"}) ==
           Reply::Array({Reply::Nil(), Reply::Nil()});
  })) << "the keys did not expire";
  EXPECT_EQ(Run({"EXISTS", "short-lived", "shorter-lived"}), Reply::Integer(0));
  EXPECT_EQ(Run({"DEL", "short-lived"}), Reply::Integer(0));
  EXPECT_EQ(Run({"GET", "long-lived"}), Reply::String("v"));
  // A plain SET after the expiry stores a value without a deadline.
  ASSERT_EQ(Run({"SET", "short-lived", "back"}), kOk);
  EXPECT_EQ(Run({"GET", "short-lived"}), Reply::String("back"));
}

// 10,000 commands sent before any reply is read: each GET follows the SET
// of the same key and must see it, and the replies come back in order.
TEST_F(BasicCommandsTest, TenThousandPipelinedCommandsAnswerInOrder) {
  constexpr int kPairs = 5000;
  for (int i = 0; i < kPairs; ++i) {
    const std::string n = std::to_string(i);
    client_->Append({"SET", "k_" + n, "v_" + n});
    client_->Append({"GET", "k_" + n});
  }
  int wrong = 0;
  for (int i = 0; i < kPairs; ++i) {
    Reply set = client_->Read();
    Reply get = client_->Read();
    if (set != kOk || get != Reply::String("v_" + std::to_string(i))) {
      if (++wrong <= 5) {
        ADD_FAILURE() << "pair " << i << ": " << ::testing::PrintToString(set)
                      << ", " << ::testing::PrintToString(get);
      }
      if (set.type == Reply::Type::kIoError) break;
    }
  }
  EXPECT_EQ(wrong, 0);
}

TEST_F(BasicCommandsTest, ConcurrentClients) {
  constexpr int kClients = 8;
  constexpr int kOps = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = RedisClient::Connect(cluster_.proxy_port());
      if (!c) {
        failures += kOps;
        return;
      }
      const std::string mine = "client" + std::to_string(t);
      for (int i = 0; i < kOps; ++i) {
        const std::string value = mine + "-" + std::to_string(i);
        bool ok = c->Command({"SET", mine, value}) == kOk &&
                  c->Command({"SET", "shared", value}) == kOk &&
                  c->Command({"GET", mine}) == Reply::String(value);
        if (!ok) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kClients; ++t) {
    const std::string mine = "client" + std::to_string(t);
    EXPECT_EQ(Run({"GET", mine}),
              Reply::String(mine + "-" + std::to_string(kOps - 1)));
  }
  // The shared key holds one of the values written to it.
  Reply shared = Run({"GET", "shared"});
  EXPECT_TRUE(shared.type == Reply::Type::kString &&
              shared.str.starts_with("client") &&
              shared.str.ends_with("-" + std::to_string(kOps - 1)))
      << ::testing::PrintToString(shared);
}

TEST_F(BasicCommandsTest, RedisCliWithArguments) {
  const int port = cluster_.proxy_port();
  auto cli = [port](const std::vector<std::string>& args,
                    std::string_view input = {}) {
    CommandResult r = RunRedisCli(port, args, input);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  EXPECT_EQ(cli({"SET", "cli key", "hello world"}), "OK\n");
  EXPECT_EQ(cli({"GET", "cli key"}), "hello world\n");
  EXPECT_EQ(cli({"GET", "no such key"}), "\n");
  EXPECT_EQ(cli({"EXISTS", "cli key", "cli key"}), "2\n");
  EXPECT_EQ(cli({"-x", "SET", "from stdin"}, "piped\nvalue"), "OK\n");
  EXPECT_EQ(cli({"GET", "from stdin"}), "piped\nvalue\n");
  EXPECT_EQ(cli({"GET"}),
            "ERR wrong number of arguments for 'get' command\n\n");
  EXPECT_EQ(cli({"PING"}), "PONG\n");
}

TEST_F(BasicCommandsTest, RedisCliWithPipedCommands) {
  CommandResult r = RunRedisCli(
      cluster_.proxy_port(), {},
      "SET a 1\nGET a\nPING\nEXISTS a b\nGET nope\nSET b \"x y\"\nGET b\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "OK\n1\nPONG\n1\n\nOK\nx y\n");
}

// redis-cli --pipe: mass insertion of raw RESP, ended by its ECHO marker.
TEST_F(BasicCommandsTest, RedisCliPipeMode) {
  constexpr int kKeys = 2000;
  std::string input;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "pipe:" + std::to_string(i);
    input += "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" +
             key + "\r\n$1\r\nx\r\n";
  }
  CommandResult r = RunRedisCli(cluster_.proxy_port(), {"--pipe"}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("errors: 0, replies: " + std::to_string(kKeys)),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Run({"MGET", "pipe:0", "pipe:" + std::to_string(kKeys - 1)}),
            Reply::Array({Reply::String("x"), Reply::String("x")}));
}

// One reply to `argv` on `conn`, raw.
std::string RawReply(RawConnection& conn,
                     const std::vector<std::string>& argv) {
  if (!conn.Send(RespCommand(argv))) return "(send failed)";
  return conn.ReadReplies(1);
}

// The same script against leaderless and a real redis-server: every raw
// reply must be byte-for-byte the same, except the known differences.
TEST_F(BasicCommandsTest, SameRawRepliesAsRedis) {
  RealRedis redis;
  std::string why;
  if (!redis.Start(&why)) GTEST_SKIP() << why;
  const std::vector<std::vector<std::string>> kScript = {
      {"PING"},
      {"PING", "hello"},
      {"ECHO", "bin\0ary\r\n"s},
      {"SET", "k", "v"},
      {"GET", "k"},
      {"GET", "missing"},
      {"SET", "k", "v2", "EX", "100"},
      {"SET", "k", "v3", "px", "100000"},
      {"GET", "k"},
      {"EXISTS", "k", "k", "missing"},
      {"MSET", "a", "1", "b", "2", "a", "3"},
      {"MGET", "a", "missing", "b"},
      {"MGET", "missing"},
      {"DEL", "a", "missing", "b", "a"},
      {"DEL", "a"},
      {"SET", "", ""},
      {"GET", ""},
      {"SELECT", "0"},
      {"SELECT", "16"},
      {"SELECT", "-1"},
      {"SELECT", "zero"},
      {"foo", "bar", "baz"},
      {"FOO"},
      {"GET"},
      {"GET", "a", "b"},
      {"SET", "k"},
      {"SET", "k", "v", "EX"},
      {"SET", "k", "v", "EX", "0"},
      {"SET", "k", "v", "EX", "-1"},
      {"SET", "k", "v", "PX", "0"},
      {"SET", "k", "v", "EX", "ten"},
      {"SET", "k", "v", "EX", "01"},
      {"SET", "k", "v", "EX", "10", "PX", "100"},
      {"SET", "k", "v", "BOGUS"},
      {"SET", "k", "v", "EX", "10", "KEEPTTL"},
      {"SET", "k", "v", "NX", "XX"},
      {"SET", "k2", "v", "ex", "10", "EX", "20"},  // Redis: the last one wins
      {"SET", "k", "v", "EX", "9223372036854775807"},
      {"SET", "k", "v", "PX", "9223372036854775807"},
      {"MSET", "a"},
      {"MSET", "a", "1", "b"},
      {"MGET"},
      {"EXISTS"},
      {"DEL"},
      {"ECHO"},
      {"PING", "a", "b"},
      {"GET", "k"},
  };
  // Known differences, each with its reason: {command, leaderless's reply}.
  // SELECT 1: leaderless has a single keyspace (database 0), Redis 16.
  const std::vector<std::pair<std::vector<std::string>, std::string>>
      kDifferences = {
          {{"SELECT", "1"}, "-ERR DB index is out of range\r\n"},
      };
  auto ours = RawConnection::Connect(cluster_.proxy_port());
  auto theirs = RawConnection::Connect(redis.port());
  ASSERT_TRUE(ours && theirs);
  for (const auto& argv : kScript) {
    EXPECT_EQ(Printable(RawReply(*ours, argv), 1000),
              Printable(RawReply(*theirs, argv), 1000))
        << "command: " << Printable(RespCommand(argv));
  }
  for (const auto& [argv, reply] : kDifferences) {
    EXPECT_EQ(RawReply(*ours, argv), reply) << Printable(RespCommand(argv));
  }
}

}  // namespace
}  // namespace leaderless::test
