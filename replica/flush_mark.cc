#include "replica/flush_mark.h"

namespace leaderless::replica {

bool FlushMark::Raise(std::string_view encoded) {
  auto record = cluster::ParseRecord(encoded);
  if (!record.ok() || !record->tombstone || Covers(record->version)) {
    return false;
  }
  version_ = record->version;
  record_.assign(encoded);
  return true;
}

}  // namespace leaderless::replica
