#pragma once

#include <cstdint>

namespace leaderless::proxy {

// Commands per second for INFO's instantaneous_ops_per_sec: the count of the
// last whole second. Redis averages sixteen 100 ms samples taken by a timer;
// a whole second is as good an estimate and needs no timer.
class OpsMeter {
 public:
  void Count(uint64_t now_ms) {
    const uint64_t second = now_ms / 1000;
    if (second != second_) {
      last_ = second == second_ + 1 ? current_ : 0;
      current_ = 0;
      second_ = second;
    }
    ++current_;
  }

  uint64_t PerSecond(uint64_t now_ms) const {
    const uint64_t second = now_ms / 1000;
    if (second == second_) return last_;
    return second == second_ + 1 ? current_ : 0;
  }

 private:
  uint64_t second_ = 0;   // the second being counted
  uint64_t current_ = 0;  // commands in it so far
  uint64_t last_ = 0;     // commands in the second before it
};

}  // namespace leaderless::proxy
