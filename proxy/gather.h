#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "proxy/coordinator.h"

namespace leaderless::proxy {

// Ops of one command running at once. A command of many keys (MGET or MSET
// of a million) neither fills the replica links, whose bound would refuse
// the rest, nor holds an op per key in memory.
inline constexpr size_t kGatherWindow = 512;

// Runs one quorum op per key of a multi-key command, at most kGatherWindow
// at a time, and calls `done` once, after the last one finished, with the
// results in key order. `start(i, cb)` starts op i; cb may run before start
// returns. `start` runs after Gather returns too: what it uses must outlive
// the gather (own the keys; argv views die with the request).
void Gather(size_t count,
            std::function<void(size_t, Coordinator::DoneFn)> start,
            std::function<void(std::vector<QuorumResult>&)> done);

// The first failed result's error, or nullptr if all succeeded.
const QuorumResult* FirstFailure(const std::vector<QuorumResult>& results);

}  // namespace leaderless::proxy
