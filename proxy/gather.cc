#include "proxy/gather.h"

#include <algorithm>
#include <utility>

namespace leaderless::proxy {
namespace {

struct GatherState {
  size_t count = 0;
  GatherStartFn start;
  std::function<void(std::vector<QuorumResult>&)> done;
  GatherChargeFn charge;
  std::vector<QuorumResult> results;
  size_t next = 0;        // the next op to start
  size_t running = 0;     // started, not retired
  size_t remaining = 0;   // not finished
  size_t largest = 0;     // bytes of the largest result so far
  int64_t charged = 0;    // bytes charged, not given back
  bool starting = false;  // inside Pump()
  bool cancelled = false;
};

void Pump(const std::shared_ptr<GatherState>& state);

// Nobody will read the reply: stop, and free what the gather holds. The
// ops in flight finish unheard (their reads, if still waiting on a link,
// are not even sent: Coordinator::StillWanted).
void Cancel(GatherState& state) {
  state.cancelled = true;
  state.done = nullptr;
  std::vector<QuorumResult>().swap(state.results);
  if (!state.starting) state.start = nullptr;  // else Pump() drops it
}

void OnOpDone(const std::shared_ptr<GatherState>& state, size_t i,
              QuorumResult&& r) {
  if (state->cancelled) return;
  const size_t bytes = r.Bytes();
  state->largest = std::max(state->largest, bytes);
  if (state->charge) {
    if (!state->charge(static_cast<int64_t>(bytes))) return Cancel(*state);
    state->charged += static_cast<int64_t>(bytes);
  }
  state->results[i] = std::move(r);
  if (--state->remaining == 0) {
    // The reply `done` writes counts instead.
    if (state->charge) (void)state->charge(-state->charged);
    auto done = std::move(state->done);
    done(state->results);
  }
}

void OnOpRetired(const std::shared_ptr<GatherState>& state) {
  --state->running;
  Pump(state);
}

// Starts ops until the window is full. An op may retire inside start() (no
// replica reachable): its callback's Pump() then returns at once and this
// loop carries on, so the stack does not grow with the key count.
void Pump(const std::shared_ptr<GatherState>& state) {
  if (state->starting) return;
  state->starting = true;
  while (!state->cancelled && state->next < state->count &&
         state->running <
             GatherWindow(state->count - state->remaining, state->largest)) {
    const size_t i = state->next++;
    ++state->running;
    state->start(
        i, [state, i](QuorumResult&& r) { OnOpDone(state, i, std::move(r)); },
        [state] { OnOpRetired(state); });
  }
  // Every op started (or none will): what `start` holds (the command's
  // keys) goes now, as it would have once a command's requests were all
  // sent.
  if (state->cancelled || state->next == state->count) state->start = nullptr;
  state->starting = false;
}

}  // namespace

size_t GatherWindow(size_t finished, size_t largest) {
  size_t window = std::min(kGatherWindow, kGatherFirst + 2 * finished);
  if (largest > 0) {
    window = std::min(window, std::max<size_t>(1, kGatherBytes / largest));
  }
  return window;
}

void Gather(size_t count, GatherStartFn start,
            std::function<void(std::vector<QuorumResult>&)> done,
            GatherChargeFn charge) {
  auto state = std::make_shared<GatherState>();
  state->count = count;
  state->start = std::move(start);
  state->done = std::move(done);
  state->charge = std::move(charge);
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
