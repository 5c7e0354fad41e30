#include "replica/read_choice.h"

#include <gtest/gtest.h>

#include "protocol/cluster/record.h"

namespace leaderless::replica {
namespace {

std::string Rec(uint64_t wall_ms, bool tombstone = false) {
  cluster::Record r;
  r.version = {wall_ms, 0, 1};
  r.tombstone = tombstone;
  if (!tombstone) r.value = "v" + std::to_string(wall_ms);
  return cluster::EncodeRecord(r);
}

FlushMark FlushAt(uint64_t wall_ms) {
  FlushMark mark;
  EXPECT_TRUE(mark.Raise(Rec(wall_ms, true)));
  return mark;
}

TEST(ReadChoiceTest, OnlyStandInsReadHints) {
  const std::vector<uint16_t> homes = {3, 0, 4};
  struct Case {
    int self;
    bool reads_hints;
  };
  for (const Case& c : {Case{3, false}, Case{0, false}, Case{4, false},
                        Case{1, true}, Case{2, true}}) {
    EXPECT_EQ(ReadsHints(homes, c.self), c.reads_hints) << c.self;
  }
  EXPECT_TRUE(ReadsHints({}, 0));
}

TEST(ReadChoiceTest, NewestHeldTakesTheNewestRecord) {
  using Held = std::vector<std::optional<std::string>>;
  struct Case {
    const char* name;
    Held held;
    std::optional<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"nothing held", {}, std::nullopt},
      {"no record anywhere", {std::nullopt, std::nullopt}, std::nullopt},
      {"own only", {Rec(5), std::nullopt}, Rec(5)},
      {"hint only", {std::nullopt, Rec(5)}, Rec(5)},
      {"own newer", {Rec(7), Rec(5), Rec(6)}, Rec(7)},
      {"a hint newer", {Rec(5), Rec(4), Rec(9)}, Rec(9)},
      {"a newer tombstone", {Rec(5), Rec(8, true)}, Rec(8, true)},
      {"junk left out", {std::string("junk"), Rec(2)}, Rec(2)},
      {"only junk", {std::string("junk")}, std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NewestHeld(c.held), c.expected) << c.name;
  }
}

TEST(ReadChoiceTest, AfterFlushAnswersTheNewerOfRecordAndFlush) {
  const FlushMark none;
  const FlushMark flush = FlushAt(10);
  struct Case {
    const char* name;
    const FlushMark* mark;
    std::optional<std::string> held;
    const std::string* expected;  // nullptr: nothing
    bool expect_held;             // the answer is `held` itself
  };
  const std::vector<Case> cases = {
      {"no flush, nothing held", &none, std::nullopt, nullptr, false},
      {"no flush, a record", &none, Rec(5), nullptr, true},
      {"no flush, junk is answered as is", &none, std::string("junk"), nullptr,
       true},
      {"flush, nothing held", &flush, std::nullopt, &flush.record(), false},
      {"flush covers an older record", &flush, Rec(5), &flush.record(), false},
      {"flush covers an equal version", &flush, Rec(10), &flush.record(),
       false},
      {"a newer record survives", &flush, Rec(11), nullptr, true},
      {"flush, junk is answered as is", &flush, std::string("junk"), nullptr,
       true},
  };
  for (const Case& c : cases) {
    const std::string* answer = AfterFlush(c.held, *c.mark);
    if (c.expect_held) {
      EXPECT_EQ(answer, &*c.held) << c.name;
    } else {
      EXPECT_EQ(answer, c.expected) << c.name;
    }
  }
}

// What a write answers as the record it found: AfterFlush, by summary.
TEST(ReadChoiceTest, HeaderAfterFlushAnswersTheNewerOfRecordAndFlush) {
  const FlushMark none;
  const FlushMark flush = FlushAt(10);
  const std::string flush_header(cluster::RecordHeader(flush.record()));
  struct Case {
    const char* name;
    const FlushMark* mark;
    std::optional<std::string> held;
    std::optional<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"no flush, nothing held", &none, std::nullopt, std::nullopt},
      {"no flush, a record", &none, Rec(5),
       std::string(cluster::RecordHeader(Rec(5)))},
      {"flush, nothing held", &flush, std::nullopt, flush_header},
      {"flush covers an older record", &flush, Rec(5), flush_header},
      {"flush covers an equal version", &flush, Rec(10), flush_header},
      {"a newer record survives", &flush, Rec(11),
       std::string(cluster::RecordHeader(Rec(11)))},
  };
  for (const Case& c : cases) {
    std::optional<HeldRecord> held;
    if (c.held) held = HeldRecord::Of(*c.held);
    auto answer = HeaderAfterFlush(held, *c.mark);
    EXPECT_EQ(answer ? std::optional<std::string>(*answer) : std::nullopt,
              c.expected)
        << c.name;
  }
}

}  // namespace
}  // namespace leaderless::replica
