#include "protocol/resp/request_parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leaderless::resp {
namespace {

using namespace std::string_literals;
using Argv = std::vector<std::string>;

// A request the parser refused (ParseStatus::kRefused) shows among the
// requests as {kRefusedMark, its error}, so that the order is checked too.
constexpr char kRefusedMark[] = "(refused)";

// What a connection saw after feeding a whole input.
struct Outcome {
  std::vector<Argv> requests;
  std::optional<std::string> error;
  size_t unconsumed = 0;  // bytes left in the buffer (partial request)

  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "{requests:";
  for (const Argv& argv : o.requests) {
    os << " [";
    for (size_t i = 0; i < argv.size(); ++i) {
      const std::string& arg = argv[i];
      if (i == 16) {  // keep failure messages readable
        os << "... " << argv.size() << " args";
        break;
      }
      if (arg.size() > 64) {
        os << "<" << arg.size() << " bytes> ";
      } else {
        os << testing::PrintToString(arg) << " ";
      }
    }
    os << "]";
  }
  return os << " error: " << o.error.value_or("(none)")
            << " unconsumed: " << o.unconsumed << "}";
}

// Checks the zero-copy contract: multibulk views point into the buffer.
void ExpectViewsInto(const std::vector<std::string_view>& argv,
                     const std::string& buffer) {
  for (std::string_view arg : argv) {
    if (arg.empty()) continue;
    EXPECT_GE(arg.data(), buffer.data());
    EXPECT_LE(arg.data() + arg.size(), buffer.data() + buffer.size());
  }
}

// Parses everything in `buffer`, as a connection does after each read:
// records each request and drops consumed bytes. False after an error.
bool Pump(RequestParser& parser, std::string& buffer, Outcome& out) {
  while (true) {
    const ParseStatus status = parser.Parse(buffer);
    if (status == ParseStatus::kError) {
      out.error = parser.error();
      return false;
    }
    if (status == ParseStatus::kRequest) {
      EXPECT_FALSE(parser.argv().empty());
      EXPECT_GT(parser.consumed(), 0u);
      if (buffer[0] == '*') ExpectViewsInto(parser.argv(), buffer);
      out.requests.emplace_back(parser.argv().begin(), parser.argv().end());
    }
    if (status == ParseStatus::kRefused) {
      out.requests.push_back({kRefusedMark, parser.error()});
    }
    EXPECT_LE(parser.consumed(), buffer.size());
    buffer.erase(0, parser.consumed());
    if (status == ParseStatus::kNeedMore) return true;
  }
}

// Feeds `input` in chunks that end at each of `cuts` (ascending) and then at
// the end of the input.
Outcome Feed(std::string_view input, std::vector<size_t> cuts,
             ParserLimits limits = {}) {
  RequestParser parser(limits);
  Outcome out;
  std::string buffer;
  size_t fed = 0;
  cuts.push_back(input.size());
  for (size_t cut : cuts) {
    buffer.append(input.substr(fed, cut - fed));
    fed = cut;
    if (!Pump(parser, buffer, out)) return out;
  }
  out.unconsumed = buffer.size();
  return out;
}

Outcome FeedWhole(std::string_view input, ParserLimits limits = {}) {
  return Feed(input, {}, limits);
}

Outcome FeedBytes(std::string_view input, ParserLimits limits = {}) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
  return Feed(input, cuts, limits);
}

// The outcome must not depend on how the input is split: whole, at every
// single byte boundary, byte by byte, and (short inputs) at every pair of
// boundaries.
void ExpectAtEverySplit(std::string_view input, const Outcome& expected,
                        ParserLimits limits = {}) {
  SCOPED_TRACE(testing::Message()
               << "input: " << testing::PrintToString(std::string(input)));
  ASSERT_EQ(FeedWhole(input, limits), expected);
  for (size_t i = 1; i < input.size(); ++i) {
    ASSERT_EQ(Feed(input, {i}, limits), expected) << "split at " << i;
  }
  ASSERT_EQ(FeedBytes(input, limits), expected) << "byte by byte";
  if (input.size() > 48) return;
  for (size_t i = 1; i < input.size(); ++i) {
    for (size_t j = i + 1; j < input.size(); ++j) {
      ASSERT_EQ(Feed(input, {i, j}, limits), expected)
          << "split at " << i << " and " << j;
    }
  }
}

