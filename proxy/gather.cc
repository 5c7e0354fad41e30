#include "proxy/gather.h"

namespace leaderless::proxy {

void Gather(size_t count,
            const std::function<void(size_t, Coordinator::DoneFn)>& start,
            std::function<void(std::vector<QuorumResult>&)> done) {
  struct State {
    std::vector<QuorumResult> results;
    size_t remaining;
    std::function<void(std::vector<QuorumResult>&)> done;
  };
  auto state = std::make_shared<State>(
      State{std::vector<QuorumResult>(count), count, std::move(done)});
  for (size_t i = 0; i < count; ++i) {
    start(i, [state, i](QuorumResult&& r) {
      state->results[i] = std::move(r);
      if (--state->remaining == 0) state->done(state->results);
    });
  }
}

const QuorumResult* FirstFailure(const std::vector<QuorumResult>& results) {
  for (const auto& r : results) {
    if (!r.ok()) return &r;
  }
  return nullptr;
}

}  // namespace leaderless::proxy
