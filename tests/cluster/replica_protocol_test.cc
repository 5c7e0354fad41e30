#include "protocol/cluster/replica_protocol.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "protocol/resp/request_parser.h"

namespace leaderless::cluster {
namespace {

// The words of the one request in `wire`, as a replica's parser sees them.
std::vector<std::string> Words(const std::string& wire) {
  resp::RequestParser parser;
  std::vector<std::string> words;
  EXPECT_EQ(parser.Parse(wire), resp::ParseStatus::kRequest);
  for (std::string_view w : parser.argv()) words.emplace_back(w);
  EXPECT_EQ(parser.consumed(), wire.size());
  return words;
}

using W = std::vector<std::string>;

std::string Encoded(Version v, bool tombstone = false, std::string value = "") {
  Record r;
  r.version = v;
  r.tombstone = tombstone;
  r.value = std::move(value);
  return EncodeRecord(r);
}

TEST(ReplicaProtocolTest, BuildsEachRequestInArgumentOrder) {
  const std::string record =
      Encoded({5, 1, 2}, false, std::string("v\0\r\n", 4));
  std::string out;
  AppendGetRequest(&out, "k");
  EXPECT_EQ(out, "*2\r\n$6\r\nLL.GET\r\n$1\r\nk\r\n");
  out.clear();
  AppendGetRequest(&out, "k", 16384);
  EXPECT_EQ(Words(out), (W{"LL.GET", "k", "16384"}));
  out.clear();
  AppendPutRequest(&out, "k", record);
  EXPECT_EQ(Words(out), (W{"LL.PUT", "k", record}));
  out.clear();
  AppendHintPutRequest(&out, "r2", "k", record);
  EXPECT_EQ(Words(out), (W{"LL.HPUT", "r2", "k", record}));
  out.clear();
  AppendFlushRequest(&out, record);
  EXPECT_EQ(Words(out), (W{"LL.FLUSH", record}));
  out.clear();
  AppendScanRequest(&out, 7, UINT64_MAX, 100);
  EXPECT_EQ(Words(out), (W{"LL.SCAN", "7", "18446744073709551615", "100"}));
  out.clear();
  const std::vector<uint32_t> indices = {0, 15, 4096};
  AppendTreeRequest(&out, "r1", 2, indices);
  EXPECT_EQ(Words(out), (W{"LL.TREE", "r1", "2", "0", "15", "4096"}));
  out.clear();
  AppendLeafRequest(&out, "r1", 65535);
  EXPECT_EQ(Words(out), (W{"LL.LEAF", "r1", "65535"}));
}

// A link authenticates only when a password is set, with the password as
// one binary-safe argument.
TEST(ReplicaProtocolTest, LinkHelloAuthenticatesWithThePassword) {
  EXPECT_TRUE(LinkHello("").empty());
  const std::string secret("s e\0\r\n", 6);
  const std::vector<std::string> hello = LinkHello(secret);
  ASSERT_EQ(hello.size(), 1u);
  EXPECT_EQ(Words(hello[0]), (W{"AUTH", secret}));
}

// The proxy ends itself on this error only, never on a refused AUTH.
TEST(ReplicaProtocolTest, RecognisesTheProxyIdInUseError) {
  EXPECT_TRUE(IsProxyIdInUseError(ProxyIdInUseError("7", "10.0.0.1:5000")));
  EXPECT_FALSE(IsProxyIdInUseError(
      "WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_FALSE(IsProxyIdInUseError("NOAUTH Authentication required."));
  EXPECT_FALSE(IsProxyIdInUseError("ERR proxy-id"));
}

TEST(ReplicaProtocolTest, BuildersAppend) {
  std::string out = "x";
  AppendGetRequest(&out, "a");
  AppendGetRequest(&out, "b");
  EXPECT_EQ(
      out,
      "x*2\r\n$6\r\nLL.GET\r\n$1\r\na\r\n*2\r\n$6\r\nLL.GET\r\n$1\r\nb\r\n");
}

// Each request a builder makes has as many words as its command's arity
// allows, so the replica's table never refuses what a sender builds.
TEST(ReplicaProtocolTest, RequestsMatchTheirArity) {
  struct Case {
    ReplicaCommand command;
    std::string wire;
  };
  std::vector<Case> cases(8);
  AppendGetRequest(&cases[0].wire, "k");
  cases[0].command = kGetCommand;
  AppendPutRequest(&cases[1].wire, "k", "r");
  cases[1].command = kPutCommand;
  AppendHintPutRequest(&cases[2].wire, "h", "k", "r");
  cases[2].command = kHintPutCommand;
  AppendFlushRequest(&cases[3].wire, "t");
  cases[3].command = kFlushCommand;
  AppendScanRequest(&cases[4].wire, 1, 2, 3);
  cases[4].command = kScanCommand;
  const uint32_t one[] = {0};
  AppendTreeRequest(&cases[5].wire, "r", 0, one);
  cases[5].command = kTreeCommand;
  AppendLeafRequest(&cases[6].wire, "r", 0);
  cases[6].command = kLeafCommand;
  AppendProxyRequest(&cases[7].wire, 65535, "t");
  cases[7].command = kProxyCommand;
  for (const Case& c : cases) {
    W words = Words(c.wire);
    ASSERT_FALSE(words.empty());
    EXPECT_EQ(words[0], c.command.name);
    const int n = static_cast<int>(words.size());
    if (c.command.arity >= 0) {
      EXPECT_EQ(n, c.command.arity) << c.command.name;
    } else {
      EXPECT_GE(n, -c.command.arity) << c.command.name;
    }
  }
}

TEST(ReplicaProtocolTest, LowercaseNamesForTheCommandTable) {
  EXPECT_EQ(LowercaseName(kGetCommand), "ll.get");
  EXPECT_EQ(LowercaseName(kHintPutCommand), "ll.hput");
  EXPECT_EQ(LowercaseName(kScanCommand), "ll.scan");
}

TEST(ReplicaProtocolTest, ReadsArgumentsInTheirOrder) {
  const std::string_view hput[] = {"LL.HPUT", "r2", "k", "rec"};
  HintPutArgs h = ParseHintPutArgs(hput);
  EXPECT_EQ(h.home, "r2");
  EXPECT_EQ(h.key, "k");
  EXPECT_EQ(h.record, "rec");
  const std::string_view get[] = {"LL.GET", "k"};
  GetArgs g = ParseGetArgs(get);
  EXPECT_EQ(g.key, "k");
  EXPECT_FALSE(g.max_bytes.has_value());
  EXPECT_FALSE(g.extra);
  const std::string_view capped[] = {"LL.GET", "k", "10", "x"};
  g = ParseGetArgs(capped);
  EXPECT_EQ(g.key, "k");
  EXPECT_EQ(g.max_bytes, "10");
  EXPECT_TRUE(g.extra);
  // An empty bound is given, not absent: the replica refuses it as a number.
  const std::string_view empty[] = {"LL.GET", "k", ""};
  g = ParseGetArgs(empty);
  ASSERT_TRUE(g.max_bytes.has_value());
  EXPECT_EQ(*g.max_bytes, "");
  const std::string_view put[] = {"LL.PUT", "k", "rec"};
  PutArgs p = ParsePutArgs(put);
  EXPECT_EQ(p.key, "k");
  EXPECT_EQ(p.record, "rec");
  const std::string_view scan[] = {"LL.SCAN", "1", "2", "3"};
  ScanArgs s = ParseScanArgs(scan);
  EXPECT_EQ(s.first, "1");
  EXPECT_EQ(s.last, "2");
  EXPECT_EQ(s.count, "3");
  const std::string_view tree[] = {"LL.TREE", "r1", "2", "5", "6"};
  TreeArgs t = ParseTreeArgs(tree);
  EXPECT_EQ(t.requester, "r1");
  EXPECT_EQ(t.level, "2");
  ASSERT_EQ(t.indices.size(), 2u);
  EXPECT_EQ(t.indices[0], "5");
  EXPECT_EQ(t.indices[1], "6");
  const std::string_view leaf[] = {"LL.LEAF", "r1", "9"};
  LeafArgs l = ParseLeafArgs(leaf);
  EXPECT_EQ(l.requester, "r1");
  EXPECT_EQ(l.leaf, "9");
}

TEST(ReplicaProtocolTest, ParsesLeafReplies) {
  const std::string_view none[] = {""};
  EXPECT_TRUE(ParseLeafReply(std::span(none, 0))->empty());
  const std::string va = EncodeRank({{1, 0, 1}, false, 5});
  const std::string vb = EncodeRank({{2, 0, 1}, true, 6});
  const std::string_view two[] = {"a", va, "b", vb};
  auto entries = ParseLeafReply(two);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].key, "a");
  EXPECT_EQ((*entries)[0].rank, va);
  EXPECT_EQ((*entries)[1].key, "b");
  EXPECT_EQ((*entries)[1].rank, vb);
}

TEST(ReplicaProtocolTest, RejectsMalformedLeafReplies) {
  const std::string va = EncodeRank({{1, 0, 1}, false, 5});
  const std::string_view odd[] = {"a", va, "b"};
  EXPECT_FALSE(ParseLeafReply(odd).ok());
  EXPECT_FALSE(ParseLeafReply(std::span(odd, 1)).ok());
  // A bare version (16 bytes), as an older replica would list it.
  const std::string version(kEncodedVersionSize, '\x01');
  const std::string_view short_rank[] = {"a", version};
  EXPECT_FALSE(ParseLeafReply(short_rank).ok());
}

TEST(ReplicaProtocolTest, ParsesScanReplies) {
  const std::string flush = Encoded({9, 0, 1}, true);
  const std::string a = Encoded({3, 0, 1}, false, "x");
  const std::string b = Encoded({4, 2, 1}, true);
  const std::string_view full[] = {"123",           flush, "ka",
                                   RecordHeader(a), "kb",  b};
  auto page = ParseScanReply(full);
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_EQ(page->covered, 123u);
  ASSERT_TRUE(page->flush.has_value());
  EXPECT_EQ(*page->flush, (Version{9, 0, 1}));
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_EQ(page->records[0].first, "ka");
  EXPECT_EQ(page->records[0].second.version, (Version{3, 0, 1}));
  EXPECT_FALSE(page->records[0].second.tombstone);
  EXPECT_EQ(page->records[1].first, "kb");
  EXPECT_TRUE(page->records[1].second.tombstone);

  const std::string_view empty[] = {"18446744073709551615", ""};
  page = ParseScanReply(empty);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->covered, UINT64_MAX);
  EXPECT_FALSE(page->flush.has_value());
  EXPECT_TRUE(page->records.empty());
}

TEST(ReplicaProtocolTest, RejectsMalformedScanReplies) {
  const std::string good = Encoded({3, 0, 1});
  const std::vector<std::vector<std::string_view>> bad = {
      {},                                       // too short
      {"1"},                                    // no flush element
      {"1", "", "k"},                           // odd: key without header
      {"", "", "k", good},                      // empty position
      {"-1", "", "k", good},                    // negative position
      {"12x", "", "k", good},                   // junk after the number
      {"18446744073709551616", "", "k", good},  // past 64 bits
      {"1", "not a record", "k", good},         // bad flush mark
      {"1", "", "k", "not a record"},           // bad header
      {"1", "", "k", good.substr(0, 5)},        // cut header
  };
  for (const auto& elements : bad) {
    EXPECT_FALSE(ParseScanReply(elements).ok())
        << ::testing::PrintToString(elements);
  }
}

// The largest request a proxy can build, an LL.HPUT whose key and value
// have proto-max-bulk-len bytes each, is what RequestLimitsFor says, and a
// parser with those limits takes it whole; one byte more in the record is
// over the limit.
TEST(ReplicaProtocolTest, RequestLimitsFitTheLargestRequest) {
  Config config;
  config.replicas = {{"r1", "h", 1}, {"replica-2", "h", 2}};
  config.proto_max_bulk_len = 4096;
  const ReplicaRequestLimits limits = RequestLimitsFor(config);
  EXPECT_EQ(limits.max_bulk_len,
            4096 + static_cast<int64_t>(kRecordHeaderSize));

  const std::string key(4096, 'k');
  const std::string record = Encoded({5, 1, 2}, false, std::string(4096, 'v'));
  std::string wire;
  AppendHintPutRequest(&wire, "replica-2", key, record);
  EXPECT_EQ(static_cast<int64_t>(wire.size()), limits.max_request_len);

  resp::ParserLimits parser_limits;
  parser_limits.max_bulk_len = limits.max_bulk_len;
  resp::RequestParser parser(parser_limits);
  ASSERT_EQ(parser.Parse(wire), resp::ParseStatus::kRequest);
  EXPECT_EQ(parser.argv()[3], record);

  wire.clear();
  AppendPutRequest(&wire, key, record + "v");
  resp::RequestParser strict(parser_limits);
  EXPECT_EQ(strict.Parse(wire), resp::ParseStatus::kError);
}

TEST(ReplicaProtocolTest, RequestLimitsDoNotOverflow) {
  Config config;
  config.proto_max_bulk_len = std::numeric_limits<int64_t>::max();
  const ReplicaRequestLimits limits = RequestLimitsFor(config);
  EXPECT_GT(limits.max_bulk_len, int64_t{1} << 60);
  EXPECT_GT(limits.max_request_len, 2 * limits.max_bulk_len);
}

}  // namespace
}  // namespace leaderless::cluster