void ExpectRequests(std::string_view input, std::vector<Argv> requests,
                    ParserLimits limits = {}) {
  ExpectAtEverySplit(input, Outcome{std::move(requests), std::nullopt, 0},
                     limits);
}

void ExpectError(std::string_view input, const std::string& error,
                 ParserLimits limits = {}, std::vector<Argv> before = {}) {
  ExpectAtEverySplit(input, Outcome{std::move(before), error, 0}, limits);
}

// Bytes that must leave the parser waiting (a valid, incomplete prefix).
void ExpectIncomplete(std::string_view input, ParserLimits limits = {}) {
  ExpectAtEverySplit(input, Outcome{{}, std::nullopt, input.size()}, limits);
}

std::string Multibulk(const Argv& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& arg : argv) {
    out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  }
  return out;
}

constexpr char kInvalidCount[] = "Protocol error: invalid multibulk length";
constexpr char kInvalidBulkLen[] = "Protocol error: invalid bulk length";
constexpr char kNoCrlf[] = "Protocol error: expected CRLF after bulk";
constexpr char kUnbalanced[] = "Protocol error: unbalanced quotes in request";
constexpr char kTooBigInline[] = "Protocol error: too big inline request";
constexpr char kTooBigCount[] = "Protocol error: too big mbulk count string";
constexpr char kTooBigBulkCount[] = "Protocol error: too big bulk count string";

// ---------------------------------------------------------------------------
// Valid multibulk requests.

TEST(RequestParser, MultibulkSimple) {
  ExpectRequests("*1\r\n$4\r\nPING\r\n", {{"PING"}});
  ExpectRequests("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n",
                 {{"SET", "k", "value"}});
  ExpectRequests("*1\r\n$10\r\n0123456789\r\n", {{"0123456789"}});
}

TEST(RequestParser, MultibulkEmptyArgument) {
  ExpectRequests("*2\r\n$3\r\nGET\r\n$0\r\n\r\n", {{"GET", ""}});
  ExpectRequests("*1\r\n$0\r\n\r\n", {{""}});
}

TEST(RequestParser, MultibulkBinaryArguments) {
  const Argv argv = {"SET",          "k\0ey"s,       "\r\n",
                     "a\0\r\n\xff"s, "*1\r\n$4\r\n", "\xff\xfe\x00\x01"s};
  ExpectRequests(Multibulk(argv), {argv});
}

TEST(RequestParser, MultibulkArgumentsLookLikeProtocol) {
  const Argv argv = {"$3", "*2", "\r\n$1\r\nx\r\n", "-ERR", "\n"};
  ExpectRequests(Multibulk(argv), {argv});
}

TEST(RequestParser, Pipelined) {
  const std::string input = Multibulk({"SET", "a", "1"}) +
                            Multibulk({"GET", "a"}) + "PING\r\n" +
                            Multibulk({"DEL", "a", ""}) + "ECHO \"x y\"\n";
  ExpectRequests(input, {{"SET", "a", "1"},
                         {"GET", "a"},
                         {"PING"},
                         {"DEL", "a", ""},
                         {"ECHO", "x y"}});
}

TEST(RequestParser, PartialRequestWaits) {
  ExpectIncomplete("*");
  ExpectIncomplete("*2\r");
  ExpectIncomplete("*2\r\n$3\r\nGET\r\n$1");
  ExpectIncomplete("*2\r\n$3\r\nGET\r\n$1\r\nk");
  ExpectIncomplete("*2\r\n$3\r\nGET\r\n$1\r\nk\r");
  ExpectIncomplete("GET k");
  ExpectIncomplete("GET k\r");
  // A complete request followed by a partial one.
  ExpectAtEverySplit(Multibulk({"PING"}) + "*1\r\n$4\r\nPI",
                     Outcome{{{"PING"}}, std::nullopt, 10});
}

