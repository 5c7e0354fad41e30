#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "proxy/coordinator.h"

namespace leaderless::proxy {

// Runs one quorum op per key of a multi-key command and calls `done` once,
// after the last one finished, with the results in key order. `start(i,
// cb)` starts op i; cb may run before start returns.
void Gather(size_t count,
            const std::function<void(size_t, Coordinator::DoneFn)>& start,
            std::function<void(std::vector<QuorumResult>&)> done);

// The first failed result's error, or nullptr if all succeeded.
const QuorumResult* FirstFailure(const std::vector<QuorumResult>& results);

}  // namespace leaderless::proxy
