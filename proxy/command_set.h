#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/net/server.h"
#include "protocol/resp/command_table.h"
#include "protocol/resp/reply_writer.h"

namespace leaderless::proxy {

class ProxyServer;
struct KeyCall;
using Argv = std::span<const std::string_view>;
using CommandFn = void (*)(ProxyServer& proxy, net::Session& session,
                           Argv argv);
// A command on keys, run once its keys' turn came (key_command.h).
using KeyCommandFn = void (*)(KeyCall& call);

// What runs a command: `run`, or for a command on keys `on_keys`, which
// the server (or EXEC, under the transaction's keys) runs with the context
// it gives, over the keys the command's CommandMeta names.
struct CommandHandler {
  // Implicit: most commands are a plain CommandFn.
  CommandHandler(CommandFn fn) : run(fn) {}  // NOLINT(runtime/explicit)
  // `read_only`: its turns on keys may be shared (key_locks.h).
  static CommandHandler OnKeys(KeyCommandFn fn, bool read_only) {
    CommandHandler handler(nullptr);
    handler.on_keys = fn;
    handler.read_only = read_only;
    return handler;
  }

  CommandFn run;
  KeyCommandFn on_keys = nullptr;
  bool read_only = false;
};
using CommandTable = resp::CommandTable<CommandHandler>;

// Where the reply to the request being handled goes: session.Reply(), or
// the transaction's slot while EXEC runs the command (client_state.h).
std::string& ReplyBuffer(net::Session& session);

// A writer for the reply to the request being handled, in the session's
// protocol. Requires: called once per request (see Session::Reply()).
inline resp::ReplyWriter ReplyNow(net::Session& session) {
  return resp::ReplyWriter(&ReplyBuffer(session), session.protocol());
}

// Redis's reply to "<CONTAINER> HELP": a header line, `lines` (alternately
// a usage and its indented explanation), then HELP's own entry; each line a
// simple string, as Redis's addReplyHelp writes them.
void WriteHelp(resp::ReplyWriter& out, std::string_view container,
               std::initializer_list<std::string_view> lines);

// Whether `meta` carries the COMMAND flag `flag` ("no_auth", "write"...).
bool HasFlag(const resp::CommandMeta& meta, std::string_view flag);

// A subcommand of a container command (CLIENT SETNAME is "client|setname").
// Redis 7 treats it as a command of its own: its own arity (counting the
// container's name, as Redis does), flags and ACL categories, and errors
// that name it.
struct Subcommand {
  std::string name;  // "container|sub", lowercase
  int arity;
  CommandFn handler;
  resp::CommandMeta meta;
};

// The command or subcommand a request names.
struct ResolvedCommand {
  std::string_view name;  // views a name owned by the CommandSet
  CommandFn handler;      // null for a command on keys
  const resp::CommandMeta* meta;
  KeyCommandFn on_keys = nullptr;  // set for a command on keys
  bool read_only = false;          // a command on keys that writes none
};

// Every command the proxy answers: Redis's table of commands plus the
// subcommands of container commands (CLIENT, COMMAND, CONFIG). Built once at
// startup, then read-only.
class CommandSet {
 public:
  CommandTable& table() { return table_; }
  const CommandTable& table() const { return table_; }

  // Declares a container. `handler` answers the container alone (COMMAND
  // with no argument); nullptr when its arity requires a subcommand.
  void AddContainer(std::string name, int arity, CommandFn handler,
                    resp::CommandMeta meta);
  // Adds `sub` ("client|setname") to its container. Requires: the container
  // was declared.
  void AddSubcommand(Subcommand sub);

  // The command argv names. Redis checks existence and arity before
  // authentication, so a failure here is answered to anyone: false, with
  // `*error` set to Redis's unknown command, unknown subcommand or arity
  // error. Requires: !argv.empty().
  bool Resolve(Argv argv, ResolvedCommand* out, std::string* error) const;

  // The subcommands of `container` in the order they were added; empty for
  // a command that is no container.
  const std::vector<Subcommand>& SubcommandsOf(
      std::string_view container) const;

 private:
  CommandTable table_;
  std::map<std::string, std::vector<Subcommand>, std::less<>> subcommands_;
};

}  // namespace leaderless::proxy