TEST(RequestParser, LengthsAtTheirExtremes) {
  // Valid lengths up to the limit just wait for the payload.
  ExpectIncomplete("*1048576\r\n");
  ExpectIncomplete("*1\r\n$536870912\r\n");
  // The most negative count is still a valid (ignored) count.
  ExpectRequests("*-9223372036854775808\r\n" + Multibulk({"PING"}), {{"PING"}});
}

// ---------------------------------------------------------------------------
// Ignored input: "*0", negative counts, blank lines.

TEST(RequestParser, IgnoresEmptyAndNegativeMultibulk) {
  ExpectRequests("*0\r\n", {});
  ExpectRequests("*-1\r\n", {});
  ExpectRequests("*-5\r\n", {});
  ExpectRequests("*0\r\n*-1\r\n" + Multibulk({"PING"}) + "*0\r\n", {{"PING"}});
}

TEST(RequestParser, IgnoresBlankLines) {
  ExpectRequests("\r\n", {});
  ExpectRequests("\n", {});
  ExpectRequests("   \t \r\n", {});
  ExpectRequests("\r\n\n \n" + Multibulk({"GET", "k"}) + "\r\nPING\r\n\n",
                 {{"GET", "k"}, {"PING"}});
}

TEST(RequestParser, ConsumedAfterSkippedInput) {
  RequestParser parser;
  // Skipped input is consumed even though no request is complete, and the
  // partial request behind it is remembered relative to the new start.
  std::string buffer = "\r\n*0\r\n*1\r\n$4\r\nPI";
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.consumed(), 6u);
  buffer.erase(0, parser.consumed());
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.consumed(), 0u);
  buffer += "NG\r\nGET";
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kRequest);
  EXPECT_EQ(parser.consumed(), 14u);
  EXPECT_EQ(parser.argv(), std::vector<std::string_view>{"PING"});
}

TEST(RequestParser, ConsumedIncludesSkippedPrefixOfRequest) {
  RequestParser parser;
  const std::string buffer = "*0\r\n\r\n" + Multibulk({"PING"}) + "rest";
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kRequest);
  EXPECT_EQ(parser.consumed(), 6u + 14u);
  EXPECT_EQ(parser.argv(), std::vector<std::string_view>{"PING"});
}

TEST(RequestParser, EmptyInputNeedsMore) {
  RequestParser parser;
  EXPECT_EQ(parser.Parse(""), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.consumed(), 0u);
}

// ---------------------------------------------------------------------------
// Malformed multibulk requests.

TEST(RequestParser, InvalidMultibulkCount) {
  for (const char* line : {"*\r\n",
                           "*+1\r\n",
                           "* 1\r\n",
                           "*1 \r\n",
                           "*01\r\n",
                           "*00\r\n",
                           "*-0\r\n",
                           "*-\r\n",
                           "*--1\r\n",
                           "*abc\r\n",
                           "*1a\r\n",
                           "*0x10\r\n",
                           "*1.0\r\n",
                           "*2147483648\r\n",
                           "*3000000000\r\n",
                           "*9223372036854775807\r\n",
                           "*9223372036854775808\r\n",
                           "*99999999999999999999\r\n",
                           "*-9223372036854775809\r\n",
                           "*123456789012345678901\r\n"}) {
    ExpectError(line, kInvalidCount);
  }
  ExpectError("*1\0\r\n"s, kInvalidCount);
  ExpectError("*\0\r\n"s, kInvalidCount);
}

TEST(RequestParser, CountLineMustEndInCrlf) {
  // Redis would skip any byte after the CR; we require LF.
  ExpectError("*1\rX$4\r\nPING\r\n", kInvalidCount);
  ExpectError("*1\r\r\n", kInvalidCount);
  // LF without CR: the count text runs on to the next CR.
  ExpectError("*1\n$4\r\nPING\r\n", kInvalidCount);
}

TEST(RequestParser, ExpectedDollar) {
  ExpectError("*1\r\nfoo\r\n", "Protocol error: expected '$', got 'f'");
  ExpectError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
              "Protocol error: expected '$', got 'f'");
  ExpectError("*2\r\n$3\r\nGET\r\n:1\r\n",
              "Protocol error: expected '$', got ':'");
  ExpectError("*1\r\n*1\r\n", "Protocol error: expected '$', got '*'");
  ExpectError("*1\r\n\r\n", "Protocol error: expected '$', got '\r'");
  ExpectError("*1\r\n\0\r\n"s, "Protocol error: expected '$', got '\0'"s);
}

