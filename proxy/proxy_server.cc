#include "proxy/proxy_server.h"

namespace leaderless::proxy {

void LaterReply::Error(std::string_view message) const {
  std::string out;
  resp::ReplyWriter(&out, protocol_).Error(message);
  Send(std::move(out));
}

ProxyServer::ProxyServer(const cluster::Config& config, uv_loop_t* loop)
    : config_(config),
      loop_(loop),
      coordinator_(config, loop),
      start_ms_(uv_now(loop)) {
  AddConnectionCommands(commands_);
  AddServerCommands(commands_);
  AddStringCommands(commands_);
  AddKeyspaceCommands(commands_);
}

cluster::Status ProxyServer::Start() {
  net::ServerLimits limits;
  limits.max_clients = static_cast<size_t>(config_.maxclients);
  limits.query_buffer_limit =
      static_cast<size_t>(config_.client_query_buffer_limit);
  limits.output_buffer_limit =
      static_cast<size_t>(config_.client_output_buffer_limit);
  limits.parser.max_bulk_len = config_.proto_max_bulk_len;
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
  ++commands_processed_;
  std::string error;
  const auto* spec = commands_.Lookup(argv, &error);
  if (spec == nullptr) {
    resp::ReplyWriter(&session.Reply(), session.protocol()).Error(error);
    return;
  }
  spec->handler(*this, session, argv);
}

}  // namespace leaderless::proxy
