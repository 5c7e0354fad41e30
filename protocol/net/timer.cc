#include "protocol/net/timer.h"

#include <uv.h>

namespace leaderless::net {
namespace {

uv_timer_t* AsTimer(uv_handle_t* h) { return reinterpret_cast<uv_timer_t*>(h); }

}  // namespace

Timer::Timer(Loop& loop, std::function<void()> on_fire)
    : Handle(sizeof(uv_timer_t)), on_fire_(std::move(on_fire)) {
  uv_timer_init(loop.uv(), AsTimer(handle()));
  handle()->data = static_cast<Handle*>(this);
}

Timer* Timer::Create(Loop& loop, std::function<void()> on_fire) {
  return new Timer(loop, std::move(on_fire));
}

void Timer::Start(uint64_t after_ms, uint64_t repeat_ms) {
  uv_timer_start(
      AsTimer(handle()),
      [](uv_timer_t* t) {
        static_cast<Timer*>(static_cast<Handle*>(t->data))->on_fire_();
      },
      after_ms, repeat_ms);
}

void Timer::Stop() { uv_timer_stop(AsTimer(handle())); }

}  // namespace leaderless::net
