// The string and keyspace commands through a proxy over three replicas
// (N=3 R=2 W=2), as Redis clients see them: every command with its options
// and error cases, read-modify-writes serialised per key (pipelined and
// from concurrent clients), quorum failures, and one long script whose
// replies must match a real redis-server's.
//
// Replicas run with `appendfsync no`: durability is not under test here,
// and thousands of read-modify-writes of one key, each waiting for its
// write to reach the disk in turn, would take minutes instead of seconds.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/cluster_harness.h"

namespace leaderless::test {
namespace {

using namespace std::string_literals;
using Argv = std::vector<std::string>;

const Reply kOk = Reply::Status("OK");
const Reply kNil = Reply::Nil();
Reply Int(long long n) { return Reply::Integer(n); }
Reply Str(std::string s) { return Reply::String(std::move(s)); }
Reply Err(std::string s) { return Reply::Error(std::move(s)); }

const std::string kSyntax = "ERR syntax error";
const std::string kNotInt = "ERR value is not an integer or out of range";
const std::string kNotFloat = "ERR value is not a valid float";
const std::string kTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

std::string InvalidExpire(const std::string& command) {
  return "ERR invalid expire time in '" + command + "' command";
}

// `size` bytes cycling through every byte value.
std::string EveryByte(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>(i * 7 % 256);
  return out;
}

ClusterOptions FastDisk() {
  ClusterOptions options;
  options.replica_lines = {"appendfsync no"};
  return options;
}

class StringCommandsTest : public ::testing::Test {
 protected:
  explicit StringCommandsTest(ClusterOptions options = FastDisk())
      : cluster_(std::move(options)) {}

  void SetUp() override {
    ASSERT_TRUE(cluster_.Start());
    client_ = cluster_.ConnectProxy();
    ASSERT_TRUE(client_);
  }

  Reply Run(const Argv& argv) { return client_->Command(argv); }

  // Runs each {command, expected reply} in order.
  void Expect(const std::vector<std::pair<Argv, Reply>>& steps) {
    for (const auto& [argv, expected] : steps) {
      EXPECT_EQ(Run(argv), expected)
          << Printable(argv[0]) << " " << (argv.size() > 1 ? argv[1] : "");
    }
  }

  // An integer reply within [low, high].
  void ExpectBetween(const Argv& argv, long long low, long long high) {
    Reply r = Run(argv);
    ASSERT_EQ(r.type, Reply::Type::kInteger) << ::testing::PrintToString(r);
    EXPECT_GE(r.integer, low) << argv[0];
    EXPECT_LE(r.integer, high) << argv[0];
  }

