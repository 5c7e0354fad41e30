#include "protocol/net/signals.h"

#include <uv.h>

#include <csignal>

namespace leaderless::net {

StopSignals::StopSignals(Loop& loop, std::function<void()> on_stop)
    : sigint_(new uv_signal_t),
      sigterm_(new uv_signal_t),
      on_stop_(std::move(on_stop)) {
  for (uv_signal_t* s : {sigint_.get(), sigterm_.get()}) {
    uv_signal_init(loop.uv(), s);
    s->data = this;
  }
  uv_signal_start(sigint_.get(), &StopSignals::OnSignal, SIGINT);
  uv_signal_start(sigterm_.get(), &StopSignals::OnSignal, SIGTERM);
  std::signal(SIGPIPE, SIG_IGN);
}

// Runs in the last close callback: libuv no longer holds the handles.
StopSignals::~StopSignals() = default;

StopSignals* StopSignals::Create(Loop& loop, std::function<void()> on_stop) {
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
  for (uv_signal_t* s : {sigint_.get(), sigterm_.get()}) {
    uv_close(reinterpret_cast<uv_handle_t*>(s), [](uv_handle_t* h) {
      auto* self = static_cast<StopSignals*>(h->data);
      if (--self->open_handles_ == 0) delete self;
    });
  }
}

}  // namespace leaderless::net
