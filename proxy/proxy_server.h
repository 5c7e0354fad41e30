#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/cluster/config.h"
#include "protocol/net/loop.h"
#include "protocol/net/server.h"
#include "protocol/resp/command_table.h"
#include "protocol/resp/reply_writer.h"
#include "protocol/resp/request_parser.h"
#include "proxy/client_state.h"
#include "proxy/command_set.h"
#include "proxy/coordinator.h"
#include "proxy/key_command.h"
#include "proxy/key_locks.h"
#include "proxy/later_reply.h"
#include "proxy/ops_meter.h"

namespace leaderless::proxy {

// The Redis version the proxy presents itself as (HELLO's version, INFO's
// redis_version): the release whose replies it reproduces. Clients pick
// features by it, so it must not claim more than the proxy does.
inline constexpr char kRedisVersion[] = "7.0.15";

// The proxy's request handler: resolves the command (unknown commands,
// unknown subcommands and arity errors are answered there), applies the
// authentication gate of `requirepass`, and runs the command.
class ProxyServer : public net::RequestHandler {
 public:
  ProxyServer(const cluster::Config& config, net::Loop& loop);

  // Opens the client listener; the caller runs the loop.
  cluster::Status Start();
  void Stop();

  // Runs a request; that of a client inside MULTI or with an EXEC running
  // goes through the transaction layer (transaction.h).
  void OnRequest(net::Session& session, Argv argv) override;
  // Resolves `argv` into `*command` and applies the authentication gate.
  // False if it was refused, and answered so.
  bool Admit(net::Session& session, ClientState& client, Argv argv,
             ResolvedCommand* command);
  // Runs `command`, admitted, outside any transaction.
  void Dispatch(net::Session& session, const ResolvedCommand& command,
                Argv argv);
  // Runs `command`, an admitted command on keys, answering to `reply`, under
  // `held` if set (EXEC's keys), else once its keys' turn comes.
  void RunOnKeys(const ResolvedCommand& command, Argv argv, LaterReply reply,
                 std::shared_ptr<KeyLocks::Leases> held = nullptr);
  void OnSessionClosed(net::Session& session) override;

  Coordinator& coordinator() { return coordinator_; }
  // The turns of every key this proxy's commands touch.
  KeyLocks& key_locks() { return key_locks_; }
  // Whether Stop() was called: no command may start ops then.
  bool stopping() const { return stopping_; }
  net::Server* server() { return server_; }
  const cluster::Config& config() const { return config_; }
  const CommandSet& commands() const { return commands_; }
  uint64_t now_ms() const { return loop_.now_ms(); }
  uint64_t uptime_ms() const { return now_ms() - start_ms_; }
  uint64_t commands_processed() const { return commands_processed_; }
  uint64_t ops_per_sec() const { return ops_.PerSecond(now_ms()); }
  // The reply slot of the request being handled (inside EXEC, of the
  // queued command being run). Commands on keys get theirs in KeyCall.
  LaterReply Later(net::Session& session) {
    if (const ExecStep* step = Client(session).exec) {
      return LaterReply(step->later, step->index, session);
    }
    return LaterReply(server_, session);
  }

  // The state of `session`'s client, created on its first request.
  ClientState& Client(net::Session& session);
  // Every client that sent a request and is still connected, by id (the
  // order Redis's CLIENT LIST uses). Sessions stay valid while listed.
  const std::map<uint64_t, net::Session*>& clients() const { return clients_; }
  // Logs the client in or out; a client that is not logged in gets Redis's
  // stricter parser limits (see ParserLimits::unauthenticated).
  void SetAuthenticated(net::Session& session, bool authenticated);
  // How a new or RESET connection starts: logged in unless a password is set.
  bool AuthenticatedByDefault() const { return config_.requirepass.empty(); }
  // "host:port" the proxy listens on (CLIENT LIST's laddr).
  std::string ListenAddress() const;

 private:
  resp::ParserLimits ParserLimitsFor(bool authenticated) const;

  const cluster::Config& config_;
  net::Loop& loop_;
  // Before coordinator_: the callbacks of its ops hold leases, which must
  // not outlive the KeyLocks.
  KeyLocks key_locks_;
  Coordinator coordinator_;
  bool stopping_ = false;
  net::Server* server_ = nullptr;  // frees itself after Close()
  CommandSet commands_;
  std::map<uint64_t, net::Session*> clients_;
  uint64_t start_ms_;
  uint64_t commands_processed_ = 0;
  OpsMeter ops_;
};

}  // namespace leaderless::proxy
