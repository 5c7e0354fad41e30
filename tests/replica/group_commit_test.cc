#include "replica/group_commit.h"

#include <gtest/gtest.h>
#include <leveldb/env.h>
#include <stdlib.h>
#include <uv.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "protocol/cluster/record.h"

namespace leaderless::replica {
namespace {

std::string Encoded(uint64_t wall, std::string value) {
  cluster::Record r;
  r.version = {wall, 0, 1};
  r.value = std::move(value);
  return cluster::EncodeRecord(r);
}

// LevelDB's default Env, except that the next `fail_appends` appends to any
// file it writes fail, as on a full disk.
class FaultyEnv : public leveldb::EnvWrapper {
 public:
  FaultyEnv() : EnvWrapper(leveldb::Env::Default()) {}
  std::atomic<int> fail_appends{0};

  leveldb::Status NewWritableFile(const std::string& name,
                                  leveldb::WritableFile** file) override {
    return Wrap(target()->NewWritableFile(name, file), file);
  }
  leveldb::Status NewAppendableFile(const std::string& name,
                                    leveldb::WritableFile** file) override {
    return Wrap(target()->NewAppendableFile(name, file), file);
  }

 private:
  class File : public leveldb::WritableFile {
   public:
    File(leveldb::WritableFile* file, std::atomic<int>* fail)
        : file_(file), fail_(fail) {}
    leveldb::Status Append(const leveldb::Slice& data) override {
      if (fail_->fetch_sub(1) > 0) {
        return leveldb::Status::IOError("injected", "no space left on device");
      }
      return file_->Append(data);
    }
    leveldb::Status Close() override { return file_->Close(); }
    leveldb::Status Flush() override { return file_->Flush(); }
    leveldb::Status Sync() override { return file_->Sync(); }

   private:
    std::unique_ptr<leveldb::WritableFile> file_;
    std::atomic<int>* fail_;
  };

  leveldb::Status Wrap(leveldb::Status s, leveldb::WritableFile** file) {
    if (s.ok()) *file = new File(*file, &fail_appends);
    return s;
  }
};

std::string ValueOf(const std::optional<std::string>& encoded) {
  if (!encoded) return "<none>";
  return std::string(cluster::ParseRecord(*encoded)->value);
}

// A loop, a store in a fresh folder, and a GroupCommit that records which
// tokens completed. Each test ends by closing everything and checking the
// loop closes cleanly.
class GroupCommitTest : public ::testing::TestWithParam<cluster::AppendFsync> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/group_commit_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    loop_ = net::Loop::Create().value();
    Open(StoreTuning(), 0);
  }

