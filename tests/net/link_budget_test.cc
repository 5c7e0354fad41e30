#include "protocol/net/link_budget.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace leaderless::net {
namespace {

LinkBudget::Request Req(uint64_t op_id, size_t command_bytes,
                        size_t reply_bytes) {
  return {std::string(command_bytes, 'c'), op_id, command_bytes + reply_bytes};
}

bool All(uint64_t) { return true; }

// The op ids Next() hands out until it stops, sending each wanted one.
std::vector<uint64_t> Drain(LinkBudget& budget,
                            const std::set<uint64_t>& unwanted = {}) {
  std::vector<uint64_t> out;
  while (auto turn = budget.Next(
             [&](uint64_t id) { return unwanted.count(id) == 0; })) {
    if (turn->wanted) budget.Sent(turn->request.cost);
    out.push_back(turn->request.op_id);
  }
  return out;
}

TEST(LinkBudgetTest, CountsRequestsAndTheirRepliesUntilAnswered) {
  LinkBudget budget(100);
  EXPECT_TRUE(budget.CanSendNow(100));
  budget.Sent(60);  // e.g. a 10-byte request that may bring 50 back
  EXPECT_EQ(budget.in_flight_bytes(), 60u);
  EXPECT_TRUE(budget.CanSendNow(40));
  EXPECT_FALSE(budget.CanSendNow(41));
  budget.Answered(60);
  EXPECT_EQ(budget.in_flight_bytes(), 0u);
  EXPECT_TRUE(budget.CanSendNow(100));
}

TEST(LinkBudgetTest, OneRequestLargerThanTheBudgetGoesAlone) {
  LinkBudget budget(100);
  EXPECT_TRUE(budget.CanSendNow(1000));  // an idle link takes it
  budget.Sent(1000);
  EXPECT_FALSE(budget.CanSendNow(1));  // and nothing goes beside it
  budget.Wait(0, Req(1, 1, 0));
  EXPECT_FALSE(budget.Next(&All));
  budget.Answered(1000);
  auto turn = budget.Next(&All);
  ASSERT_TRUE(turn);
  EXPECT_EQ(turn->request.op_id, 1u);
  EXPECT_TRUE(turn->wanted);
}

// Whether an op's request was sent or still waits (a timeout of one that
// never left says nothing of the peer).
TEST(LinkBudgetTest, TellsWhichOpsWait) {
  LinkBudget budget(100);
  budget.Sent(100);
  budget.Wait(0, Req(1, 10, 0));
  budget.Wait(0, Req(1, 10, 0));  // an op may have two here
  budget.Wait(0, Req(2, 10, 0));
  EXPECT_TRUE(budget.Waits(1));
  EXPECT_TRUE(budget.Waits(2));
  EXPECT_FALSE(budget.Waits(3));
  budget.Answered(100);
  auto first = budget.Next(&All);
  ASSERT_TRUE(first);
  EXPECT_TRUE(budget.Waits(1));  // its second request still waits
  EXPECT_EQ(Drain(budget), (std::vector<uint64_t>{1, 2}));
  EXPECT_FALSE(budget.Waits(1));
  EXPECT_FALSE(budget.Waits(2));
  budget.Wait(0, Req(4, 10, 200));
  budget.TakeAll();
  EXPECT_FALSE(budget.Waits(4));
}

TEST(LinkBudgetTest, NothingOvertakesWaitingRequests) {
  LinkBudget budget(100);
  budget.Sent(90);
  budget.Wait(7, Req(1, 5, 50));
  EXPECT_EQ(budget.waiting(), 1u);
  EXPECT_EQ(budget.waiting_bytes(), 5u);
  // A small one would fit, but one waits before it.
  EXPECT_FALSE(budget.CanSendNow(1));
}

TEST(LinkBudgetTest, WaitingRequestsGoAsRepliesMakeRoom) {
  LinkBudget budget(100);
  budget.Sent(50);
  budget.Sent(50);
  for (uint64_t id = 1; id <= 3; ++id) budget.Wait(0, Req(id, 10, 20));
  EXPECT_TRUE(Drain(budget).empty());
  budget.Answered(50);  // room for one 30-byte request beside the other 50
  EXPECT_EQ(Drain(budget), std::vector<uint64_t>{1});
  budget.Answered(50);  // and now for two more beside it
  EXPECT_EQ(Drain(budget), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(budget.waiting(), 0u);
  EXPECT_EQ(budget.waiting_bytes(), 0u);
}

// A backlog that formed after an earlier one was sent whole waits, as the
// first did, until half the budget is free: the batch ended with the queue.
TEST(LinkBudgetTest, EveryBacklogWaitsForHalfTheBudget) {
  LinkBudget budget(100);
  budget.Sent(100);
  budget.Wait(0, Req(1, 10, 0));
  budget.Answered(100);
  EXPECT_EQ(Drain(budget), std::vector<uint64_t>{1});  // 10 in flight
  budget.Sent(85);
  budget.Wait(0, Req(2, 10, 0));
  budget.Answered(30);  // 65 in flight: room for it, but past half
  EXPECT_TRUE(Drain(budget).empty());
  budget.Answered(20);
  EXPECT_EQ(Drain(budget), std::vector<uint64_t>{2});
}

// Many large requests of one flow (a key) waiting do not hold another's
// behind them: flows take turns, and each flow keeps its own order.
TEST(LinkBudgetTest, FlowsTakeTurns) {
  LinkBudget budget(1000);
  budget.Sent(1000);
  for (uint64_t id = 1; id <= 4; ++id) budget.Wait(1, Req(id, 10, 90));
  budget.Wait(2, Req(10, 10, 90));
  budget.Wait(2, Req(11, 10, 90));
  budget.Answered(1000);
  EXPECT_EQ(Drain(budget), (std::vector<uint64_t>{1, 10, 2, 11, 3, 4}));
}

// A large request waiting at its turn is not overtaken by smaller ones that
// would fit: it would never find room while they kept filling it.
TEST(LinkBudgetTest, ALargeRequestIsNotStarvedBySmallOnes) {
  LinkBudget budget(100);
  budget.Sent(50);
  budget.Wait(1, Req(1, 10, 80));
  budget.Wait(2, Req(2, 1, 0));
  EXPECT_TRUE(Drain(budget).empty());  // the small one would have fit
  budget.Answered(50);
  EXPECT_EQ(Drain(budget), (std::vector<uint64_t>{1, 2}));
}

TEST(LinkBudgetTest, UnwantedRequestsComeOutToBeDroppedWithoutRoom) {
  LinkBudget budget(100);
  budget.Sent(100);
  budget.Wait(1, Req(1, 10, 1000));
  budget.Wait(1, Req(2, 10, 1000));
  budget.Wait(2, Req(3, 10, 10));
  auto turn = budget.Next([](uint64_t id) { return id != 1; });
  ASSERT_TRUE(turn);
  EXPECT_EQ(turn->request.op_id, 1u);
  EXPECT_FALSE(turn->wanted);
  EXPECT_EQ(budget.in_flight_bytes(), 100u);  // a drop costs nothing
  EXPECT_FALSE(budget.Next(&All));            // the rest wait for room
  EXPECT_EQ(budget.waiting(), 2u);
}

TEST(LinkBudgetTest, TakeAllEmptiesEveryFlow) {
  LinkBudget budget(10);
  budget.Sent(10);
  for (uint64_t id : {1, 2, 3}) budget.Wait(id % 2, Req(id, id + 2, 0));
  std::vector<uint64_t> ids;
  for (const auto& r : budget.TakeAll()) ids.push_back(r.op_id);
  EXPECT_EQ(std::set<uint64_t>(ids.begin(), ids.end()),
            (std::set<uint64_t>{1, 2, 3}));
  EXPECT_EQ(budget.waiting(), 0u);
  EXPECT_EQ(budget.waiting_bytes(), 0u);
  EXPECT_FALSE(budget.Next(&All));
  budget.Answered(10);
  EXPECT_TRUE(budget.CanSendNow(10));
}

}  // namespace
}  // namespace leaderless::net
