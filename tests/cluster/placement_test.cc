#include "protocol/cluster/placement.h"

#include <gtest/gtest.h>

#include <set>

namespace leaderless::cluster {
namespace {

const std::vector<uint16_t> kWalk = {3, 0, 4, 1, 2};  // homes: 3 0 4

auto Down(std::set<uint16_t> down) {
  return [down](uint16_t r) { return down.count(r) == 0; };
}

std::vector<std::pair<int, int>> Pairs(const std::vector<WriteTarget>& t) {
  std::vector<std::pair<int, int>> out;
  for (const auto& x : t) out.emplace_back(x.replica, x.home);
  return out;
}

TEST(PlacementTest, AllHomesUpTakeTheWrite) {
  auto t = ChooseWriteTargets(kWalk, 3, true, Down({}));
  EXPECT_EQ(Pairs(t),
            (std::vector<std::pair<int, int>>{{3, -1}, {0, -1}, {4, -1}}));
}

TEST(PlacementTest, StandInsReplaceDownHomesInWalkOrder) {
  auto t = ChooseWriteTargets(kWalk, 3, true, Down({0, 4}));
  EXPECT_EQ(Pairs(t),
            (std::vector<std::pair<int, int>>{{3, -1}, {1, 0}, {2, 4}}));
}

TEST(PlacementTest, StandInsSkipUnusableReplicas) {
  auto t = ChooseWriteTargets(kWalk, 3, true, Down({3, 1}));
  EXPECT_EQ(Pairs(t),
            (std::vector<std::pair<int, int>>{{2, 3}, {0, -1}, {4, -1}}));
}

TEST(PlacementTest, RunsOutOfStandIns) {
  auto t = ChooseWriteTargets(kWalk, 3, true, Down({3, 0, 4, 1}));
  EXPECT_EQ(Pairs(t), (std::vector<std::pair<int, int>>{{2, 3}}));
}

TEST(PlacementTest, StrictQuorumUsesOnlyHomes) {
  auto t = ChooseWriteTargets(kWalk, 3, false, Down({0, 4}));
  EXPECT_EQ(Pairs(t), (std::vector<std::pair<int, int>>{{3, -1}}));
}

TEST(PlacementTest, SloppyReadsAskTheFirstNUsable) {
  EXPECT_EQ(ChooseReadTargets(kWalk, 3, true, Down({0})),
            (std::vector<uint16_t>{3, 4, 1}));
  EXPECT_EQ(ChooseReadTargets(kWalk, 3, false, Down({0})),
            (std::vector<uint16_t>{3, 4}));
  EXPECT_EQ(ChooseReadTargets(kWalk, 3, true, Down({})),
            (std::vector<uint16_t>{3, 0, 4}));
}

TEST(PlacementTest, NLargerThanTheRing) {
  EXPECT_EQ(ChooseWriteTargets(kWalk, 9, true, Down({})).size(), 5u);
  EXPECT_EQ(ChooseReadTargets(kWalk, 9, true, Down({})).size(), 5u);
}

}  // namespace
}  // namespace leaderless::cluster
