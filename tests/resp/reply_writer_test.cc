#include "protocol/resp/reply_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace leaderless::resp {
namespace {

using namespace std::string_literals;

// Runs `write` on a fresh writer of the given protocol; returns the bytes.
template <typename F>
std::string Written(int protocol, F write) {
  std::string out;
  ReplyWriter writer(&out, protocol);
  write(writer);
  return out;
}

template <typename F>
void ExpectBoth(F write, const std::string& resp2, const std::string& resp3) {
  EXPECT_EQ(Written(2, write), resp2);
  EXPECT_EQ(Written(3, write), resp3);
}

TEST(ReplyWriter, AppendsToExistingOutput) {
  std::string out = "+OK\r\n";
  ReplyWriter writer(&out);
  EXPECT_EQ(writer.protocol(), 2);
  writer.Integer(1);
  EXPECT_EQ(out, "+OK\r\n:1\r\n");
}

TEST(ReplyWriter, SimpleString) {
  ExpectBoth([](ReplyWriter& w) { w.SimpleString("OK"); }, "+OK\r\n",
             "+OK\r\n");
  ExpectBoth([](ReplyWriter& w) { w.SimpleString(""); }, "+\r\n", "+\r\n");
}

TEST(ReplyWriter, Error) {
  ExpectBoth([](ReplyWriter& w) { w.Error("ERR syntax error"); },
             "-ERR syntax error\r\n", "-ERR syntax error\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Error("WRONGTYPE x"); }, "-WRONGTYPE x\r\n",
             "-WRONGTYPE x\r\n");
}

TEST(ReplyWriter, ErrorReplacesLineBreaks) {
  ExpectBoth([](ReplyWriter& w) { w.Error("ERR a\r\nb\rc\nd"); },
             "-ERR a  b c d\r\n", "-ERR a  b c d\r\n");
  // Only the message is rewritten, not what the buffer held before.
  std::string out = "\r\n";
  ReplyWriter(&out).Error("E\n");
  EXPECT_EQ(out, "\r\n-E \r\n");
}

TEST(ReplyWriter, Integer) {
  ExpectBoth([](ReplyWriter& w) { w.Integer(0); }, ":0\r\n", ":0\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Integer(42); }, ":42\r\n", ":42\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Integer(-1); }, ":-1\r\n", ":-1\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Integer(INT64_MAX); },
             ":9223372036854775807\r\n", ":9223372036854775807\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Integer(INT64_MIN); },
             ":-9223372036854775808\r\n", ":-9223372036854775808\r\n");
}

TEST(ReplyWriter, Bulk) {
  ExpectBoth([](ReplyWriter& w) { w.Bulk("foo"); }, "$3\r\nfoo\r\n",
             "$3\r\nfoo\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Bulk(""); }, "$0\r\n\r\n", "$0\r\n\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Bulk("a\0\r\n\xff"s); },
             "$5\r\na\0\r\n\xff\r\n"s, "$5\r\na\0\r\n\xff\r\n"s);
  const std::string big(100000, 'z');
  EXPECT_EQ(Written(2, [&](ReplyWriter& w) { w.Bulk(big); }),
            "$100000\r\n" + big + "\r\n");
}

TEST(ReplyWriter, Nulls) {
  ExpectBoth([](ReplyWriter& w) { w.Null(); }, "$-1\r\n", "_\r\n");
  ExpectBoth([](ReplyWriter& w) { w.NullArray(); }, "*-1\r\n", "_\r\n");
}

TEST(ReplyWriter, Aggregates) {
  ExpectBoth([](ReplyWriter& w) { w.ArrayHeader(0); }, "*0\r\n", "*0\r\n");
  ExpectBoth([](ReplyWriter& w) { w.ArrayHeader(12); }, "*12\r\n", "*12\r\n");
  ExpectBoth([](ReplyWriter& w) { w.MapHeader(3); }, "*6\r\n", "%3\r\n");
  ExpectBoth([](ReplyWriter& w) { w.MapHeader(0); }, "*0\r\n", "%0\r\n");
  ExpectBoth([](ReplyWriter& w) { w.SetHeader(2); }, "*2\r\n", "~2\r\n");
}

TEST(ReplyWriter, NestedReply) {
  auto write = [](ReplyWriter& w) {
    w.MapHeader(1);
    w.Bulk("k");
    w.ArrayHeader(2);
    w.Integer(1);
    w.Null();
  };
  ExpectBoth(write, "*2\r\n$1\r\nk\r\n*2\r\n:1\r\n$-1\r\n",
             "%1\r\n$1\r\nk\r\n*2\r\n:1\r\n_\r\n");
}

