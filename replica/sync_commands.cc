// The commands replicas answer each other for anti-entropy:
//
//   LL.TREE <requester-id> <level> <index> [<index> ...]
//       -> array of integers: the hash of each node (level 0 = root, up to
//          kMerkleDepth = leaves) of our tree for the requester, as int64
//   LL.LEAF <requester-id> <leaf>
//       -> array: key, version (16 bytes), key, version, ... for the
//          records of that leaf we share with the requester (none past
//          gc-grace)

#include "protocol/cluster/merkle_tree.h"
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
  int peer = PeerIndex(argv[1]);
  auto level = ParseIndex(argv[2], cluster::kMerkleDepth + 1);
  resp::ReplyWriter w(&s.Reply());
  if (peer < 0 || !level) {
    w.Error("ERR bad requester or level");
    return;
  }
  uint64_t width = 1;
  for (uint32_t l = 0; l < *level; ++l) width *= cluster::kMerkleFanout;
  std::vector<uint32_t> indices;
  for (size_t i = 3; i < argv.size(); ++i) {
    auto index = ParseIndex(argv[i], width);
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
  int peer = PeerIndex(argv[1]);
  auto leaf = ParseIndex(argv[2], cluster::kMerkleLeaves);
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
               [&](std::string_view key, std::string_view version) {
                 w.Bulk(key);
                 w.Bulk(version);
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
