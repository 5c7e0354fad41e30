// Handing a key over: Release() grants the key to its first waiter. A
// waiter that only sends requests releases its lease before its grant
// returns; the loop below then hands the key to the next waiter instead of
// recursing, so a long queue of such commands does not grow the stack. A
// waiter that keeps its lease (a read-modify-write) ends the hand-over.

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
    std::vector<std::string_view> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (std::string_view key : keys) {
    if (held(key)) return std::nullopt;
  }
  Leases leases;
  leases.reserve(keys.size());
  for (std::string_view key : keys) {
    Node& node = *entries_.try_emplace(std::string(key)).first;
    leases.push_back(Lease(this, &node));
  }
  return leases;
}

// Every key's queue gets the caller's place at once, in arrival order. A
// later caller for any of the keys thus queues behind this one (it cannot
// overtake on a key this one has not been granted yet), and a caller only
// ever waits for callers that came before it, so no two wait for each other
// in a cycle.
void KeyLocks::Acquire(std::vector<std::string> keys, Grant grant) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  auto pending = std::make_shared<Pending>();
  pending->missing = keys.size();
  pending->leases.reserve(keys.size());
  pending->grant = std::move(grant);
  for (const std::string& key : keys) {
    auto [it, inserted] = entries_.try_emplace(key);
    if (!inserted) {
      it->second.waiters.push_back([this, pending](Lease lease) {
        pending->leases.push_back(std::move(lease));
        if (--pending->missing == 0) GrantPending(*pending);
      });
      continue;
    }
    pending->leases.push_back(Lease(this, &*it));
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
  if (entry.granting) {
    entry.released = true;  // the loop below goes on to the next waiter
    return;
  }
  entry.granting = true;
  while (!entry.waiters.empty()) {
    auto waiter = std::move(entry.waiters.front());
    entry.waiters.pop_front();
    entry.released = false;
    waiter(Lease(this, &node));
    if (!entry.released) {
      entry.granting = false;  // the waiter holds the key now
      return;
    }
  }
  entries_.erase(entries_.find(node.first));
}

}  // namespace leaderless::proxy