TEST(ReplyWriter, DoubleSpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ExpectBoth([&](ReplyWriter& w) { w.Double(inf); }, "$3\r\ninf\r\n",
             ",inf\r\n");
  ExpectBoth([&](ReplyWriter& w) { w.Double(-inf); }, "$4\r\n-inf\r\n",
             ",-inf\r\n");
  ExpectBoth([&](ReplyWriter& w) { w.Double(nan); }, "$3\r\nnan\r\n",
             ",nan\r\n");
  ExpectBoth([&](ReplyWriter& w) { w.Double(-nan); }, "$3\r\nnan\r\n",
             ",nan\r\n");
}

TEST(ReplyWriter, DoubleKnownTexts) {
  ExpectBoth([](ReplyWriter& w) { w.Double(1.5); }, "$3\r\n1.5\r\n",
             ",1.5\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Double(3); }, "$1\r\n3\r\n", ",3\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Double(0.1); },
             "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Double(-0.0); }, "$2\r\n-0\r\n", ",-0\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Double(1e300); },
             "$23\r\n1.0000000000000001e+300\r\n",
             ",1.0000000000000001e+300\r\n");
}

// Redis formats with printf's "%.17g"; compare against it directly.
TEST(ReplyWriter, DoubleMatchesPrintf) {
  const double values[] = {0.0,
                           1.0,
                           -2.5,
                           1.0 / 3,
                           123456789.125,
                           1e17,
                           1e-5,
                           1e21,
                           123456789012345678.0,
                           5e-324,
                           2.2250738585072014e-308,
                           std::numeric_limits<double>::max(),
                           -std::numeric_limits<double>::max(),
                           3.14159265358979,
                           100,
                           0.5e-4};
  for (double v : values) {
    char expected[64];
    std::snprintf(expected, sizeof(expected), "%.17g", v);
    const std::string text = expected;
    EXPECT_EQ(Written(3, [&](ReplyWriter& w) { w.Double(v); }),
              "," + text + "\r\n");
    EXPECT_EQ(Written(2, [&](ReplyWriter& w) { w.Double(v); }),
              "$" + std::to_string(text.size()) + "\r\n" + text + "\r\n");
  }
}

TEST(ReplyWriter, Boolean) {
  ExpectBoth([](ReplyWriter& w) { w.Boolean(true); }, ":1\r\n", "#t\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Boolean(false); }, ":0\r\n", "#f\r\n");
}

TEST(ReplyWriter, Verbatim) {
  ExpectBoth([](ReplyWriter& w) { w.Verbatim("# Server\r\nx:1\r\n"); },
             "$15\r\n# Server\r\nx:1\r\n\r\n",
             "=19\r\ntxt:# Server\r\nx:1\r\n\r\n");
  ExpectBoth([](ReplyWriter& w) { w.Verbatim(""); }, "$0\r\n\r\n",
             "=4\r\ntxt:\r\n");
}

TEST(AppendCommand, WritesMultibulk) {
  std::string out;
  AppendCommand(&out, {"SET", "k", "v"});
  EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
}

TEST(AppendCommand, BinaryAndEmptyArguments) {
  std::string out = "prefix";
  AppendCommand(&out, {"SET", "", "a\0\r\n\xff"s});
  EXPECT_EQ(out, "prefix*3\r\n$3\r\nSET\r\n$0\r\n\r\n$5\r\na\0\r\n\xff\r\n"s);
}

TEST(AppendCommand, NoArguments) {
  std::string out;
  AppendCommand(&out, {});
  EXPECT_EQ(out, "*0\r\n");
}

TEST(AppendCommand, ManyCommandsInOneBuffer) {
  std::string out;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    const std::string key = "key" + std::to_string(i);
    AppendCommand(&out, {"GET", key});
    expected += "*2\r\n$3\r\nGET\r\n$" + std::to_string(key.size()) + "\r\n" +
                key + "\r\n";
  }
  EXPECT_EQ(out, expected);
}

TEST(CommandSize, IsWhatAppendCommandWrites) {
  // Lengths around each change in the number of digits.
  for (size_t a : {0, 1, 9, 10, 99, 100, 1000, 65536}) {
    for (size_t b : {0, 9, 10, 12345}) {
      std::string out;
      AppendCommand(&out, {std::string(a, 'a'), std::string(b, 'b')});
      EXPECT_EQ(CommandSize({a, b}), out.size()) << a << " and " << b;
    }
  }
  EXPECT_EQ(CommandSize({}), 4u);  // "*0\r\n"
}

}  // namespace
}  // namespace leaderless::resp