TEST(RequestParser, InvalidBulkLength) {
  for (const char* line :
       {"$\r\n", "$-1\r\n", "$-10\r\n", "$-0\r\n", "$+3\r\n", "$ 3\r\n",
        "$3 \r\n", "$03\r\n", "$00\r\n", "$3x\r\n", "$blabla\r\n",
        "$536870913\r\n", "$2000000000\r\n", "$9223372036854775808\r\n",
        "$99999999999999999999\r\n", "$3\rX", "$3\r\r"}) {
    ExpectError("*1\r\n"s + line, kInvalidBulkLen);
  }
  ExpectError("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n", kInvalidBulkLen);
}

TEST(RequestParser, BulkMustEndInCrlf) {
  for (const std::string tail : {"X\r\n", "\rX", "\n\r", "\r\r", "XY"}) {
    ExpectError("*1\r\n$3\r\nfoo" + tail, kNoCrlf);
  }
  // One extra byte of payload, and a payload shorter than declared.
  ExpectError("*1\r\n$3\r\nfooo\r\n", kNoCrlf);
  ExpectError("*2\r\n$4\r\nfoo\r\n$1\r\nx\r\n", kNoCrlf);
  ExpectError("*1\r\n$0\r\nX", kNoCrlf);
  // A bad first byte fails without waiting for the second one.
  ExpectError("*1\r\n$3\r\nfooX", kNoCrlf);
}

TEST(RequestParser, ErrorAfterGoodRequests) {
  ExpectError(Multibulk({"PING"}) + "PING\r\n*1\r\nx\r\n",
              "Protocol error: expected '$', got 'x'", {},
              {{"PING"}, {"PING"}});
}

TEST(RequestParser, ErrorIsSticky) {
  RequestParser parser;
  ASSERT_EQ(parser.Parse("*x\r\n"), ParseStatus::kError);
  EXPECT_EQ(parser.error(), kInvalidCount);
  EXPECT_EQ(parser.Parse(Multibulk({"PING"})), ParseStatus::kError);
  EXPECT_EQ(parser.error(), kInvalidCount);
}

// ---------------------------------------------------------------------------
// Limits, with small values so that the boundaries are cheap to reach.

TEST(RequestParser, MultibulkCountLimit) {
  ParserLimits limits;
  limits.max_multibulk_len = 3;
  ExpectRequests(Multibulk({"a", "b", "c"}), {{"a", "b", "c"}}, limits);
  ExpectError(Multibulk({"a", "b", "c", "d"}), kInvalidCount, limits);
}

// Redis's bound on the count is INT_MAX, and its own default too.
TEST(RequestParser, DefaultCountLimitIsRedis) {
  ExpectIncomplete("*2147483647\r\n");
  ExpectError("*2147483648\r\n", kInvalidCount);
  // Past the million arguments an older limit refused: parsed, and the
  // argument table that held them is freed after the next request.
  constexpr size_t kArgs = 1100000;
  std::string many = "*" + std::to_string(kArgs + 1) + "\r\n$4\r\nECHO\r\n";
  for (size_t i = 0; i < kArgs; ++i) many += "$0\r\n\r\n";
  RequestParser parser;
  ASSERT_EQ(parser.Parse(many), ParseStatus::kRequest);
  EXPECT_EQ(parser.argv().size(), kArgs + 1);
  EXPECT_GE(parser.held_bytes(), kArgs * sizeof(std::string_view));
  ASSERT_EQ(parser.Parse(Multibulk({"PING"})), ParseStatus::kRequest);
  EXPECT_LT(parser.held_bytes(), 1024 * 1024u);
}

TEST(RequestParser, BulkLengthLimit) {
  ParserLimits limits;
  limits.max_bulk_len = 5;
  ExpectRequests(Multibulk({"12345"}), {{"12345"}}, limits);
  ExpectError(Multibulk({"123456"}), kInvalidBulkLen, limits);
  ExpectError("*1\r\n$6\r\n", kInvalidBulkLen, limits);
}

