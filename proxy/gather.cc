#include "proxy/gather.h"

#include <utility>

namespace leaderless::proxy {
namespace {

struct GatherState {
  GatherStartFn start;
  std::function<void(std::vector<QuorumResult>&)> done;
  std::vector<QuorumResult> results;
  size_t next = 0;        // the next op to start
  size_t running = 0;     // started, not retired
  size_t remaining = 0;   // not finished
  bool starting = false;  // inside Pump()
};

void Pump(const std::shared_ptr<GatherState>& state);

void OnOpDone(const std::shared_ptr<GatherState>& state, size_t i,
              QuorumResult&& r) {
  state->results[i] = std::move(r);
  if (--state->remaining == 0) {
    auto done = std::move(state->done);
    done(state->results);
  }
}

void OnOpRetired(const std::shared_ptr<GatherState>& state) {
  --state->running;
  Pump(state);
}

// Starts ops until kGatherWindow are unretired. An op may retire inside
// start() (no replica reachable): its callback's Pump() then returns at once
// and this loop carries on, so the stack does not grow with the key count.
void Pump(const std::shared_ptr<GatherState>& state) {
  if (state->starting) return;
  state->starting = true;
  while (state->next < state->results.size() &&
         state->running < kGatherWindow) {
    const size_t i = state->next++;
    ++state->running;
    state->start(
        i, [state, i](QuorumResult&& r) { OnOpDone(state, i, std::move(r)); },
        [state] { OnOpRetired(state); });
  }
  // Every op started: what `start` holds (the command's keys) goes now, as
  // it would have once a command's requests were all sent.
  if (state->next == state->results.size()) state->start = nullptr;
  state->starting = false;
}

}  // namespace

void Gather(size_t count, GatherStartFn start,
            std::function<void(std::vector<QuorumResult>&)> done) {
  auto state = std::make_shared<GatherState>();
  state->start = std::move(start);
  state->done = std::move(done);
  state->results.resize(count);
  state->remaining = count;
  if (count == 0) return state->done(state->results);
  Pump(state);
}

const QuorumResult* FirstFailure(const std::vector<QuorumResult>& results) {
  for (const auto& r : results) {
    if (!r.ok()) return &r;
  }
  return nullptr;
}

}  // namespace leaderless::proxy
