#include "replica/peer_trees.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "replica/record_index.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

// Three replicas; this one is the first.
cluster::Config ThreeReplicas(int n) {
  cluster::Config c;
  c.replicas = {{"r1", "127.0.0.1", 7001},
                {"r2", "127.0.0.1", 7002},
                {"r3", "127.0.0.1", 7003}};
  c.replication_factor = n;
  c.tokens_per_replica = 16;
  return c;
}

cluster::RecordRank RankOf(uint64_t wall_ms, std::string value) {
  return cluster::RankOf(
      cluster::EncodeRecord({{wall_ms, 0, 1}, false, 0, value}));
}

class PeerTreesTest : public ::testing::Test {
 protected:
  PeerTreesTest()
      : config_(ThreeReplicas(3)), ring_(cluster::ReplicaIds(config_), 16) {}

  // The roots of the trees for both peers.
  static std::pair<uint64_t, uint64_t> Roots(PeerTrees& trees) {
    return {trees.TreeFor(1).Node(0, 0), trees.TreeFor(2).Node(0, 0)};
  }

  cluster::Config config_;
  cluster::Ring ring_;
};

// A write replaces its key's entry: the trees hold what a tree built with
// the final record alone holds, and a delete leaves none.
TEST_F(PeerTreesTest, AnUpdateReplacesTheEntry) {
  PeerTrees empty(config_, ring_, 0);
  PeerTrees updated(config_, ring_, 0);
  PeerTrees direct(config_, ring_, 0);
  updated.Update("k", std::nullopt, RankOf(1, "a"));
  updated.Update("k", RankOf(1, "a"), RankOf(2, "b"));
  direct.Update("k", std::nullopt, RankOf(2, "b"));
  EXPECT_EQ(Roots(updated), Roots(direct));
  EXPECT_NE(Roots(updated), Roots(empty));
  updated.Update("k", RankOf(2, "b"), std::nullopt);
  EXPECT_EQ(Roots(updated), Roots(empty));
}

TEST_F(PeerTreesTest, AStartUpScanFillsWhatTheUpdatesFilled) {
  char tmpl[] = "/tmp/peer_trees_test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  {
    auto store = RecordStore::Open(tmpl).value();
    PeerTrees updated(config_, ring_, 0);
    RecordStore::Batch batch;
    for (int i = 0; i < 50; ++i) {
      const std::string key = "key:" + std::to_string(i);
      const std::string record =
          cluster::EncodeRecord({{7, 0, 1}, false, 0, "value"});
      batch.Put(DataKey(key), record);
      updated.Update(key, std::nullopt, cluster::RankOf(record));
    }
    // Hints and the flush mark are not in the trees.
    batch.Put(HintKey("r2", "key:0"),
              cluster::EncodeRecord({{9, 0, 1}, false, 0, "hint"}));
    batch.Put("f", cluster::EncodeRecord({{9, 0, 1}, true, 0, ""}));
    ASSERT_TRUE(store->Write(batch, false).ok());
    PeerTrees rebuilt(config_, ring_, 0);
    auto index = RecordIndex::Load(
        *store, 0, [&](std::string_view storage_key, const HeldRecord& held) {
          rebuilt.AddStored(storage_key, held.Rank());
        });
    ASSERT_TRUE(index.ok());
    EXPECT_EQ(Roots(rebuilt), Roots(updated));
  }
  std::filesystem::remove_all(tmpl);
}

// With N=2 of 3, a key is shared with at most one peer, and only keys this
// replica is home to enter its trees.
TEST_F(PeerTreesTest, OnlyKeysBothAreHomeToCount) {
  config_ = ThreeReplicas(2);
  PeerTrees trees(config_, ring_, 0);
  int ours = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string key = "key:" + std::to_string(i);
    auto homes = ring_.Walk(key).first(2);
    const bool home = homes[0] == 0 || homes[1] == 0;
    ours += home;
    for (int peer : {1, 2}) {
      const bool expected = home && (homes[0] == peer || homes[1] == peer);
      EXPECT_EQ(trees.Shares(key, peer), expected) << key << " " << peer;
    }
    EXPECT_FALSE(trees.Shares(key, 0)) << key;  // never with itself
    const auto before = Roots(trees);
    trees.Update(key, std::nullopt, RankOf(1, key));
    EXPECT_EQ(Roots(trees) != before, home) << key;
  }
  EXPECT_GT(ours, 0);
  EXPECT_LT(ours, 200);
}

}  // namespace
}  // namespace leaderless::replica
