// A replica whose record index is bounded below its keys
// (`record-index-max-memory`) forgets keys not looked up lately and reads
// LevelDB for them: writes, read-modify-writes, deletes and a restart give
// the same answers as with every key in memory.

#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"
#include "tests/integration/failure_support.h"

namespace leaderless::test {
namespace {

constexpr int kKeys = 20000;  // ~2 MB of index per replica, over the bound

ClusterOptions SmallIndex() {
  ClusterOptions options = FailureOptions(3);
  options.replica_lines.push_back("record-index-max-memory 256kb");
  return options;
}

TEST(RecordIndexBoundTest, ForgottenKeysAnswerAsIfKept) {
  ClusterOptions options = SmallIndex();
  Cluster cluster(options);
  Placement placement(options);
  ASSERT_TRUE(cluster.Start());
  auto client = cluster.ConnectProxy();
  ASSERT_TRUE(client);
  ASSERT_TRUE(SetAll(*client, MakeKeyValues("k:", kKeys, "v1")));
  for (int r = 0; r < 3; ++r) {
    const std::string info = ReplicaInfo(cluster, r);
    EXPECT_EQ(FieldValue(info, "record_index_complete:"), 0) << info;
    EXPECT_GT(FieldValue(info, "record_index_forgotten:"), 0) << info;
  }

  // Every version check of these overwrites may have to read LevelDB.
  const KeyValues v2 = MakeKeyValues("k:", kKeys, "v2");
  ASSERT_TRUE(SetAll(*client, v2));
  EXPECT_TRUE(ReadsBack(*client, v2));
  EXPECT_EQ(client->Command({"SET", "n", "41"}), Reply::Status("OK"));
  EXPECT_EQ(client->Command({"INCR", "n"}), Reply::Integer(42));
  EXPECT_EQ(client->Command({"DEL", "k:1", "k:2", "k:404"}), Reply::Integer(3));
  EXPECT_EQ(client->Command({"EXISTS", "k:1", "k:2", "k:3"}),
            Reply::Integer(1));

  // A restart loads what fits of the index again.
  ASSERT_TRUE(cluster.TerminateReplica(1));
  ASSERT_TRUE(cluster.RestartReplica(1));
  ASSERT_TRUE(cluster.WaitForReplicasUp(3));
  const std::string restarted = ReplicaInfo(cluster, 1);
  EXPECT_EQ(FieldValue(restarted, "record_index_complete:"), 0) << restarted;
  KeyValues kept = v2;
  for (const char* gone : {"k:1", "k:2", "k:404"}) kept.erase(gone);
  EXPECT_TRUE(ReadsBack(*client, kept));
  EXPECT_TRUE(WaitForHomesToHold(cluster, placement, kept));
  EXPECT_EQ(client->Command({"GET", "k:404"}), Reply::Nil());
  EXPECT_EQ(client->Command({"INCR", "n"}), Reply::Integer(43));
}

}  // namespace
}  // namespace leaderless::test
