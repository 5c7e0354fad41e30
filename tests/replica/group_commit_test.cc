#include "replica/group_commit.h"

#include <gtest/gtest.h>
#include <stdlib.h>

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
    ASSERT_EQ(uv_loop_init(&loop_), 0);
    auto store = RecordStore::Open(dir_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(store.value());
    gc_ = GroupCommit::Create(&loop_, store_.get(), GetParam(),
                              [this](uint64_t token, const cluster::Status& s) {
                                EXPECT_TRUE(s.ok());
                                done_.push_back(token);
                              });
  }

  void TearDown() override {
    gc_->Close();
    uv_run(&loop_, UV_RUN_DEFAULT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Runs the loop until `n` writes completed (the check phase commits; an
  // fsync on the worker thread may take long on a loaded machine, so the
  // deadline is generous and in wall time, not in loop turns).
  void RunUntilDone(size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (done_.size() < n && std::chrono::steady_clock::now() < deadline) {
      uv_run(&loop_, UV_RUN_NOWAIT);
      if (done_.size() < n)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(done_.size(), n);
  }

  std::string dir_;
  uv_loop_t loop_;
  std::unique_ptr<RecordStore> store_;
  GroupCommit* gc_ = nullptr;
  std::vector<uint64_t> done_;
};

TEST_P(GroupCommitTest, KeepsOnlyTheNewestVersion) {
  ASSERT_TRUE(gc_->Offer("k", Encoded(20, "new"), 1).ok());
  auto prev = gc_->Offer("k", Encoded(10, "old"), 2);  // arrives late
  ASSERT_TRUE(prev.ok());
  ASSERT_TRUE(prev.value().has_value());  // it saw "new" as held
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

TEST_P(GroupCommitTest, ReturnsTheHeaderOfThePreviousRecord) {
  ASSERT_TRUE(gc_->Offer("k", Encoded(5, "first"), 1).ok());
  RunUntilDone(1);
  auto prev = gc_->Offer("k", Encoded(6, "second"), 2);
  ASSERT_TRUE(prev.ok());
  ASSERT_TRUE(prev.value().has_value());
  EXPECT_EQ(prev.value()->size(), cluster::kRecordHeaderSize);
  EXPECT_EQ(cluster::ParseRecord(*prev.value())->version.wall_ms, 5u);
  auto none = gc_->Offer("other", Encoded(6, "x"), 3);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value().has_value());
  RunUntilDone(3);
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

TEST_P(GroupCommitTest, SurvivesReopen) {
  ASSERT_TRUE(gc_->Offer("k", Encoded(7, "durable"), 1).ok());
  RunUntilDone(1);
  gc_->Close();
  uv_run(&loop_, UV_RUN_DEFAULT);
  store_.reset();
  auto reopened = RecordStore::Open(dir_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(ValueOf(reopened.value()->Get("k").value()), "durable");
  store_ = std::move(reopened.value());
  gc_ = GroupCommit::Create(&loop_, store_.get(), GetParam(),
                            [](uint64_t, const cluster::Status&) {});
}

INSTANTIATE_TEST_SUITE_P(AllModes, GroupCommitTest,
                         ::testing::Values(cluster::AppendFsync::kAlways,
                                           cluster::AppendFsync::kEverySec,
                                           cluster::AppendFsync::kNo));

}  // namespace
}  // namespace leaderless::replica
