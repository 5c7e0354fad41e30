#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leaderless::replica {

// What anti-entropy does about one key of a leaf that differs from a
// peer's.
enum class LeafAction {
  kPull,  // the peer's record is greater, or we lack the key: LL.GET it
  kPush,  // ours is greater, or the peer lacks the key: LL.PUT it there
};

struct LeafRepair {
  std::string key;
  LeafAction action;
};

// The (key, rank) lists of one Merkle leaf on both sides, and the decision
// of which records move which way. Pure: the caller fetched the lists
// (LL.LEAF, ListLeaf) and sends the requests. Ranks are encoded
// (cluster::EncodeRank), so byte order is the order by which replicas keep
// the greater record: two records of one version move the same way.
class LeafDiff {
 public:
  // Adds a key of the peer's list, or of ours; a key added twice on one
  // side keeps the last rank.
  void AddTheirs(std::string_view key, std::string_view rank);
  void AddOurs(std::string_view key, std::string_view rank);

  // The keys whose ranks differ, in key order, at most `budget` of them
  // (the rest wait for a later round): pull where the peer's rank is
  // greater or ours is missing, push where ours is greater or theirs
  // missing.
  std::vector<LeafRepair> Repairs(size_t budget) const;

 private:
  // key -> (our rank, theirs); "" means that side lacks the key.
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> both_;
};

}  // namespace leaderless::replica
