#include "protocol/net/timer.h"

#include <gtest/gtest.h>

#include <memory>

#include "protocol/net/iteration_hook.h"

namespace leaderless::net {
namespace {

TEST(TimerTest, OneShotFiresOnceAfterItsDelay) {
  std::unique_ptr<Loop> loop = Loop::Create().value();
  uint64_t start = loop->now_ms();
  int fired = 0;
  uint64_t fired_at = 0;
  Timer* timer = Timer::Create(*loop, [&] {
    ++fired;
    fired_at = loop->now_ms();
  });
  timer->Start(20);
  loop->Run();  // a one-shot timer stops by itself: Run returns
  EXPECT_EQ(fired, 1);
  EXPECT_GE(fired_at, start + 20);
  timer->Close();
  loop->Run();
  EXPECT_TRUE(loop->Close());
}

TEST(TimerTest, PeriodicFiresUntilClosedThenCallsOnClosed) {
  std::unique_ptr<Loop> loop = Loop::Create().value();
  int fired = 0;
  int closed = 0;
  Timer* timer = nullptr;
  timer = Timer::Create(*loop, [&] {
    if (++fired == 3) {
      timer->Close([&] { ++closed; });
      timer->Close([&] { ++closed; });  // idempotent: ignored
    }
  });
  timer->Start(1, 1);
  loop->Run();
  EXPECT_EQ(fired, 3);
  EXPECT_EQ(closed, 1);
  EXPECT_TRUE(loop->Close());
}

TEST(TimerTest, StoppedTimerDoesNotFire) {
  std::unique_ptr<Loop> loop = Loop::Create().value();
  int fired = 0;
  Timer* timer = Timer::Create(*loop, [&] { ++fired; });
  timer->Start(1, 1);
  timer->Stop();
  loop->Run();  // nothing active: returns at once
  EXPECT_EQ(fired, 0);
  timer->Close();
  loop->Run();
  EXPECT_TRUE(loop->Close());
}

TEST(TimerTest, LoopDoesNotCloseWhileAHandleIsOpen) {
  std::unique_ptr<Loop> loop = Loop::Create().value();
  Timer* timer = Timer::Create(*loop, [] {});
  EXPECT_FALSE(loop->Close());
  timer->Close();
  loop->Run();
  EXPECT_TRUE(loop->Close());
}

TEST(IterationHookTest, RunsOncePerIterationUntilClosed) {
  std::unique_ptr<Loop> loop = Loop::Create().value();
  int turns = 0;
  int fired = 0;
  IterationHook* hook = IterationHook::Create(*loop, [&] { ++turns; });
  Timer* timer = nullptr;
  timer = Timer::Create(*loop, [&] {
    if (++fired < 3) return;
    timer->Close();
    hook->Close();
  });
  timer->Start(1, 1);
  loop->Run();
  EXPECT_EQ(fired, 3);
  // A timer fires at most once per iteration, and the hook runs after each
  // firing's iteration but the last (closed during it). The first firing
  // may come in the first iteration on a busy machine, so no more is sure.
  EXPECT_GE(turns, fired - 1);
  EXPECT_TRUE(loop->Close());
}

}  // namespace
}  // namespace leaderless::net
