#pragma once

#include <functional>
#include <memory>

#include "protocol/net/loop.h"

struct uv_signal_s;  // libuv's, allocated in the .cc: only net looks inside

namespace leaderless::net {

// Calls `on_stop` once on SIGINT or SIGTERM, so a process can shut down
// cleanly (close its server and links, drain the loop). Ignores SIGPIPE:
// a peer that went away is seen as a write error instead.
// Heap-allocated (owns uv handles); Close() frees it. Loop thread only.
class StopSignals {
 public:
  static StopSignals* Create(Loop& loop, std::function<void()> on_stop);
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  void Close();

 private:
  StopSignals(Loop& loop, std::function<void()> on_stop);
  ~StopSignals();
  static void OnSignal(uv_signal_s* handle, int signum) noexcept;

  std::unique_ptr<uv_signal_s> sigint_;
  std::unique_ptr<uv_signal_s> sigterm_;
  std::function<void()> on_stop_;
  int open_handles_ = 2;
  bool closing_ = false;
};

}  // namespace leaderless::net
