#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "proxy/coordinator.h"

namespace leaderless::proxy {

// Ops of one command not yet retired (see Coordinator::RetiredFn). A command
// of many keys (MGET or MSET of a million) neither fills the replica links,
// whose bound would refuse the rest, nor holds an op per key in memory, nor
// piles requests on a replica slower than the quorum: the window moves at
// the pace of the slowest replica that still answers in time.
inline constexpr size_t kGatherWindow = 512;

// Starts op i with the two callbacks Coordinator::Read() and Write() take.
using GatherStartFn =
    std::function<void(size_t i, Coordinator::DoneFn, Coordinator::RetiredFn)>;

// Runs one quorum op per key of a multi-key command, at most kGatherWindow
// unretired at a time, and calls `done` once, after the last one finished,
// with the results in key order. Callbacks may run before start returns.
// `start` runs after Gather returns too: what it uses must outlive the
// gather (own the keys; argv views die with the request), and the command's
// key locks must be held in it, so that later commands on those keys wait
// until the last op started. `start` is dropped once it did.
void Gather(size_t count, GatherStartFn start,
            std::function<void(std::vector<QuorumResult>&)> done);

// The first failed result's error, or nullptr if all succeeded.
const QuorumResult* FirstFailure(const std::vector<QuorumResult>& results);

}  // namespace leaderless::proxy
