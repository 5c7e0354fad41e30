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