// ---------------------------------------------------------------------------
// Refusing a request over the bulk limit (skip_oversized_requests).

ParserLimits SkipOver(int64_t max_bulk_len) {
  ParserLimits limits;
  limits.max_bulk_len = max_bulk_len;
  limits.skip_oversized_requests = true;
  return limits;
}

Argv Refused(int64_t length, int64_t limit) {
  return {kRefusedMark, "request skipped: an argument of " +
                            std::to_string(length) +
                            " bytes exceeds the limit of " +
                            std::to_string(limit) + " bytes"};
}

TEST(RequestParser, OversizedRequestIsRefusedAndTheNextOneRuns) {
  const std::string input = Multibulk({"GET", "k"}) +
                            Multibulk({"SET", "k", "123456"}) +
                            Multibulk({"PING"});
  ExpectRequests(input, {{"GET", "k"}, Refused(6, 5), {"PING"}}, SkipOver(5));
  // Within the limit nothing changes.
  ExpectRequests(Multibulk({"SET", "k", "12345"}), {{"SET", "k", "12345"}},
                 SkipOver(5));
}

TEST(RequestParser, RefusalNamesTheFirstOversizedArgument) {
  // Arguments after it, oversized or not, are skipped with it.
  ExpectRequests(Multibulk({"PUT", "1234567", "x", "12345678"}) + "PING\r\n",
                 {Refused(7, 5), {"PING"}}, SkipOver(5));
  ExpectRequests(Multibulk({"1234567"}) + Multibulk({"12345678"}),
                 {Refused(7, 5), Refused(8, 5)}, SkipOver(5));
}

TEST(RequestParser, RefusedRequestBytesAreNotHeld) {
  // A 100 MB argument arrives in 64 KiB reads: after each one the caller
  // may drop every byte, so its buffer never holds more than a read.
  const int64_t length = 100 << 20;
  RequestParser parser(SkipOver(1024));
  std::string buffer =
      "*3\r\n$6\r\nLL.PUT\r\n$" + std::to_string(length) + "\r\n";
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.consumed(), buffer.size());
  const std::string read(64 * 1024, 'v');
  for (int64_t sent = 0; sent < length;) {
    buffer.assign(read, 0, std::min<int64_t>(read.size(), length - sent));
    sent += static_cast<int64_t>(buffer.size());
    ASSERT_EQ(parser.Parse(buffer), ParseStatus::kNeedMore);
    ASSERT_EQ(parser.consumed(), buffer.size());
  }
  buffer = "\r\n$1\r\nk\r\n" + Multibulk({"PING"});
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kRefused);
  buffer.erase(0, parser.consumed());
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kRequest);
  EXPECT_EQ(parser.argv(), std::vector<std::string_view>{"PING"});
}

TEST(RequestParser, HugeDeclaredLengthIsSkippedWithoutHolding) {
  RequestParser parser(SkipOver(1024));
  const std::string buffer =
      "*1\r\n$9223372036854775807\r\n" + std::string(99, 'x');
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.consumed(), buffer.size());
}

TEST(RequestParser, MalformedFramingWhileSkippingStillFails) {
  // The refused request must still be well-formed to its end: otherwise
  // nothing after it can be trusted.
  const ParserLimits limits = SkipOver(5);
  ExpectError("*2\r\n$6\r\n123456XX", kNoCrlf, limits);
  ExpectError("*2\r\n$6\r\n123456\r\n$x\r\n", kInvalidBulkLen, limits);
  ExpectError("*2\r\n$6\r\n123456\r\n:1\r\n",
              "Protocol error: expected '$', got ':'", limits);
  ExpectError("*1\r\n$-6\r\n", kInvalidBulkLen, limits);
}

TEST(RequestParser, UnauthenticatedOversizedRequestStillFails) {
  ParserLimits limits = SkipOver(5);
  limits.unauthenticated = true;
  ExpectError(Multibulk({"123456"}), kInvalidBulkLen, limits);
}

