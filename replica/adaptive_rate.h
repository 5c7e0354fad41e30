#pragma once

#include <cstdint>

namespace leaderless::replica {

// The pace of background work that should take the loop's spare time and
// yield to clients (anti-entropy): a rate between a floor and a ceiling,
// doubled after an interval in which the loop was mostly idle, halved after
// one in which it was mostly busy, kept in between. Pure: the caller
// measures how busy the loop was.
class AdaptiveRate {
 public:
  // Busy fractions: below kRaiseBelow the rate doubles, above kLowerAbove
  // it halves. Between them the work neither starves nor crowds clients.
  static constexpr double kRaiseBelow = 0.6;
  static constexpr double kLowerAbove = 0.85;

  // Requires 1 <= floor <= ceiling. Starts at the floor.
  AdaptiveRate(int64_t floor, int64_t ceiling)
      : floor_(floor), ceiling_(ceiling), rate_(floor) {}

  // The loop was busy for `busy` (0..1) of the last interval:
  // adjusts and returns the rate, always within [floor, ceiling].
  int64_t Update(double busy);

  int64_t rate() const { return rate_; }

 private:
  int64_t floor_;
  int64_t ceiling_;
  int64_t rate_;
};

}  // namespace leaderless::replica
