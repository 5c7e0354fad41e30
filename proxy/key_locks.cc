// Handing a key over: the last holder's Release() grants the key to its
// first waiter, and to every reader queued right behind a reader. A waiter
// that only sends requests releases its lease before its grant returns;
// the loop below then hands the key to the next waiter instead of
// recursing, so a long queue of such commands does not grow the stack. A
// waiter that keeps its lease (a read, a read-modify-write) ends the
// hand-over.

#include "proxy/key_locks.h"

#include <algorithm>
#include <utility>

namespace leaderless::proxy {

// A multi-key Acquire() in progress: the leases granted so far.
struct KeyLocks::Pending {
  size_t missing = 0;  // keys not granted yet
  Leases leases;
  Grant grant;
};

KeyLocks::Lease::Lease(Lease&& other) noexcept
    : locks_(std::exchange(other.locks_, nullptr)), node_(other.node_) {}

KeyLocks::Lease& KeyLocks::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    locks_ = std::exchange(other.locks_, nullptr);
    node_ = other.node_;
  }
  return *this;
}

void KeyLocks::Lease::Release() {
  if (locks_ != nullptr) std::exchange(locks_, nullptr)->Release(*node_);
}

std::optional<KeyLocks::Leases> KeyLocks::TryAcquire(
    std::vector<std::string_view> keys, Mode mode) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (std::string_view key : keys) {
    auto it = entries_.find(key);
    if (it != entries_.end() && !Joins(it->second, mode)) return std::nullopt;
  }
  Leases leases;
  leases.reserve(keys.size());
  for (std::string_view key : keys) {
    leases.push_back(Take(*entries_.try_emplace(std::string(key)).first, mode));
  }
  return leases;
}

KeyLocks::Lease KeyLocks::Take(Node& node, Mode mode) {
  ++node.second.holders;
  node.second.mode = mode;
  return Lease(this, &node);
}

// Every key's queue gets the caller's place at once, in arrival order. A
// later caller for any of the keys thus queues behind this one (it cannot
// overtake on a key this one has not been granted yet), and a caller only
// ever waits for callers that came before it, so no two wait for each other
// in a cycle.
void KeyLocks::Acquire(std::vector<std::string> keys, Grant grant, Mode mode) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  auto pending = std::make_shared<Pending>();
  pending->missing = keys.size();
  pending->leases.reserve(keys.size());
  pending->grant = std::move(grant);
  for (const std::string& key : keys) {
    auto [it, inserted] = entries_.try_emplace(key);
    if (!inserted && !Joins(it->second, mode)) {
      it->second.waiters.push_back({mode, [this, pending](Lease lease) {
                                      pending->leases.push_back(
                                          std::move(lease));
                                      if (--pending->missing == 0) {
                                        GrantPending(*pending);
                                      }
                                    }});
      continue;
    }
    pending->leases.push_back(Take(*it, mode));
    --pending->missing;
  }
  if (pending->missing == 0) GrantPending(*pending);
}

void KeyLocks::GrantPending(Pending& pending) {
  Grant grant = std::move(pending.grant);
  grant(std::move(pending.leases));
}

bool KeyLocks::held(std::string_view key) const {
  return entries_.find(key) != entries_.end();
}

void KeyLocks::Release(Node& node) {
  Entry& entry = node.second;
  --entry.holders;
  if (entry.granting) return;  // the loop below goes on to the next waiter
  entry.granting = true;
  while (entry.holders == 0 && !entry.waiters.empty()) {
    // The next turn: one waiter, or every reader at the front together.
    const Mode mode = entry.waiters.front().mode;
    do {
      Waiter waiter = std::move(entry.waiters.front());
      entry.waiters.pop_front();
      waiter.grant(Take(node, mode));
    } while (mode == Mode::kShared && !entry.waiters.empty() &&
             entry.waiters.front().mode == Mode::kShared);
  }
  entry.granting = false;
  if (entry.holders == 0) entries_.erase(entries_.find(node.first));
}

}  // namespace leaderless::proxy
