#include "proxy/speculation.h"

#include <algorithm>

namespace leaderless::proxy {

void Speculation::Record(uint64_t latency_ms, uint64_t now_ms) {
  Roll(now_ms);
  ++counts_[std::min<uint64_t>(latency_ms, kBuckets - 1)];
  ++samples_;
}

uint64_t Speculation::SpeculateAfterMs(uint64_t now_ms) {
  Roll(now_ms);
  return delay_ms_;
}

void Speculation::Roll(uint64_t now_ms) {
  const uint64_t second = now_ms / 1000;
  if (second == second_) return;
  second_ = second;
  if (samples_ == 0) return;
  // The smallest latency that at least kQuantile of the answers took no
  // longer than (rounded up: a bucket of 3 ms holds latencies below 4).
  const auto wanted = static_cast<uint64_t>(
      static_cast<double>(samples_) * kQuantile + 0.999999);
  uint64_t seen = 0;
  size_t bucket = 0;
  while (bucket < kBuckets - 1 && (seen += counts_[bucket]) < wanted) {
    ++bucket;
  }
  delay_ms_ = std::max<uint64_t>(kMinSpeculateMs, bucket + 1);
  counts_.fill(0);
  samples_ = 0;
}

}  // namespace leaderless::proxy
