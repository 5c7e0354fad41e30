// leaderless-replica: holds versioned records for the proxies.
//
//   proxies ──RESP (LL.GET / LL.PUT)──▶ net::Server ──▶ ReplicaServer
//                                                          │ reads
//                                    RecordStore (LevelDB) ◀┤
//                                          ▲                │ writes
//                                          └── GroupCommit ◀┘
//                                   (one batch, one fsync per loop turn)
//
// Usage: leaderless-replica FILE [--directive value ...]

#include <memory>

#include "protocol/cluster/config.h"
#include "protocol/net/log.h"
#include "protocol/net/process_main.h"
#include "replica/record_store.h"
#include "replica/replica_server.h"

using namespace leaderless;

namespace {

class ReplicaService : public net::Service {
 public:
  ReplicaService(const cluster::Config& config, net::Loop& loop,
                 std::unique_ptr<replica::RecordStore> store)
      : config_(config),
        store_(std::move(store)),
        server_(config, loop, store_.get()) {}

  cluster::Status Start() override {
    cluster::Status started = server_.Start();
    if (!started.ok()) return started;
    const auto* self = cluster::FindReplica(config_, config_.replica_id);
    net::Log("replica %s ready on %s:%d, data in %s",
             config_.replica_id.c_str(), self->host.c_str(), self->port,
             config_.dir.c_str());
    net::Log("%s", config_.replica_password.empty()
                       ? "no replica-password: accepting loopback clients only"
                       : "replica-password set: clients must AUTH before any "
                         "internal command");
    return started;
  }

  void Stop() override { server_.Stop(); }

 private:
  const cluster::Config& config_;
  std::unique_ptr<replica::RecordStore> store_;  // outlives server_
  replica::ReplicaServer server_;
};

cluster::Result<std::unique_ptr<net::Service>> MakeReplica(
    const cluster::Config& config, net::Loop& loop) {
  auto store = replica::RecordStore::Open(config.dir);
  if (!store.ok()) {
    return cluster::Status::IOError("cannot open data in '" + config.dir +
                                    "': " + store.status().message());
  }
  return std::unique_ptr<net::Service>(
      std::make_unique<ReplicaService>(config, loop, std::move(store.value())));
}

}  // namespace

int main(int argc, char** argv) {
  return net::ProcessMain(argc, argv,
                          {.name = "leaderless-replica",
                           .log_role = 'R',
                           .validate = &cluster::ValidateForReplica,
                           .make = &MakeReplica});
}
