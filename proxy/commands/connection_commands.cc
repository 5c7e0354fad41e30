// Commands about the connection, answered by the proxy without asking
// replicas: PING, ECHO, SELECT, QUIT, RESET.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/server.cc.

#include "proxy/args.h"
#include "proxy/commands/auth.h"
#include "proxy/commands/command_families.h"
#include "proxy/proxy_server.h"
#include "proxy/transaction.h"

namespace leaderless::proxy {
namespace {

void Ping(ProxyServer&, net::Session& s, Argv argv) {
  resp::ReplyWriter out = ReplyNow(s);
  if (argv.size() > 2) {
    out.Error(resp::ArityError("ping"));
  } else if (argv.size() == 2) {
    out.Bulk(argv[1]);
  } else {
    out.SimpleString("PONG");
  }
}

void Echo(ProxyServer&, net::Session& s, Argv argv) {
  ReplyNow(s).Bulk(argv[1]);
}

// leaderless has one keyspace, database 0.
void Select(ProxyServer&, net::Session& s, Argv argv) {
  resp::ReplyWriter out = ReplyNow(s);
  std::optional<int64_t> db = ParseInt64(argv[1]);
  if (!db) {
    out.Error(kNotInteger);
  } else if (*db != 0) {
    out.Error("ERR DB index is out of range");
  } else {
    out.SimpleString("OK");
  }
}

// As Redis: +OK, then the connection closes; requests pipelined after QUIT
// are not executed.
void Quit(ProxyServer&, net::Session& s, Argv) {
  ReplyNow(s).SimpleString("OK");
  s.CloseAfterReplies();
}

// Back to a new connection's state: RESP2, no name, no transaction, and
// logged out when a password is set. The library attributes stay, as in
// Redis 7.2: they describe the client program, which RESET does not change.
void Reset(ProxyServer& proxy, net::Session& s, Argv) {
  ClientState& client = proxy.Client(s);
  client.name.clear();
  DiscardMulti(s, client);
  proxy.SetAuthenticated(s, proxy.AuthenticatedByDefault());
  s.set_protocol(2);
  ReplyNow(s).SimpleString("RESET");
}

}  // namespace

void AddConnectionCommands(CommandSet& commands) {
  const resp::CommandMeta kFast{.flags = {"loading", "stale", "fast"},
                                .categories = {"@fast", "@connection"}};
  CommandTable& table = commands.table();
  table.Add("ping", -1, &Ping,
            {.flags = {"fast"}, .categories = {"@fast", "@connection"}});
  table.Add("echo", 2, &Echo, kFast);
  table.Add("select", 2, &Select, kFast);
  table.Add("quit", -1, &Quit, NoAuthMeta());
  table.Add("reset", 1, &Reset, NoAuthMeta());
}

}  // namespace leaderless::proxy
