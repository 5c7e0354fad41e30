// The commands replicas answer each other for anti-entropy, LL.TREE and
// LL.LEAF (grammar in protocol/cluster/replica_protocol.cc).

#include "protocol/cluster/merkle_tree.h"
#include "protocol/cluster/replica_protocol.h"
#include "protocol/net/clock.h"
#include "protocol/resp/reply_writer.h"
#include "replica/anti_entropy.h"
#include "replica/replica_server.h"

namespace leaderless::replica {
namespace {

// The index of a parsed decimal in [0, limit), or nullopt.
std::optional<uint32_t> ParseIndex(std::string_view s, uint64_t limit) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v >= limit) return std::nullopt;
  return static_cast<uint32_t>(v);
}

}  // namespace

int ReplicaServer::PeerIndex(std::string_view id) const {
  const cluster::ReplicaAddress* r = cluster::FindReplica(config_, id);
  if (r == nullptr || r == self_) return -1;
  return static_cast<int>(r - config_.replicas.data());
}

void ReplicaServer::TreeNodes(net::Session& s,
                              std::span<const std::string_view> argv) {
  cluster::TreeArgs args = cluster::ParseTreeArgs(argv);
  int peer = PeerIndex(args.requester);
  auto level = ParseIndex(args.level, cluster::kMerkleDepth + 1);
  resp::ReplyWriter w(&s.Reply());
  if (peer < 0 || !level) {
    w.Error("ERR bad requester or level");
    return;
  }
  uint64_t width = 1;
  for (uint32_t l = 0; l < *level; ++l) width *= cluster::kMerkleFanout;
  std::vector<uint32_t> indices;
  for (std::string_view arg : args.indices) {
    auto index = ParseIndex(arg, width);
    if (!index) {
      w.Error("ERR bad node index");
      return;
    }
    indices.push_back(*index);
  }
  cluster::MerkleTree& tree = trees_.TreeFor(peer);
  w.ArrayHeader(indices.size());
  for (uint32_t i : indices) {
    w.Integer(static_cast<int64_t>(tree.Node(static_cast<int>(*level), i)));
  }
}

void ReplicaServer::LeafEntries(net::Session& s,
                                std::span<const std::string_view> argv) {
  cluster::LeafArgs args = cluster::ParseLeafArgs(argv);
  int peer = PeerIndex(args.requester);
  auto leaf = ParseIndex(args.leaf, cluster::kMerkleLeaves);
  if (peer < 0 || !leaf) {
    resp::ReplyWriter(&s.Reply()).Error("ERR bad requester or leaf");
    return;
  }
  std::string body;
  resp::ReplyWriter w(&body);
  size_t entries = 0;
  cluster::Status listed =
      ListLeaf(*store_, *group_commit_, trees_, flush_, *leaf, peer,
               net::WallMs(), static_cast<uint64_t>(config_.gc_grace_ms),
               [&](std::string_view key, std::string_view rank) {
                 w.Bulk(key);
                 w.Bulk(rank);
                 ++entries;
               });
  if (!listed.ok()) {
    ReplyError(s, listed);
    return;
  }
  std::string& out = s.Reply();
  resp::ReplyWriter(&out).ArrayHeader(2 * entries);
  out += body;
}

}  // namespace leaderless::replica
