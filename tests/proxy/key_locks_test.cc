#include "proxy/key_locks.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

namespace leaderless::proxy {
namespace {

using Leases = KeyLocks::Leases;

// Records the order grants ran in and keeps the leases of those that hold.
struct Recorder {
  std::vector<std::string> order;
  // A deque: releasing kept[i] grants the next waiter at once, whose
  // push_back must not move kept[i] while it is being cleared.
  std::deque<Leases> kept;

  KeyLocks::Grant Keep(std::string name) {
    return [this, name](Leases leases) {
      order.push_back(name);
      kept.push_back(std::move(leases));
    };
  }
  // A command that only sends requests: its leases go when it returns.
  KeyLocks::Grant PassThrough(std::string name) {
    return [this, name](Leases) { order.push_back(name); };
  }
};

TEST(KeyLocksTest, FreeKeyIsGrantedAtOnceAndForgottenWhenReleased) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k"}, r.Keep("a"));
  EXPECT_EQ(r.order, std::vector<std::string>{"a"});
  EXPECT_TRUE(locks.held("k"));
  EXPECT_EQ(locks.size(), 1u);
  r.kept.clear();
  EXPECT_FALSE(locks.held("k"));
  EXPECT_EQ(locks.size(), 0u);
}

TEST(KeyLocksTest, WaitersGetTheKeyInArrivalOrder) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k"}, r.Keep("first"));
  locks.Acquire({"k"}, r.Keep("second"));
  locks.Acquire({"k"}, r.Keep("third"));
  EXPECT_EQ(r.order.size(), 1u);
  r.kept[0].clear();
  EXPECT_EQ(r.order, (std::vector<std::string>{"first", "second"}));
  r.kept[1].clear();
  EXPECT_EQ(r.order, (std::vector<std::string>{"first", "second", "third"}));
  r.kept[2].clear();
  EXPECT_EQ(locks.size(), 0u);
}

// Waiters that finish at once (one, or readers granted together) hand the
// key on to the next.
TEST(KeyLocksTest, PassThroughWaitersRunUntilTheNextHolder) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k"}, r.Keep("rmw1"));
  locks.Acquire({"k"}, r.PassThrough("get1"), KeyLocks::Mode::kShared);
  locks.Acquire({"k"}, r.PassThrough("get2"), KeyLocks::Mode::kShared);
  locks.Acquire({"k"}, r.Keep("rmw2"));
  locks.Acquire({"k"}, r.PassThrough("get3"));
  r.kept[0].clear();
  EXPECT_EQ(r.order,
            (std::vector<std::string>{"rmw1", "get1", "get2", "rmw2"}));
  EXPECT_TRUE(locks.held("k"));
  r.kept[1].clear();
  EXPECT_EQ(r.order.back(), "get3");
  EXPECT_EQ(locks.size(), 0u);
}

TEST(KeyLocksTest, ManyPassThroughWaitersDoNotRecurse) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k"}, r.Keep("holder"));
  int ran = 0;
  for (int i = 0; i < 200000; ++i) {
    locks.Acquire({"k"}, [&ran](Leases) { ++ran; });
  }
  r.kept.clear();
  EXPECT_EQ(ran, 200000);
  EXPECT_EQ(locks.size(), 0u);
}

TEST(KeyLocksTest, OtherKeysAreIndependent) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"a"}, r.Keep("a"));
  locks.Acquire({"b"}, r.Keep("b"));
  EXPECT_EQ(r.order, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(locks.size(), 2u);
}

TEST(KeyLocksTest, TryAcquireTakesAllOrNothing) {
  KeyLocks locks;
  auto both = locks.TryAcquire({"a", "b", "a"});
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->size(), 2u);  // duplicates taken once
  EXPECT_FALSE(locks.TryAcquire({"c", "b"}).has_value());
  EXPECT_FALSE(locks.held("c"));
  both.reset();
  EXPECT_EQ(locks.size(), 0u);
  EXPECT_TRUE(locks.TryAcquire({"c", "b"}).has_value());
}

TEST(KeyLocksTest, TryAcquireFailsBehindWaiters) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k"}, r.Keep("holder"));
  EXPECT_FALSE(locks.TryAcquire({"k"}).has_value());
}

TEST(KeyLocksTest, MultiKeyCallersInOppositeOrderDoNotDeadlock) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"b"}, r.Keep("holder of b"));
  locks.Acquire({"a", "b"}, r.Keep("ab"));  // takes a, waits for b
  locks.Acquire({"b", "a"}, r.Keep("ba"));  // sorted: waits for a
  EXPECT_EQ(r.order.size(), 1u);
  EXPECT_TRUE(locks.held("a"));
  r.kept[0].clear();
  ASSERT_EQ(r.order.size(), 2u);
  EXPECT_EQ(r.order[1], "ab");
  EXPECT_EQ(r.kept[1].size(), 2u);
  r.kept[1].clear();
  ASSERT_EQ(r.order.size(), 3u);
  EXPECT_EQ(r.order[2], "ba");
  r.kept[2].clear();
  EXPECT_EQ(locks.size(), 0u);
}

