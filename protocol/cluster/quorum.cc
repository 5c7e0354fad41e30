#include "protocol/cluster/quorum.h"

namespace leaderless::cluster {

Status NewestRecord::Offer(std::string&& encoded) {
  Result<RecordView> view = ParseRecord(encoded);
  if (!view.ok()) return view.status();
  if (encoded_.empty() || version_ < view->version) {
    version_ = view->version;
    encoded_ = std::move(encoded);
  }
  return Status::OK();
}

}  // namespace leaderless::cluster
