// INFO [section ...]: Redis 7.0's sections, with the values a proxy has,
// plus the cluster's view in # Cluster. The layout is Redis's: "# Name"
// headers, "field:value" lines ending in CRLF, an empty line between
// sections, sections always in Redis's order whatever order they are asked
// in; a bulk string in RESP2, a verbatim string in RESP3.
//
// What differs, because a proxy holds no data: used_memory is the proxy's
// resident set size; # Persistence always reads as idle (the replicas keep
// the data); # Keyspace is empty (counting keys would need every replica's
// count); there are no # Errorstats, # Commandstats or # Latencystats.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/server.cc.

#include <cstdio>
#include <random>

#include "protocol/net/clock.h"
#include "protocol/net/process_info.h"
#include "protocol/resp/info_text.h"
#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

using resp::AppendInfoField;

// Redis's bytesToHuman: "512B", "1.50K", "3.00M"...
std::string HumanBytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + "B";
  constexpr char kUnits[] = "KMGTPE";
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < sizeof(kUnits) - 1) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f%c", value, kUnits[unit]);
  return buf;
}

// 40 random hex digits, fixed for the process's life, as Redis's run_id.
const std::string& RunId() {
  static const std::string id = [] {
    std::random_device random;
    std::string hex;
    while (hex.size() < 40) hex += "0123456789abcdef"[random() % 16];
    return hex;
  }();
  return id;
}

void WriteServer(ProxyServer& proxy, std::string* out) {
  AppendInfoField(out, "redis_version", kRedisVersion);
  AppendInfoField(out, "redis_git_sha1", "00000000");
  AppendInfoField(out, "redis_git_dirty", "0");
  AppendInfoField(out, "redis_mode", "standalone");
  AppendInfoField(out, "os", net::OsName());
  AppendInfoField(out, "arch_bits", sizeof(void*) * 8);
  AppendInfoField(out, "process_id", net::ProcessId());
  AppendInfoField(out, "run_id", RunId());
  AppendInfoField(out, "tcp_port", proxy.server()->port());
  net::WallTime now = net::WallNow();
  AppendInfoField(out, "server_time_usec", now.sec * 1000000 + now.usec);
  AppendInfoField(out, "uptime_in_seconds", proxy.uptime_ms() / 1000);
  AppendInfoField(out, "uptime_in_days", proxy.uptime_ms() / (86400 * 1000));
  AppendInfoField(out, "leaderless_role", "proxy");
  AppendInfoField(out, "proxy_id", proxy.config().proxy_id);
}

void WriteClients(ProxyServer& proxy, std::string* out) {
  AppendInfoField(out, "connected_clients", proxy.server()->session_count());
  AppendInfoField(out, "cluster_connections", "0");
  AppendInfoField(out, "maxclients", proxy.config().maxclients);
  AppendInfoField(out, "blocked_clients", "0");
  AppendInfoField(out, "tracking_clients", "0");
}

void WriteMemory(ProxyServer&, std::string* out) {
  uint64_t rss = net::ResidentSetBytes();
  for (std::string_view field : {"used_memory", "used_memory_rss"}) {
    AppendInfoField(out, field, static_cast<int64_t>(rss));
    AppendInfoField(out, std::string(field) + "_human", HumanBytes(rss));
  }
  AppendInfoField(out, "maxmemory", "0");
  AppendInfoField(out, "maxmemory_human", "0B");
  AppendInfoField(out, "maxmemory_policy", "noeviction");
  AppendInfoField(out, "mem_allocator", "libc");
}

void WritePersistence(ProxyServer&, std::string* out) {
  for (std::string_view field :
       {"loading", "async_loading", "rdb_changes_since_last_save",
        "rdb_bgsave_in_progress", "aof_enabled", "aof_rewrite_in_progress"}) {
    AppendInfoField(out, field, "0");
  }
  AppendInfoField(out, "rdb_last_bgsave_status", "ok");
  AppendInfoField(out, "aof_last_write_status", "ok");
}

void WriteStats(ProxyServer& proxy, std::string* out) {
  AppendInfoField(out, "total_connections_received",
                  proxy.server()->total_connections());
  AppendInfoField(out, "total_commands_processed", proxy.commands_processed());
  AppendInfoField(out, "instantaneous_ops_per_sec", proxy.ops_per_sec());
}

void WriteReplication(ProxyServer&, std::string* out) {
  AppendInfoField(out, "role", "master");
  AppendInfoField(out, "connected_slaves", "0");
  AppendInfoField(out, "master_failover_state", "no-failover");
  AppendInfoField(out, "master_repl_offset", "0");
}

std::string CpuSeconds(const net::CpuTime& t) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(t.sec),
                static_cast<long>(t.usec));
  return buf;
}

void WriteCpu(ProxyServer&, std::string* out) {
  net::CpuUsage usage = net::ProcessCpuUsage();
  AppendInfoField(out, "used_cpu_sys", CpuSeconds(usage.system));
  AppendInfoField(out, "used_cpu_user", CpuSeconds(usage.user));
  AppendInfoField(out, "used_cpu_sys_children", "0.000000");
  AppendInfoField(out, "used_cpu_user_children", "0.000000");
}

