#pragma once

#include <uv.h>

#include <functional>

namespace leaderless::net {

// Calls `on_stop` once on SIGINT or SIGTERM, so a process can shut down
// cleanly (close its server and links, drain the loop). Ignores SIGPIPE:
// a peer that went away is seen as a write error instead.
// Heap-allocated (embeds uv handles); Close() frees it. Loop thread only.
class StopSignals {
 public:
  static StopSignals* Create(uv_loop_t* loop, std::function<void()> on_stop);
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  void Close();

 private:
  StopSignals(uv_loop_t* loop, std::function<void()> on_stop);
  static void OnSignal(uv_signal_t* handle, int signum) noexcept;

  uv_signal_t sigint_;
  uv_signal_t sigterm_;
  std::function<void()> on_stop_;
  int open_handles_ = 2;
  bool closing_ = false;
};

// Runs `loop` until nothing is left on it (every handle closed), then
// closes it, logging if a handle was left open. Also after a failed start:
// handles closed on the way out are only freed by their close callbacks.
void RunUntilClosed(uv_loop_t* loop);

}  // namespace leaderless::net
