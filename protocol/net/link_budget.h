#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace leaderless::net {

// The byte budget of one link to a peer (peer_link.h) and the requests
// waiting for room in it. Pure: no I/O, no clock.
//
// A request costs its own bytes plus the longest reply it can bring back,
// from when it is sent until its reply is in, so that the budget bounds
// what the link and the peer hold for us in both directions. A request
// that does not fit waits; one costing more than the whole budget goes
// alone. Waiting requests go in batches, once half the budget is free, so
// that the peer gets them together (one read, one storage batch) rather
// than one per reply. They belong to flows (a key, say): a flow's requests
// keep their order, and flows with requests waiting take turns, one
// request each, so that one flow's many requests do not hold another's
// behind them.
class LinkBudget {
 public:
  struct Request {
    std::string command;
    uint64_t op_id;
    size_t cost;  // budget bytes: the command's and its reply's
  };
  struct Turn {
    Request request;
    bool wanted;  // false: to drop unsent
  };

  explicit LinkBudget(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Whether a request of `cost` may be sent now: none waits, and it fits.
  bool CanSendNow(size_t cost) const { return waiting_ == 0 && HasRoom(cost); }
  // A request of `cost` was sent / was answered (or failed).
  void Sent(size_t cost) { in_flight_bytes_ += cost; }
  void Answered(size_t cost) { in_flight_bytes_ -= cost; }

  // Queues `request` behind the others of `flow`.
  void Wait(uint64_t flow, Request request);
  // The next waiting request, flows taking turns. One that `wanted` says
  // nobody waits for any more comes out whatever its cost, to be dropped;
  // a wanted one only once it fits (and, to start a batch, half the budget
  // is free). nullopt: none waits, or the next one must wait for room.
  std::optional<Turn> Next(const std::function<bool(uint64_t op_id)>& wanted);
  // Every waiting request, emptying the queue (the link went down).
  std::vector<Request> TakeAll();

  size_t waiting() const { return waiting_; }
  // Whether a request of `op_id` is waiting (not sent yet).
  bool Waits(uint64_t op_id) const { return waiting_ops_.contains(op_id); }
  // The bytes of the waiting requests' commands.
  size_t waiting_bytes() const { return waiting_bytes_; }
  size_t in_flight_bytes() const { return in_flight_bytes_; }

 private:
  bool HasRoom(size_t cost) const {
    return in_flight_bytes_ == 0 || in_flight_bytes_ + cost <= max_bytes_;
  }

  const size_t max_bytes_;
  size_t in_flight_bytes_ = 0;
  std::unordered_map<uint64_t, std::deque<Request>> flows_;
  std::deque<uint64_t> turns_;  // flows with requests waiting, next first
  bool refilling_ = false;  // sending waiting requests until one does not fit
  size_t waiting_ = 0;
  size_t waiting_bytes_ = 0;
  std::unordered_map<uint64_t, int> waiting_ops_;  // op id -> its requests
};

}  // namespace leaderless::net
