#include "proxy/read_repair.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

namespace leaderless::proxy {
namespace {

using cluster::ReadRepair;

constexpr cluster::RecordRank kNone{};
constexpr cluster::RecordRank kOld{{100, 0, 1}};
constexpr cluster::RecordRank kNew{{200, 0, 1}};

// A home replica that answered `version`.
ReadAnswer Home(uint16_t replica, cluster::RecordRank version) {
  return {replica, true, version, {}};
}
// A stand-in (a fallback of sloppy quorum) that answered `version`.
ReadAnswer StandIn(uint16_t replica, cluster::RecordRank version) {
  return {replica, false, version, {}};
}

// The decision as (stale, wait_for, holders), for a read with R = 2 unless
// told.
using Decision = std::tuple<std::vector<uint16_t>, int, int>;
Decision Decide(std::vector<ReadAnswer> answers,
                std::optional<cluster::RecordRank> newest, ReadRepair mode,
                bool replied = false, int read_quorum = 2) {
  RepairDecision d =
      DecideRepair(answers, newest, {mode, read_quorum}, replied);
  return {d.stale, d.wait_for, d.holders};
}
Decision Want(std::vector<uint16_t> stale, int wait_for, int holders) {
  return {stale, wait_for, holders};
}

constexpr auto kBlocking = ReadRepair::kBlocking;

TEST(ReadRepairDecisionTest, NothingToRepair) {
  EXPECT_EQ(Decide({Home(0, kNew), Home(1, kNew)}, kNew, kBlocking),
            Want({}, 0, 2));
  // Nobody held the key.
  EXPECT_EQ(Decide({Home(0, kNone), Home(1, kNone)}, std::nullopt, kBlocking),
            Want({}, 0, 0));
}

// Two records of the newest version: the replica holding the losing one
// (the value expiry made a tombstone of, or another proxy's value stamped
// with the same proxy-id) is stale like one holding an older version.
TEST(ReadRepairDecisionTest, TheLosingRecordOfTheNewestVersionIsStale) {
  constexpr cluster::RecordRank kValue{{200, 0, 1}, false, 7};
  constexpr cluster::RecordRank kOtherValue{{200, 0, 1}, false, 9};
  constexpr cluster::RecordRank kTombstone{{200, 0, 1}, true, 1};
  EXPECT_EQ(
      Decide({Home(0, kValue), Home(1, kTombstone)}, kTombstone, kBlocking),
      Want({0}, 1, 1));
  EXPECT_EQ(
      Decide({Home(0, kOtherValue), Home(1, kValue)}, kOtherValue, kBlocking),
      Want({1}, 1, 1));
}

TEST(ReadRepairDecisionTest, BlockingWaitsUntilRHoldTheNewest) {
  EXPECT_EQ(Decide({Home(0, kNew), Home(1, kOld)}, kNew, kBlocking),
            Want({1}, 1, 1));
  // A replica that held nothing is stale too.
  EXPECT_EQ(Decide({Home(0, kNone), Home(1, kNew)}, kNew, kBlocking),
            Want({0}, 1, 1));
  // Every stale replica is repaired, but the reply waits for no more than
  // R needs.
  EXPECT_EQ(
      Decide({Home(0, kNew), Home(1, kOld), Home(2, kNone)}, kNew, kBlocking),
      Want({1, 2}, 1, 1));
  EXPECT_EQ(Decide({Home(0, kNew), Home(1, kOld), Home(2, kOld)}, kNew,
                   kBlocking, false, 3),
            Want({1, 2}, 2, 1));
}

TEST(ReadRepairDecisionTest, BlockingRepliesAtOnceWhenRHoldTheNewest) {
  // A stand-in holding the newest counts towards R.
  EXPECT_EQ(
      Decide({Home(0, kNew), StandIn(3, kNew), Home(1, kOld)}, kNew, kBlocking),
      Want({1}, 0, 2));
}

TEST(ReadRepairDecisionTest, StandInsAreNeverRepaired) {
  // What a stand-in holds for a key is a hint: a plain write would make it
  // its own data, out of hinted handoff's reach.
  EXPECT_EQ(Decide({Home(0, kNew), StandIn(3, kOld)}, kNew, kBlocking),
            Want({}, 0, 1));
}

TEST(ReadRepairDecisionTest, Modes) {
  EXPECT_EQ(Decide({Home(0, kNew), Home(1, kOld)}, kNew, ReadRepair::kAsync),
            Want({1}, 0, 1));
  EXPECT_EQ(Decide({Home(0, kNew), Home(1, kOld)}, kNew, ReadRepair::kOff),
            Want({}, 0, 0));
}

TEST(ReadRepairDecisionTest, LateAnswersAreRepairedInTheBackground) {
  EXPECT_EQ(Decide({Home(0, kNew), Home(1, kNew), Home(2, kOld)}, kNew,
                   kBlocking, true),
            Want({2}, 0, 2));
}

TEST(ReadRepairDecisionTest, RepairedReplicasAreNotSentTheRecordAgain) {
  EXPECT_EQ(Decide({Home(0, kNew), {1, true, kOld, kNew}}, kNew, kBlocking),
            Want({}, 0, 1));
  // Repaired to an older version than the newest: stale again.
  EXPECT_EQ(Decide({Home(0, kNew), {1, true, kNone, kOld}}, kNew, kBlocking),
            Want({1}, 1, 1));
}

TEST(ReadRepairDecisionTest, MarksTheStaleAnswersRepaired) {
  std::vector<ReadAnswer> answers = {Home(0, kNew), Home(1, kOld)};
  const RepairPolicy policy{ReadRepair::kAsync, 2};
  EXPECT_EQ(DecideRepair(answers, kNew, policy, false).stale,
            std::vector<uint16_t>{1});
  EXPECT_EQ(answers[1].repaired_to, kNew);
  // A late answer: only the newcomer is stale.
  answers.push_back(Home(2, kNone));
  EXPECT_EQ(DecideRepair(answers, kNew, policy, true).stale,
            std::vector<uint16_t>{2});
}

}  // namespace
}  // namespace leaderless::proxy
