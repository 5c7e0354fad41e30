#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/cluster/merkle_tree.h"
#include "protocol/cluster/record.h"
#include "protocol/cluster/ring.h"
#include "protocol/cluster/status.h"
#include "replica/record_store.h"

namespace leaderless::replica {

// One Merkle tree per peer replica, over the keys this replica and that
// peer are both home to: the two trees of a pair cover the same keys, so
// equal roots mean equal contents. Updated on every data write (O(1) per
// peer that shares the key) and rebuilt from the store at start-up.
// Loop thread only.
class PeerTrees {
 public:
  // `ring` must outlive this. `self` indexes config.replicas.
  PeerTrees(const cluster::Config& config, const cluster::Ring& ring, int self);

  // Scans every data record in `store` into the trees.
  cluster::Status Rebuild(const RecordStore& store);

  // The peers (indices into config.replicas) home to `key` with us; empty
  // if we are not one of its homes.
  std::vector<uint16_t> SharedPeers(std::string_view key) const;
  bool Shares(std::string_view key, int peer) const;

  // `key` went from the record of rank `before` to that of rank `after`
  // (cluster::EncodeRank; "": no record).
  void Update(std::string_view key, std::string_view before,
              std::string_view after);

  // The encoded rank `encoded` (a record) has in the trees.
  static std::string RankOf(std::string_view encoded) {
    return cluster::EncodeRank(cluster::RankOf(encoded));
  }

  cluster::MerkleTree& TreeFor(int peer) { return trees_[peer]; }

 private:
  const cluster::Ring& ring_;
  int self_;
  size_t n_;
  std::vector<cluster::MerkleTree> trees_;  // by peer index; ours unused
};

}  // namespace leaderless::replica
