#include "protocol/net/deadline_queue.h"

#include <uv.h>

namespace leaderless::net {

DeadlineQueue::DeadlineQueue(Loop& loop, ExpireFn on_expire)
    : timer_(new uv_timer_t),
      check_(new uv_check_t),
      idle_(new uv_idle_t),
      on_expire_(std::move(on_expire)) {
  uv_timer_init(loop.uv(), timer_.get());
  timer_->data = this;
  uv_check_init(loop.uv(), check_.get());
  check_->data = this;
  uv_idle_init(loop.uv(), idle_.get());
  idle_->data = this;
}

// Runs in the last close callback: libuv no longer holds the handles.
DeadlineQueue::~DeadlineQueue() = default;

DeadlineQueuePtr DeadlineQueue::Create(Loop& loop, ExpireFn on_expire) {
  return DeadlineQueuePtr(new DeadlineQueue(loop, std::move(on_expire)),
                          &DeadlineQueue::Destroy);
}

void DeadlineQueue::Destroy(DeadlineQueue* q) {
  // The handles must be closed before the memory goes: free in the last
  // callback. Destroy may run inside Fire(), which then stops (closing_).
  q->closing_ = true;
  for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(q->timer_.get()),
                         reinterpret_cast<uv_handle_t*>(q->check_.get()),
                         reinterpret_cast<uv_handle_t*>(q->idle_.get())}) {
    uv_close(h, [](uv_handle_t* handle) {
      auto* self = static_cast<DeadlineQueue*>(handle->data);
      if (--self->open_handles_ == 0) delete self;
    });
  }
}

void DeadlineQueue::Add(uint64_t deadline_ms, uint64_t id) {
  if (in_order_.empty() || deadline_ms >= in_order_.back().deadline_ms) {
    in_order_.push_back({deadline_ms, id});
  } else {
    heap_.push({deadline_ms, id});
  }
  if (armed_for_ == 0 || deadline_ms < armed_for_) Arm();
}

const DeadlineQueue::Entry* DeadlineQueue::Earliest() const {
  if (in_order_.empty()) return heap_.empty() ? nullptr : &heap_.top();
  if (heap_.empty() ||
      in_order_.front().deadline_ms <= heap_.top().deadline_ms) {
    return &in_order_.front();
  }
  return &heap_.top();
}

void DeadlineQueue::PopEarliest() {
  if (!heap_.empty() && Earliest() == &heap_.top()) {
    heap_.pop();
  } else {
    in_order_.pop_front();
  }
}

void DeadlineQueue::Arm() {
  const Entry* earliest = Earliest();
  if (earliest == nullptr) {
    uv_timer_stop(timer_.get());
    armed_for_ = 0;
    return;
  }
  uint64_t next = earliest->deadline_ms;
  uint64_t now = uv_now(timer_->loop);
  armed_for_ = next;
  uv_timer_start(timer_.get(), &DeadlineQueue::OnTimer,
                 next > now ? next - now : 0, 0);
}

void DeadlineQueue::OnTimer(uv_timer_t* timer) noexcept {
  auto* self = static_cast<DeadlineQueue*>(timer->data);
  self->armed_for_ = 0;
  uv_idle_start(self->idle_.get(), [](uv_idle_t*) {});
  uv_check_start(self->check_.get(), &DeadlineQueue::OnCheck);
}

void DeadlineQueue::OnCheck(uv_check_t* check) noexcept {
  auto* self = static_cast<DeadlineQueue*>(check->data);
  uv_idle_stop(self->idle_.get());
  uv_check_stop(self->check_.get());
  self->Fire();
}

void DeadlineQueue::Fire() {
  uint64_t now = uv_now(timer_->loop);
  // Pop first, then call: on_expire may Add() new deadlines.
  for (const Entry* e = Earliest(); !closing_ && e && e->deadline_ms <= now;
       e = Earliest()) {
    uint64_t id = e->id;
    PopEarliest();
    on_expire_(id);
  }
  if (!closing_) Arm();
}

}  // namespace leaderless::net
