#pragma once

#include <uv.h>

#include <span>
#include <string>
#include <string_view>

#include "protocol/cluster/config.h"
#include "protocol/net/server.h"
#include "protocol/resp/command_table.h"
#include "protocol/resp/reply_writer.h"
#include "proxy/coordinator.h"

namespace leaderless::proxy {

class ProxyServer;
using Argv = std::span<const std::string_view>;
using CommandFn = void (*)(ProxyServer& proxy, net::Session& session,
                           Argv argv);

// A reply the command will write later, once its quorum ops are done. Holds
// no pointer to the session, which may close meanwhile.
class LaterReply {
 public:
  LaterReply(net::Server* server, net::Session& session)
      : server_(server),
        slot_(session.Defer()),
        protocol_(session.protocol()) {}

  int protocol() const { return protocol_; }
  // Sends `reply`, a complete RESP reply.
  void Send(std::string&& reply) const {
    server_->Complete(slot_, std::move(reply));
  }
  void Error(std::string_view message) const;

 private:
  net::Server* server_;
  net::ReplySlot slot_;
  int protocol_;
};

// The proxy's request handler: looks the command up in the table (unknown
// commands and arity errors are answered there) and runs it.
class ProxyServer : public net::RequestHandler {
 public:
  ProxyServer(const cluster::Config& config, uv_loop_t* loop);

  // Opens the client listener; the caller runs the loop.
  cluster::Status Start();
  void Stop();

  void OnRequest(net::Session& session, Argv argv) override;

  Coordinator& coordinator() { return coordinator_; }
  net::Server* server() { return server_; }
  const cluster::Config& config() const { return config_; }
  uint64_t uptime_ms() const { return uv_now(loop_) - start_ms_; }
  uint64_t commands_processed() const { return commands_processed_; }
  LaterReply Later(net::Session& session) {
    return LaterReply(server_, session);
  }

 private:
  const cluster::Config& config_;
  uv_loop_t* loop_;
  Coordinator coordinator_;
  net::Server* server_ = nullptr;  // frees itself after Close()
  resp::CommandTable<CommandFn> commands_;
  uint64_t start_ms_;
  uint64_t commands_processed_ = 0;
};

// Command families, each in its own file.
void AddConnectionCommands(resp::CommandTable<CommandFn>& table);
void AddServerCommands(resp::CommandTable<CommandFn>& table);
void AddStringCommands(resp::CommandTable<CommandFn>& table);
void AddKeyspaceCommands(resp::CommandTable<CommandFn>& table);

}  // namespace leaderless::proxy