  // Opens the store (closed) with `tuning`, and a GroupCommit over it with
  // an index of at most `index_bytes` (0: no bound) loaded from the store.
  void Open(const StoreTuning& tuning, size_t index_bytes) {
    auto store = RecordStore::Open(dir_, &env_, tuning);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store.value());
    auto index = RecordIndex::Load(*store_, index_bytes);
    ASSERT_TRUE(index.ok()) << index.status().message();
    gc_ = GroupCommit::Create(
        *loop_, store_.get(), std::move(index.value()), GetParam(),
        [this](uint64_t token, const cluster::Status& s) {
          (s.ok() ? done_ : failed_).push_back(token);
        },
        [this](std::string_view key,
               const std::optional<cluster::RecordRank>& rank) {
          lost_.emplace_back(key, rank);
        });
  }

  // Closes the GroupCommit and the store, as a replica that stops, and
  // opens them again.
  void Restart(size_t index_bytes, const StoreTuning& tuning = {}) {
    gc_->Close();
    uv_run(loop_->uv(), UV_RUN_DEFAULT);
    store_.reset();
    Open(tuning, index_bytes);
  }

  void TearDown() override {
    EXPECT_EQ(failed_, expected_failures_);
    gc_->Close();
    uv_run(loop_->uv(), UV_RUN_DEFAULT);
    EXPECT_TRUE(loop_->Close());
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Runs the loop until `n` writes completed (the check phase commits; an
  // fsync on the worker thread may take long on a loaded machine, so the
  // deadline is generous and in wall time, not in loop turns).
  void RunUntilDone(size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto finished = [&] { return done_.size() + failed_.size(); };
    while (finished() < n && std::chrono::steady_clock::now() < deadline) {
      uv_run(loop_->uv(), UV_RUN_NOWAIT);
      if (finished() < n)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(finished(), n);
  }

  FaultyEnv env_;
  std::string dir_;
  std::unique_ptr<net::Loop> loop_;
  std::unique_ptr<RecordStore> store_;
  GroupCommit* gc_ = nullptr;
  std::vector<uint64_t> done_;    // tokens acknowledged
  std::vector<uint64_t> failed_;  // tokens that completed with an error
  std::vector<uint64_t> expected_failures_;
  std::vector<std::pair<std::string, std::optional<cluster::RecordRank>>>
      lost_;  // key, rank
};

TEST_P(GroupCommitTest, KeepsOnlyTheNewestVersion) {
  ASSERT_TRUE(gc_->Offer("k", Encoded(20, "new"), 1).ok());
  auto prev = gc_->Offer("k", Encoded(10, "old"), 2);  // arrives late
  ASSERT_TRUE(prev.ok());
  EXPECT_EQ(prev->before, HeldRecord::Of(Encoded(20, "new")));
  EXPECT_FALSE(prev->applied);
  RunUntilDone(2);
  EXPECT_EQ(ValueOf(store_->Get("k").value()), "new");
  EXPECT_EQ(gc_->stats().superseded, 1u);
  EXPECT_EQ(gc_->stats().applied, 1u);
}

TEST_P(GroupCommitTest, PendingWritesAreVisibleToReads) {
  ASSERT_TRUE(gc_->Offer("k", Encoded(5, "v"), 1).ok());
  // Not committed yet: the store does not have it, a lookup does.
  EXPECT_FALSE(store_->Get("k").value().has_value());
  EXPECT_EQ(ValueOf(gc_->Lookup("k").value()), "v");
  RunUntilDone(1);
  EXPECT_EQ(ValueOf(store_->Get("k").value()), "v");
  EXPECT_EQ(ValueOf(gc_->Lookup("k").value()), "v");
}

// A scan of the store reads what is durable; a pending write or delete is
// newer than that.
TEST_P(GroupCommitTest, AScanSeesPendingRecordsOverTheStores) {
  ASSERT_TRUE(gc_->Offer("a", Encoded(5, "durable"), 1).ok());
  ASSERT_TRUE(gc_->Offer("b", Encoded(5, "durable"), 2).ok());
  ASSERT_TRUE(gc_->Offer("c", Encoded(5, "durable"), 3).ok());
  RunUntilDone(3);
  ASSERT_TRUE(gc_->Offer("a", Encoded(6, "pending"), 4).ok());
  ASSERT_TRUE(gc_->Remove("b", Encoded(5, "durable")).value());
  std::map<std::string, std::string> seen;
  auto scanned = store_->Scan(
      {"a", "d"}, "", 10, [&](std::string_view key, std::string_view stored) {
        auto newest = gc_->NewestScanned(key, stored);
        seen[std::string(key)] = newest ? ValueOf(std::string(*newest)) : "-";
        return true;
      });
  ASSERT_TRUE(scanned.ok());
  EXPECT_EQ(seen, (std::map<std::string, std::string>{
                      {"a", "pending"}, {"b", "-"}, {"c", "durable"}}));
  RunUntilDone(4);
}

TEST_P(GroupCommitTest, ReturnsThePreviousRecord) {
  ASSERT_TRUE(gc_->Offer("k", Encoded(5, "first"), 1).ok());
  RunUntilDone(1);
  auto prev = gc_->Offer("k", Encoded(6, "second"), 2);
  ASSERT_TRUE(prev.ok());
  EXPECT_EQ(prev->before, HeldRecord::Of(Encoded(5, "first")));
  EXPECT_TRUE(prev->applied);
  auto none = gc_->Offer("other", Encoded(6, "x"), 3);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->before.has_value());
  EXPECT_TRUE(none->applied);
  RunUntilDone(3);
}

// Two records of one version reach replicas in either order: each keeps
// the greater (cluster::Supersedes), pending or durable, so they converge.
TEST_P(GroupCommitTest, EqualVersionsKeepTheGreaterRecordInAnyOrder) {
  const std::string a = Encoded(5, "a");
  const std::string b = Encoded(5, "b");
  const std::string& greater = cluster::Supersedes(a, b) ? a : b;
  const std::string& lesser = cluster::Supersedes(a, b) ? b : a;
  ASSERT_TRUE(gc_->Offer("k1", greater, 1).ok());
  ASSERT_TRUE(gc_->Offer("k1", lesser, 2).ok());  // pending: yields
  ASSERT_TRUE(gc_->Offer("k2", lesser, 3).ok());
  ASSERT_TRUE(gc_->Offer("k2", greater, 4).ok());  // pending: replaces
  RunUntilDone(4);
  ASSERT_TRUE(gc_->Offer("k3", lesser, 5).ok());
  RunUntilDone(5);
  ASSERT_TRUE(gc_->Offer("k3", greater, 6).ok());  // durable: replaces
  EXPECT_EQ(*gc_->Lookup("k3").value(), greater);
  RunUntilDone(6);
  for (const char* key : {"k1", "k2", "k3"}) {
    EXPECT_EQ(*gc_->Lookup(key).value(), greater) << key;
    EXPECT_EQ(*store_->Get(key).value(), greater) << key;
  }
  EXPECT_EQ(gc_->stats().superseded, 1u);
}

TEST_P(GroupCommitTest, WritesOfOneIterationShareOneBatch) {
  for (uint64_t i = 1; i <= 100; ++i) {
    ASSERT_TRUE(gc_->Offer("k" + std::to_string(i), Encoded(i, "v"), i).ok());
  }
  RunUntilDone(100);
  EXPECT_EQ(gc_->stats().batches, 1u);
  EXPECT_EQ(gc_->stats().applied, 100u);
  for (uint64_t i = 1; i <= 100; ++i) EXPECT_EQ(done_[i - 1], i);
}

// The newer record is in a batch whose write fails; the older write offered
// meanwhile is superseded by it (in `always` mode, where that batch is on the
// worker) or written in a batch of its own (other modes). Either way the
// older write may be acknowledged only if the store holds it or newer.
TEST_P(GroupCommitTest, NothingIsAcknowledgedOnTheStrengthOfAFailedBatch) {
  env_.fail_appends = 1;
  ASSERT_TRUE(gc_->Offer("k", Encoded(20, "new"), 1).ok());
  uv_run(loop_->uv(), UV_RUN_NOWAIT);  // the check phase starts its batch
  ASSERT_TRUE(gc_->Offer("k", Encoded(10, "old"), 2).ok());
  RunUntilDone(2);
  std::sort(failed_.begin(), failed_.end());  // completion order is free
  ASSERT_FALSE(failed_.empty());
  EXPECT_EQ(failed_.front(), 1u);
  expected_failures_ = failed_;
  if (done_ == std::vector<uint64_t>{2}) {
    EXPECT_EQ(ValueOf(store_->Get("k").value()), "old");
  } else {
    EXPECT_EQ(failed_, (std::vector<uint64_t>{1, 2}));
    EXPECT_FALSE(store_->Get("k").value().has_value());
  }
  // Only the failed batch's own record was lost, and said so.
  ASSERT_EQ(lost_.size(), 1u);
  EXPECT_EQ(lost_[0].first, "k");
  EXPECT_EQ(lost_[0].second, cluster::RankOf(Encoded(20, "new")));
  EXPECT_EQ(ValueOf(gc_->Lookup("k").value()),
            ValueOf(store_->Get("k").value()));
}

// One failed write is one failure: the writes after it, each in a batch of
// its own, are stored and acknowledged.
TEST_P(GroupCommitTest, OneFailedBatchFailsNoLaterOne) {
  env_.fail_appends = 1;
  for (uint64_t i = 1; i <= 20; ++i) {
    ASSERT_TRUE(gc_->Offer("k" + std::to_string(i), Encoded(i, "v"), i).ok());
    RunUntilDone(i);
  }
  EXPECT_EQ(failed_, std::vector<uint64_t>{1});
  expected_failures_ = failed_;
  EXPECT_EQ(done_.size(), 19u);
  EXPECT_FALSE(store_->Get("k1").value().has_value());
  EXPECT_EQ(ValueOf(store_->Get("k20").value()), "v");
  // The index never took the lost record: k1 holds nothing.
  auto again = gc_->Offer("k1", Encoded(0, "older"), 21);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->before.has_value());
  EXPECT_TRUE(again->applied);
  RunUntilDone(21);
}

