#include "replica/peer_trees.h"

#include <algorithm>

#include "protocol/cluster/record.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {

PeerTrees::PeerTrees(const cluster::Config& config, const cluster::Ring& ring,
                     int self)
    : ring_(ring),
      self_(self),
      n_(static_cast<size_t>(config.replication_factor)),
      trees_(config.replicas.size()) {}

std::vector<uint16_t> PeerTrees::SharedPeers(std::string_view key) const {
  auto homes = ring_.Walk(key).first(std::min(n_, ring_.replica_count()));
  std::vector<uint16_t> peers;
  if (std::find(homes.begin(), homes.end(), self_) == homes.end()) return peers;
  for (uint16_t h : homes) {
    if (h != self_) peers.push_back(h);
  }
  return peers;
}

bool PeerTrees::Shares(std::string_view key, int peer) const {
  std::vector<uint16_t> peers = SharedPeers(key);
  return std::find(peers.begin(), peers.end(), peer) != peers.end();
}

void PeerTrees::Update(std::string_view key, std::string_view before,
                       std::string_view after) {
  if (before == after) return;
  uint32_t leaf = cluster::MerkleLeaf(key);
  for (uint16_t peer : SharedPeers(key)) {
    if (!before.empty()) {
      trees_[peer].Toggle(leaf, cluster::EntryHash(key, before));
    }
    if (!after.empty())
      trees_[peer].Toggle(leaf, cluster::EntryHash(key, after));
  }
}

cluster::Status PeerTrees::Rebuild(const RecordStore& store) {
  auto last =
      store.Scan(AllData(), "", SIZE_MAX,
                 [this](std::string_view storage_key, std::string_view value) {
                   auto key = ParseDataKey(storage_key);
                   if (key && cluster::ParseRecord(value).ok())
                     Update(key->key, "", RankOf(value));
                   return true;
                 });
  return last.ok() ? cluster::Status::OK() : last.status();
}

}  // namespace leaderless::replica
