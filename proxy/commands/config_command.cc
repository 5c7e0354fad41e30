// CONFIG GET | SET | HELP. GET answers the parameters clients and tools ask
// Redis for (save, appendonly, maxmemory, databases...) with the values that
// describe the proxy, plus leaderless's own directives. The configuration
// is fixed once the proxy runs: SET is refused with an error that says so.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/server.cc.

#include <algorithm>
#include <utility>
#include <vector>

#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/commands/glob.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

using Parameters = std::vector<std::pair<std::string_view, std::string>>;

std::string YesNo(bool value) { return value ? "yes" : "no"; }

// Redis's format, with the proxy's one limit in the normal class and
// Redis's defaults for the classes a proxy has no clients of.
std::string OutputBufferLimit(const cluster::Config& c) {
  return "normal " + std::to_string(c.client_output_buffer_limit) +
         " 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
}

// Every parameter CONFIG GET knows, with its value. First what a proxy is
// in Redis's terms: no persistence of its own (the replicas keep the data),
// no eviction, one database, no idle timeout; then leaderless's directives.
Parameters AllParameters(ProxyServer& proxy) {
  const cluster::Config& c = proxy.config();
  return {
      {"save", ""},
      {"appendonly", "no"},
      {"maxmemory", "0"},
      {"maxmemory-policy", "noeviction"},
      {"databases", "1"},
      {"timeout", "0"},
      {"tcp-keepalive", "0"},
      {"daemonize", "no"},
      {"protected-mode", YesNo(c.protected_mode)},
      {"loglevel", "notice"},
      {"cluster-enabled", "no"},
      {"replicaof", ""},
      {"slaveof", ""},
      {"notify-keyspace-events", ""},
      {"port", std::to_string(proxy.server()->port())},
      {"bind", c.bind},
      {"maxclients", std::to_string(c.maxclients)},
      {"requirepass", c.requirepass},
      {"logfile", c.logfile},
      {"appendfsync", std::string(cluster::AppendFsyncName(c.appendfsync))},
      {"proto-max-bulk-len", std::to_string(c.proto_max_bulk_len)},
      {"client-query-buffer-limit",
       std::to_string(c.client_query_buffer_limit)},
      {"client-output-buffer-limit", OutputBufferLimit(c)},
      {"proxy-id", std::to_string(c.proxy_id)},
      {"replication-factor", std::to_string(c.replication_factor)},
      {"read-quorum", std::to_string(c.read_quorum)},
      {"write-quorum", std::to_string(c.write_quorum)},
      {"tokens-per-replica", std::to_string(c.tokens_per_replica)},
      {"request-timeout-ms", std::to_string(c.request_timeout_ms)},
      {"max-clock-offset-ms", std::to_string(c.max_clock_offset_ms)},
      {"sloppy-quorum", YesNo(c.sloppy_quorum)},
      {"stand-in-notfound-ok", YesNo(c.stand_in_notfound_ok)},
      {"read-repair", std::string(cluster::ReadRepairName(c.read_repair))},
      {"replica-link-max-in-flight",
       std::to_string(c.replica_link_max_in_flight)},
      {"replica-down-after-timeouts",
       std::to_string(c.replica_down_after_timeouts)},
  };
}

bool IsPlain(std::string_view pattern) {
  return pattern.find_first_of("*?[") == std::string_view::npos;
}

// As in Redis, a pattern without '*', '?' or '[' names one parameter.
bool Selects(std::string_view pattern, std::string_view name) {
  return IsPlain(pattern) ? ArgIs(pattern, name)
                          : GlobMatch(pattern, name, true);
}

// The first of `patterns` that selects `name`, or nullptr.
const std::string_view* FirstSelecting(Argv patterns, std::string_view name) {
  for (const std::string_view& pattern : patterns) {
    if (Selects(pattern, name)) return &pattern;
  }
  return nullptr;
}

// CONFIG GET pattern [pattern ...]: each matching parameter once, in the
// table's order, as a map (a flat array in RESP2). Patterns match in any
// case; as in Redis, a parameter selected by its plain name is reported
// under the name as the client wrote it ("CONFIG GET SAVE" gives "SAVE").
void Get(ProxyServer& proxy, net::Session& s, Argv argv) {
  Parameters matches;
  for (auto& [name, value] : AllParameters(proxy)) {
    const std::string_view* pattern = FirstSelecting(argv.subspan(2), name);
    if (pattern == nullptr) continue;
    matches.emplace_back(IsPlain(*pattern) ? *pattern : name, std::move(value));
  }
  resp::ReplyWriter out = ReplyNow(s);
  out.MapHeader(matches.size());
  for (const auto& [name, value] : matches) {
    out.Bulk(name);
    out.Bulk(value);
  }
}

// CONFIG SET parameter value [parameter value ...]: Redis's errors for a
// malformed request or an unknown parameter, a clear refusal otherwise.
void Set(ProxyServer& proxy, net::Session& s, Argv argv) {
  resp::ReplyWriter out = ReplyNow(s);
  if (argv.size() % 2 != 0) return out.Error(kSyntaxError);
  const std::string name(argv[2]);
  const Parameters all = AllParameters(proxy);
  if (std::none_of(all.begin(), all.end(),
                   [&name](const auto& p) { return ArgIs(name, p.first); })) {
    return out.Error(
        "ERR Unknown option or number of arguments for CONFIG SET - '" + name +
        "'");
  }
  out.Error("ERR CONFIG SET is not supported by leaderless: set '" + name +
            "' in the configuration file and restart the proxy");
}

void Help(ProxyServer&, net::Session& s, Argv) {
  resp::ReplyWriter out = ReplyNow(s);
  WriteHelp(out, "CONFIG",
            {"GET <pattern>",
             "    Return parameters matching the glob-like <pattern> and their "
             "values.",
             "SET <directive> <value>",
             "    Not supported: leaderless reads its configuration at "
             "startup only."});
}

}  // namespace

void AddConfigCommand(CommandSet& commands) {
  const resp::CommandMeta kAdmin{
      .flags = {"admin", "noscript", "loading", "stale"},
      .categories = {"@admin", "@slow", "@dangerous"}};
  commands.AddContainer("config", -2, nullptr,
                        {.flags = {}, .categories = {"@slow"}});
  commands.AddSubcommand({"config|get", -3, &Get, kAdmin});
  commands.AddSubcommand({"config|set", -4, &Set, kAdmin});
  commands.AddSubcommand(
      {"config|help",
       2,
       &Help,
       {.flags = {"loading", "stale"}, .categories = {"@slow"}}});
}

}  // namespace leaderless::proxy
