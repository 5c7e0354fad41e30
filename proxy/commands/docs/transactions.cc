// Documentation of MULTI, EXEC, DISCARD, WATCH and UNWATCH as Redis
// 7.0.15's COMMAND DOCS and COMMAND INFO report them. leaderless refuses
// WATCH and UNWATCH with an error, but documents them as Redis does so that
// clients find the commands they will call.

#include "proxy/commands/docs/command_docs.h"

namespace leaderless::proxy {

std::vector<CommandDoc> TransactionCommandDocs() {
  return {{.name = "multi",
           .summary = "Mark the start of a transaction block",
           .since = "1.2.0",
           .group = "transactions",
           .complexity = "O(1)"},
          {.name = "exec",
           .summary = "Execute all commands issued after MULTI",
           .since = "1.2.0",
           .group = "transactions",
           .complexity = "Depends on commands in the transaction"},
          {.name = "discard",
           .summary = "Discard all commands issued after MULTI",
           .since = "2.0.0",
           .group = "transactions",
           .complexity = "O(N), when N is the number of queued commands"},
          {.name = "watch",
           .summary = "Watch the given keys to determine execution of the "
                      "MULTI/EXEC block",
           .since = "2.2.0",
           .group = "transactions",
           .complexity = "O(1) for every key.",
           .key_spec_flags = {"RO"},
           .arguments = {{.name = "key",
                          .type = "key",
                          .flags = ArgDoc::kMultiple}}},
          {.name = "unwatch",
           .summary = "Forget about all watched keys",
           .since = "2.2.0",
           .group = "transactions",
           .complexity = "O(1)"}};
}

}  // namespace leaderless::proxy
