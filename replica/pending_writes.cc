#include "replica/pending_writes.h"

namespace leaderless::replica {

void PendingWrites::Add(const PendingWrite& write) {
  queue_.emplace_back(write);
  ++waiting_;
}

std::optional<PendingWrite> PendingWrites::Take(uint64_t token) {
  if (token < first_ || token - first_ >= queue_.size()) return std::nullopt;
  std::optional<PendingWrite> taken;
  taken.swap(queue_[token - first_]);
  if (!taken) return std::nullopt;
  --waiting_;
  // The oldest writes done: the queue starts at the oldest still waiting.
  while (!queue_.empty() && !queue_.front()) {
    queue_.pop_front();
    ++first_;
  }
  return taken;
}

}  // namespace leaderless::replica