void WriteModules(ProxyServer&, std::string*) {}

void WriteClusterSettings(ProxyServer& proxy, std::string* out) {
  const cluster::Config& c = proxy.config();
  AppendInfoField(out, "cluster_enabled", "0");  // what Redis clients look for
  AppendInfoField(out, "replication_factor", c.replication_factor);
  AppendInfoField(out, "read_quorum", c.read_quorum);
  AppendInfoField(out, "write_quorum", c.write_quorum);
  AppendInfoField(out, "request_timeout_ms", c.request_timeout_ms);
  AppendInfoField(out, "sloppy_quorum", c.sloppy_quorum ? "yes" : "no");
  AppendInfoField(out, "read_repair", cluster::ReadRepairName(c.read_repair));
  const Coordinator::Counters& n = proxy.coordinator().counters();
  AppendInfoField(out, "quorum_failures", n.quorum_failures);
  AppendInfoField(out, "sloppy_writes", n.sloppy_writes);
  AppendInfoField(out, "hinted_writes", n.hinted_writes);
  AppendInfoField(out, "read_repairs", n.read_repairs);
  AppendInfoField(out, "speculative_reads", n.speculative_reads);
  AppendInfoField(out, "read_retries", n.read_retries);
  AppendInfoField(out, "digest_reads", n.digest_reads);
  AppendInfoField(out, "digest_mismatches", n.digest_mismatches);
  AppendInfoField(out, "restamped_writes", n.restamped_writes);
  AppendInfoField(out, "versions_ahead_not_followed", n.versions_ahead);
  AppendInfoField(out, "max_clock_offset_ms", c.max_clock_offset_ms);
}

// replica<i>:id=r1,addr=host:port,state=up|down,state_age_s=<s>,
// in_flight=<requests>,refused=<requests refused on a full link>,
// waiting=<requests waiting for room in the link's byte budget>
// and, while replica i refuses this proxy's connections, a line of its own
// (the error text may hold commas):
// replica<i>_refused_by:<the replica's error, e.g. WRONGPASS ...>
void WriteCluster(ProxyServer& proxy, std::string* out) {
  WriteClusterSettings(proxy, out);
  const auto replicas = proxy.coordinator().Replicas();
  AppendInfoField(out, "replicas", static_cast<int64_t>(replicas.size()));
  AppendInfoField(out, "replicas_up",
                  std::count_if(replicas.begin(), replicas.end(),
                                [](const auto& r) { return r.up; }));
  for (size_t i = 0; i < replicas.size(); ++i) {
    const Coordinator::ReplicaState& r = replicas[i];
    AppendInfoField(out, "replica" + std::to_string(i),
                    "id=" + r.address->id + ",addr=" + r.address->host + ":" +
                        std::to_string(r.address->port) +
                        ",state=" + (r.up ? "up" : "down") + ",state_age_s=" +
                        std::to_string(r.state_age_ms / 1000) +
                        ",in_flight=" + std::to_string(r.in_flight) +
                        ",refused=" + std::to_string(r.refused) +
                        ",waiting=" + std::to_string(r.waiting));
    if (!r.refused_by.empty()) {
      AppendInfoField(out, "replica" + std::to_string(i) + "_refused_by",
                      r.refused_by);
    }
  }
}

void WriteKeyspace(ProxyServer&, std::string*) {}

struct Section {
  std::string_view name;
  std::string_view title;
  void (*write)(ProxyServer& proxy, std::string* out);
};

// Redis's order. All of them are in INFO's default set.
constexpr Section kSections[] = {
    {"server", "Server", &WriteServer},
    {"clients", "Clients", &WriteClients},
    {"memory", "Memory", &WriteMemory},
    {"persistence", "Persistence", &WritePersistence},
    {"stats", "Stats", &WriteStats},
    {"replication", "Replication", &WriteReplication},
    {"cpu", "CPU", &WriteCpu},
    {"modules", "Modules", &WriteModules},
    {"cluster", "Cluster", &WriteCluster},
    {"keyspace", "Keyspace", &WriteKeyspace},
};

// Whether INFO `args` asks for `section`: no argument, "default", "all" and
// "everything" mean every section; unknown names select nothing.
bool Wanted(Argv args, std::string_view section) {
  if (args.empty()) return true;
  return std::any_of(args.begin(), args.end(), [section](std::string_view a) {
    return ArgIs(a, section) || ArgIs(a, "default") || ArgIs(a, "all") ||
           ArgIs(a, "everything");
  });
}

void Info(ProxyServer& proxy, net::Session& s, Argv argv) {
  std::string text;
  for (const Section& section : kSections) {
    if (!Wanted(argv.subspan(1), section.name)) continue;
    resp::AppendInfoSection(&text, section.title);
    section.write(proxy, &text);
  }
  ReplyNow(s).Verbatim(text);
}

}  // namespace

void AddInfoCommand(CommandSet& commands) {
  commands.table().Add(
      "info", -1, &Info,
      {.flags = {"loading", "stale"}, .categories = {"@slow", "@dangerous"}});
}

}  // namespace leaderless::proxy
