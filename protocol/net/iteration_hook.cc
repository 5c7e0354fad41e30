#include "protocol/net/iteration_hook.h"

#include <uv.h>

namespace leaderless::net {

IterationHook::IterationHook(Loop& loop, std::function<void()> on_turn)
    : Handle(sizeof(uv_check_t)), on_turn_(std::move(on_turn)) {
  auto* check = reinterpret_cast<uv_check_t*>(handle());
  uv_check_init(loop.uv(), check);
  check->data = static_cast<Handle*>(this);
  uv_check_start(check, [](uv_check_t* c) {
    static_cast<IterationHook*>(static_cast<Handle*>(c->data))->on_turn_();
  });
}

IterationHook* IterationHook::Create(Loop& loop,
                                     std::function<void()> on_turn) {
  return new IterationHook(loop, std::move(on_turn));
}

}  // namespace leaderless::net
