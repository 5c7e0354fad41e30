#include "protocol/cluster/record.h"

#include <gtest/gtest.h>

namespace leaderless::cluster {
namespace {

Record Value(std::string v, Version version = {7, 1, 2}, uint64_t exp = 0) {
  Record r;
  r.version = version;
  r.value = std::move(v);
  r.expire_at_ms = exp;
  return r;
}

TEST(RecordTest, RoundTripsValuesWithBinaryBytes) {
  std::string binary("a\0b\r\n\xff", 6);
  for (const std::string& v :
       {std::string(), std::string("x"), binary, std::string(1 << 20, 'z')}) {
    Record in = Value(v, {123456789, 4, 65535}, 99);
    auto out = DecodeRecord(EncodeRecord(in));
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->value, v);
    EXPECT_EQ(out->version, in.version);
    EXPECT_EQ(out->expire_at_ms, 99u);
    EXPECT_FALSE(out->tombstone);
  }
}

TEST(RecordTest, RoundTripsTombstones) {
  Record t;
  t.tombstone = true;
  t.version = {5, 0, 1};
  auto out = DecodeRecord(EncodeRecord(t));
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->tombstone);
  EXPECT_EQ(out->version, t.version);
  EXPECT_FALSE(out->IsLive(0));
}

TEST(RecordTest, HeaderOnlyEncodingKeepsVersionAndLiveness) {
  std::string full = EncodeRecord(Value("payload"));
  std::string header = EncodeRecord(Value("payload"), /*with_value=*/false);
  EXPECT_EQ(header.size(), kRecordHeaderSize);
  EXPECT_EQ(full.substr(0, kRecordHeaderSize), header);
  auto view = ParseRecord(header);
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->IsLive(0));
  EXPECT_EQ(view->version, (Version{7, 1, 2}));
}

TEST(RecordTest, ExpiryIsAbsolute) {
  Record r = Value("v", {1, 0, 0}, 1000);
  EXPECT_TRUE(r.IsLive(999));
  EXPECT_FALSE(r.IsLive(1000));
  EXPECT_TRUE(Value("v").IsLive(~0ULL));  // 0 = never expires
}

RecordView ViewOf(const Record& r) {
  return ParseRecord(EncodeRecord(r)).value();
}

TEST(RecordTest, PurgeableOnceGcGraceHasPassedSinceItDied) {
  Record tombstone;
  tombstone.tombstone = true;
  tombstone.version = {1000, 0, 1};
  EXPECT_FALSE(IsPurgeable(ViewOf(tombstone), 1099, 100));
  EXPECT_TRUE(IsPurgeable(ViewOf(tombstone), 1100, 100));
  const Record expired = Value("v", {10, 0, 1}, 2000);
  EXPECT_FALSE(IsPurgeable(ViewOf(expired), 1999, 0));  // still live
  EXPECT_FALSE(IsPurgeable(ViewOf(expired), 2099, 100));
  EXPECT_TRUE(IsPurgeable(ViewOf(expired), 2100, 100));
}

TEST(RecordTest, TimesNearTheEndOfTheClockNeverWrapIntoPurgeable) {
  // Found by the record fuzzer: a time plus gc-grace wrapped past 2^64, so
  // a tombstone from the far future was purgeable at once.
  Record tombstone;
  tombstone.tombstone = true;
  tombstone.version = {~0ULL - 10, 0, 1};
  EXPECT_FALSE(IsPurgeable(ViewOf(tombstone), 1000, 100));
  tombstone.version = {1, 0, 1};
  tombstone.expire_at_ms = ~0ULL;
  EXPECT_FALSE(IsPurgeable(ViewOf(tombstone), 1000, 100));
  EXPECT_FALSE(IsPurgeable(ViewOf(tombstone), ~0ULL, 1));
  EXPECT_TRUE(IsPurgeable(ViewOf(tombstone), ~0ULL, 0));
}

TEST(RecordTest, EncodedVersionIsTheVersionsBytes) {
  const Version v{123456789, 4, 65535};
  std::string expected;
  AppendVersion(&expected, v);
  for (const Record& r : {Value("value", v, 99), Value("", v)}) {
    std::string encoded = EncodeRecord(r);
    EXPECT_EQ(EncodedVersion(encoded), expected);
    EXPECT_EQ(EncodedVersion(RecordHeader(encoded)), expected);
    EXPECT_EQ(DecodeVersion(EncodedVersion(encoded)), v);
  }
}

TEST(RecordTest, EncodedVersionsCompareInVersionOrder) {
  std::string older = EncodeRecord(Value("zzz", {5, 0xff, 9}));
  std::string newer = EncodeRecord(Value("a", {6, 0, 1}));
  EXPECT_LT(EncodedVersion(older), EncodedVersion(newer));
}

TEST(RecordTest, RecordHeaderLeavesOutTheValue) {
  Record r = Value("value", {8, 2, 3}, 42);
  std::string header = std::string(RecordHeader(EncodeRecord(r)));
  EXPECT_EQ(header, EncodeRecord(r, false));
  auto view = ParseRecord(header);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->version, r.version);
  EXPECT_EQ(view->expire_at_ms, 42u);
  EXPECT_TRUE(view->value.empty());
}

