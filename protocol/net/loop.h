#pragma once

#include <cstdint>
#include <memory>

#include "protocol/cluster/status.h"

struct uv_loop_s;  // libuv's loop: only protocol/net looks inside

namespace leaderless::net {

// The process's event loop, run on the main thread. Everything in net that
// embeds a libuv handle is created on a Loop; proxy/ and replica/ hold it
// only to pass it on and to read its clock, and never see libuv.
//
// Not copyable. Outlives every handle created on it.
class Loop {
 public:
  // A new loop, or an error if the system refused one.
  static cluster::Result<std::unique_ptr<Loop>> Create();

  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Closes the loop if Close() has not. If a handle is still open, the
  // loop's memory is leaked rather than freed under libuv's feet.
  ~Loop();

  // Monotonic loop time in milliseconds, cached when the iteration began:
  // what timers and deadlines are measured in.
  uint64_t now_ms() const;

  // Milliseconds the loop has spent waiting for events since it started:
  // with MonotonicMs(), how busy it was over an interval.
  uint64_t idle_ms() const;

  // Runs until no active handle or request is left.
  void Run();

  // Closes the loop. False, and the loop stays usable, if a handle is
  // still open on it.
  [[nodiscard]] bool Close();

  // Run(), then Close(), logging if a handle was left open. Also after a
  // failed start: handles closed on the way out are only freed by their
  // close callbacks.
  void RunUntilClosed();

  // The libuv loop, for protocol/net's own handles (and loop tests).
  uv_loop_s* uv() const { return loop_; }

 private:
  explicit Loop(uv_loop_s* loop) : loop_(loop) {}

  uv_loop_s* loop_;  // owned; freed once closed
  bool closed_ = false;
};

}  // namespace leaderless::net
