#include "proxy/proxy_server.h"

#include "proxy/transaction.h"

namespace leaderless::proxy {

void LaterReply::Error(std::string_view message) const {
  std::string out;
  resp::ReplyWriter(&out, protocol_).Error(message);
  Send(std::move(out));
}

ProxyServer::ProxyServer(const cluster::Config& config, net::Loop& loop)
    : config_(config),
      loop_(loop),
      coordinator_(config, loop),
      start_ms_(loop.now_ms()) {
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
  net::ServerLimits limits;
  limits.max_clients = static_cast<size_t>(config_.maxclients);
  limits.query_buffer_limit =
      static_cast<size_t>(config_.client_query_buffer_limit);
  limits.output_buffer_limit =
      static_cast<size_t>(config_.client_output_buffer_limit);
  // Every connection starts with the limits of a client not logged in yet.
  limits.parser = ParserLimitsFor(AuthenticatedByDefault());
  auto server =
      net::Server::Create(loop_, config_.bind, config_.port, this, limits);
  if (!server.ok()) return server.status();
  server_ = server.value();
  return cluster::Status::OK();
}

void ProxyServer::Stop() {
  if (server_) server_->Close();
  coordinator_.Close();
}

void ProxyServer::OnRequest(net::Session& session, Argv argv) {
  ClientState& client = Client(session);
  client.last_active_ms = now_ms();
  if (HoldBehindExec(*this, session, client, argv)) return;
  RunRequest(session, client, argv);
}

// Redis's order: unknown command and arity errors first, then the
// authentication gate (only commands flagged no_auth pass it), then, inside
// MULTI, the queue, else the command. Rejected requests do not count as
// processed commands.
void ProxyServer::RunRequest(net::Session& session, ClientState& client,
                             Argv argv) {
  ResolvedCommand command;
  std::string error;
  if (!commands_.Resolve(argv, &command, &error)) {
    client.last_command = "NULL";
    return RefuseCommand(session, client, argv, error);
  }
  client.last_command = command.name;
  if (!client.authenticated && !HasFlag(*command.meta, "no_auth")) {
    return RefuseCommand(session, client, argv,
                         "NOAUTH Authentication required.");
  }
  ++commands_processed_;
  ops_.Count(now_ms());
  if (QueueInTransaction(session, client, command, argv)) return;
  command.handler(*this, session, argv);
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
  session.parser().set_limits(ParserLimitsFor(authenticated));
}

std::string ProxyServer::ListenAddress() const {
  const int port = server_ != nullptr ? server_->port() : config_.port;
  return config_.bind + ":" + std::to_string(port);
}

resp::ParserLimits ProxyServer::ParserLimitsFor(bool authenticated) const {
  resp::ParserLimits limits;
  limits.max_bulk_len = config_.proto_max_bulk_len;
  limits.unauthenticated = !authenticated;
  return limits;
}

}  // namespace leaderless::proxy