Record Tombstone(Version version, uint64_t exp = 0) {
  Record t;
  t.tombstone = true;
  t.version = version;
  t.expire_at_ms = exp;
  return t;
}

// Each row: `lower` < `higher` in the order every newest choice uses.
TEST(RecordOrderTest, VersionThenTombstoneThenContent) {
  struct Row {
    const char* why;
    Record lower;
    Record higher;
  };
  const Row rows[] = {
      {"version first", Value("zzz", {7, 1, 2}), Value("a", {7, 1, 3})},
      {"a newer value beats a tombstone", Tombstone({7, 1, 2}),
       Value("a", {8, 0, 1})},
      {"equal versions: a tombstone beats a value", Value("a", {7, 1, 2}),
       Tombstone({7, 1, 2})},
      {"the expiry's tombstone beats the expired value",
       Value("a", {7, 1, 2}, 50), Tombstone({7, 1, 2}, 50)},
  };
  for (const Row& row : rows) {
    std::string lower = EncodeRecord(row.lower);
    std::string higher = EncodeRecord(row.higher);
    EXPECT_TRUE(CompareRecords(lower, higher) < 0) << row.why;
    EXPECT_TRUE(CompareRecords(higher, lower) > 0) << row.why;
    EXPECT_TRUE(Supersedes(higher, lower)) << row.why;
    EXPECT_FALSE(Supersedes(lower, higher)) << row.why;
    EXPECT_LT(RankOf(lower), RankOf(higher)) << row.why;
  }
}

TEST(RecordOrderTest, EqualVersionsOfDifferentValuesHaveOneWinner) {
  std::string a = EncodeRecord(Value("a"));
  std::string b = EncodeRecord(Value("b"));
  std::string a_expiring = EncodeRecord(Value("a", {7, 1, 2}, 99));
  for (const auto& [x, y] :
       {std::pair{a, b}, std::pair{a, a_expiring}, std::pair{b, a_expiring}}) {
    EXPECT_TRUE(CompareRecords(x, y) != 0);
    EXPECT_EQ(CompareRecords(x, y) < 0, CompareRecords(y, x) > 0);
    // The rank, which anti-entropy compares, agrees with the records.
    EXPECT_EQ(CompareRecords(x, y) < 0, RankOf(x) < RankOf(y));
  }
  EXPECT_TRUE(CompareRecords(a, a) == 0);
  EXPECT_FALSE(Supersedes(a, a));
}

TEST(RecordOrderTest, EncodedRanksCompareInRankOrder) {
  const std::string records[] = {
      EncodeRecord(Value("a")), EncodeRecord(Value("b")),
      EncodeRecord(Tombstone({7, 1, 2})), EncodeRecord(Value("a", {7, 2, 0})),
      EncodeRecord(Value("c", {6, 9, 9}))};
  for (const std::string& x : records) {
    for (const std::string& y : records) {
      std::string ex, ey;
      AppendRank(&ex, RankOf(x));
      AppendRank(&ey, RankOf(y));
      ASSERT_EQ(ex.size(), kEncodedRankSize);
      EXPECT_EQ(ex < ey, RankOf(x) < RankOf(y));
      EXPECT_EQ(ex < ey, CompareRecords(x, y) < 0);
    }
  }
}

TEST(RecordOrderTest, RanksDecodeAsEncoded) {
  for (const std::string& record : {EncodeRecord(Value("a", {1, 2, 3})),
                                    EncodeRecord(Tombstone({7, 1, 2}))}) {
    const RecordRank rank = RankOf(record);
    auto decoded = DecodeRank(EncodeRank(rank));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded.value(), rank);
  }
  std::string bad_kind = EncodeRank(RankOf(EncodeRecord(Value("a"))));
  bad_kind[kEncodedVersionSize] = 2;
  EXPECT_FALSE(DecodeRank(bad_kind).ok());
  EXPECT_FALSE(DecodeRank(bad_kind.substr(1)).ok());
  EXPECT_FALSE(DecodeRank("").ok());
}

TEST(RecordTest, RejectsMalformedEncodings) {
  std::string good = EncodeRecord(Value("v"));
  EXPECT_FALSE(ParseRecord("").ok());
  EXPECT_FALSE(ParseRecord(good.substr(0, kRecordHeaderSize - 1)).ok());
  std::string bad_format = good;
  bad_format[0] = 0x7f;
  EXPECT_FALSE(ParseRecord(bad_format).ok());
  std::string bad_kind = good;
  bad_kind[1] = 0x05;
  EXPECT_FALSE(ParseRecord(bad_kind).ok());
  Record t;
  t.tombstone = true;
  EXPECT_FALSE(ParseRecord(EncodeRecord(t) + "junk").ok());
}

}  // namespace
}  // namespace leaderless::cluster
