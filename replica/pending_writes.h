#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "protocol/cluster/record.h"
#include "protocol/net/server.h"

namespace leaderless::replica {

// A write accepted but not durable yet: where its reply goes, and what it
// answers (the header of the record it found, or null).
struct PendingWrite {
  net::ReplySlot slot;
  bool found = false;
  std::array<char, cluster::kRecordHeaderSize> header{};  // when found
};

// The writes waiting to be durable, by token. Tokens are handed out in order
// and writes become durable in about that order (a batch at a time), so they
// wait in a queue from the oldest token still waiting: no allocation per
// write, unlike a map.
class PendingWrites {
 public:
  // The token the next Add() files its write under (never 0).
  uint64_t next_token() const { return first_ + queue_.size(); }
  // Files `write` under next_token().
  void Add(const PendingWrite& write);
  // Removes and returns the write of `token`; nullopt if none waits under
  // it (taken already, or never added).
  std::optional<PendingWrite> Take(uint64_t token);
  // Writes waiting.
  size_t size() const { return waiting_; }

 private:
  std::deque<std::optional<PendingWrite>> queue_;  // token first_ + i
  uint64_t first_ = 1;
  size_t waiting_ = 0;
};

}  // namespace leaderless::replica
