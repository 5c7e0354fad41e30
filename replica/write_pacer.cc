#include "replica/write_pacer.h"

#include <algorithm>

namespace leaderless::replica {

void WritePacer::Wrote(size_t bytes, int level0, uint64_t started_ms,
                       uint64_t now_ms) {
  if (now_ms >= second_start_ms_ + 1000) {
    // A second with no write in it measures as nothing; a paced second
    // measures the pace, not what arrives: it does not count.
    if (!paced_this_second_) {
      unpaced_bytes_last_second_ =
          now_ms < second_start_ms_ + 2000 ? bytes_this_second_ : 0;
    }
    bytes_this_second_ = 0;
    paced_this_second_ = false;
    second_start_ms_ = now_ms;
  }
  bytes_this_second_ += bytes;
  if (level0 < from_tables_) {
    if (pacing_) ready_at_ms_ = now_ms;
    pacing_ = false;
    owed_bytes_ = 0;
    return;
  }
  if (!pacing_) {
    pacing_ = true;
    base_bytes_per_second_ =
        std::max(unpaced_bytes_last_second_, uint64_t{kMinBytesPerSecond});
  }
  paced_this_second_ = true;
  const int halvings = std::min(level0 - from_tables_, 16);
  const double bytes_per_ms =
      static_cast<double>(base_bytes_per_second_ >> halvings) / 1000;
  // The batch's own write time counts toward its wait.
  const uint64_t from = std::max(ready_at_ms_, started_ms);
  owed_bytes_ += static_cast<double>(bytes);
  const auto due = from + static_cast<uint64_t>(owed_bytes_ / bytes_per_ms);
  ready_at_ms_ = std::min(due, now_ms + kMaxWaitMs);
  // What the bound cut off, and what is owed below a millisecond, is owed
  // by the batches that follow.
  owed_bytes_ -= static_cast<double>(ready_at_ms_ - from) * bytes_per_ms;
}

}  // namespace leaderless::replica
