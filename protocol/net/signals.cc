#include "protocol/net/signals.h"

#include <csignal>

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

StopSignals* StopSignals::Create(Loop& loop, std::function<void()> on_stop) {
  return new StopSignals(loop.uv(), std::move(on_stop));
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

}  // namespace leaderless::net
