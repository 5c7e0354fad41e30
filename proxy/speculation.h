#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace leaderless::proxy {

// When a read asks one more replica than R: once the R it asked have not
// all answered after SpeculateAfterMs(), as Cassandra's speculative retry
// at its default "99p". The delay is the 99th percentile of how long
// replicas took to answer reads in the last whole second (at least
// kMinSpeculateMs), so it follows the load: under a heavy pipelined load
// every answer waits in queues for milliseconds, and a fixed delay short
// enough to hide a stalled replica would then double the read traffic just
// when the replicas are busiest; with the percentile about one read in a
// hundred asks one more. A replica that stops answering adds no samples,
// so it cannot raise the delay it is measured against.
//
// Pure: the caller passes the loop's time. Loop thread only.
class Speculation {
 public:
  static constexpr uint64_t kMinSpeculateMs = 2;
  // Until a second with answers has passed.
  static constexpr uint64_t kInitialSpeculateMs = 5;
  static constexpr double kQuantile = 0.99;

  // A replica answered a read `latency_ms` after it was sent.
  void Record(uint64_t latency_ms, uint64_t now_ms);

  // How long after sending a read to wait for its R answers before asking
  // one more replica.
  uint64_t SpeculateAfterMs(uint64_t now_ms);

 private:
  // Ends the counting second if `now_ms` is past it: its quantile becomes
  // the delay (a second without answers keeps the delay it had).
  void Roll(uint64_t now_ms);

  // Latencies by millisecond; the last bucket holds every longer one.
  static constexpr size_t kBuckets = 512;
  std::array<uint32_t, kBuckets> counts_{};
  uint64_t samples_ = 0;
  uint64_t second_ = 0;  // the second being counted
  uint64_t delay_ms_ = kInitialSpeculateMs;
};

}  // namespace leaderless::proxy
