#include "replica/hint_ledger.h"

#include <gtest/gtest.h>

#include "protocol/cluster/record.h"

namespace leaderless::replica {
namespace {

cluster::Config TwoPeers(int64_t max_bytes, int64_t window_ms) {
  cluster::Config config;
  config.replicas = {
      {"r1", "127.0.0.1", 1}, {"r2", "127.0.0.1", 2}, {"r3", "127.0.0.1", 3}};
  config.replica_id = "r1";
  config.hint_max_bytes = max_bytes;
  config.hint_window_ms = window_ms;
  return config;
}

TEST(HintOutlivedTest, AtGcGraceAfterItsVersion) {
  EXPECT_FALSE(HintOutlived(1000, 1999, 1000));
  EXPECT_TRUE(HintOutlived(1000, 2000, 1000));
  EXPECT_FALSE(HintOutlived(5000, 1000, 1000)) << "a version from ahead";
}

TEST(HintOutlivedTest, OfAnEncodedRecord) {
  cluster::Config config;
  config.gc_grace_ms = 1000;
  cluster::Record r;
  r.version = {1000, 0, 1};
  r.value = "v";
  const std::string hint = cluster::EncodeRecord(r);
  EXPECT_FALSE(HintOutlived(hint, 1999, config));
  EXPECT_TRUE(HintOutlived(hint, 2000, config));
  EXPECT_FALSE(HintOutlived("not a record", 99999, config));
}

TEST(HintLedgerTest, ListsEveryOtherReplicaAsAHome) {
  HintLedger ledger(TwoPeers(0, 1000));
  ASSERT_EQ(ledger.homes().size(), 2u);
  EXPECT_TRUE(ledger.homes().contains("r2"));
  EXPECT_TRUE(ledger.homes().contains("r3"));
}

TEST(HintLedgerTest, CountsBytesOfStoredReplacedAndDeletedHints) {
  HintLedger ledger(TwoPeers(0, 1000));
  ledger.Stored("r2", 100, std::nullopt, 10);
  ledger.Stored("r2", 150, 100, 20);  // a newer hint for the same key
  ledger.Stored("r3", 40, std::nullopt, 30);
  EXPECT_EQ(ledger.homes().at("r2").pending, 1);
  EXPECT_EQ(ledger.homes().at("r2").bytes, 150);
  EXPECT_EQ(ledger.total_bytes(), 190);
  ledger.Delivered("r2", 150);
  ledger.Dropped("r3", 40);
  EXPECT_EQ(ledger.total_bytes(), 0);
  EXPECT_EQ(ledger.homes().at("r2").delivered, 1u);
  EXPECT_EQ(ledger.homes().at("r3").dropped, 1u);
  EXPECT_EQ(ledger.homes().at("r2").oldest_ms, HintLedger::kNone);
}

TEST(HintLedgerTest, RefusesPastTheBudget) {
  HintLedger ledger(TwoPeers(250, 1000000));
  EXPECT_TRUE(ledger.Admit("r2", 100, 0).ok());
  ledger.Stored("r2", 100, std::nullopt, 0);
  EXPECT_TRUE(ledger.Admit("r3", 150, 0).ok()) << "exactly full is fine";
  ledger.Stored("r3", 150, std::nullopt, 0);
  cluster::Status refused = ledger.Admit("r2", 1, 0);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("hint-max-bytes 250"), std::string::npos)
      << refused.message();
  EXPECT_EQ(ledger.homes().at("r2").refused, 1u);
  ledger.Delivered("r3", 150);
  EXPECT_TRUE(ledger.Admit("r2", 1, 0).ok());
}

TEST(HintLedgerTest, ZeroMeansNoBudget) {
  HintLedger ledger(TwoPeers(0, 1000));
  ledger.Stored("r2", int64_t{1} << 40, std::nullopt, 0);
  EXPECT_TRUE(ledger.Admit("r2", 1, 10).ok());
}

TEST(HintLedgerTest, RefusesAHomeWhoseOldestHintIsPastTheWindow) {
  HintLedger ledger(TwoPeers(0, 1000));
  EXPECT_TRUE(ledger.Admit("r2", 10, 99999).ok()) << "no hint held yet";
  ledger.Stored("r2", 10, std::nullopt, 5000);
  EXPECT_TRUE(ledger.Admit("r2", 10, 6000).ok());
  cluster::Status refused = ledger.Admit("r2", 10, 6001);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("hint-window-ms 1000"), std::string::npos)
      << refused.message();
  EXPECT_TRUE(ledger.Admit("r3", 10, 6001).ok()) << "other homes are not";
  // Once its hints are delivered, the home starts a new window.
  ledger.Delivered("r2", 10);
  EXPECT_TRUE(ledger.Admit("r2", 10, 6001).ok());
}

TEST(HintLedgerTest, ASweepPassMovesTheOldestToWhatItKept) {
  HintLedger ledger(TwoPeers(0, 1000));
  ledger.Stored("r2", 10, std::nullopt, 100);
  ledger.Stored("r2", 10, std::nullopt, 300);
  ledger.Delivered("r2", 10);  // the one of 100: the ledger cannot tell
  EXPECT_EQ(ledger.homes().at("r2").oldest_ms, 100u);
  ledger.PassDone();  // the running pass counted the hints stored meanwhile
  EXPECT_EQ(ledger.homes().at("r2").oldest_ms, 100u);
  ledger.Seen("r2", 300);
  ledger.PassDone();
  EXPECT_EQ(ledger.homes().at("r2").oldest_ms, 300u);
}

}  // namespace
}  // namespace leaderless::replica
