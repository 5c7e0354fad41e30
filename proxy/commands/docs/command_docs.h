#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "protocol/resp/reply_writer.h"
#include "proxy/command_set.h"

namespace leaderless::proxy {

// One argument of a command, in Redis 7's model of arguments (what COMMAND
// DOCS reports and redis-cli turns into its hints): a typed value, a pure
// token, or a oneof/block group of arguments.
struct ArgDoc {
  enum Flag : unsigned { kOptional = 1, kMultiple = 2, kMultipleToken = 4 };
  std::string_view name{};
  // key, string, integer, double, pattern, unix-time, pure-token, oneof,
  // block.
  std::string_view type{};
  std::string_view token{};  // "" = none
  std::string_view since{};  // "" = as old as the command
  unsigned flags = 0;
  std::vector<ArgDoc> arguments{};  // of a oneof or block
};

// A command's documentation, as Redis 7.0's command table holds it.
struct CommandDoc {
  std::string_view name{};  // "set", "client|setname"
  std::string_view summary{};
  std::string_view since{};
  std::string_view group{};  // "connection", "server", "string", "generic"
  std::string_view complexity{};
  std::string_view deprecated_since{};  // "" = not deprecated
  std::string_view replaced_by{};
  std::vector<std::pair<std::string_view, std::string_view>> history{};
  // Hints for clients and cluster proxies ("nondeterministic_output"),
  // reported by COMMAND INFO.
  std::vector<std::string_view> tips{};
  // COMMAND INFO's key spec: its flags ("RW", "access", "update"...) and
  // notes; its position comes from the command's CommandMeta. Empty for a
  // command without keys.
  std::string_view key_spec_notes{};
  std::vector<std::string_view> key_spec_flags{};
  std::vector<ArgDoc> arguments{};
};

// The documentation tables, by family.
std::vector<CommandDoc> ServerCommandDocs();       // connection and server
std::vector<CommandDoc> KeyCommandDocs();          // string and generic (keys)
std::vector<CommandDoc> KeyspaceCommandDocs();     // SCAN, KEYS, FLUSHALL...
std::vector<CommandDoc> TransactionCommandDocs();  // MULTI, EXEC, WATCH...

// The documentation of `name` (lowercase), or nullptr if it has none.
const CommandDoc* FindCommandDoc(std::string_view name);

// Writes COMMAND DOCS's entry for `name`, a command or subcommand of
// `commands`: its name, then the map of its documentation (with its
// subcommands' for a container). A command without documentation gets
// empty texts, so that clients that read every field still work.
void WriteCommandDocs(resp::ReplyWriter& out, const CommandSet& commands,
                      std::string_view name);

}  // namespace leaderless::proxy
