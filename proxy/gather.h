#pragma once

#include <cstdint>
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
// The window is smaller while results are large: it keeps the ops running
// to about this many bytes of results, by the largest result so far. And
// since sizes are unknown at first, a gather starts kGatherFirst ops and
// opens two more per result in (as TCP's slow start does), so that a
// command of many large values never asks for them all at once.
inline constexpr size_t kGatherBytes = 8 << 20;
inline constexpr size_t kGatherFirst = 16;

// Starts op i with the two callbacks Coordinator::Read() and Write() take.
using GatherStartFn =
    std::function<void(size_t i, Coordinator::DoneFn, Coordinator::RetiredFn)>;

// Counts `delta` bytes of results (negative: gives them back) against the
// limit of what they are gathered for (LaterReply::Charge); false refuses.
using GatherChargeFn = std::function<bool(int64_t delta)>;

// How many ops a gather may have running once `finished` results are in,
// the largest `largest` bytes (0: none yet). Pure, for tests.
size_t GatherWindow(size_t finished, size_t largest);

// Runs one quorum op per key of a multi-key command, at most GatherWindow()
// unretired at a time, and calls `done` once, after the last one finished,
// with the results in key order. Callbacks may run before start returns.
// `start` runs after Gather returns too: what it uses must outlive the
// gather (own the keys; argv views die with the request), and the command's
// key locks must be held in it, so that later commands on those keys wait
// until the last op started. `start` is dropped once it did.
//
// With `charge`, each result's bytes are charged as it comes in and given
// back just before `done` runs. A refused charge (the client is gone or
// past its output buffer limit) cancels the gather: no more ops start,
// `start` is dropped, the results are freed and `done` never runs.
void Gather(size_t count, GatherStartFn start,
            std::function<void(std::vector<QuorumResult>&)> done,
            GatherChargeFn charge = nullptr);

// The first failed result's error, or nullptr if all succeeded.
const QuorumResult* FirstFailure(const std::vector<QuorumResult>& results);

}  // namespace leaderless::proxy