TEST(RequestParser, OversizedRequestFailsByDefault) {
  ParserLimits limits;
  limits.max_bulk_len = 5;
  ExpectError(Multibulk({"GET", "k"}) + Multibulk({"123456"}), kInvalidBulkLen,
              limits, {{"GET", "k"}});
}

TEST(RequestParser, CountLineLengthLimit) {
  ParserLimits limits;
  limits.max_inline_len = 8;
  // 8 bytes before the CR fit; 9 do not, whatever the split and even when
  // the CRLF arrives in the same read.
  ExpectIncomplete("*0000000", limits);  // no CR yet
  ExpectIncomplete("*1000000\r\n", limits);
  ExpectError("*10000000", kTooBigCount, limits);
  ExpectError("*10000000\r\n", kTooBigCount, limits);
  ExpectIncomplete("*1\r\n$0000000", limits);  // no CR yet
  ExpectIncomplete("*1\r\n$1234567\r\n", limits);
  ExpectError("*1\r\n$12345678", kTooBigBulkCount, limits);
  ExpectError("*1\r\n$12345678\r\n", kTooBigBulkCount, limits);
}

TEST(RequestParser, InlineLengthLimit) {
  ParserLimits limits;
  limits.max_inline_len = 8;
  ExpectRequests("12345678\n", {{"12345678"}}, limits);
  ExpectRequests("1234567\r\n", {{"1234567"}}, limits);
  ExpectIncomplete("12345678", limits);
  ExpectError("123456789", kTooBigInline, limits);
  ExpectError("123456789\n", kTooBigInline, limits);
  ExpectError("12345678\r\n", kTooBigInline, limits);
  ExpectError("PING\r\n123456789", kTooBigInline, limits, {{"PING"}});
}

TEST(RequestParser, DefaultInlineLimitIs64KiB) {
  std::string line(64 * 1024, 'a');
  EXPECT_EQ(FeedWhole(line), (Outcome{{}, std::nullopt, line.size()}));
  EXPECT_EQ(FeedWhole(line + "\n"), (Outcome{{{line}}, std::nullopt, 0}));
  EXPECT_EQ(FeedWhole(line + "a"), (Outcome{{}, kTooBigInline, 0}));
  EXPECT_EQ(FeedWhole("*" + line), (Outcome{{}, kTooBigCount, 0}));
}

TEST(RequestParser, SetLimitsAppliesFromNextRequest) {
  RequestParser parser;
  std::string buffer = "*3\r\n$3\r\nSET\r\n";
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kNeedMore);
  ParserLimits strict;
  strict.max_multibulk_len = 1;
  strict.max_bulk_len = 1;
  parser.set_limits(strict);
  buffer += "$1\r\nk\r\n$5\r\nvalue\r\n";
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kRequest);
  EXPECT_EQ(parser.argv().size(), 3u);
  buffer.erase(0, parser.consumed());
  buffer += "*2\r\n";
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kError);
  EXPECT_EQ(parser.error(), kInvalidCount);
}

// Before AUTH (requirepass set) Redis caps requests at 10 arguments and
// bulks at 16384 bytes, with their own error texts; a count or length that
// breaks the general limits still gets the general error.
TEST(RequestParser, UnauthenticatedLimits) {
  ParserLimits limits;
  limits.unauthenticated = true;
  const Argv ten(10, "a");
  ExpectRequests(Multibulk(ten), {ten}, limits);
  ExpectError(Multibulk(Argv(11, "a")),
              "Protocol error: unauthenticated multibulk length", limits);
  const std::string max_bulk(16384, 'x');
  ExpectRequests(Multibulk({"AUTH", max_bulk}), {{"AUTH", max_bulk}}, limits);
  ExpectError("*2\r\n$4\r\nAUTH\r\n$16385\r\n",
              "Protocol error: unauthenticated bulk length", limits);
  limits.max_multibulk_len = 5;
  limits.max_bulk_len = 100;
  ExpectError("*11\r\n", kInvalidCount, limits);
  ExpectError("*1\r\n$101\r\n", kInvalidBulkLen, limits);
  ExpectError("*1\r\n$-1\r\n", kInvalidBulkLen, limits);
}