// The index holds the newest record accepted; when its batch fails, what
// the store holds counts again.
TEST_P(GroupCommitTest, AFailedBatchPutsBackWhatTheStoreHolds) {
  ASSERT_TRUE(gc_->Offer("k", Encoded(5, "stored"), 1).ok());
  RunUntilDone(1);
  env_.fail_appends = 1;
  ASSERT_TRUE(gc_->Offer("k", Encoded(9, "lost"), 2).ok());
  RunUntilDone(2);
  expected_failures_ = {2};
  EXPECT_EQ(failed_, expected_failures_);
  auto after = gc_->Offer("k", Encoded(7, "later"), 3);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->before, HeldRecord::Of(Encoded(5, "stored")));
  EXPECT_TRUE(after->applied);
  RunUntilDone(3);
  EXPECT_EQ(ValueOf(store_->Get("k").value()), "later");
}

TEST_P(GroupCommitTest, SurvivesReopen) {
  ASSERT_TRUE(gc_->Offer("k", Encoded(7, "durable"), 1).ok());
  RunUntilDone(1);
  Restart(0);
  EXPECT_EQ(ValueOf(store_->Get("k").value()), "durable");
  EXPECT_EQ(ValueOf(gc_->Lookup("k").value()), "durable");
}

// The version check of a write reads the index, not the store; a restart
// rebuilds the index from the store.
TEST_P(GroupCommitTest, VersionChecksReadTheIndexAlsoAfterARestart) {
  ASSERT_TRUE(gc_->Offer("k", Encoded(7, "first"), 1).ok());
  RunUntilDone(1);
  auto older = gc_->Offer("k", Encoded(6, "older"), 2);
  ASSERT_TRUE(older.ok());
  EXPECT_FALSE(older->applied);
  EXPECT_EQ(older->before, HeldRecord::Of(Encoded(7, "first")));
  RunUntilDone(2);
  Restart(0);
  EXPECT_EQ(gc_->index().keys(), 1u);
  auto after = gc_->Offer("k", Encoded(6, "older"), 3);
  ASSERT_TRUE(after.ok());
  EXPECT_FALSE(after->applied);
  EXPECT_EQ(after->before, HeldRecord::Of(Encoded(7, "first")));
  auto fresh = gc_->Offer("fresh", Encoded(1, "v"), 4);
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->before.has_value());
  RunUntilDone(4);
  EXPECT_EQ(gc_->stats().store_reads, 0u);
}

