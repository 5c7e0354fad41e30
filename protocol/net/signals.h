#pragma once

#include <uv.h>

#include <functional>

#include "protocol/net/loop.h"

namespace leaderless::net {

// Calls `on_stop` once on SIGINT or SIGTERM, so a process can shut down
// cleanly (close its server and links, drain the loop). Ignores SIGPIPE:
// a peer that went away is seen as a write error instead.
// Heap-allocated (embeds uv handles); Close() frees it. Loop thread only.
class StopSignals {
 public:
  static StopSignals* Create(Loop& loop, std::function<void()> on_stop);
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

}  // namespace leaderless::net
