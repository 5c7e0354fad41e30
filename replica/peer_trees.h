#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/cluster/merkle_tree.h"
#include "protocol/cluster/record.h"
#include "protocol/cluster/ring.h"
#include "protocol/cluster/status.h"

namespace leaderless::replica {

// One Merkle tree per peer replica, over the keys this replica and that
// peer are both home to: the two trees of a pair cover the same keys, so
// equal roots mean equal contents. Updated on every data write (O(1) per
// peer that shares the key) and filled from the store at start-up.
// Loop thread only.
class PeerTrees {
 public:
  // The rank of the record a key holds (cluster::RankOf), or nullopt if
  // none.
  using Rank = std::optional<cluster::RecordRank>;

  // `ring` must outlive this. `self` indexes config.replicas.
  PeerTrees(const cluster::Config& config, const cluster::Ring& ring, int self);

  // Enters a record the store holds under `storage_key` (a start-up scan
  // passes each): data keys only.
  void AddStored(std::string_view storage_key, const cluster::RecordRank& rank);

  // Whether `peer` (an index into config.replicas) and this replica are
  // both home to `key`.
  bool Shares(std::string_view key, int peer) const;

  // `key` went from the record of rank `before` to that of rank `after`.
  void Update(std::string_view key, const Rank& before, const Rank& after);

  cluster::MerkleTree& TreeFor(int peer) { return trees_[peer]; }

 private:
  // The home replicas of the key at ring position `hash`.
  std::span<const uint16_t> Homes(uint64_t hash) const;
  // What the entry (key, rank) contributes to its leaf.
  uint64_t EntryHash(std::string_view key, const cluster::RecordRank& rank);

  const cluster::Ring& ring_;
  int self_;
  size_t n_;
  std::vector<cluster::MerkleTree> trees_;  // by peer index; ours unused
  std::string rank_bytes_;                  // EntryHash's, reused
};

}  // namespace leaderless::replica
