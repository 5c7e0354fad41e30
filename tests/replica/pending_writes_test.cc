#include "replica/pending_writes.h"

#include <gtest/gtest.h>

namespace leaderless::replica {
namespace {

PendingWrite For(uint64_t session) {
  PendingWrite w;
  w.slot = {session, 1};
  return w;
}

TEST(PendingWritesTest, TokensCountUpFromOne) {
  PendingWrites writes;
  EXPECT_EQ(writes.next_token(), 1u);
  writes.Add(For(1));
  writes.Add(For(2));
  EXPECT_EQ(writes.next_token(), 3u);
  EXPECT_EQ(writes.size(), 2u);
}

// Writes that yielded to a pending record complete after later ones; a
// failed batch completes some early. Each token is taken once.
TEST(PendingWritesTest, TakesTokensInAnyOrderOnce) {
  PendingWrites writes;
  for (uint64_t session = 1; session <= 5; ++session) writes.Add(For(session));
  for (uint64_t token : {2, 5, 1, 4, 3}) {
    auto taken = writes.Take(token);
    ASSERT_TRUE(taken.has_value()) << token;
    EXPECT_EQ(taken->slot.session_id, token);
    EXPECT_FALSE(writes.Take(token).has_value()) << token;
  }
  EXPECT_EQ(writes.size(), 0u);
  EXPECT_EQ(writes.next_token(), 6u);
  writes.Add(For(6));
  EXPECT_EQ(writes.Take(6)->slot.session_id, 6u);
}

TEST(PendingWritesTest, UnknownTokensTakeNothing) {
  PendingWrites writes;
  EXPECT_FALSE(writes.Take(0).has_value());  // nobody's token
  EXPECT_FALSE(writes.Take(1).has_value());  // not added yet
  writes.Add(For(1));
  EXPECT_FALSE(writes.Take(2).has_value());
  EXPECT_EQ(writes.size(), 1u);
}

}  // namespace
}  // namespace leaderless::replica
