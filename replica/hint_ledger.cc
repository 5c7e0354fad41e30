#include "replica/hint_ledger.h"

#include <algorithm>

#include "protocol/cluster/record.h"

namespace leaderless::replica {

bool HintOutlived(uint64_t wall_ms, uint64_t now_ms, uint64_t gc_grace_ms) {
  return wall_ms + gc_grace_ms <= now_ms;
}

bool HintOutlived(std::string_view record, uint64_t now_ms,
                  const cluster::Config& config) {
  auto view = cluster::ParseRecord(record);
  return view.ok() && HintOutlived(view->version.wall_ms, now_ms,
                                   static_cast<uint64_t>(config.gc_grace_ms));
}

HintLedger::HintLedger(const cluster::Config& config)
    : max_bytes_(config.hint_max_bytes),
      window_ms_(static_cast<uint64_t>(config.hint_window_ms)) {
  for (const cluster::ReplicaAddress& r : config.replicas) {
    if (r.id != config.replica_id) homes_[r.id];
  }
}

HintLedger::Home& HintLedger::At(std::string_view home) {
  auto it = homes_.find(home);
  if (it == homes_.end()) it = homes_.emplace(std::string(home), Home{}).first;
  return it->second;
}

cluster::Status HintLedger::Admit(std::string_view home, int64_t bytes,
                                  uint64_t now_ms) {
  Home& h = At(home);
  std::string why;
  if (max_bytes_ > 0 && total_bytes_ + bytes > max_bytes_) {
    why = "hints take " + std::to_string(total_bytes_) +
          " bytes of hint-max-bytes " + std::to_string(max_bytes_);
  } else if (h.oldest_ms != kNone && now_ms > h.oldest_ms + window_ms_) {
    why = std::string(home) + " has not taken back hints " +
          std::to_string(now_ms - h.oldest_ms) + " ms old (hint-window-ms " +
          std::to_string(window_ms_) + ")";
  } else {
    return cluster::Status::OK();
  }
  ++h.refused;
  return cluster::Status::InvalidArgument("hint refused: " + why);
}

void HintLedger::Stored(std::string_view home, int64_t bytes,
                        std::optional<int64_t> replaced_bytes,
                        uint64_t wall_ms) {
  Home& h = At(home);
  int64_t added = bytes - replaced_bytes.value_or(0);
  h.bytes += added;
  total_bytes_ += added;
  if (!replaced_bytes) ++h.pending;
  h.oldest_ms = std::min(h.oldest_ms, wall_ms);
  h.pass_oldest_ms = std::min(h.pass_oldest_ms, wall_ms);
}

void HintLedger::Removed(Home& h, int64_t bytes) {
  --h.pending;
  h.bytes -= bytes;
  total_bytes_ -= bytes;
  if (h.pending <= 0) {
    // Nothing left: whatever drift the counts gathered (a failed batch)
    // ends here.
    total_bytes_ -= h.bytes;
    h.pending = 0;
    h.bytes = 0;
    h.oldest_ms = kNone;
    h.pass_oldest_ms = kNone;
  }
}

void HintLedger::Delivered(std::string_view home, int64_t bytes) {
  Home& h = At(home);
  ++h.delivered;
  Removed(h, bytes);
}

void HintLedger::Dropped(std::string_view home, int64_t bytes) {
  Home& h = At(home);
  ++h.dropped;
  Removed(h, bytes);
}

void HintLedger::Seen(std::string_view home, uint64_t wall_ms) {
  Home& h = At(home);
  h.pass_oldest_ms = std::min(h.pass_oldest_ms, wall_ms);
}

void HintLedger::PassDone() {
  for (auto& [id, h] : homes_) {
    if (h.pending == 0) {
      h.oldest_ms = kNone;
    } else if (h.pass_oldest_ms != kNone) {
      h.oldest_ms = h.pass_oldest_ms;
    }
    h.pass_oldest_ms = kNone;
  }
}

}  // namespace leaderless::replica