// AUTH lifts the caps from the request after it.
TEST(RequestParser, AuthenticatingLiftsUnauthenticatedLimits) {
  ParserLimits limits;
  limits.unauthenticated = true;
  RequestParser parser(limits);
  const std::string twelve = Multibulk(Argv(12, "a"));
  std::string buffer = Multibulk({"AUTH", "pw"}) + twelve;
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kRequest);
  limits.unauthenticated = false;
  parser.set_limits(limits);
  buffer.erase(0, parser.consumed());
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kRequest);
  EXPECT_EQ(parser.argv().size(), 12u);
}

TEST(RequestParser, SetLimitsBeforeAnyInput) {
  RequestParser parser;
  ParserLimits strict;
  strict.max_bulk_len = 2;
  parser.set_limits(strict);
  ASSERT_EQ(parser.Parse("*1\r\n$3\r\n"), ParseStatus::kError);
  EXPECT_EQ(parser.error(), kInvalidBulkLen);
}

// ---------------------------------------------------------------------------
// Inline requests and sdssplitargs quoting.

TEST(RequestParser, InlineSplitsOnWhitespace) {
  ExpectRequests("PING\r\n", {{"PING"}});
  ExpectRequests("PING\n", {{"PING"}});
  ExpectRequests("SET k v\r\n", {{"SET", "k", "v"}});
  ExpectRequests("  SET \t k\t\tv  \r\n", {{"SET", "k", "v"}});
  ExpectRequests("\v\fSET k\r\n", {{"SET", "k"}});
  // Inside an argument only space, tab, CR and LF end it (sdssplitargs).
  ExpectRequests("a\vb c\fd\n", {{"a\vb", "c\fd"}});
  ExpectRequests("a\rb\n", {{"a", "b"}});
}

TEST(RequestParser, InlineBytesAreOrdinary) {
  ExpectRequests("SET k a\0b\r\n"s, {{"SET", "k", "a\0b"s}});
  ExpectRequests("\0\n"s, {{"\0"s}});
  ExpectRequests("\xff$3 *1\n", {{"\xff$3", "*1"}});
  ExpectRequests("\"a\0b\"\n"s, {{"a\0b"s}});
}

TEST(RequestParser, InlineDoubleQuotes) {
  ExpectRequests("set \"foo bar\" baz\r\n", {{"set", "foo bar", "baz"}});
  ExpectRequests("set k \"\"\r\n", {{"set", "k", ""}});
  ExpectRequests("\"a\" \"b\"\n", {{"a", "b"}});
  ExpectRequests("\"a\"\t\"b\"\n", {{"a", "b"}});
  ExpectRequests(R"("\n\r\t\b\a\\\"\q\ \'")"s + "\n", {{"\n\r\t\b\a\\\"q '"}});
  ExpectRequests(R"("\x41\x62\x7a\xff\x00\xAb")"s + "\n", {{"Abz\xff\0\xab"s}});
  // Not a full \xHH: the backslash escapes the x alone.
  ExpectRequests(R"("\x4" "\xg1" "\x")"s + "\n", {{"x4", "xg1", "x"}});
  // A quote may open mid-argument; its closing quote ends the argument.
  ExpectRequests("a\"b c\" d\n", {{"ab c", "d"}});
  ExpectRequests("'a' \"b'c\" 'd\"e'\n", {{"a", "b'c", "d\"e"}});
  ExpectRequests("\"a\"\v\n", {{"a"}});
}

TEST(RequestParser, InlineSingleQuotes) {
  ExpectRequests("set 'it\\'s' v\n", {{"set", "it's", "v"}});
  ExpectRequests(R"('a\nb' 'c\\d' '\x41')"s + "\n",
                 {{R"(a\nb)", R"(c\\d)", R"(\x41)"}});
  ExpectRequests("''\n", {{""}});
}

TEST(RequestParser, InlineCarriageReturnHandling) {
  // Only a CR right before the LF is part of the line ending; elsewhere it
  // separates arguments, and inside quotes it is kept.
  ExpectRequests("\"a\r\"\r\n", {{"a\r"}});
  ExpectRequests("a\r\r\n", {{"a"}});
}