  Cluster cluster_;
  std::unique_ptr<RedisClient> client_;
};

TEST_F(StringCommandsTest, SetConditionsAndGet) {
  Expect({
      {{"SET", "k", "1", "NX"}, kOk},
      {{"SET", "k", "2", "nx"}, kNil},
      {{"SET", "k", "3", "XX"}, kOk},
      {{"SET", "other", "3", "XX"}, kNil},
      {{"EXISTS", "other"}, Int(0)},
      {{"SET", "k", "4", "GET"}, Str("3")},
      {{"SET", "new", "x", "GET"}, kNil},
      {{"GET", "new"}, Str("x")},
      // Redis 7.0 allows NX with GET: the old value, and no write.
      {{"SET", "k", "5", "NX", "GET"}, Str("4")},
      {{"GET", "k"}, Str("4")},
      {{"SET", "k2", "5", "GET", "NX"}, kNil},
      {{"GET", "k2"}, Str("5")},
      {{"SET", "k3", "v", "XX", "GET"}, kNil},
      {{"EXISTS", "k3"}, Int(0)},
      {{"SET", "k", "6", "GET", "GET"}, Str("4")},
  });
}

TEST_F(StringCommandsTest, SetTimesAndKeepTtl) {
  Expect({
      {{"SET", "t", "v", "EX", "100"}, kOk},
      {{"TTL", "t"}, Int(100)},
      {{"SET", "t", "v2", "KEEPTTL"}, kOk},
      {{"TTL", "t"}, Int(100)},
      {{"SET", "t", "v3", "keepttl", "GET"}, Str("v2")},
      {{"TTL", "t"}, Int(100)},
      {{"SET", "t", "v4"}, kOk},  // a plain SET drops the TTL
      {{"TTL", "t"}, Int(-1)},
      {{"SET", "t", "v", "EXAT", "4102444800"}, kOk},
      {{"EXPIRETIME", "t"}, Int(4102444800)},
      {{"SET", "t", "v", "PXAT", "4102444800123"}, kOk},
      {{"PEXPIRETIME", "t"}, Int(4102444800123)},
      {{"SET", "t", "v", "EX", "10", "EX", "20"}, kOk},  // the last wins
      {{"TTL", "t"}, Int(20)},
      {{"SET", "t", "v", "EXAT", "1"}, kOk},  // set, already expired
      {{"GET", "t"}, kNil},
      {{"SET", "nottl", "v", "KEEPTTL"}, kOk},
      {{"TTL", "nottl"}, Int(-1)},
  });
  ASSERT_EQ(Run({"SET", "t", "v", "PX", "100000"}), kOk);
  ExpectBetween({"PTTL", "t"}, 95000, 100000);
}

TEST_F(StringCommandsTest, SetErrorsWriteNothing) {
  const std::vector<std::pair<Argv, std::string>> kCases = {
      {{"SET", "k", "v", "NX", "XX"}, kSyntax},
      {{"SET", "k", "v", "XX", "NX"}, kSyntax},
      {{"SET", "k", "v", "EX", "1", "PX", "1"}, kSyntax},
      {{"SET", "k", "v", "EXAT", "1", "PXAT", "1"}, kSyntax},
      {{"SET", "k", "v", "KEEPTTL", "EX", "1"}, kSyntax},
      {{"SET", "k", "v", "PX", "1", "KEEPTTL"}, kSyntax},
      {{"SET", "k", "v", "PERSIST"}, kSyntax},
      {{"SET", "k", "v", "EX"}, kSyntax},
      {{"SET", "k", "v", "NX", "bogus"}, kSyntax},
      {{"SET", "k", "v", "EX", "abc"}, kNotInt},
      {{"SET", "k", "v", "PX", "1.5"}, kNotInt},
      {{"SET", "k", "v", "EX", "0"}, InvalidExpire("set")},
      {{"SET", "k", "v", "PX", "-1"}, InvalidExpire("set")},
      {{"SET", "k", "v", "EXAT", "0"}, InvalidExpire("set")},
      {{"SET", "k", "v", "EX", "9223372036854775"}, InvalidExpire("set")},
      {{"SET", "k", "v", "PX", "9223372036854775807"}, InvalidExpire("set")},
      {{"SET", "k", "v", "GET", "EX", "0"}, InvalidExpire("set")},
      {{"SET", "k"}, "ERR wrong number of arguments for 'set' command"},
  };
  for (const auto& [argv, error] : kCases) {
    EXPECT_EQ(Run(argv), Err(error)) << argv.size() << " words";
  }
  EXPECT_EQ(Run({"EXISTS", "k"}), Int(0));
}

TEST_F(StringCommandsTest, SetVariants) {
  Expect({
      {{"SETNX", "n", "1"}, Int(1)},
      {{"SETNX", "n", "2"}, Int(0)},
      {{"GET", "n"}, Str("1")},
      {{"SETEX", "e", "100", "v"}, kOk},
      {{"TTL", "e"}, Int(100)},
      {{"SETEX", "e", "0", "v"}, Err(InvalidExpire("setex"))},
      {{"SETEX", "e", "x", "v"}, Err(kNotInt)},
      {{"PSETEX", "p", "100000", "v"}, kOk},
      {{"PSETEX", "p", "-1", "v"}, Err(InvalidExpire("psetex"))},
      {{"GETSET", "e", "w"}, Str("v")},
      {{"TTL", "e"}, Int(-1)},  // GETSET drops the TTL
      {{"GETSET", "fresh", "w"}, kNil},
      {{"GET", "fresh"}, Str("w")},
      {{"GETDEL", "fresh"}, Str("w")},
      {{"GETDEL", "fresh"}, kNil},
      {{"EXISTS", "fresh"}, Int(0)},
  });
}

TEST_F(StringCommandsTest, GetEx) {
  ASSERT_EQ(Run({"SET", "g", "val"}), kOk);
  Expect({
      {{"GETEX", "g"}, Str("val")},
      {{"GETEX", "missing"}, kNil},
      {{"GETEX", "g", "EX", "100"}, Str("val")},
      {{"TTL", "g"}, Int(100)},
      {{"GETEX", "g", "PERSIST"}, Str("val")},
      {{"TTL", "g"}, Int(-1)},
      {{"GETEX", "g", "persist"}, Str("val")},
      {{"GETEX", "g", "EXAT", "4102444800"}, Str("val")},
      {{"EXPIRETIME", "g"}, Int(4102444800)},
      {{"GETEX", "g", "PXAT", "4102444800123"}, Str("val")},
      {{"PEXPIRETIME", "g"}, Int(4102444800123)},
      // The time is checked only when the key exists.
      {{"GETEX", "g", "EX", "0"}, Err(InvalidExpire("getex"))},
      {{"GETEX", "g", "EX", "x"}, Err(kNotInt)},
      {{"GETEX", "missing", "EX", "0"}, kNil},
      {{"GETEX", "missing", "EX", "x"}, kNil},
      // Options are checked first.
      {{"GETEX", "missing", "FOO"}, Err(kSyntax)},
      {{"GETEX", "g", "PERSIST", "EX", "1"}, Err(kSyntax)},
      {{"GETEX", "g", "EX", "1", "PERSIST"}, Err(kSyntax)},
      {{"GETEX", "g", "KEEPTTL"}, Err(kSyntax)},
      {{"GETEX", "g", "NX"}, Err(kSyntax)},
      {{"GETEX", "g", "EX"}, Err(kSyntax)},
      {{"GETEX", "g", "EXAT", "9223372036854775807"},
       Err(InvalidExpire("getex"))},
      {{"GETEX", "g", "PXAT", "1"}, Str("val")},  // past: deleted
      {{"EXISTS", "g"}, Int(0)},
  });
}

TEST_F(StringCommandsTest, MultiKeySets) {
  Expect({
      {{"MSET", "a", "1", "b", "2", "a", "3"}, kOk},
      {{"MGET", "a", "missing", "b", "a"},
       Reply::Array({Str("3"), kNil, Str("2"), Str("3")})},
      {{"MSET", "a", "1", "b"},
       Err("ERR wrong number of arguments for 'mset' command")},
      {{"MSETNX", "x", "1", "y", "2"}, Int(1)},
      {{"MSETNX", "y", "3", "z", "4"}, Int(0)},  // all or nothing
      {{"MGET", "x", "y", "z"}, Reply::Array({Str("1"), Str("2"), kNil})},
      {{"MSETNX", "w", "1", "w", "2"}, Int(1)},
      {{"GET", "w"}, Str("2")},
      {{"MSETNX", "v", "1", "u"},
       Err("ERR wrong number of arguments for 'msetnx' command")},
      {{"MSETNX", "v"},
       Err("ERR wrong number of arguments for 'msetnx' command")},
  });
}

// A command of more keys than a replica link holds in flight runs its ops a
// window at a time, instead of having the link refuse the rest. The bound
// leaves room for two windows: pipelined commands below overlap by one.
TEST(ManyKeysTest, MultiKeyCommandsOutgrowTheReplicaLinks) {
  constexpr int kKeys = 5000;
  ClusterOptions options;
  options.proxy_lines.push_back("replica-link-max-in-flight 2000");
  Cluster cluster(options);
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);
  Argv mset = {"MSET"}, mget = {"MGET"}, del = {"DEL"};
  std::vector<Reply> values, nils;
  for (int i = 0; i < kKeys; ++i) {
    const std::string key = "many:" + std::to_string(i);
    mset.insert(mset.end(), {key, "v" + std::to_string(i)});
    mget.push_back(key);
    del.push_back(key);
    values.push_back(Str("v" + std::to_string(i)));
    nils.push_back(kNil);
  }
  EXPECT_EQ(client->Command(mset), kOk);
  EXPECT_EQ(client->Command(mget), Reply::Array(values));
  Argv exists = del;
  exists[0] = "EXISTS";
  EXPECT_EQ(client->Command(exists), Int(kKeys));
  EXPECT_EQ(client->Command(del), Int(kKeys));
  EXPECT_EQ(client->Command(mget), Reply::Array(nils));

