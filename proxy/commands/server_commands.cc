// Commands about the server that need no state of their own: TIME.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/server.cc.

#include "protocol/net/clock.h"
#include "proxy/commands/command_families.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

// The proxy's wall clock: [seconds, microseconds], both as bulk strings.
void Time(ProxyServer&, net::Session& s, Argv) {
  net::WallTime now = net::WallNow();
  resp::ReplyWriter out = ReplyNow(s);
  out.ArrayHeader(2);
  out.Bulk(std::to_string(now.sec));
  out.Bulk(std::to_string(now.usec));
}

}  // namespace

void AddServerCommands(CommandSet& commands) {
  commands.table().Add(
      "time", 1, &Time,
      {.flags = {"loading", "stale", "fast"}, .categories = {"@fast"}});
}

}  // namespace leaderless::proxy
