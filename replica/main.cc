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

#include <cstdio>
#include <memory>

#include "protocol/cluster/config.h"
#include "protocol/net/log.h"
#include "protocol/net/loop.h"
#include "protocol/net/signals.h"
#include "replica/record_store.h"
#include "replica/replica_server.h"

using namespace leaderless;

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "leaderless-replica: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2)
    return Fail("usage: leaderless-replica FILE [--directive value ...]");
  auto overrides = cluster::ParseOverrideArgs(argc - 2, argv + 2);
  if (!overrides.ok()) return Fail(overrides.status().message());
  auto config = cluster::LoadConfig(argv[1], overrides.value());
  if (!config.ok()) return Fail(config.status().message());
  cluster::Status valid = cluster::ValidateForReplica(config.value());
  if (!valid.ok()) return Fail(valid.message());
  net::SetLogRole('R');
  if (!net::OpenLog(config->logfile))
    return Fail("cannot open logfile " + config->logfile);

  auto store = replica::RecordStore::Open(config->dir);
  if (!store.ok())
    return Fail("cannot open data in '" + config->dir +
                "': " + store.status().message());

  auto created = net::Loop::Create();
  if (!created.ok()) return Fail(created.status().message());
  net::Loop& loop = *created.value();
  replica::ReplicaServer server(config.value(), loop, store.value().get());
  cluster::Status started = server.Start();
  if (!started.ok()) {
    server.Stop();
    loop.RunUntilClosed();
    return Fail(started.message());
  }
  const auto* self = cluster::FindReplica(config.value(), config->replica_id);
  net::Log("replica %s ready on %s:%d, data in %s", config->replica_id.c_str(),
           self->host.c_str(), self->port, config->dir.c_str());

  net::StopSignals* signals = nullptr;
  signals = net::StopSignals::Create(loop, [&] {
    net::Log("shutting down");
    server.Stop();
    signals->Close();
  });
  loop.RunUntilClosed();
  return 0;
}
