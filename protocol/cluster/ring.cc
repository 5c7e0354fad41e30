#include "protocol/cluster/ring.h"

#include <algorithm>

namespace leaderless::cluster {

uint64_t RingHash(std::string_view bytes) { return RingHashOf({bytes}); }

uint64_t RingHashOf(std::initializer_list<std::string_view> parts) {
  // FNV-1a over the bytes, then the splitmix64 finalizer: FNV alone leaves
  // short, similar keys ("key:1", "key:2") close together on the ring.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (std::string_view part : parts) {
    for (unsigned char c : part) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

Ring::Ring(const std::vector<std::string>& replica_ids, int tokens_per_replica)
    : replica_count_(replica_ids.size()) {
  std::vector<std::pair<uint64_t, uint16_t>> points;
  for (size_t r = 0; r < replica_ids.size(); ++r) {
    for (int t = 0; t < tokens_per_replica; ++t) {
      std::string name = replica_ids[r] + "#" + std::to_string(t);
      points.emplace_back(RingHash(name), static_cast<uint16_t>(r));
    }
  }
  // Ties between positions are broken by replica index so every process
  // sorts identically.
  std::sort(points.begin(), points.end());

  // Precompute, for each token, the distinct replicas met walking clockwise
  // from it: a lookup is then one binary search.
  tokens_.reserve(points.size());
  walks_.reserve(points.size() * replica_count_);
  std::vector<bool> seen(replica_count_);
  for (size_t i = 0; i < points.size(); ++i) {
    tokens_.push_back({points[i].first, static_cast<uint32_t>(walks_.size())});
    std::fill(seen.begin(), seen.end(), false);
    size_t found = 0;
    for (size_t j = i; found < replica_count_; j = (j + 1) % points.size()) {
      uint16_t r = points[j].second;
      if (seen[r]) continue;
      seen[r] = true;
      walks_.push_back(r);
      ++found;
    }
  }
}

std::vector<Ring::Token>::const_iterator Ring::TokenAt(
    uint64_t position) const {
  return std::lower_bound(
      tokens_.begin(), tokens_.end(), position,
      [](const Token& t, uint64_t v) { return t.position < v; });
}

std::span<const uint16_t> Ring::Walk(std::string_view key) const {
  return WalkAt(RingHash(key));
}

std::span<const uint16_t> Ring::WalkAt(uint64_t position) const {
  auto it = TokenAt(position);
  if (it == tokens_.end()) it = tokens_.begin();  // wrap around
  return {walks_.data() + it->walk_offset, replica_count_};
}

uint64_t Ring::RangeEnd(uint64_t position) const {
  auto it = TokenAt(position);
  return it == tokens_.end() ? UINT64_MAX : it->position;
}

}  // namespace leaderless::cluster