// A tombstone is held like any record (a read answers it without the
// store); once purged, the key holds nothing, and an older write lands.
TEST_P(GroupCommitTest, TheIndexFollowsTombstonesAndPurges) {
  cluster::Record deleted;
  deleted.version = {9, 0, 1};
  deleted.tombstone = true;
  const std::string tombstone = cluster::EncodeRecord(deleted);
  ASSERT_TRUE(gc_->Offer("k", Encoded(5, "v"), 1).ok());
  ASSERT_TRUE(gc_->Offer("k", tombstone, 2).ok());
  RunUntilDone(2);
  EXPECT_EQ(*gc_->Lookup("k").value(), tombstone);
  auto late = gc_->Offer("k", Encoded(8, "late"), 3);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->applied);
  RunUntilDone(3);
  // Purged, as the sweeper does past gc-grace; a write acknowledged after
  // it is in the same batch or a later one.
  ASSERT_TRUE(gc_->Remove("k", tombstone).value());
  ASSERT_TRUE(gc_->Offer("other", Encoded(1, "v"), 4).ok());
  RunUntilDone(4);
  EXPECT_EQ(gc_->index().keys(), 1u);  // "other"
  EXPECT_FALSE(gc_->Lookup("k").value().has_value());
  auto old = gc_->Offer("k", Encoded(4, "old"), 5);
  ASSERT_TRUE(old.ok());
  EXPECT_TRUE(old->applied);
  EXPECT_FALSE(old->before.has_value());
  RunUntilDone(5);
  Restart(0);
  EXPECT_EQ(ValueOf(gc_->Lookup("k").value()), "old");
  EXPECT_EQ(gc_->stats().store_reads, 0u);
}

