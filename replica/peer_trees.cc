#include "replica/peer_trees.h"

#include <algorithm>

#include "protocol/cluster/record.h"
#include "protocol/cluster/ring.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

bool IsHome(std::span<const uint16_t> homes, int replica) {
  return std::find(homes.begin(), homes.end(), replica) != homes.end();
}

}  // namespace

PeerTrees::PeerTrees(const cluster::Config& config, const cluster::Ring& ring,
                     int self)
    : ring_(ring),
      self_(self),
      n_(static_cast<size_t>(config.replication_factor)),
      trees_(config.replicas.size()) {}

std::span<const uint16_t> PeerTrees::Homes(uint64_t hash) const {
  return ring_.WalkAt(hash).first(std::min(n_, ring_.replica_count()));
}

bool PeerTrees::Shares(std::string_view key, int peer) const {
  auto homes = Homes(cluster::RingHash(key));
  return peer != self_ && IsHome(homes, self_) && IsHome(homes, peer);
}

uint64_t PeerTrees::EntryHash(std::string_view key,
                              const cluster::RecordRank& rank) {
  rank_bytes_.clear();
  cluster::AppendRank(&rank_bytes_, rank);
  return cluster::EntryHash(key, rank_bytes_);
}

void PeerTrees::Update(std::string_view key, const Rank& before,
                       const Rank& after) {
  if (before == after) return;
  const uint64_t hash = cluster::RingHash(key);
  auto homes = Homes(hash);
  if (!IsHome(homes, self_)) return;
  // Toggling both entries at once is toggling one and then the other.
  uint64_t change = 0;
  if (before) change ^= EntryHash(key, *before);
  if (after) change ^= EntryHash(key, *after);
  const uint32_t leaf = cluster::MerkleLeafAt(hash);
  for (uint16_t peer : homes) {
    if (peer != self_) trees_[peer].Toggle(leaf, change);
  }
}

void PeerTrees::AddStored(std::string_view storage_key,
                          const cluster::RecordRank& rank) {
  if (auto data = ParseDataKey(storage_key)) {
    Update(data->key, std::nullopt, rank);
  }
}

}  // namespace leaderless::replica
