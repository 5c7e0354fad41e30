#include "protocol/net/work_queue.h"

#include <uv.h>

#include <memory>

namespace leaderless::net {
namespace {

// One queued job; freed after `done` ran.
struct Job {
  uv_work_t req;
  std::function<void()> work;
  std::function<void()> done;
};

}  // namespace

void QueueWork(Loop& loop, std::function<void()> work,
               std::function<void()> done) {
  auto* job = new Job{{}, std::move(work), std::move(done)};
  job->req.data = job;
  uv_queue_work(
      loop.uv(), &job->req,
      [](uv_work_t* req) noexcept { static_cast<Job*>(req->data)->work(); },
      [](uv_work_t* req, int) noexcept {
        std::unique_ptr<Job> job(static_cast<Job*>(req->data));
        job->done();
      });
}

}  // namespace leaderless::net
