// Documentation of the whole-keyspace commands (SCAN, KEYS, DBSIZE,
// RANDOMKEY, FLUSHALL, FLUSHDB), as Redis 7.0.15's COMMAND DOCS and COMMAND
// INFO report them.

#include "proxy/commands/docs/command_docs.h"

namespace leaderless::proxy {
namespace {

std::vector<ArgDoc> FlushArguments() {
  return {{.name = "async",  // sic: Redis 7.0 names the group so
           .type = "oneof",
           .flags = ArgDoc::kOptional,
           .arguments = {{.name = "async",
                          .type = "pure-token",
                          .token = "ASYNC",
                          .since = "4.0.0"},
                         {.name = "sync",
                          .type = "pure-token",
                          .token = "SYNC",
                          .since = "6.2.0"}}}};
}

const std::vector<std::pair<std::string_view, std::string_view>> kFlushHistory =
    {{"4.0.0", "Added the `ASYNC` flushing mode modifier."},
     {"6.2.0", "Added the `SYNC` flushing mode modifier."}};

}  // namespace

std::vector<CommandDoc> KeyspaceCommandDocs() {
  return {
      {.name = "scan",
       .summary = "Incrementally iterate the keys space",
       .since = "2.8.0",
       .group = "generic",
       .complexity = "O(1) for every call. O(N) for a complete iteration, "
                     "including enough command calls for the cursor to "
                     "return back to 0. N is the number of elements inside "
                     "the collection.",
       .history = {{"6.0.0", "Added the `TYPE` subcommand."}},
       .tips = {"nondeterministic_output", "request_policy:special"},
       .arguments = {{.name = "cursor", .type = "integer"},
                     {.name = "pattern",
                      .type = "pattern",
                      .token = "MATCH",
                      .flags = ArgDoc::kOptional},
                     {.name = "count",
                      .type = "integer",
                      .token = "COUNT",
                      .flags = ArgDoc::kOptional},
                     {.name = "type",
                      .type = "string",
                      .token = "TYPE",
                      .since = "6.0.0",
                      .flags = ArgDoc::kOptional}}},
      {.name = "keys",
       .summary = "Find all keys matching the given pattern",
       .since = "1.0.0",
       .group = "generic",
       .complexity = "O(N) with N being the number of keys in the database, "
                     "under the assumption that the key names in the "
                     "database and the given pattern have limited length.",
       .tips = {"request_policy:all_shards", "nondeterministic_output_order"},
       .arguments = {{.name = "pattern", .type = "pattern"}}},
      {.name = "dbsize",
       .summary = "Return the number of keys in the selected database",
       .since = "1.0.0",
       .group = "server",
       .complexity = "O(1)",
       .tips = {"request_policy:all_shards", "response_policy:agg_sum"}},
      {.name = "randomkey",
       .summary = "Return a random key from the keyspace",
       .since = "1.0.0",
       .group = "generic",
       .complexity = "O(1)",
       .tips = {"request_policy:all_shards", "nondeterministic_output"}},
      {.name = "flushall",
       .summary = "Remove all keys from all databases",
       .since = "1.0.0",
       .group = "server",
       .complexity = "O(N) where N is the total number of keys in all "
                     "databases",
       .history = kFlushHistory,
       .tips = {"request_policy:all_shards", "response_policy:all_succeeded"},
       .arguments = FlushArguments()},
      {.name = "flushdb",
       .summary = "Remove all keys from the current database",
       .since = "1.0.0",
       .group = "server",
       .complexity = "O(N) where N is the number of keys in the selected "
                     "database",
       .history = kFlushHistory,
       .tips = {"request_policy:all_shards", "response_policy:all_succeeded"},
       .arguments = FlushArguments()},
  };
}

}  // namespace leaderless::proxy
