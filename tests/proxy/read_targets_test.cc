#include "proxy/read_targets.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace leaderless::proxy {
namespace {

TEST(OrderReadTargets, RotatesTheHomesOnly) {
  // Homes 4, 7, 2 then stand-ins 9, 5.
  const std::vector<uint16_t> walk = {4, 7, 2, 9, 5};
  std::vector<uint16_t> t = walk;
  OrderReadTargets(t, 3, 0);
  EXPECT_EQ(t, walk);
  t = walk;
  OrderReadTargets(t, 3, 4);  // 4 % 3 = 1
  EXPECT_EQ(t, (std::vector<uint16_t>{7, 2, 4, 9, 5}));
  t = walk;
  OrderReadTargets(t, 3, 2);
  EXPECT_EQ(t, (std::vector<uint16_t>{2, 4, 7, 9, 5}));
}

TEST(OrderReadTargets, AStandInIsAskedOnlyAfterEveryHome) {
  // One home usable: it is asked first whatever the rotation.
  for (uint64_t rotation = 0; rotation < 5; ++rotation) {
    std::vector<uint16_t> t = {3, 8, 1};
    OrderReadTargets(t, 1, rotation);
    EXPECT_EQ(t, (std::vector<uint16_t>{3, 8, 1})) << rotation;
  }
  std::vector<uint16_t> none;
  OrderReadTargets(none, 3, 7);  // more homes than targets: no harm
  EXPECT_TRUE(none.empty());
}

TEST(OrderReadTargets, EvenRotationsSpreadTheFirstRAlike) {
  // R=2 of 3 homes: over rotations 0..299 each home is among the first two
  // exactly 200 times.
  std::map<uint16_t, int> asked;
  for (uint64_t rotation = 0; rotation < 300; ++rotation) {
    std::vector<uint16_t> t = {10, 11, 12};
    OrderReadTargets(t, 3, rotation);
    ++asked[t[0]];
    ++asked[t[1]];
  }
  EXPECT_EQ(asked, (std::map<uint16_t, int>{{10, 200}, {11, 200}, {12, 200}}));
}

}  // namespace
}  // namespace leaderless::proxy