  // A command pipelined behind one of many keys comes after all of it:
  // the keys stay held until the last per-key op started.
  const std::string last = mget.back();
  client->Append(mset);
  client->Append({"SET", last, "later"});
  client->Append(del);
  client->Append({"SET", last, "after the delete"});
  EXPECT_EQ(client->Read(), kOk);
  EXPECT_EQ(client->Read(), kOk);
  EXPECT_EQ(client->Read(), Int(kKeys));
  EXPECT_EQ(client->Read(), kOk);
  EXPECT_EQ(client->Command({"GET", last}), Str("after the delete"));
  EXPECT_EQ(client->Command({"EXISTS", mget[1]}), Int(0));
}

TEST_F(StringCommandsTest, IntegerCounters) {
  const std::string kOverflow = "ERR increment or decrement would overflow";
  Expect({
      {{"INCR", "c"}, Int(1)},
      {{"INCRBY", "c", "10"}, Int(11)},
      {{"DECR", "c"}, Int(10)},
      {{"DECRBY", "c", "-5"}, Int(15)},
      {{"INCRBY", "c", "-20"}, Int(-5)},
      {{"GET", "c"}, Str("-5")},
      {{"DECR", "fresh"}, Int(-1)},
      {{"INCRBY", "c", "1.5"}, Err(kNotInt)},
      {{"INCRBY", "c", "9223372036854775808"}, Err(kNotInt)},
      {{"DECRBY", "c", "-9223372036854775808"},
       Err("ERR decrement would overflow")},
      {{"SET", "max", "9223372036854775807"}, kOk},
      {{"INCR", "max"}, Err(kOverflow)},
      {{"DECRBY", "max", "-1"}, Err(kOverflow)},
      {{"SET", "min", "-9223372036854775808"}, kOk},
      {{"DECR", "min"}, Err(kOverflow)},
      {{"INCRBY", "min", "9223372036854775807"}, Int(-1)},
      {{"SET", "s", "abc"}, kOk},
      {{"INCR", "s"}, Err(kNotInt)},
      {{"SET", "s", " 1"}, kOk},
      {{"INCR", "s"}, Err(kNotInt)},
      {{"SET", "s", "01"}, kOk},
      {{"INCR", "s"}, Err(kNotInt)},
      {{"SET", "s", ""}, kOk},
      {{"INCR", "s"}, Err(kNotInt)},
      {{"SET", "ttl", "5", "EX", "100"}, kOk},
      {{"INCR", "ttl"}, Int(6)},
      {{"TTL", "ttl"}, Int(100)},  // counters keep the TTL
  });
}

TEST_F(StringCommandsTest, FloatCounters) {
  Expect({
      {{"INCRBYFLOAT", "f", "1.5"}, Str("1.5")},
      {{"INCRBYFLOAT", "f", "0.1"}, Str("1.6")},
      {{"INCRBYFLOAT", "f", "-1.6"}, Str("0")},
      {{"INCRBYFLOAT", "f", "1e20"}, Str("100000000000000000000")},
      {{"INCRBYFLOAT", "g", "3.0e3"}, Str("3000")},
      {{"INCRBYFLOAT", "g", "0x10"}, Str("3016")},
      {{"INCRBYFLOAT", "g", "abc"}, Err(kNotFloat)},
      {{"INCRBYFLOAT", "g", "nan"}, Err(kNotFloat)},
      {{"INCRBYFLOAT", "g", " 1"}, Err(kNotFloat)},
      {{"INCRBYFLOAT", "g", "inf"},
       Err("ERR increment would produce NaN or Infinity")},
      {{"SET", "h", "10.50"}, kOk},
      {{"INCRBYFLOAT", "h", "0.1"}, Str("10.6")},
      {{"INCR", "h"}, Err(kNotInt)},
      {{"SET", "h", "x"}, kOk},
      {{"INCRBYFLOAT", "h", "1"}, Err(kNotFloat)},
      {{"SET", "i", "7", "EX", "100"}, kOk},
      {{"INCRBYFLOAT", "i", "0.5"}, Str("7.5")},
      {{"TTL", "i"}, Int(100)},
  });
}

TEST_F(StringCommandsTest, AppendAndRanges) {
  const std::string bin = "\0\r\n\xff"s;
  Expect({
      {{"APPEND", "a", "hello"}, Int(5)},
      {{"APPEND", "a", " world"}, Int(11)},
      {{"APPEND", "a", ""}, Int(11)},
      {{"APPEND", "empty", ""}, Int(0)},
      {{"EXISTS", "empty"}, Int(1)},
      {{"APPEND", "a", bin}, Int(15)},
      {{"GET", "a"}, Str("hello world" + bin)},
      {{"STRLEN", "a"}, Int(15)},
      {{"STRLEN", "missing"}, Int(0)},
      {{"GETRANGE", "a", "0", "4"}, Str("hello")},
      {{"GETRANGE", "a", "-4", "-1"}, Str(bin)},
      {{"GETRANGE", "a", "-100", "100"}, Str("hello world" + bin)},
      {{"GETRANGE", "a", "5", "2"}, Str("")},
      {{"GETRANGE", "a", "-1", "-5"}, Str("")},
      {{"GETRANGE", "a", "100", "200"}, Str("")},
      {{"GETRANGE", "missing", "0", "-1"}, Str("")},
      {{"GETRANGE", "a", "0", "-9223372036854775808"}, Str("h")},
      {{"GETRANGE", "a", "x", "1"}, Err(kNotInt)},
      {{"SUBSTR", "a", "6", "10"}, Str("world")},
      {{"SETRANGE", "r", "0", ""}, Int(0)},
      {{"EXISTS", "r"}, Int(0)},
      {{"SETRANGE", "r", "3", "abc"}, Int(6)},
      {{"GET", "r"}, Str("\0\0\0abc"s)},
      {{"SETRANGE", "r", "1", "XY"}, Int(6)},
      {{"GET", "r"}, Str("\0XYabc"s)},
      {{"SETRANGE", "r", "0", ""}, Int(6)},
      {{"SETRANGE", "r", "-1", "x"}, Err("ERR offset is out of range")},
      {{"SETRANGE", "r", "x", "x"}, Err(kNotInt)},
      {{"SETRANGE", "r", "536870912", "x"}, Err(kTooLong)},
      {{"SETRANGE", "r", "9223372036854775807", "x"}, Err(kTooLong)},
      {{"SET", "t", "abc", "EX", "100"}, kOk},
      {{"SETRANGE", "t", "1", "Z"}, Int(3)},
      {{"APPEND", "t", "d"}, Int(4)},
      {{"GET", "t"}, Str("aZcd")},
      {{"TTL", "t"}, Int(100)},
  });
}

TEST_F(StringCommandsTest, LargeValues) {
  const std::string big = EveryByte(1 << 20);
  Expect({
      {{"SET", "big", big}, kOk},
      {{"APPEND", "big", "xyz"}, Int((1 << 20) + 3)},
      {{"GETRANGE", "big", "-4", "-1"},
       Str(big.substr(big.size() - 1) + "xyz")},
      {{"SETRANGE", "big", "1048580", "!"}, Int((1 << 20) + 5)},
      {{"STRLEN", "big"}, Int((1 << 20) + 5)},
      {{"GETDEL", "big"}, Str(big + "xyz\0!"s)},
  });
}

TEST_F(StringCommandsTest, KeyspaceCommands) {
  const std::string unicode = "ключ-键-🔑";
  Expect({
      {{"MSET", "a", "1", "b", "2", unicode, "✓"}, kOk},
      {{"EXISTS", "a", "a", "missing", unicode}, Int(3)},
      {{"TOUCH", "a", "b", "b", "missing"}, Int(3)},
      {{"TYPE", unicode}, Reply::Status("string")},
      {{"TYPE", "missing"}, Reply::Status("none")},
      {{"DEL", "a", "missing", "a", unicode}, Int(2)},
      {{"DEL", "a"}, Int(0)},
      {{"UNLINK", "b", "b"}, Int(1)},
      {{"EXISTS", "a", "b", unicode}, Int(0)},
      {{"TYPE", "a"}, Reply::Status("none")},
  });
}

TEST_F(StringCommandsTest, ExpireOptions) {
  ASSERT_EQ(Run({"SET", "x", "v"}), kOk);
  Expect({
      {{"EXPIRE", "x", "100", "XX"}, Int(0)},  // no TTL yet
      {{"EXPIRE", "x", "100", "GT"}, Int(0)},  // none is infinite
      {{"EXPIRE", "x", "100", "NX"}, Int(1)},
      {{"EXPIRE", "x", "100", "NX"}, Int(0)},
      {{"EXPIRE", "x", "50", "GT"}, Int(0)},
      {{"EXPIRE", "x", "200", "gt"}, Int(1)},
      {{"EXPIRE", "x", "300", "LT"}, Int(0)},
      {{"EXPIRE", "x", "150", "XX", "LT"}, Int(1)},
      {{"TTL", "x"}, Int(150)},
      {{"PERSIST", "x"}, Int(1)},
      {{"PERSIST", "x"}, Int(0)},
      {{"TTL", "x"}, Int(-1)},
      {{"EXPIRE", "x", "10", "LT"}, Int(1)},
      {{"PEXPIREAT", "x", "4102444800123"}, Int(1)},
      {{"PEXPIRETIME", "x"}, Int(4102444800123)},
      {{"EXPIREAT", "x", "4102444800"}, Int(1)},
      {{"EXPIRETIME", "x"}, Int(4102444800)},
      {{"EXPIRE", "x", "10", "NX", "XX"},
       Err("ERR NX and XX, GT or LT options at the same time are not "
           "compatible")},
      {{"EXPIRE", "x", "10", "GT", "LT"},
       Err("ERR GT and LT options at the same time are not compatible")},
      {{"EXPIRE", "x", "abc", "foo"}, Err("ERR Unsupported option foo")},
      {{"EXPIRE", "x", "abc"}, Err(kNotInt)},
      {{"EXPIRE", "x", "9223372036854775"}, Err(InvalidExpire("expire"))},
      {{"PEXPIRE", "x", "9223372036854775807"}, Err(InvalidExpire("pexpire"))},
      {{"EXPIREAT", "x", "9223372036854776"}, Err(InvalidExpire("expireat"))},
      {{"EXPIRE", "missing", "10"}, Int(0)},
      {{"PERSIST", "missing"}, Int(0)},
  });
}

TEST_F(StringCommandsTest, PastExpiryDeletes) {
  for (const Argv& expire :
       std::vector<Argv>{{"EXPIRE", "y", "0"},
                         {"EXPIRE", "y", "-5"},
                         {"PEXPIRE", "y", "-9223372036854775808"},
                         {"EXPIREAT", "y", "1"},
                         {"PEXPIREAT", "y", "0"}}) {
    ASSERT_EQ(Run({"SET", "y", "v", "EX", "100"}), kOk);
    EXPECT_EQ(Run(expire), Int(1)) << expire[0] << " " << expire[2];
    EXPECT_EQ(Run({"EXISTS", "y"}), Int(0)) << expire[0] << " " << expire[2];
  }
  // GT refuses a past time when the key's expiry is later; LT takes it.
  ASSERT_EQ(Run({"SET", "y", "v", "EX", "100"}), kOk);
  EXPECT_EQ(Run({"EXPIRE", "y", "-1", "GT"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "y", "-1", "LT"}), Int(1));
  EXPECT_EQ(Run({"GET", "y"}), kNil);
}

TEST_F(StringCommandsTest, TtlReplies) {
  ASSERT_EQ(Run({"SET", "k", "v", "PX", "5000"}), kOk);
  ASSERT_EQ(Run({"SET", "forever", "v"}), kOk);
  ExpectBetween({"TTL", "k"}, 4, 5);
  ExpectBetween({"PTTL", "k"}, 4000, 5000);
  const long long now_s = static_cast<long long>(time(nullptr));
  ExpectBetween({"EXPIRETIME", "k"}, now_s + 3, now_s + 6);
  ExpectBetween({"PEXPIRETIME", "k"}, now_s * 1000 + 3000, now_s * 1000 + 6000);
  for (const char* command : {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
    EXPECT_EQ(Run({command, "missing"}), Int(-2)) << command;
    EXPECT_EQ(Run({command, "forever"}), Int(-1)) << command;
  }
}

// An expired key is missing for every command, read-modify-writes
// included.
TEST_F(StringCommandsTest, ExpiredKeysAreMissingEverywhere) {
  Expect({
      {{"SET", "c", "41", "PX", "100"}, kOk},
      {{"SET", "s", "old", "PX", "100"}, kOk},
      {{"SET", "n", "v", "PX", "100"}, kOk},
      {{"SET", "e", "v", "PX", "100"}, kOk},
  });
  ASSERT_TRUE(WaitUntil([&] {
    return Run({"EXISTS", "c", "s", "n", "e"}) == Int(0);
  }));
  Expect({
      {{"INCR", "c"}, Int(1)},
      {{"TTL", "c"}, Int(-1)},
      {{"APPEND", "s", "new"}, Int(3)},
      {{"SETNX", "n", "again"}, Int(1)},
      {{"SET", "e", "v", "XX"}, kNil},
      {{"EXPIRE", "e", "100"}, Int(0)},
      {{"TTL", "e"}, Int(-2)},
      {{"TYPE", "e"}, Reply::Status("none")},
      {{"GETRANGE", "e", "0", "-1"}, Str("")},
  });
}

TEST_F(StringCommandsTest, ArityErrors) {
  const std::vector<Argv> kCases = {
      {"GET"},
      {"SETNX", "k"},
      {"SETEX", "k", "1"},
      {"PSETEX", "k"},
      {"GETSET", "k"},
      {"GETDEL"},
      {"GETEX"},
      {"MGET"},
      {"MSETNX", "k"},
      {"INCR"},
      {"DECR", "a", "b"},
      {"INCRBY", "k"},
      {"DECRBY", "k"},
      {"INCRBYFLOAT", "k"},
      {"APPEND", "k"},
      {"STRLEN"},
      {"GETRANGE", "k", "0"},
      {"SUBSTR", "k"},
      {"SETRANGE", "k", "0"},
      {"DEL"},
      {"UNLINK"},
      {"EXISTS"},
      {"TOUCH"},
      {"TYPE"},
      {"EXPIRE", "k"},
      {"PEXPIRE"},
      {"EXPIREAT", "k"},
      {"PEXPIREAT"},
      {"TTL"},
      {"PTTL", "a", "b"},
      {"EXPIRETIME"},
      {"PEXPIRETIME"},
      {"PERSIST"},
  };
  for (const Argv& argv : kCases) {
    std::string name = argv[0];
    for (char& c : name) c = static_cast<char>(std::tolower(c));
    EXPECT_EQ(Run(argv),
              Err("ERR wrong number of arguments for '" + name + "' command"));
  }
}

// Pipelined, every command after a read-modify-write of the same key sees
// its result, and the replies come back in order.
TEST_F(StringCommandsTest, PipelinedCommandsSeeEarlierReadModifyWrites) {
  client_->Append({"SET", "c", "10"});
  for (int i = 0; i < 100; ++i) client_->Append({"INCR", "c"});
  client_->Append({"GET", "c"});
  client_->Append({"APPEND", "c", "x"});
  client_->Append({"STRLEN", "c"});
  client_->Append({"SET", "c", "5", "GET"});
  client_->Append({"INCRBY", "c", "5"});
  client_->Append({"MGET", "c", "other"});
  EXPECT_EQ(client_->Read(), kOk);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(client_->Read(), Int(11 + i));
  EXPECT_EQ(client_->Read(), Str("110"));
  EXPECT_EQ(client_->Read(), Int(4));
  EXPECT_EQ(client_->Read(), Int(4));
  EXPECT_EQ(client_->Read(), Str("110x"));
  EXPECT_EQ(client_->Read(), Int(10));
  EXPECT_EQ(client_->Read(), Reply::Array({Str("10"), kNil}));
}

// The bar: 8 clients x 1,000 INCRs of one key through one proxy.
// Every INCR answers a different count, so none was lost.
TEST_F(StringCommandsTest, ConcurrentIncrementsLoseNoUpdate) {
  constexpr int kClients = 8;
  constexpr int kIncrements = 1000;
  std::vector<std::vector<long long>> seen(kClients);
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      auto c = RedisClient::Connect(cluster_.proxy_port());
      if (!c) return;
      for (int i = 0; i < kIncrements; ++i) {
        Reply r = c->Command({"INCR", "counter"});
        if (r.type != Reply::Type::kInteger) return;
        seen[t].push_back(r.integer);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<long long> distinct;
  for (const auto& replies : seen) {
    EXPECT_EQ(replies.size(), static_cast<size_t>(kIncrements));
    distinct.insert(replies.begin(), replies.end());
  }
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kClients * kIncrements));
  EXPECT_EQ(Run({"GET", "counter"}),
            Str(std::to_string(kClients * kIncrements)));
}

// MSETNX takes its keys in sorted order: clients naming the same keys in
// opposite orders, mixed with single-key read-modify-writes, never wait
// for each other forever.
TEST_F(StringCommandsTest, MultiKeyReadModifyWritesDoNotDeadlock) {
  constexpr int kRounds = 100;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  const std::vector<Argv> kCommands = {
      {"MSETNX", "a", "1", "b", "1", "c", "1"},
      {"MSETNX", "c", "2", "b", "2", "a", "2"},
      {"DEL", "b", "a"},
      {"INCR", "b"},
  };
  for (const Argv& command : kCommands) {
    threads.emplace_back([&, command] {
      auto c = RedisClient::Connect(cluster_.proxy_port());
      for (int i = 0; c && i < kRounds; ++i) {
        if (c->Command(command).type != Reply::Type::kInteger) ++failures;
      }
      if (!c) failures += kRounds;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// Reads of one key share their turn, yet a pipelined read after a write
// still waits for the write: one client pipelines SET then GET of a hot key
// while others read it in a loop, and each of its GETs sees its own SET.
TEST_F(StringCommandsTest, SharedReadsOfAHotKeyStillSeeThePipelinedWrite) {
  constexpr int kRounds = 200;
  constexpr int kReaders = 3;
  ASSERT_EQ(Run({"SET", "hot", "0"}), Reply::Status("OK"));
  std::atomic<bool> stop{false};
  std::atomic<int> reader_failures{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.emplace_back([&] {
      auto c = RedisClient::Connect(cluster_.proxy_port());
      while (c && !stop) {
        if (c->Command({"GET", "hot"}).type != Reply::Type::kString) {
          ++reader_failures;
        }
      }
      if (!c) ++reader_failures;
    });
  }
  std::vector<std::string> unexpected;  // the writer's wrong replies
  if (auto writer = cluster_.ConnectProxy()) {
    for (int i = 1; i <= kRounds; ++i) {
      writer->Append({"SET", "hot", std::to_string(i)});
      writer->Append({"GET", "hot"});
    }
    for (int i = 1; i <= kRounds; ++i) {
      Reply set = writer->Read();
      Reply get = writer->Read();
      if (set != Reply::Status("OK") || get != Str(std::to_string(i))) {
        unexpected.push_back(::testing::PrintToString(set) + " " +
                             ::testing::PrintToString(get) + " for " +
                             std::to_string(i));
      }
    }
  } else {
    unexpected.push_back("cannot connect");
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(unexpected, std::vector<std::string>{});
  EXPECT_EQ(reader_failures.load(), 0);
}

// A client that leaves with read-modify-writes queued does not leave its
// keys held: they still run, and the next command gets its turn.
TEST_F(StringCommandsTest, ClientGoneReleasesItsKeys) {
  {
    auto raw = RawConnection::Connect(cluster_.proxy_port());
    ASSERT_TRUE(raw);
    std::string pipeline;
    for (int i = 0; i < 50; ++i) pipeline += RespCommand({"INCR", "k"});
    ASSERT_TRUE(raw->Send(pipeline));
  }  // closed without reading a reply
  EXPECT_TRUE(WaitUntil([&] { return Run({"GET", "k"}) == Str("50"); }));
  EXPECT_EQ(Run({"INCR", "k"}), Int(51));
}

class StringCommandsQuorumTest : public StringCommandsTest {
 protected:
  static ClusterOptions Options() {
    ClusterOptions options = FastDisk();
    options.request_timeout_ms = 300;
    return options;
  }
  StringCommandsQuorumTest() : StringCommandsTest(Options()) {}
};

// Read-modify-writes answer the coordinator's quorum errors, release their
// keys, and never acknowledge a write that did not reach W replicas.
TEST_F(StringCommandsQuorumTest, FailuresAnswerErrorsAndReleaseKeys) {
  Expect({{{"SET", "k", "1"}, kOk}});
  cluster_.KillReplica(1);
  cluster_.KillReplica(2);
  ASSERT_TRUE(cluster_.WaitForReplicasUp(1));
  const Reply kReadDown =
      Err("UNAVAILABLE 1 replicas reachable, read quorum is 2");
  client_->Append({"INCR", "k"});
  client_->Append({"GET", "k"});  // waits behind the INCR
  client_->Append({"SET", "k", "2", "NX"});
  client_->Append({"EXPIRE", "k", "10"});
  client_->Append({"MSETNX", "k", "1", "j", "2"});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client_->Read(), kReadDown) << i;
  EXPECT_TRUE(cluster_.RestartReplica(1));
  ASSERT_TRUE(cluster_.WaitForReplicasUp(2));
  Expect({
      {{"INCR", "k"}, Int(2)},
      {{"GET", "k"}, Str("2")},
  });
}

// ---- The same script against a real redis-server ---------------------------

// Commands whose integer replies depend on the clock: compared within a
// tolerance (each command reaches both servers one right after the other,
// so the time between a SET and a TTL differs by the scheduling noise of
// two requests). -1 and -2 compare exactly.
long long TimeTolerance(const std::string& command) {
  std::string lower = command;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  if (lower == "ttl" || lower == "expiretime") return 2;
  if (lower == "pttl" || lower == "pexpiretime") return 2000;
  return 0;
}

bool SameReply(const Reply& ours, const Reply& theirs,
               const std::string& command) {
  long long tolerance = TimeTolerance(command);
  if (tolerance > 0 && ours.type == Reply::Type::kInteger &&
      theirs.type == Reply::Type::kInteger && ours.integer >= 0 &&
      theirs.integer >= 0) {
    return std::llabs(ours.integer - theirs.integer) <= tolerance;
  }
  return ours == theirs;
}

std::vector<Argv> StringScript();
std::vector<Argv> CounterScript();
std::vector<Argv> RangeScript();
std::vector<Argv> KeyspaceScript();
std::vector<Argv> ExpireScript();

// Each command goes to leaderless, then, once it answered, to Redis: in
// lockstep, so that a slow (sanitized, loaded) proxy never makes the clocks
// of the two drift apart by more than one request's time, and
// clock-dependent replies stay within TimeTolerance().
TEST_F(StringCommandsTest, SameRepliesAsRedis) {
  RealRedis redis;
  std::string why;
  ASSERT_TRUE(redis.Start(&why)) << why;
  auto theirs = RedisClient::Connect(redis.port());
  ASSERT_TRUE(theirs);
  std::vector<Argv> script;
  for (auto part : {StringScript, CounterScript, RangeScript, KeyspaceScript,
                    ExpireScript}) {
    std::vector<Argv> steps = part();
    script.insert(script.end(), steps.begin(), steps.end());
  }
  ASSERT_GE(script.size(), 200u);
  for (size_t i = 0; i < script.size(); ++i) {
    Reply ours = client_->Command(script[i]);
    Reply expected = theirs->Command(script[i]);
    EXPECT_TRUE(SameReply(ours, expected, script[i][0]))
        << "command " << i << ": " << Printable(RespCommand(script[i]))
        << "\n  leaderless: " << ::testing::PrintToString(ours)
        << "\n  redis:      " << ::testing::PrintToString(expected);
  }
  // Known differences: none among these commands, so none is left out.
  // (The nearest one, SELECT of a database other than 0, is in
  // basic_commands_test.)
}

// clang-format off: the scripts read best a few commands to a line.
std::vector<Argv> StringScript() {
  const std::string bin = "bin\0\r\n\xff\x80"s;
  return {
      {"SET", "s", "hello"},
      {"GET", "s"},
      {"GET", "missing"},
      {"SET", "s", ""},
      {"GET", "s"},
      {"SET", "", "empty key"},
      {"GET", ""},
      {"SET", "bin", bin},
      {"GET", "bin"},
      {"SET", "ключ", "значение"},
      {"GET", "ключ"},
      {"SET", "键🔑", "✓"},
      {"MGET", "键🔑", "ключ", "x"},
      {"SET", "o", "1", "NX"},
      {"SET", "o", "2", "NX"},
      {"SET", "o", "3", "XX"},
      {"SET", "o2", "3", "XX"},
      {"SET", "o", "4", "GET"},
      {"SET", "o2", "x", "GET"},
      {"SET", "o", "5", "NX", "GET"},
      {"SET", "o3", "5", "GET", "NX"},
      {"SET", "o3", "6", "XX", "GET"},
      {"SET", "o4", "v", "XX", "GET"},
      {"MGET", "o", "o2", "o3", "o4"},
      {"SET", "t", "v", "EX", "100"},
      {"TTL", "t"},
      {"SET", "t", "v2", "KEEPTTL"},
      {"PTTL", "t"},
      {"SET", "t", "v3", "KEEPTTL", "GET"},
      {"TTL", "t"},
      {"SET", "t", "v4"},
      {"TTL", "t"},
      {"SET", "t", "v", "PX", "100000"},
      {"PTTL", "t"},
      {"SET", "t", "v", "EXAT", "4102444800"},
      {"EXPIRETIME", "t"},
      {"SET", "t", "v", "PXAT", "4102444800123"},
      {"PEXPIRETIME", "t"},
      {"SET", "t", "v", "ex", "10", "EX", "20"},
      {"TTL", "t"},
      {"SET", "t", "v", "EXAT", "1"},
      {"GET", "t"},
      {"SET", "k", "v", "NX", "XX"},
      {"SET", "k", "v", "EX", "1", "PX", "1"},
      {"SET", "k", "v", "KEEPTTL", "EX", "1"},
      {"SET", "k", "v", "PXAT", "1", "KEEPTTL"},
      {"SET", "k", "v", "EX"},
      {"SET", "k", "v", "FOO"},
      {"SET", "k", "v", "PERSIST"},
      {"SET", "k", "v", "EX", "0"},
      {"SET", "k", "v", "PX", "-1"},
      {"SET", "k", "v", "EXAT", "0"},
      {"SET", "k", "v", "EX", "abc"},
      {"SET", "k", "v", "EX", "9223372036854775"},
      {"SET", "k", "v", "PX", "9223372036854775807"},
      {"SET", "k", "v", "PXAT", "9223372036854775807"},
      {"SET", "k", "v", "GET", "EX", "0"},
      {"SET", "k"},
      {"GET"},
      {"GET", "a", "b"},
      {"SETNX", "n", "1"},
      {"SETNX", "n", "2"},
      {"GET", "n"},
      {"SETNX", "n"},
      {"SETEX", "e", "100", "v"},
      {"TTL", "e"},
      {"SETEX", "e", "0", "v"},
      {"SETEX", "e", "-5", "v"},
      {"SETEX", "e", "abc", "v"},
      {"SETEX", "e", "1"},
      {"PSETEX", "p", "100000", "v"},
      {"PTTL", "p"},
      {"PSETEX", "p", "0", "v"},
      {"GETSET", "e", "new"},
      {"TTL", "e"},
      {"GETSET", "gs", "v"},
      {"GETSET", "gs"},
      {"GETDEL", "gs"},
      {"GETDEL", "gs"},
      {"GETDEL"},
      {"SET", "g", "val"},
      {"GETEX", "g"},
      {"GETEX", "missing"},
      {"GETEX", "g", "EX", "100"},
      {"TTL", "g"},
      {"GETEX", "g", "PX", "200000"},
      {"PTTL", "g"},
      {"GETEX", "g", "PERSIST"},
      {"TTL", "g"},
      {"GETEX", "g", "EXAT", "4102444800"},
      {"EXPIRETIME", "g"},
      {"GETEX", "g", "EX", "0"},
      {"GETEX", "g", "EX", "abc"},
      {"GETEX", "missing", "EX", "0"},
      {"GETEX", "missing", "FOO"},
      {"GETEX", "g", "PERSIST", "EX", "10"},
      {"GETEX", "g", "KEEPTTL"},
      {"GETEX", "g", "GET"},
      {"GETEX", "g", "EX"},
      {"GETEX", "g", "EXAT", "9223372036854775807"},
      {"GETEX", "g", "PXAT", "1"},
      {"EXISTS", "g"},
      {"GETEX"},
      {"MSET", "m1", "a", "m2", "b", "m1", "c"},
      {"MGET", "m1", "m2", "missing", "m1"},
      {"MSET", "m1"},
      {"MSET", "m1", "a", "m2"},
      {"MGET"},
      {"MSETNX", "x1", "1", "x2", "2"},
      {"MSETNX", "x2", "3", "x3", "4"},
      {"MGET", "x1", "x2", "x3"},
      {"MSETNX", "x4", "1", "x4", "2"},
      {"GET", "x4"},
      {"MSETNX", "x5", "1", "x6"},
      {"MSETNX"},
  };
}

std::vector<Argv> CounterScript() {
  return {
      {"INCR", "c"},
      {"INCR", "c"},
      {"DECR", "c"},
      {"INCRBY", "c", "10"},
      {"DECRBY", "c", "3"},
      {"INCRBY", "c", "-50"},
      {"DECRBY", "c", "-5"},
      {"INCRBY", "c", "0"},
      {"DECR", "d"},
      {"INCRBY", "c", "abc"},
      {"INCRBY", "c", "1.5"},
      {"INCRBY", "c", ""},
      {"INCRBY", "c", "9223372036854775808"},
      {"DECRBY", "c", "-9223372036854775808"},
      {"SET", "big", "9223372036854775807"},
      {"INCR", "big"},
      {"DECR", "big"},
      {"INCRBY", "big", "2"},
      {"SET", "small", "-9223372036854775808"},
      {"DECR", "small"},
      {"INCRBY", "small", "-1"},
      {"SET", "ni", "abc"},
      {"INCR", "ni"},
      {"SET", "ni", " 1"},
      {"INCR", "ni"},
      {"SET", "ni", "+1"},
      {"INCR", "ni"},
      {"SET", "ni", "01"},
      {"DECR", "ni"},
      {"SET", "ni", "123456789012345678901"},
      {"INCR", "ni"},
      {"INCR"},
      {"INCRBY", "c"},
      {"DECR", "a", "b"},
      {"DECRBY", "c"},
      {"SET", "ct", "5", "EX", "100"},
      {"INCR", "ct"},
      {"TTL", "ct"},
      {"INCRBYFLOAT", "f", "1.5"},
      {"INCRBYFLOAT", "f", "0.1"},
      {"INCRBYFLOAT", "f", "-1.6"},
      {"INCRBYFLOAT", "f", "1e20"},
      {"INCRBYFLOAT", "f", "0.1"},
      {"INCRBYFLOAT", "f2", "3.0e3"},
      {"INCRBYFLOAT", "f2", "-0"},
      {"INCRBYFLOAT", "f2", "0x10"},
      {"INCRBYFLOAT", "f2", "1.5e-10"},
      {"INCRBYFLOAT", "f2", "abc"},
      {"INCRBYFLOAT", "f2", "nan"},
      {"INCRBYFLOAT", "f2", "inf"},
      {"INCRBYFLOAT", "f2", " 1"},
      {"INCRBYFLOAT", "f2", ""},
      {"SET", "fs", "10.50"},
      {"INCRBYFLOAT", "fs", "0.1"},
      {"INCR", "fs"},
      {"SET", "fx", "abc"},
      {"INCRBYFLOAT", "fx", "1"},
      {"INCRBYFLOAT", "ft", "1e308"},
      {"INCRBYFLOAT", "ft", "1e308"},
      {"INCRBYFLOAT", "fm", "1.1e4932"},
      {"INCRBYFLOAT", "fm", "1.1e4932"},
      {"INCRBYFLOAT", "c", "1"},
      {"INCRBYFLOAT", "c"},
      {"SET", "ft2", "1", "EX", "100"},
      {"INCRBYFLOAT", "ft2", "0.25"},
      {"TTL", "ft2"},
  };
}

std::vector<Argv> RangeScript() {
  const std::string big = EveryByte(1 << 20);
  return {
      {"APPEND", "a1", "hello"},
      {"APPEND", "a1", " world"},
      {"GET", "a1"},
      {"APPEND", "a1", ""},
      {"APPEND", "a2", ""},
      {"EXISTS", "a2"},
      {"APPEND", "ab", "\0\r\n"s},
      {"APPEND", "ab", "\xff"},
      {"GET", "ab"},
      {"STRLEN", "a1"},
      {"STRLEN", "missing"},
      {"STRLEN", "ab"},
      {"GETRANGE", "a1", "0", "4"},
      {"GETRANGE", "a1", "-5", "-1"},
      {"GETRANGE", "a1", "0", "-1"},
      {"GETRANGE", "a1", "-100", "100"},
      {"GETRANGE", "a1", "5", "2"},
      {"GETRANGE", "a1", "-1", "-5"},
      {"GETRANGE", "a1", "100", "200"},
      {"GETRANGE", "missing", "0", "-1"},
      {"GETRANGE", "a1", "0", "-9223372036854775808"},
      {"GETRANGE", "a1", "-9223372036854775808", "9223372036854775807"},
      {"GETRANGE", "a1", "x", "1"},
      {"GETRANGE", "a1", "0", "1.5"},
      {"SET", "num", "12345"},
      {"GETRANGE", "num", "1", "-2"},
      {"SUBSTR", "a1", "0", "4"},
      {"SUBSTR", "a1", "x", "1"},
      {"GETRANGE", "a1", "0"},
      {"SETRANGE", "r", "0", ""},
      {"EXISTS", "r"},
      {"SETRANGE", "r", "5", "abc"},
      {"GET", "r"},
      {"SETRANGE", "r", "0", "XY"},
      {"GET", "r"},
      {"SETRANGE", "r", "1", ""},
      {"SETRANGE", "r", "-1", "x"},
      {"SETRANGE", "r", "abc", "x"},
      {"SETRANGE", "r", "536870912", "x"},
      {"SETRANGE", "r", "9223372036854775807", "x"},
      {"SETRANGE", "r", "536870911", ""},
      {"SETRANGE", "r"},
      {"SET", "rt", "abc", "EX", "100"},
      {"SETRANGE", "rt", "1", "Z"},
      {"TTL", "rt"},
      {"APPEND", "rt", "x"},
      {"TTL", "rt"},
      {"GET", "rt"},
      {"SET", "L", big},
      {"STRLEN", "L"},
      {"GETRANGE", "L", "1000", "1010"},
      {"APPEND", "L", "tail"},
      {"STRLEN", "L"},
      {"SETRANGE", "L", "1048582", "x"},
      {"GETRANGE", "L", "-10", "-1"},
      {"GET", "L"},
  };
}

std::vector<Argv> KeyspaceScript() {
  return {
      {"SET", "d1", "v"},
      {"SET", "d2", "v"},
      {"DEL", "d1", "d2", "d1", "missing"},
      {"DEL", "d1"},
      {"SET", "u", "v"},
      {"UNLINK", "u", "u"},
      {"EXISTS", "u"},
      {"SET", "e1", "v"},
      {"EXISTS", "e1", "e1", "missing", "e1"},
      {"TOUCH", "e1", "e1", "missing"},
      {"TYPE", "e1"},
      {"TYPE", "missing"},
      {"TYPE"},
      {"DEL"},
      {"UNLINK"},
      {"EXISTS"},
      {"TOUCH"},
      {"TYPE", "e1", "e2"},
  };
}

std::vector<Argv> ExpireScript() {
  return {
      {"SET", "x", "v"},
      {"EXPIRE", "x", "100"},
      {"TTL", "x"},
      {"PTTL", "x"},
      {"EXPIRETIME", "x"},
      {"PEXPIRE", "x", "200000"},
      {"PTTL", "x"},
      {"EXPIREAT", "x", "4102444800"},
      {"EXPIRETIME", "x"},
      {"TTL", "x"},
      {"PEXPIREAT", "x", "4102444800123"},
      {"PEXPIRETIME", "x"},
      {"EXPIRE", "x", "100", "NX"},
      {"EXPIRE", "x", "100", "XX"},
      {"EXPIRE", "x", "50", "GT"},
      {"EXPIRE", "x", "200", "GT"},
      {"EXPIRE", "x", "300", "LT"},
      {"EXPIRE", "x", "10", "LT"},
      {"TTL", "x"},
      {"PERSIST", "x"},
      {"PERSIST", "x"},
      {"TTL", "x"},
      {"EXPIRE", "x", "10", "XX"},
      {"EXPIRE", "x", "10", "GT"},
      {"EXPIRE", "x", "10", "LT"},
      {"PERSIST", "x"},
      {"EXPIRE", "x", "10", "nx"},
      {"EXPIRE", "x", "10", "nx", "xx"},
      {"EXPIRE", "x", "10", "gt", "lt"},
      {"EXPIRE", "x", "10", "nx", "gt"},
      {"EXPIRE", "x", "10", "foo"},
      {"EXPIRE", "x", "abc", "foo"},
      {"EXPIRE", "x", "abc"},
      {"EXPIRE", "x", "1.5"},
      {"EXPIRE", "x", "9223372036854775807"},
      {"EXPIRE", "x", "9223372036854775"},
      {"PEXPIRE", "x", "9223372036854775807"},
      {"EXPIRE", "x", "-9223372036854775808"},
      {"EXPIREAT", "x", "9223372036854776"},
      {"EXPIREAT", "x", "9223372036854775"},
      {"PEXPIRETIME", "x"},
      {"TTL", "x"},
      {"PEXPIREAT", "x", "9223372036854775807"},
      {"PTTL", "x"},
      {"EXPIRE", "missing", "10"},
      {"TTL", "missing"},
      {"PTTL", "missing"},
      {"EXPIRETIME", "missing"},
      {"PEXPIRETIME", "missing"},
      {"PERSIST", "missing"},
      {"EXPIRE", "x", "-1", "GT"},
      {"EXPIRE", "x", "-1", "LT"},
      {"EXISTS", "x"},
      {"SET", "y", "v"},
      {"EXPIRE", "y", "0"},
      {"EXISTS", "y"},
      {"SET", "y", "v"},
      {"PEXPIRE", "y", "-100"},
      {"GET", "y"},
      {"SET", "y", "v"},
      {"EXPIREAT", "y", "1"},
      {"EXISTS", "y"},
      {"SET", "y", "v"},
      {"PEXPIREAT", "y", "0"},
      {"EXISTS", "y"},
      {"SET", "y", "v"},
      {"PEXPIRE", "y", "-9223372036854775808"},
      {"EXISTS", "y"},
      {"SET", "z", "5", "EX", "100"},
      {"INCR", "z"},
      {"TTL", "z"},
      {"EXPIRE", "y"},
      {"TTL"},
      {"TTL", "a", "b"},
      {"PERSIST"},
      {"EXPIRETIME"},
      {"PEXPIREAT", "y"},
  };
}
// clang-format on

}  // namespace
}  // namespace leaderless::test
