#pragma once

#include <cstddef>
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

// What a client that must authenticate may make the proxy hold before it
// has, as recent Redis releases bound it (with Redis's parser caps, at most
// 10 arguments and bulks of 16384 bytes: resp::ParserLimits), so that
// anonymous connections cost little however many there are:
// - its query buffer: 1 MiB, as Redis 7.4 (redis/redis#12961, #12989);
//   past it the connection is closed without a reply. A request within the
//   parser caps never needs as much: this backs them up.
// - its unread replies: Redis 7.2.8, 7.4.3 and 8.0 (CVE-2025-21605,
//   redis/redis#13993) close such a client once more than 1024 bytes of
//   replies wait beyond its fixed 16 KiB reply buffer. The proxy has no
//   fixed buffer, so it allows the same 16 KiB + 1024 bytes in all, and
//   closes the connection without a reply past them.
inline constexpr size_t kUnauthenticatedQueryBufferLimit = 1 << 20;
inline constexpr size_t kUnauthenticatedOutputBufferLimit = (16 << 10) + 1024;

// The proxy's request handler: resolves the command (unknown commands,
// unknown subcommands and arity errors are answered there), applies the
// authentication gate of `requirepass`, and runs the command.
class ProxyServer : public net::RequestHandler {
 public:
  ProxyServer(const cluster::Config& config, net::Loop& loop);

  // Opens the client listener; the caller runs the loop.
  cluster::Status Start();
  void Stop();

  // Refuses a client that protected mode keeps out (protected_mode.h):
  // Redis's -DENIED error, then the connection closes.
  void OnSessionOpened(net::Session& session) override;
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
  // stricter parser and buffer limits (kUnauthenticated*).
  void SetAuthenticated(net::Session& session, bool authenticated);
  // How a new or RESET connection starts: logged in unless a password is set.
  bool AuthenticatedByDefault() const { return config_.requirepass.empty(); }
  // "host:port" the proxy listens on (CLIENT LIST's laddr).
  std::string ListenAddress() const;

 private:
  // The limits of a client that is (or is not) logged in.
  net::ServerLimits LimitsFor(bool authenticated) const;

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
