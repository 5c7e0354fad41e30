#include "proxy/gather.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leaderless::proxy {
namespace {

TEST(GatherWindowTest, StartsSmallAndOpensTwoPerResult) {
  EXPECT_EQ(GatherWindow(0, 0), kGatherFirst);
  EXPECT_EQ(GatherWindow(1, 100), kGatherFirst + 2);
  EXPECT_EQ(GatherWindow(10, 100), kGatherFirst + 20);
  EXPECT_EQ(GatherWindow(100000, 100), kGatherWindow);
}

TEST(GatherWindowTest, LargeResultsNarrowIt) {
  EXPECT_EQ(GatherWindow(1000, kGatherBytes / 4), 4u);
  EXPECT_EQ(GatherWindow(1000, kGatherBytes), 1u);
  EXPECT_EQ(GatherWindow(1000, 10 * kGatherBytes), 1u);  // never none
}

// Ops whose callbacks the test runs by hand.
struct FakeOps {
  struct Started {
    size_t i;
    Coordinator::DoneFn done;
    Coordinator::RetiredFn retired;
  };
  std::vector<Started> started;

  GatherStartFn Start() {
    return [this](size_t i, Coordinator::DoneFn done,
                  Coordinator::RetiredFn retired) {
      started.push_back({i, std::move(done), std::move(retired)});
    };
  }
  // Finishes and retires started op `n` with a record of `bytes`.
  void Finish(size_t n, size_t bytes) {
    QuorumResult r;
    r.record.assign(bytes, 'r');
    auto done = std::move(started[n].done);
    auto retired = std::move(started[n].retired);
    done(std::move(r));
    retired();
  }
};

TEST(GatherTest, ResultsInKeyOrderAndChargesGivenBackBeforeDone) {
  FakeOps ops;
  int64_t charged = 0;
  std::vector<size_t> sizes;
  Gather(
      3, ops.Start(),
      [&](std::vector<QuorumResult>& results) {
        EXPECT_EQ(charged, 0) << "charges not given back before done";
        for (const QuorumResult& r : results) sizes.push_back(r.record.size());
      },
      [&](int64_t delta) {
        charged += delta;
        return true;
      });
  ASSERT_EQ(ops.started.size(), 3u);
  ops.Finish(2, 30);
  EXPECT_GE(charged, 30);
  ops.Finish(0, 10);
  ops.Finish(1, 20);
  EXPECT_EQ(sizes, (std::vector<size_t>{10, 20, 30}));
}

TEST(GatherTest, LargeResultsKeepFewOpsRunning) {
  FakeOps ops;
  bool done = false;
  Gather(100, ops.Start(), [&](std::vector<QuorumResult>&) { done = true; });
  ASSERT_EQ(ops.started.size(), kGatherFirst);
  ops.Finish(0, kGatherBytes / 3);  // room for two such results at a time
  // Until fewer than two run, nothing new starts.
  for (size_t n = 1; n < kGatherFirst - 2; ++n) ops.Finish(n, 1);
  EXPECT_EQ(ops.started.size(), kGatherFirst);
  ops.Finish(kGatherFirst - 2, 1);  // one running: one more may start
  EXPECT_EQ(ops.started.size(), kGatherFirst + 1);
  for (size_t n = kGatherFirst - 1; n < ops.started.size(); ++n) {
    ops.Finish(n, 1);
  }
  EXPECT_EQ(ops.started.size(), 100u);
  EXPECT_TRUE(done);
}

// A refused charge (the client is gone or past its output buffer limit)
// stops the gather: no more ops, `start` and its captures dropped, the
// results freed, and no reply.
TEST(GatherTest, ARefusedChargeCancelsTheGather) {
  FakeOps ops;
  auto held = std::make_shared<int>(0);  // what `start` holds, e.g. keys
  GatherStartFn start = [&ops, held, inner = ops.Start()](
                            size_t i, Coordinator::DoneFn done,
                            Coordinator::RetiredFn retired) {
    inner(i, std::move(done), std::move(retired));
  };
  bool done = false;
  int charges = 0;
  Gather(
      1000, std::move(start), [&](std::vector<QuorumResult>&) { done = true; },
      [&](int64_t) { return ++charges < 3; });
  ASSERT_EQ(ops.started.size(), kGatherFirst);
  ops.Finish(0, 100);
  ops.Finish(1, 100);
  EXPECT_EQ(held.use_count(), 2);  // still starting ops
  ops.Finish(2, 100);              // refused
  EXPECT_EQ(held.use_count(), 1) << "start was not dropped";
  const size_t started = ops.started.size();
  for (size_t n = 3; n < started; ++n) ops.Finish(n, 100);
  EXPECT_EQ(ops.started.size(), started) << "ops started after the refusal";
  EXPECT_EQ(charges, 3);
  EXPECT_FALSE(done);
}

TEST(GatherTest, NoKeysDoneAtOnce) {
  FakeOps ops;
  bool done = false;
  Gather(0, ops.Start(),
         [&](std::vector<QuorumResult>& r) { done = r.empty(); });
  EXPECT_TRUE(done);
  EXPECT_TRUE(ops.started.empty());
}

}  // namespace
}  // namespace leaderless::proxy
