#include "protocol/cluster/quorum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace leaderless::cluster {
namespace {

using Outcome = QuorumTracker::Outcome;

TEST(QuorumTrackerTest, ReachedAfterNeededSuccesses) {
  QuorumTracker q(3, 2);
  EXPECT_EQ(q.outcome(), Outcome::kPending);
  q.AddSuccess();
  EXPECT_EQ(q.outcome(), Outcome::kPending);
  q.AddFailure();
  EXPECT_EQ(q.outcome(), Outcome::kPending);
  q.AddSuccess();
  EXPECT_EQ(q.outcome(), Outcome::kReached);
  EXPECT_TRUE(q.all_answered());
}

TEST(QuorumTrackerTest, FailsAsSoonAsQuorumIsOutOfReach) {
  QuorumTracker q(3, 2);
  q.AddFailure();
  EXPECT_EQ(q.outcome(), Outcome::kPending);
  q.AddFailure();  // only one replica left: 2 can no longer answer
  EXPECT_EQ(q.outcome(), Outcome::kFailed);
  EXPECT_FALSE(q.all_answered());
}

TEST(QuorumTrackerTest, AllOfNNeedsEveryone) {
  QuorumTracker q(3, 3);
  q.AddSuccess();
  q.AddSuccess();
  EXPECT_EQ(q.outcome(), Outcome::kPending);
  q.AddFailure();
  EXPECT_EQ(q.outcome(), Outcome::kFailed);
}

TEST(QuorumTrackerTest, OneOfNIsDecidedByTheFirstSuccess) {
  QuorumTracker q(3, 1);
  q.AddFailure();
  q.AddFailure();
  EXPECT_EQ(q.outcome(), Outcome::kPending);
  q.AddSuccess();
  EXPECT_EQ(q.outcome(), Outcome::kReached);
}

std::string Encoded(Version v, std::string value) {
  Record r;
  r.version = v;
  r.value = std::move(value);
  return EncodeRecord(r);
}

TEST(NewestRecordTest, KeepsTheHighestVersionWhateverTheOrder) {
  NewestRecord n;
  EXPECT_TRUE(n.empty());
  ASSERT_TRUE(n.Offer(Encoded({5, 0, 1}, "mid")).ok());
  ASSERT_TRUE(n.Offer(Encoded({9, 0, 1}, "new")).ok());
  ASSERT_TRUE(n.Offer(Encoded({1, 0, 1}, "old")).ok());
  auto view = ParseRecord(n.encoded());
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->value, "new");
}

TEST(NewestRecordTest, NodeIdBreaksTies) {
  NewestRecord n;
  ASSERT_TRUE(n.Offer(Encoded({5, 0, 2}, "b")).ok());
  ASSERT_TRUE(n.Offer(Encoded({5, 0, 1}, "a")).ok());
  EXPECT_EQ(ParseRecord(n.encoded())->value, "b");
}

// Two different records of one version: whichever answer comes first, the
// same one wins, and a tombstone beats the value expiry made it from.
TEST(NewestRecordTest, EqualVersionsPickTheSameRecordInAnyOrder) {
  Record tombstone;
  tombstone.version = {5, 0, 1};
  tombstone.tombstone = true;
  const std::vector<std::vector<std::string>> rows = {
      {Encoded({5, 0, 1}, "a"), Encoded({5, 0, 1}, "b")},
      {Encoded({5, 0, 1}, "a"), EncodeRecord(tombstone)},
      {Encoded({5, 0, 1}, "a"), Encoded({5, 0, 1}, "b"),
       EncodeRecord(tombstone), Encoded({4, 0, 9}, "old")},
  };
  for (std::vector<std::string> row : rows) {
    std::sort(row.begin(), row.end());
    std::string first_winner;
    do {
      NewestRecord n;
      for (std::string r : row) ASSERT_TRUE(n.Offer(std::move(r)).ok());
      if (first_winner.empty()) first_winner = n.encoded();
      EXPECT_EQ(n.encoded(), first_winner);
      EXPECT_EQ(n.rank(), RankOf(first_winner));
    } while (std::next_permutation(row.begin(), row.end()));
  }
}

TEST(NewestRecordTest, GivesTheRankOfEveryRecordOffered) {
  NewestRecord n;
  const std::string mid = Encoded({5, 0, 1}, "mid");
  const std::string old = Encoded({1, 0, 1}, "old");
  EXPECT_EQ(n.Offer(std::string(mid)).value(), RankOf(mid));
  EXPECT_EQ(n.Offer(std::string(mid)).value(), RankOf(mid));  // an equal one
  EXPECT_EQ(n.Offer(std::string(old)).value(), RankOf(old));
  EXPECT_EQ(n.rank(), RankOf(mid));
}

TEST(NewestRecordTest, IgnoresGarbage) {
  NewestRecord n;
  EXPECT_FALSE(n.Offer("not a record").ok());
  EXPECT_TRUE(n.empty());
}

}  // namespace
}  // namespace leaderless::cluster
