#include "proxy/proxy_server.h"

#include <algorithm>

#include "protocol/resp/auth_errors.h"
#include "proxy/commands/command_families.h"
#include "proxy/protected_mode.h"
#include "proxy/transaction.h"

namespace leaderless::proxy {

ProxyServer::ProxyServer(const cluster::Config& config, net::Loop& loop)
    : config_(config),
      loop_(loop),
      coordinator_(config, loop),
      start_ms_(loop.now_ms()) {
  // A client's reads still waiting on a replica link once it is gone (or
  // past a limit) are dropped, not sent.
  coordinator_.set_owner_alive([this](uint64_t id) {
    const net::Session* s =
        stopping_ || server_ == nullptr ? nullptr : server_->Find(id);
    return s != nullptr && !s->closing();
  });
  AddConnectionCommands(commands_);
  AddAuthCommand(commands_);
  AddHelloCommand(commands_);
  AddClientCommand(commands_);
  AddCommandCommand(commands_);
  AddServerCommands(commands_);
  AddInfoCommand(commands_);
  AddConfigCommand(commands_);
  AddStringCommands(commands_.table());
  AddTransactionCommands(commands_);
  AddKeyspaceCommands(commands_.table());
  AddRenameCommands(commands_.table());
  AddScanCommands(commands_.table());
  AddFlushCommands(commands_.table());
}

cluster::Status ProxyServer::Start() {
  // Every connection starts with the limits of a client not logged in yet.
  auto server = net::Server::Create(loop_, config_.bind, config_.port, this,
                                    LimitsFor(AuthenticatedByDefault()));
  if (!server.ok()) return server.status();
  server_ = server.value();
  return cluster::Status::OK();
}

void ProxyServer::Stop() {
  stopping_ = true;
  if (server_) server_->Close();
  coordinator_.Close();
}

void ProxyServer::OnSessionOpened(net::Session& session) {
  if (!ProtectedModeRefusesPeer(config_, session.peer_address())) return;
  resp::ReplyWriter(&session.Reply()).Error(kProtectedModeDenied);
  session.CloseAfterReplies();
}

void ProxyServer::OnRequest(net::Session& session, Argv argv) {
  Coordinator::OwnerScope owner(coordinator_, session.id());
  ClientState& client = Client(session);
  client.last_active_ms = now_ms();
  // The one check a request outside MULTI and EXEC passes.
  if (client.InTransaction()) {
    return TransactionRequest(*this, session, client, argv);
  }
  ResolvedCommand command;
  if (Admit(session, client, argv, &command)) Dispatch(session, command, argv);
}

// Redis's order: unknown command and arity errors first, then the
// authentication gate (only commands flagged no_auth pass it). Rejected
// requests do not count as processed commands.
bool ProxyServer::Admit(net::Session& session, ClientState& client, Argv argv,
                        ResolvedCommand* command) {
  std::string error;
  if (!commands_.Resolve(argv, command, &error)) {
    client.last_command = "NULL";
    RefuseCommand(session, client, argv, error);
    return false;
  }
  client.last_command = command->name;
  if (!client.authenticated && !HasFlag(*command->meta, "no_auth")) {
    RefuseCommand(session, client, argv, resp::kNoAuth);
    return false;
  }
  ++commands_processed_;
  ops_.Count(now_ms());
  return true;
}

void ProxyServer::Dispatch(net::Session& session,
                           const ResolvedCommand& command, Argv argv) {
  if (!command.on_keys) return command.handler(*this, session, argv);
  RunOnKeys(command, argv, LaterReply(server_, session));
}

void ProxyServer::RunOnKeys(const ResolvedCommand& command, Argv argv,
                            LaterReply reply,
                            std::shared_ptr<KeyLocks::Leases> held) {
  RunKeyCommand(
      {coordinator_, key_locks_, stopping_, std::move(reply), std::move(held)},
      argv, KeyRangeOf(*command.meta),
      command.read_only ? KeyLocks::Mode::kShared : KeyLocks::Mode::kExclusive,
      command.on_keys);
}

void ProxyServer::OnSessionClosed(net::Session& session) {
  clients_.erase(session.id());
}

ClientState& ProxyServer::Client(net::Session& session) {
  if (session.state() != nullptr) {
    // Only this class sets session states, and always a ClientState.
    return *static_cast<ClientState*>(session.state());
  }
  auto state = std::make_unique<ClientState>();
  state->authenticated = AuthenticatedByDefault();
  state->created_ms = now_ms();
  ClientState& client = *state;
  session.set_state(std::move(state));
  clients_[session.id()] = &session;
  return client;
}

void ProxyServer::SetAuthenticated(net::Session& session, bool authenticated) {
  Client(session).authenticated = authenticated;
  const net::ServerLimits limits = LimitsFor(authenticated);
  session.parser().set_limits(limits.parser);
  session.set_buffer_limits(limits.query_buffer_limit,
                            limits.output_buffer_limit);
}

std::string ProxyServer::ListenAddress() const {
  const int port = server_ != nullptr ? server_->port() : config_.port;
  return config_.bind + ":" + std::to_string(port);
}

net::ServerLimits ProxyServer::LimitsFor(bool authenticated) const {
  net::ServerLimits limits;
  limits.max_clients = static_cast<size_t>(config_.maxclients);
  limits.query_buffer_limit =
      static_cast<size_t>(config_.client_query_buffer_limit);
  limits.output_buffer_limit =
      static_cast<size_t>(config_.client_output_buffer_limit);
  limits.parser.max_bulk_len = config_.proto_max_bulk_len;
  if (authenticated) return limits;
  // Redis's caps for a client that must authenticate and has not (see
  // kUnauthenticated*), on top of the configured limits.
  limits.parser.unauthenticated = true;
  limits.query_buffer_limit =
      std::min(limits.query_buffer_limit, kUnauthenticatedQueryBufferLimit);
  limits.output_buffer_limit =
      limits.output_buffer_limit == 0
          ? kUnauthenticatedOutputBufferLimit
          : std::min(limits.output_buffer_limit,
                     kUnauthenticatedOutputBufferLimit);
  return limits;
}

}  // namespace leaderless::proxy
