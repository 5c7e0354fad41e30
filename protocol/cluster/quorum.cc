#include "protocol/cluster/quorum.h"

namespace leaderless::cluster {

Status NewestRecord::Offer(std::string&& encoded) {
  Result<RecordView> view = ParseRecord(encoded);
  if (!view.ok()) return view.status();
  if (encoded_.empty() || Supersedes(encoded, encoded_)) {
    rank_ = RankOf(encoded);
    encoded_ = std::move(encoded);
  }
  return Status::OK();
}

}  // namespace leaderless::cluster