// A pipelined GET b after RENAME a b must see the rename even while the
// rename still waits for a.
TEST(KeyLocksTest, LaterCallersQueueBehindAWaiterOnEveryKey) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"a"}, r.Keep("holder of a"));
  locks.Acquire({"a", "b"}, r.Keep("ab"));  // waits for a, queued on b
  EXPECT_FALSE(locks.TryAcquire({"b"}).has_value());
  locks.Acquire({"b"}, r.PassThrough("b"));
  EXPECT_EQ(r.order.size(), 1u);
  r.kept[0].clear();
  ASSERT_EQ(r.order.size(), 2u);
  EXPECT_EQ(r.order[1], "ab");
  r.kept[1].clear();
  ASSERT_EQ(r.order.size(), 3u);
  EXPECT_EQ(r.order[2], "b");
  EXPECT_EQ(locks.size(), 0u);
}

TEST(KeyLocksTest, DuplicateKeysAreTakenOnce) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k", "k", "k"}, r.Keep("dup"));
  ASSERT_EQ(r.kept.size(), 1u);
  EXPECT_EQ(r.kept[0].size(), 1u);
}

TEST(KeyLocksTest, ALeaseReleasesExactlyOnce) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k"}, r.Keep("holder"));
  int granted = 0;
  locks.Acquire({"k"}, [&granted](Leases) { ++granted; });
  locks.Acquire({"k"}, r.Keep("last"));
  KeyLocks::Lease lease = std::move(r.kept[0][0]);
  EXPECT_FALSE(r.kept[0][0].held());  // moved from: releases nothing
  r.kept[0].clear();
  EXPECT_EQ(granted, 0);
  KeyLocks::Lease other;
  other = std::move(lease);
  EXPECT_EQ(granted, 0);
  other.Release();
  other.Release();  // idempotent
  EXPECT_EQ(granted, 1);
  EXPECT_EQ(r.order.back(), "last");
  EXPECT_TRUE(locks.held("k"));
}

TEST(KeyLocksTest, AGrantMayQueueForTheKeyItJustGot) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k"}, r.Keep("holder"));
  locks.Acquire({"k"}, [&](Leases) {
    r.order.push_back("requeue");
    locks.Acquire({"k"}, r.PassThrough("again"));
  });
  locks.Acquire({"k"}, r.PassThrough("next"));
  r.kept.clear();
  EXPECT_EQ(r.order,
            (std::vector<std::string>{"holder", "requeue", "next", "again"}));
  EXPECT_EQ(locks.size(), 0u);
}

constexpr KeyLocks::Mode kShared = KeyLocks::Mode::kShared;

TEST(KeyLocksTest, ReadersShareTheirTurn) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k"}, r.Keep("read1"), kShared);
  locks.Acquire({"k"}, r.Keep("read2"), kShared);
  EXPECT_TRUE(locks.TryAcquire({"k"}, kShared));  // released at once
  EXPECT_FALSE(locks.TryAcquire({"k"}));          // a writer waits
  EXPECT_EQ(r.order, (std::vector<std::string>{"read1", "read2"}));
  r.kept[0].clear();
  EXPECT_TRUE(locks.held("k"));  // read2 still has it
  r.kept[1].clear();
  EXPECT_EQ(locks.size(), 0u);
}

// A writer behind readers waits for all of them; readers after the writer
// wait for it, then share their turn; a writer after them waits again.
TEST(KeyLocksTest, ReadersAfterAWaitingWriterWaitForIt) {
  KeyLocks locks;
  Recorder r;
  locks.Acquire({"k"}, r.Keep("read1"), kShared);
  locks.Acquire({"k"}, r.Keep("read2"), kShared);
  locks.Acquire({"k"}, r.Keep("write"));
  locks.Acquire({"k"}, r.Keep("read3"), kShared);
  EXPECT_FALSE(locks.TryAcquire({"k"}, kShared));  // one waits before it
  locks.Acquire({"k"}, r.Keep("read4"), kShared);
  locks.Acquire({"k"}, r.PassThrough("write2"));
  r.kept[0].clear();
  EXPECT_EQ(r.order, (std::vector<std::string>{"read1", "read2"}));
  r.kept[1].clear();
  EXPECT_EQ(r.order, (std::vector<std::string>{"read1", "read2", "write"}));
  r.kept[2].clear();
  EXPECT_EQ(r.order, (std::vector<std::string>{"read1", "read2", "write",
                                               "read3", "read4"}));
  r.kept[3].clear();
  EXPECT_EQ(r.order.size(), 5u);  // read4 still reads
  r.kept[4].clear();
  EXPECT_EQ(r.order.back(), "write2");
  EXPECT_EQ(locks.size(), 0u);
}

}  // namespace
}  // namespace leaderless::proxy
