#pragma once

#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace leaderless::proxy {

// Per-key FIFO turns inside one proxy. A read-modify-write command (INCR,
// SET NX...) holds its keys from its quorum read until its quorum write is
// acknowledged; every other command on those keys, reads included, waits
// its turn behind it, so a pipelined GET after an INCR sees the INCR and two
// clients' INCRs never both read the same value. A write that only sends
// its requests holds its keys just while it sends them: on a replica link
// the requests about one key keep their order (coordinator.cc's FlowOf),
// so anything sent after it sees it. A read holds its keys until it
// replied: it may ask one more replica later (a slow or failed one,
// coordinator.h), and that request must not see the writes of commands
// that came after the read.
//
// Keys are held through move-only Leases, released exactly once when the
// lease is destroyed or Release()d. Only keys held or waited for take
// memory. Loop thread only; not reentrant across threads.
class KeyLocks {
 private:
  struct Entry;
  using Node = std::pair<const std::string, Entry>;

 public:
  // The turn on one key. Releasing it hands the key to its next waiter,
  // whose grant runs before Release() returns.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease() { Release(); }

    // Idempotent.
    void Release();
    bool held() const { return locks_ != nullptr; }

   private:
    friend class KeyLocks;
    Lease(KeyLocks* locks, Node* node) : locks_(locks), node_(node) {}

    KeyLocks* locks_ = nullptr;
    Node* node_ = nullptr;  // owned by locks_->entries_, alive while held
  };
  using Leases = std::vector<Lease>;
  using Grant = std::function<void(Leases)>;

  // Requires: no lease outlives the KeyLocks (so no key is held or waited
  // for when it goes).
  KeyLocks() = default;
  KeyLocks(const KeyLocks&) = delete;
  KeyLocks& operator=(const KeyLocks&) = delete;

  // Leases on every key of `keys` (duplicates allowed) if each is free, or
  // nullopt, taking nothing, if one is held or waited for.
  std::optional<Leases> TryAcquire(std::vector<std::string_view> keys);

  // Calls `grant` with leases on every distinct key of `keys` once each is
  // its turn, in FIFO order per key; before returning if all are free. The
  // caller queues on all its keys at once: later callers of any of them
  // come after it, and two multi-key callers never wait for each other in a
  // cycle.
  void Acquire(std::vector<std::string> keys, Grant grant);

  // Keys held or waited for.
  size_t size() const { return entries_.size(); }
  bool held(std::string_view key) const;

 private:
  // A key is held while its entry exists; `waiters` get it in order.
  struct Entry {
    // A list, not a deque: an empty deque allocates, and a command of a
    // million keys takes a million entries, nearly all without waiters.
    std::list<std::function<void(Lease)>> waiters;
    bool granting = false;  // Release() is handing the key over
    bool released = false;  // the lease handed over was released at once
  };
  struct Pending;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };

  void GrantPending(Pending& pending);
  void Release(Node& node);

  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace leaderless::proxy
