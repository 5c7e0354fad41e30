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

#include <cstdio>

#include "protocol/cluster/config.h"
#include "protocol/net/log.h"
#include "protocol/net/loop.h"
#include "protocol/net/signals.h"
#include "proxy/proxy_server.h"

using namespace leaderless;

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "leaderless-proxy: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return Fail("usage: leaderless-proxy FILE [--directive value ...]");
  auto overrides = cluster::ParseOverrideArgs(argc - 2, argv + 2);
  if (!overrides.ok()) return Fail(overrides.status().message());
  auto config = cluster::LoadConfig(argv[1], overrides.value());
  if (!config.ok()) return Fail(config.status().message());
  cluster::Status valid = cluster::ValidateForProxy(config.value());
  if (!valid.ok()) return Fail(valid.message());
  net::SetLogRole('P');
  if (!net::OpenLog(config->logfile))
    return Fail("cannot open logfile " + config->logfile);

  auto created = net::Loop::Create();
  if (!created.ok()) return Fail(created.status().message());
  net::Loop& loop = *created.value();
  proxy::ProxyServer server(config.value(), loop);
  cluster::Status started = server.Start();
  if (!started.ok()) {
    server.Stop();
    loop.RunUntilClosed();
    return Fail(started.message());
  }
  net::Log("proxy %lld ready on %s:%d, N=%d R=%d W=%d over %zu replicas",
           static_cast<long long>(config->proxy_id), config->bind.c_str(),
           server.server()->port(), config->replication_factor,
           config->read_quorum, config->write_quorum, config->replicas.size());

  net::StopSignals* signals = nullptr;
  signals = net::StopSignals::Create(loop, [&] {
    net::Log("shutting down");
    server.Stop();
    signals->Close();
  });
  loop.RunUntilClosed();
  return 0;
}
