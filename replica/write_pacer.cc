#include "replica/write_pacer.h"

#include <algorithm>

namespace leaderless::replica {

void WritePacer::Wrote(size_t bytes, int level0, uint64_t now_ms) {
  if (now_ms >= second_start_ms_ + 1000) {
    // A second with no write in it measures as nothing.
    bytes_last_second_ =
        now_ms < second_start_ms_ + 2000 ? bytes_this_second_ : 0;
    bytes_this_second_ = 0;
    second_start_ms_ = now_ms;
  }
  bytes_this_second_ += bytes;
  if (level0 < from_tables_) {
    pacing_ = false;
    carried_bytes_ = 0;
    return;
  }
  if (!pacing_) {
    pacing_ = true;
    base_bytes_per_second_ =
        std::max(bytes_last_second_, uint64_t{kMinBytesPerSecond});
  }
  const int halvings = std::min(level0 - from_tables_, 16);
  const double bytes_per_ms =
      static_cast<double>(base_bytes_per_second_ >> halvings) / 1000;
  carried_bytes_ += static_cast<double>(bytes);
  const auto wait_ms = static_cast<uint64_t>(carried_bytes_ / bytes_per_ms);
  carried_bytes_ -= static_cast<double>(wait_ms) * bytes_per_ms;
  // Waits add up from the later of now and the last batch's ready time, up
  // to the bound.
  ready_at_ms_ =
      std::min(std::max(ready_at_ms_, now_ms) + wait_ms, now_ms + kMaxWaitMs);
}

}  // namespace leaderless::replica
