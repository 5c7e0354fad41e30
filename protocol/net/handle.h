#pragma once

#include <cstddef>
#include <functional>

struct uv_handle_s;  // libuv's handle: only protocol/net looks inside

namespace leaderless::net {

// Base of the small objects that own one libuv handle (Timer,
// IterationHook): heap-allocated, non-copyable, and deleted only in the
// handle's close callback, so libuv never points into freed memory.
// Loop thread only.
class Handle {
 public:
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  // Stops the handle for good and frees this object once libuv has let go
  // of it, then calls `on_closed` (if any): an owner whose own callbacks may
  // still be queued on the loop frees itself there. Idempotent: later calls
  // do nothing, their `on_closed` included.
  void Close(std::function<void()> on_closed = nullptr);

 protected:
  // Allocates `size` bytes for the handle; the derived constructor
  // initialises it and points its data at this base.
  explicit Handle(size_t size);
  virtual ~Handle();

  uv_handle_s* handle() const { return handle_; }

 private:
  uv_handle_s* handle_;  // owned raw storage, freed after the close callback
  std::function<void()> on_closed_;
  bool closing_ = false;
};

}  // namespace leaderless::net
