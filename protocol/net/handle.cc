#include "protocol/net/handle.h"

#include <uv.h>

#include <new>

namespace leaderless::net {

Handle::Handle(size_t size)
    : handle_(static_cast<uv_handle_t*>(::operator new(size))) {}

Handle::~Handle() { ::operator delete(handle_); }

void Handle::Close(std::function<void()> on_closed) {
  if (closing_) return;
  closing_ = true;
  on_closed_ = std::move(on_closed);
  handle_->data = this;
  uv_close(handle_, [](uv_handle_t* h) {
    auto* self = static_cast<Handle*>(h->data);
    std::function<void()> then = std::move(self->on_closed_);
    delete self;
    if (then) then();
  });
}

}  // namespace leaderless::net
