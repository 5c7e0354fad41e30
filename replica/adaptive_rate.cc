#include "replica/adaptive_rate.h"

#include <algorithm>

namespace leaderless::replica {

int64_t AdaptiveRate::Update(double busy) {
  if (busy < kRaiseBelow) {
    // Doubling from a rate past half the ceiling goes to the ceiling.
    rate_ = rate_ > ceiling_ / 2 ? ceiling_ : rate_ * 2;
  } else if (busy > kLowerAbove) {
    rate_ = std::max(floor_, rate_ / 2);
  }
  rate_ = std::clamp(rate_, floor_, ceiling_);
  return rate_;
}

}  // namespace leaderless::replica
