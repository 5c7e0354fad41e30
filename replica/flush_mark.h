#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/cluster/record.h"
#include "protocol/cluster/version.h"

namespace leaderless::replica {

// The newest FLUSHALL this replica knows of: a tombstone for every key at
// the flush's version. Every record older than it is gone: reads of a key
// answer the flush's tombstone when they hold nothing newer (so a replica
// that missed the flush is outvoted, never believed), writes older than it
// are acknowledged and dropped, the sweeper deletes what it covers, and
// anti-entropy hands it to every peer before comparing trees.
//
// It is stored as the record of kFlushKey and only ever moves forward.
class FlushMark {
 public:
  // The storage key the mark lives under (outside the data and hint
  // families).
  static constexpr std::string_view kFlushKey = "f";

  // Raises the mark to `encoded`, a tombstone record, if it is newer.
  // Returns whether it was.
  bool Raise(std::string_view encoded);

  bool set() const { return version_.has_value(); }
  // Whether a record of `version` is covered by the flush: as old or older.
  bool Covers(const cluster::Version& version) const {
    return version_ && version <= *version_;
  }
  // The flush's tombstone, encoded; "" when there was no flush.
  const std::string& record() const { return record_; }

 private:
  std::optional<cluster::Version> version_;
  std::string record_;
};

}  // namespace leaderless::replica
