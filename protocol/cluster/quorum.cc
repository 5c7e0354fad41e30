#include "protocol/cluster/quorum.h"

namespace leaderless::cluster {

Result<RecordRank> NewestRecord::Offer(std::string&& encoded) {
  if (!encoded_.empty() && encoded == encoded_) return rank_;
  Result<RecordView> view = ParseRecord(encoded);
  if (!view.ok()) return view.status();
  const RecordRank rank = RankOf(encoded);
  if (encoded_.empty() || Supersedes(encoded, encoded_)) {
    rank_ = rank;
    encoded_ = std::move(encoded);
  }
  return rank;
}

}  // namespace leaderless::cluster
