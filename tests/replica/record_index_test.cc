#include "replica/record_index.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <random>

#include "protocol/cluster/record.h"
#include "replica/flush_mark.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

// A record of version `wall_ms`.0.1.
std::string Rec(uint64_t wall_ms, bool tombstone = false) {
  return cluster::EncodeRecord(
      {{wall_ms, 0, 1}, tombstone, 0, tombstone ? "" : "a value"});
}

HeldRecord Held(uint64_t wall_ms, bool tombstone = false) {
  return *HeldRecord::Of(Rec(wall_ms, tombstone));
}

// "absent", "ask", or the held record's version ("t" after a tombstone's).
std::string Describe(RecordIndex::Known known, const HeldRecord& held) {
  if (known == RecordIndex::Known::kAbsent) return "absent";
  if (known == RecordIndex::Known::kAskStore) return "ask";
  return std::to_string(held.version().wall_ms) + (held.tombstone() ? "t" : "");
}

// What `index` says of `key` to a write.
std::string Says(RecordIndex& index, std::string_view key) {
  HeldRecord held;
  const RecordIndex::Known known = index.Find(key, &held);
  return Describe(known, held);
}

// What it says to a read: it reads a value from the store.
std::string Peeks(const RecordIndex& index, std::string_view key) {
  HeldRecord held;
  const RecordIndex::Known known = index.Peek(key, &held);
  return Describe(known, held);
}

TEST(HeldRecordTest, SummarizesARecord) {
  const std::string value = Rec(7);
  const HeldRecord held = *HeldRecord::Of(value);
  EXPECT_EQ(held.Header(), cluster::RecordHeader(value));
  EXPECT_EQ(held.Rank(), cluster::RankOf(value));
  EXPECT_FALSE(held.tombstone());
  EXPECT_TRUE(Held(7, true).tombstone());
  // Records of one version differ by digest.
  EXPECT_NE(held, *HeldRecord::Of(cluster::EncodeRecord(
                      {{7, 0, 1}, false, 0, "another value"})));
  EXPECT_FALSE(HeldRecord::Of("junk").has_value());
}

TEST(RecordIndexTest, AnEmptyIndexKnowsEveryKeyIsAbsent) {
  RecordIndex index(0);
  EXPECT_EQ(Says(index, "k"), "absent");
  index.Erase("k");  // erasing nothing is fine
  EXPECT_EQ(index.keys(), 0u);
  EXPECT_TRUE(index.complete());
}

TEST(RecordIndexTest, PutReplacesAndEraseForgets) {
  RecordIndex index(0);
  index.Put("k", Held(5));
  EXPECT_EQ(Says(index, "k"), "5");
  index.Put("k", Held(9, true));
  HeldRecord held;
  ASSERT_EQ(index.Find("k", &held), RecordIndex::Known::kHeld);
  EXPECT_EQ(held, Held(9, true));
  EXPECT_EQ(index.keys(), 1u);
  index.Erase("k");
  EXPECT_EQ(Says(index, "k"), "absent");
  EXPECT_EQ(index.keys(), 0u);
}

TEST(RecordIndexTest, ReadsGoToTheStoreForValuesOnly) {
  RecordIndex index(0);
  index.Put("value", Held(1));
  index.Put("deleted", Held(2, true));
  index.Put("junk", std::nullopt);
  EXPECT_EQ(Peeks(index, "value"), "ask");
  EXPECT_EQ(Peeks(index, "deleted"), "2t");
  EXPECT_EQ(Peeks(index, "junk"), "ask");
  EXPECT_EQ(Peeks(index, "never written"), "absent");
  // A key that changes kind changes what reads do.
  index.Put("value", Held(3, true));
  index.Put("deleted", Held(4));
  EXPECT_EQ(Peeks(index, "value"), "3t");
  EXPECT_EQ(Peeks(index, "deleted"), "ask");
}

TEST(RecordIndexTest, ARecordItCannotSummarizeIsLeftToTheStore) {
  RecordIndex index(0);
  index.Put("k", std::nullopt);
  EXPECT_EQ(Says(index, "k"), "ask");
  EXPECT_TRUE(index.complete());  // other keys are still known
  EXPECT_EQ(Says(index, "other"), "absent");
}

