// leaderless-proxy: the coordinator Redis clients talk to.
//
//   clients ──RESP──▶ net::Server ──▶ ProxyServer (command table)
//                                        │ per key: quorum read / write
//                                        ▼
//                                    Coordinator ── ring: N replicas of key
//                                        │ PeerLink per replica (hiredis,
//                                        │ pipelined, reconnecting)
//                                        ▼
//                                leaderless-replica × M
//
// Replies go back to each client in request order (net::Session's FIFO),
// whatever order the replicas answer in.
//
// Usage: leaderless-proxy FILE [--directive value ...]

#include <memory>

#include "protocol/cluster/config.h"
#include "protocol/net/log.h"
#include "protocol/net/process_main.h"
#include "proxy/proxy_server.h"

using namespace leaderless;

namespace {

class ProxyService : public net::Service {
 public:
  ProxyService(const cluster::Config& config, net::Loop& loop)
      : config_(config), server_(config, loop) {}

  cluster::Status Start() override {
    // Another live proxy with this proxy-id: both would stamp the same
    // versions on different values.
    server_.coordinator().set_fatal(
        [this](const std::string& message) { Fatal(message); });
    cluster::Status started = server_.Start();
    if (!started.ok()) return started;
    net::Log("proxy %lld ready on %s:%d, N=%d R=%d W=%d over %zu replicas",
             static_cast<long long>(config_.proxy_id), config_.bind.c_str(),
             server_.server()->port(), config_.replication_factor,
             config_.read_quorum, config_.write_quorum,
             config_.replicas.size());
    return started;
  }

  void Stop() override { server_.Stop(); }

 private:
  const cluster::Config& config_;
  proxy::ProxyServer server_;
};

cluster::Result<std::unique_ptr<net::Service>> MakeProxy(
    const cluster::Config& config, net::Loop& loop) {
  return std::unique_ptr<net::Service>(
      std::make_unique<ProxyService>(config, loop));
}

}  // namespace

int main(int argc, char** argv) {
  return net::ProcessMain(argc, argv,
                          {.name = "leaderless-proxy",
                           .log_role = 'P',
                           .validate = &cluster::ValidateForProxy,
                           .make = &MakeProxy});
}
