#include "protocol/net/link_budget.h"

#include <utility>

namespace leaderless::net {

void LinkBudget::Wait(uint64_t flow, Request request) {
  std::deque<Request>& queue = flows_[flow];
  if (queue.empty()) turns_.push_back(flow);
  waiting_bytes_ += request.command.size();
  ++waiting_;
  ++waiting_ops_[request.op_id];
  queue.push_back(std::move(request));
}

std::optional<LinkBudget::Turn> LinkBudget::Next(
    const std::function<bool(uint64_t op_id)>& wanted) {
  if (turns_.empty()) return std::nullopt;
  const uint64_t flow = turns_.front();
  std::deque<Request>& queue = flows_[flow];
  const bool keep = wanted(queue.front().op_id);
  if (keep) {
    // Waiting requests go in batches: once the link is down to half its
    // budget, as many as fit. A peer then takes them together (one read,
    // one storage batch) rather than one per reply it sent.
    if (!refilling_ && in_flight_bytes_ > max_bytes_ / 2) return std::nullopt;
    // No skipping past a request that does not fit: a large one would
    // never find room while small ones kept filling it.
    refilling_ = HasRoom(queue.front().cost);
    if (!refilling_) return std::nullopt;
  }
  Turn turn{std::move(queue.front()), keep};
  queue.pop_front();
  --waiting_;
  if (--waiting_ops_[turn.request.op_id] == 0) {
    waiting_ops_.erase(turn.request.op_id);
  }
  waiting_bytes_ -= turn.request.command.size();
  turns_.pop_front();
  if (queue.empty()) {
    flows_.erase(flow);
  } else {
    turns_.push_back(flow);
  }
  // The batch ends with the queue: the next backlog starts a new one.
  if (turns_.empty()) refilling_ = false;
  return turn;
}

std::vector<LinkBudget::Request> LinkBudget::TakeAll() {
  std::vector<Request> all;
  all.reserve(waiting_);
  for (uint64_t flow : turns_) {
    for (Request& r : flows_[flow]) all.push_back(std::move(r));
  }
  flows_.clear();
  turns_.clear();
  refilling_ = false;
  waiting_ops_.clear();
  waiting_ = 0;
  waiting_bytes_ = 0;
  return all;
}

}  // namespace leaderless::net