TEST(RequestParser, InlineUnbalancedQuotes) {
  for (const char* line :
       {"set \"\"\"test-key\"\"\" test-value\r\n", "\"foo\n", "'foo\n",
        "\"foo\"bar\n", "'foo'bar\n", "\"foo\"\"\n", "'it\\'\n", "\"ab\\\"\n",
        "\"\n", "'\n", "a \"b\r\n", "\"a\"'b'\n"}) {
    ExpectError(line, kUnbalanced);
  }
  ExpectError("PING\r\nset \"a\r\nPING\r\n", kUnbalanced, {}, {{"PING"}});
}

TEST(RequestParser, InlineArgvOwnedByParser) {
  RequestParser parser;
  std::string buffer = "SET \"k\" value-long-enough-to-be-on-the-heap\r\n";
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kRequest);
  EXPECT_EQ(parser.consumed(), buffer.size());
  buffer.assign(buffer.size(), 'x');  // the caller reuses its buffer
  EXPECT_EQ(parser.argv(),
            (std::vector<std::string_view>{
                "SET", "k", "value-long-enough-to-be-on-the-heap"}));
}

TEST(RequestParser, ManyInlineArguments) {
  std::string line;
  Argv expected;
  for (int i = 0; i < 1000; ++i) {
    expected.push_back("a" + std::to_string(i));
    line += expected.back() + " ";
  }
  EXPECT_EQ(FeedWhole(line + "\n").requests, std::vector<Argv>{expected});
  EXPECT_EQ(FeedBytes(line + "\n").requests, std::vector<Argv>{expected});
}

// ---------------------------------------------------------------------------
// Large requests: the parser must keep its progress instead of rescanning
// the buffer on every read. A rescan per byte would be quadratic (about
// 5 * 10^11 steps for 1 MiB), so these finish fast only when it does not.

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

TEST(RequestParser, LargeArgumentByteByByte) {
  std::string big(1024 * 1024, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  const std::string input = Multibulk({"SET", "k", big}) + "PING\r\n";
  const auto start = std::chrono::steady_clock::now();
  const Outcome out = FeedBytes(input);
  EXPECT_LT(SecondsSince(start), 20.0);
  EXPECT_EQ(out, (Outcome{{{"SET", "k", big}, {"PING"}}, std::nullopt, 0}));
}

TEST(RequestParser, LargeArgumentInChunks) {
  const std::string big(3 * 1024 * 1024 + 5, 'v');
  const std::string input = Multibulk({"SET", "k", big});
  std::vector<size_t> cuts;
  for (size_t i = 4096; i < input.size(); i += 4096) cuts.push_back(i);
  const Outcome out = Feed(input, cuts);
  EXPECT_EQ(out, (Outcome{{{"SET", "k", big}}, std::nullopt, 0}));
}

TEST(RequestParser, LongInlineLineByteByByte) {
  // "a " + line + CR is exactly the 64 KiB allowed before the LF.
  const std::string line(64 * 1024 - 3, 'x');
  const auto start = std::chrono::steady_clock::now();
  const Outcome out = FeedBytes("a " + line + "\r\n");
  EXPECT_LT(SecondsSince(start), 20.0);
  EXPECT_EQ(out, (Outcome{{{"a", line}}, std::nullopt, 0}));
}

TEST(RequestParser, ManyArgumentsByteByByte) {
  Argv argv(100000, "x");
  argv[0] = "MSET";
  const std::string input = Multibulk(argv);
  const auto start = std::chrono::steady_clock::now();
  const Outcome out = FeedBytes(input);
  EXPECT_LT(SecondsSince(start), 20.0);
  EXPECT_EQ(out, (Outcome{{argv}, std::nullopt, 0}));
}

TEST(RequestParser, DeclaredLengthWaitsForBytes) {
  // A huge declared length is accepted without reserving anything; the
  // request completes only when every byte is there.
  RequestParser parser;
  std::string buffer = "*1\r\n$536870912\r\n";
  ASSERT_EQ(parser.Parse(buffer), ParseStatus::kNeedMore);
  buffer += std::string(1000, 'x');
  EXPECT_EQ(parser.Parse(buffer), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.consumed(), 0u);
}

}  // namespace
}  // namespace leaderless::resp
