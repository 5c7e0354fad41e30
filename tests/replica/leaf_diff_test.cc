#include "replica/leaf_diff.h"

#include <gtest/gtest.h>

#include <optional>

#include "protocol/cluster/record.h"

namespace leaderless::replica {
namespace {

// The encoded rank of a value of that version (digest 0, for short).
std::string V(uint64_t wall_ms, uint32_t logical = 0, uint32_t node = 1) {
  return cluster::EncodeRank({{wall_ms, logical, node}, false, 0});
}
// The encoded rank of a record of version 5 with that kind and digest.
std::string Same(bool tombstone, uint64_t digest) {
  return cluster::EncodeRank({{5, 0, 1}, tombstone, digest});
}

// One key as each side lists it (nullopt: not listed) and what to do.
struct Case {
  const char* name;
  std::optional<std::string> ours;
  std::optional<std::string> theirs;
  std::optional<LeafAction> expected;  // nullopt: nothing moves
};

TEST(LeafDiffTest, PullsOrPushesTheNewerSide) {
  const std::vector<Case> cases = {
      {"same version", V(5), V(5), std::nullopt},
      {"theirs newer", V(5), V(6), LeafAction::kPull},
      {"ours newer", V(6), V(5), LeafAction::kPush},
      {"ours missing", std::nullopt, V(5), LeafAction::kPull},
      {"theirs missing", V(5), std::nullopt, LeafAction::kPush},
      {"logical breaks the tie", V(5, 2), V(5, 1), LeafAction::kPush},
      {"node breaks the tie", V(5, 1, 1), V(5, 1, 2), LeafAction::kPull},
      // Byte order is version order even where a signed char would not be.
      {"high byte", V(0x80), V(0x7f), LeafAction::kPush},
      // Equal versions, different records: the record order decides.
      {"their tombstone beats our value", Same(false, 9), Same(true, 1),
       LeafAction::kPull},
      {"our tombstone beats their value", Same(true, 1), Same(false, 9),
       LeafAction::kPush},
      {"the digest breaks the tie", Same(false, 0x80), Same(false, 0x7f),
       LeafAction::kPush},
      {"same record", Same(false, 3), Same(false, 3), std::nullopt},
  };
  for (const Case& c : cases) {
    LeafDiff diff;
    if (c.ours) diff.AddOurs("k", *c.ours);
    if (c.theirs) diff.AddTheirs("k", *c.theirs);
    std::vector<LeafRepair> repairs = diff.Repairs(10);
    if (!c.expected) {
      EXPECT_TRUE(repairs.empty()) << c.name;
      continue;
    }
    ASSERT_EQ(repairs.size(), 1u) << c.name;
    EXPECT_EQ(repairs[0].key, "k") << c.name;
    EXPECT_EQ(repairs[0].action, *c.expected) << c.name;
  }
}

TEST(LeafDiffTest, RepairsInKeyOrderWithinTheBudget) {
  LeafDiff diff;
  diff.AddTheirs("c", V(2));
  diff.AddOurs("a", V(1));
  diff.AddOurs("b", V(3));
  diff.AddTheirs("b", V(3));  // equal: does not count against the budget
  diff.AddOurs("d", V(1));
  diff.AddTheirs("d", V(9));
  std::vector<LeafRepair> all = diff.Repairs(10);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].key, "a");
  EXPECT_EQ(all[0].action, LeafAction::kPush);
  EXPECT_EQ(all[1].key, "c");
  EXPECT_EQ(all[1].action, LeafAction::kPull);
  EXPECT_EQ(all[2].key, "d");
  EXPECT_EQ(all[2].action, LeafAction::kPull);
  std::vector<LeafRepair> two = diff.Repairs(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].key, "c");
  EXPECT_TRUE(diff.Repairs(0).empty());
}

TEST(LeafDiffTest, EmptyListsMoveNothing) {
  EXPECT_TRUE(LeafDiff().Repairs(10).empty());
}

TEST(LeafDiffTest, ALaterAddOnOneSideReplacesTheEarlier) {
  LeafDiff diff;
  diff.AddOurs("k", V(9));
  diff.AddOurs("k", V(5));
  diff.AddTheirs("k", V(5));
  EXPECT_TRUE(diff.Repairs(10).empty());
}

}  // namespace
}  // namespace leaderless::replica
