#include "protocol/net/signals.h"

#include <csignal>

#include "protocol/net/log.h"

namespace leaderless::net {

StopSignals::StopSignals(uv_loop_t* loop, std::function<void()> on_stop)
    : on_stop_(std::move(on_stop)) {
  for (uv_signal_t* s : {&sigint_, &sigterm_}) {
    uv_signal_init(loop, s);
    s->data = this;
  }
  uv_signal_start(&sigint_, &StopSignals::OnSignal, SIGINT);
  uv_signal_start(&sigterm_, &StopSignals::OnSignal, SIGTERM);
  std::signal(SIGPIPE, SIG_IGN);
}

StopSignals* StopSignals::Create(uv_loop_t* loop,
                                 std::function<void()> on_stop) {
  return new StopSignals(loop, std::move(on_stop));
}

void StopSignals::OnSignal(uv_signal_t* handle, int) noexcept {
  auto* self = static_cast<StopSignals*>(handle->data);
  if (self->closing_) return;
  self->on_stop_();
}

void StopSignals::Close() {
  if (closing_) return;
  closing_ = true;
  for (uv_signal_t* s : {&sigint_, &sigterm_}) {
    uv_close(reinterpret_cast<uv_handle_t*>(s), [](uv_handle_t* h) {
      auto* self = static_cast<StopSignals*>(h->data);
      if (--self->open_handles_ == 0) delete self;
    });
  }
}

void RunUntilClosed(uv_loop_t* loop) {
  uv_run(loop, UV_RUN_DEFAULT);
  int rc = uv_loop_close(loop);
  if (rc != 0) Log("loop closed with handles open: %s", uv_strerror(rc));
}

}  // namespace leaderless::net