// Many keys, puts and erases in a random order against a plain map: growth
// and the closing of gaps after erases keep every key findable.
TEST(RecordIndexTest, AgreesWithAMapThroughGrowthAndErases) {
  RecordIndex index(0);
  std::map<std::string, uint64_t> model;
  std::mt19937 random(7);
  for (uint64_t step = 1; step <= 40000; ++step) {
    const std::string key = "key:" + std::to_string(random() % 5000);
    if (random() % 3 == 0) {
      index.Erase(key);
      model.erase(key);
    } else {
      index.Put(key, Held(step, step % 2 == 0));  // even steps: tombstones
      model[key] = step;
    }
  }
  ASSERT_EQ(index.keys(), model.size());
  for (int i = 0; i < 5000; ++i) {
    const std::string key = "key:" + std::to_string(i);
    auto it = model.find(key);
    if (it == model.end()) {
      EXPECT_EQ(Says(index, key), "absent") << key;
      EXPECT_EQ(Peeks(index, key), "absent") << key;
      continue;
    }
    const std::string version = std::to_string(it->second);
    if (it->second % 2 == 0) {
      EXPECT_EQ(Says(index, key), version + "t") << key;
      EXPECT_EQ(Peeks(index, key), version + "t") << key;
    } else {
      EXPECT_EQ(Says(index, key), version) << key;
      EXPECT_EQ(Peeks(index, key), "ask") << key;
    }
  }
}

// Past its bound the index forgets keys, and from then on sends keys it
// does not know to the store instead of calling them absent.
TEST(RecordIndexTest, ABoundedIndexForgetsAndThenAsksTheStore) {
  RecordIndex index(256 * 1024);
  for (int i = 0; i < 10000; ++i) {
    index.Put("key:" + std::to_string(i), Held(i + 1));
    EXPECT_LE(index.bytes(), index.max_bytes());
  }
  EXPECT_FALSE(index.complete());
  EXPECT_GT(index.forgotten(), 0u);
  EXPECT_EQ(index.keys() + index.forgotten(), 10000u);
  size_t held = 0;
  for (int i = 0; i < 10000; ++i) {
    const std::string says = Says(index, "key:" + std::to_string(i));
    if (says == "ask") continue;
    EXPECT_EQ(says, std::to_string(i + 1));  // what it keeps is exact
    ++held;
  }
  EXPECT_EQ(held, index.keys());
  EXPECT_EQ(Says(index, "never written"), "ask");
  EXPECT_EQ(Peeks(index, "never written"), "ask");
}

// A key looked up between puts survives the keys that are not.
TEST(RecordIndexTest, KeepsTheKeysInUse) {
  RecordIndex index(256 * 1024);
  index.Put("hot", Held(1));
  for (int i = 0; i < 10000; ++i) {
    index.Put("cold:" + std::to_string(i), Held(2));
    EXPECT_EQ(Says(index, "hot"), "1") << i;
  }
  EXPECT_FALSE(index.complete());
}

class RecordIndexLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/record_index_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = RecordStore::Open(dir_).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Write(std::string_view key, std::string_view value) {
    RecordStore::Batch batch;
    batch.Put(key, value);
    ASSERT_TRUE(store_->Write(batch, false).ok());
  }

  std::string dir_;
  std::unique_ptr<RecordStore> store_;
};

// A restart rebuilds the index from what the store holds: data, hints and
// the flush mark, values and tombstones alike.
TEST_F(RecordIndexLoadTest, LoadsEveryKeyOfTheStore) {
  Write(DataKey("a"), Rec(3));
  Write(DataKey("deleted"), Rec(4, true));
  Write(HintKey("r2", "a"), Rec(5));
  Write(FlushMark::kFlushKey, Rec(6, true));
  Write(DataKey("junk"), "not a record");
  auto index = RecordIndex::Load(*store_, 0);
  ASSERT_TRUE(index.ok()) << index.status().message();
  RecordIndex& i = *index.value();
  EXPECT_TRUE(i.complete());
  EXPECT_EQ(i.keys(), 5u);
  EXPECT_EQ(Says(i, DataKey("a")), "3");
  HeldRecord held;
  ASSERT_EQ(i.Find(DataKey("deleted"), &held), RecordIndex::Known::kHeld);
  EXPECT_EQ(held, Held(4, true));
  EXPECT_EQ(Says(i, HintKey("r2", "a")), "5");
  EXPECT_EQ(Says(i, FlushMark::kFlushKey), "6t");
  EXPECT_EQ(Says(i, DataKey("junk")), "ask");
  EXPECT_EQ(Says(i, DataKey("b")), "absent");
}

TEST_F(RecordIndexLoadTest, LoadStopsAtTheBound) {
  for (int i = 0; i < 10000; ++i) {
    Write(DataKey("key:" + std::to_string(i)), Rec(i + 1));
  }
  auto index = RecordIndex::Load(*store_, 256 * 1024);
  ASSERT_TRUE(index.ok()) << index.status().message();
  EXPECT_FALSE(index.value()->complete());
  EXPECT_LT(index.value()->keys(), 10000u);
  EXPECT_EQ(Says(*index.value(), DataKey("not written")), "ask");
  // A scan for more than the index goes on to the end.
  size_t seen = 0;
  auto scanned = RecordIndex::Load(
      *store_, 256 * 1024, [&](std::string_view, const HeldRecord& held) {
        EXPECT_FALSE(held.tombstone());
        ++seen;
      });
  ASSERT_TRUE(scanned.ok());
  EXPECT_EQ(seen, 10000u);
}

}  // namespace
}  // namespace leaderless::replica
