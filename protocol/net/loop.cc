#include "protocol/net/loop.h"

#include <uv.h>

#include "protocol/net/log.h"

namespace leaderless::net {

cluster::Result<std::unique_ptr<Loop>> Loop::Create() {
  auto* loop = new uv_loop_t;
  int rc = uv_loop_init(loop);
  if (rc != 0) {
    delete loop;
    return cluster::Status::IOError(std::string("cannot create event loop: ") +
                                    uv_strerror(rc));
  }
  // For idle_ms(); a loop without it still runs, reporting no idle time.
  (void)uv_loop_configure(loop, UV_METRICS_IDLE_TIME);
  return std::unique_ptr<Loop>(new Loop(loop));
}

Loop::~Loop() {
  if (!closed_ && !Close()) return;  // leaked: see the header
  delete loop_;
}

uint64_t Loop::idle_ms() const { return uv_metrics_idle_time(loop_) / 1000000; }

uint64_t Loop::now_ms() const { return uv_now(loop_); }

void Loop::Run() { uv_run(loop_, UV_RUN_DEFAULT); }

bool Loop::Close() {
  if (closed_) return true;
  closed_ = uv_loop_close(loop_) == 0;
  return closed_;
}

void Loop::RunUntilClosed() {
  Run();
  int rc = uv_loop_close(loop_);
  closed_ = rc == 0;
  if (rc != 0) Log("loop closed with handles open: %s", uv_strerror(rc));
}

}  // namespace leaderless::net
