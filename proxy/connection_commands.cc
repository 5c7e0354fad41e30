// Commands about the connection and the server itself, answered by the
// proxy without asking replicas.

#include "proxy/args.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

resp::ReplyWriter Writer(net::Session& s) {
  return resp::ReplyWriter(&s.Reply(), s.protocol());
}

void Ping(ProxyServer&, net::Session& s, Argv argv) {
  if (argv.size() > 2) {
    Writer(s).Error(resp::ArityError("ping"));
  } else if (argv.size() == 2) {
    Writer(s).Bulk(argv[1]);
  } else {
    Writer(s).SimpleString("PONG");
  }
}

void Echo(ProxyServer&, net::Session& s, Argv argv) { Writer(s).Bulk(argv[1]); }

void Quit(ProxyServer&, net::Session& s, Argv) {
  Writer(s).SimpleString("OK");
  s.CloseAfterReplies();
}

// leaderless has one keyspace, database 0.
void Select(ProxyServer&, net::Session& s, Argv argv) {
  std::optional<int64_t> db = ParseInt64(argv[1]);
  if (!db) {
    Writer(s).Error(kNotInteger);
  } else if (*db != 0) {
    Writer(s).Error("ERR DB index is out of range");
  } else {
    Writer(s).SimpleString("OK");
  }
}

std::string InfoText(ProxyServer& proxy) {
  const cluster::Config& c = proxy.config();
  std::string out =
      "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\n";
  out += "leaderless_role:proxy\r\nproxy_id:" + std::to_string(c.proxy_id) +
         "\r\n";
  out += "process_id:" + std::to_string(uv_os_getpid()) + "\r\n";
  out += "tcp_port:" + std::to_string(proxy.server()->port()) + "\r\n";
  out +=
      "uptime_in_seconds:" + std::to_string(proxy.uptime_ms() / 1000) + "\r\n";
  out += "\r\n# Clients\r\nconnected_clients:" +
         std::to_string(proxy.server()->session_count()) + "\r\n";
  out += "\r\n# Stats\r\ntotal_connections_received:" +
         std::to_string(proxy.server()->total_connections()) + "\r\n";
  out +=
      "total_commands_processed:" + std::to_string(proxy.commands_processed()) +
      "\r\n";
  out += "quorum_failures:" +
         std::to_string(proxy.coordinator().counters().quorum_failures) + "\r\n";
  out += "\r\n# Cluster\r\nreplication_factor:" +
         std::to_string(c.replication_factor) +
         "\r\nread_quorum:" + std::to_string(c.read_quorum) +
         "\r\nwrite_quorum:" + std::to_string(c.write_quorum) +
         "\r\nreplicas:" + std::to_string(c.replicas.size()) + "\r\n";
  int i = 0;
  for (const auto& r : proxy.coordinator().Replicas()) {
    out += "replica" + std::to_string(i++) + ":id=" + r.address->id +
           ",addr=" + r.address->host + ":" + std::to_string(r.address->port) +
           ",state=" + (r.up ? "up" : "down") +
           ",state_age_s=" + std::to_string(r.state_age_ms / 1000) +
           ",in_flight=" + std::to_string(r.in_flight) + "\r\n";
  }
  return out;
}

void Info(ProxyServer& proxy, net::Session& s, Argv) {
  Writer(s).Verbatim(InfoText(proxy));
}

}  // namespace

void AddConnectionCommands(resp::CommandTable<CommandFn>& table) {
  table.Add("ping", -1, &Ping);
  table.Add("echo", 2, &Echo);
  table.Add("quit", -1, &Quit);
  table.Add("select", 2, &Select);
  table.Add("info", -1, &Info);
}

}  // namespace leaderless::proxy
