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
// Reads share their turn: a read-only command's turn on a key held by
// reads, with nobody waiting, starts at once, so many clients' GETs of one
// hot key run together. A command behind them waits for all of them, and
// reads that come after a waiting command wait behind it.
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

  // Whether a turn may be shared with other readers.
  enum class Mode { kExclusive, kShared };

  // Leases on every key of `keys` (duplicates allowed) if each can be taken
  // now (free, or held in shared mode with nobody waiting, for `mode`
  // kShared), or nullopt, taking nothing.
  std::optional<Leases> TryAcquire(std::vector<std::string_view> keys,
                                   Mode mode = Mode::kExclusive);

  // Calls `grant` with leases on every distinct key of `keys` once each is
  // its turn, in FIFO order per key; before returning if all can be taken
  // now. The caller queues on all its keys at once: later callers of any of
  // them come after it, and two multi-key callers never wait for each other
  // in a cycle.
  void Acquire(std::vector<std::string> keys, Grant grant,
               Mode mode = Mode::kExclusive);

  // Keys held or waited for.
  size_t size() const { return entries_.size(); }
  bool held(std::string_view key) const;

 private:
  struct Waiter {
    Mode mode;
    std::function<void(Lease)> grant;
  };
  // A key is held while its entry exists; `waiters` get it in order.
  struct Entry {
    // A list, not a deque: an empty deque allocates, and a command of a
    // million keys takes a million entries, nearly all without waiters.
    std::list<Waiter> waiters;
    int holders = 0;  // leases out: one, or several sharing the turn
    Mode mode = Mode::kExclusive;  // the holders'
    bool granting = false;         // Release() is handing the key over
  };
  struct Pending;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };

  void GrantPending(Pending& pending);
  // Whether a `mode` turn on `entry` (held) may start now.
  static bool Joins(const Entry& entry, Mode mode) {
    return mode == Mode::kShared && entry.mode == Mode::kShared &&
           entry.holders > 0 && entry.waiters.empty();
  }
  // A lease on `node`, one more holder in `mode`.
  Lease Take(Node& node, Mode mode);
  void Release(Node& node);

  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace leaderless::proxy