// An index too small for the keys falls back to the store, and decides the
// same.
TEST_P(GroupCommitTest, ABoundedIndexDecidesAsTheStore) {
  constexpr uint64_t kKeys = 2000;
  Restart(96 * 1024);
  for (uint64_t i = 1; i <= kKeys; ++i) {
    ASSERT_TRUE(gc_->Offer("k" + std::to_string(i), Encoded(10, "v"), i).ok());
  }
  RunUntilDone(kKeys);
  EXPECT_FALSE(gc_->index().complete());
  for (uint64_t i = 1; i <= kKeys; ++i) {
    auto older =
        gc_->Offer("k" + std::to_string(i), Encoded(9, "old"), kKeys + i);
    ASSERT_TRUE(older.ok());
    EXPECT_FALSE(older->applied) << i;
    EXPECT_EQ(older->before, HeldRecord::Of(Encoded(10, "v"))) << i;
  }
  RunUntilDone(2 * kKeys);
  EXPECT_EQ(gc_->stats().superseded, kKeys);
  EXPECT_GT(gc_->stats().store_reads, 0u);
}

// Level-0 tables pile up (tiny memtables; pacing from one table, the worker
// never): batches wait for the pacer, and every write is still acknowledged
// and readable.
TEST_P(GroupCommitTest, WritesArePacedWhileLevelZeroGrows) {
  Restart(0, {.write_buffer_bytes = 64 << 10,
              .table_bytes = 64 << 10,
              .level0_behind_tables = 1000,
              .level0_pace_tables = 1});
  const std::string value(4096, 'v');
  uint64_t token = 0;
  for (int turn = 0; turn < 16; ++turn) {
    for (int i = 0; i < 16; ++i) {
      ++token;
      ASSERT_TRUE(
          gc_->Offer("k" + std::to_string(token), Encoded(token, value), token)
              .ok());
    }
    RunUntilDone(token);  // a batch a turn
  }
  EXPECT_EQ(done_.size(), token);
  EXPECT_GT(gc_->stats().paced_batches, 0u);
  for (uint64_t t = 1; t <= token; ++t) {
    EXPECT_EQ(ValueOf(store_->Get("k" + std::to_string(t)).value()), value);
  }
}

// LevelDB's compaction behind (tiny memtables, and a single level-0 table
// counts as behind): batches go to the worker thread, and every write is
// still acknowledged, in order of versions, and readable.
TEST_P(GroupCommitTest, WritesDuringACompactionBacklogAreAllAcknowledged) {
  Restart(0, {.write_buffer_bytes = 64 << 10,
              .table_bytes = 64 << 10,
              .level0_behind_tables = 1});
  const std::string value(4096, 'v');
  const int kKeys = 50;
  uint64_t token = 0;
  for (int turn = 0; turn < 40; ++turn) {
    for (int i = 0; i < 25; ++i) {
      ++token;
      std::string key = "k" + std::to_string(token % kKeys);
      ASSERT_TRUE(
          gc_->Offer(key, Encoded(token, value + std::to_string(token)), token)
              .ok());
    }
    uv_run(loop_->uv(), UV_RUN_NOWAIT);
  }
  RunUntilDone(token);
  EXPECT_EQ(done_.size(), token);
  for (uint64_t t = token - kKeys + 1; t <= token; ++t) {
    std::string key = "k" + std::to_string(t % kKeys);
    EXPECT_EQ(ValueOf(store_->Get(key).value()), value + std::to_string(t));
    EXPECT_EQ(ValueOf(gc_->Lookup(key).value()), value + std::to_string(t));
  }
  // 4 MiB of overwrites made level-0 tables: some batches
  // found compaction behind (with `always` every batch is on the worker).
  if (GetParam() != cluster::AppendFsync::kAlways) {
    EXPECT_GT(gc_->stats().behind_batches, 0u);
  }
  if (GetParam() != cluster::AppendFsync::kEverySec) return;
  // `everysec` syncs while batches keep going to the worker (its timer's
  // sync rides on the next one), not only once writes stop.
  const uint64_t syncs = gc_->stats().syncs;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (gc_->stats().syncs == syncs &&
         std::chrono::steady_clock::now() < deadline) {
    ++token;
    ASSERT_TRUE(gc_->Offer("k" + std::to_string(token % kKeys),
                           Encoded(token, value), token)
                    .ok());
    uv_run(loop_->uv(), UV_RUN_NOWAIT);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GT(gc_->stats().syncs, syncs);
  RunUntilDone(token);
}

INSTANTIATE_TEST_SUITE_P(AllModes, GroupCommitTest,
                         ::testing::Values(cluster::AppendFsync::kAlways,
                                           cluster::AppendFsync::kEverySec,
                                           cluster::AppendFsync::kNo));

}  // namespace
}  // namespace leaderless::replica
