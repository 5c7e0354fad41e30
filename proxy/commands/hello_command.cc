// HELLO [protover [AUTH username password] [SETNAME clientname]]: switches
// the connection's protocol and describes the server, as Redis 7.0 does.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/server.cc.

#include <string_view>

#include "proxy/args.h"
#include "proxy/commands/auth.h"
#include "proxy/commands/command_families.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

// The requested protocol, 0 when HELLO has no argument; "" or an error.
std::string ParseProtocol(Argv argv, int* protocol) {
  *protocol = 0;
  if (argv.size() < 2) return "";
  std::optional<int64_t> v = ParseInt64(argv[1]);
  if (!v) return "ERR Protocol version is not an integer or out of range";
  if (*v < 2 || *v > 3) return "NOPROTO unsupported protocol version";
  *protocol = static_cast<int>(*v);
  return "";
}

// Applies the options in order, as Redis 7.0 does: an option takes effect
// even when a later one fails (HELLO 3 SETNAME a BOGUS sets the name). "" or
// the error of the first option that failed.
//
// One exception: a client not logged in gets its name only once an AUTH
// option has logged it in, so that HELLO changes nothing before
// authentication. Redis 7.0 set the name first and then answered NOAUTH;
// Redis 7.2 checks authentication before it sets the name.
std::string ApplyOptions(ProxyServer& proxy, net::Session& s, Argv argv) {
  ClientState& client = proxy.Client(s);
  const std::string_view* name = nullptr;  // in argv; held until logged in
  for (size_t i = 2; i < argv.size(); ++i) {
    const size_t more = argv.size() - 1 - i;
    if (ArgIs(argv[i], "auth") && more >= 2) {
      if (!Authenticate(proxy, s, argv[i + 1], argv[i + 2]))
        return resp::kWrongPass;
      i += 2;
    } else if (ArgIs(argv[i], "setname") && more >= 1) {
      if (!IsValidClientAttribute(argv[i + 1])) return kInvalidClientName;
      name = &argv[++i];
    } else {
      return "ERR Syntax error in HELLO option '" + std::string(argv[i]) + "'";
    }
    if (name && client.authenticated) {
      client.name = *name;
      name = nullptr;
    }
  }
  return "";
}

void WriteServerMap(const net::Session& s, resp::ReplyWriter& out) {
  out.MapHeader(7);
  out.Bulk("server");
  out.Bulk("redis");
  out.Bulk("version");
  out.Bulk(kRedisVersion);
  out.Bulk("proto");
  out.Integer(s.protocol());
  out.Bulk("id");
  out.Integer(static_cast<int64_t>(s.id()));
  out.Bulk("mode");
  out.Bulk("standalone");
  out.Bulk("role");
  out.Bulk("master");
  out.Bulk("modules");
  out.ArrayHeader(0);
}

void Hello(ProxyServer& proxy, net::Session& s, Argv argv) {
  int protocol = 0;
  std::string error = ParseProtocol(argv, &protocol);
  if (error.empty()) error = ApplyOptions(proxy, s, argv);
  if (error.empty() && !proxy.Client(s).authenticated) {
    error = resp::kHelloNotAuthenticated;
  }
  if (!error.empty()) return ReplyNow(s).Error(error);
  if (protocol != 0) s.set_protocol(protocol);
  resp::ReplyWriter out = ReplyNow(s);  // in the new protocol
  WriteServerMap(s, out);
}

}  // namespace

void AddHelloCommand(CommandSet& commands) {
  commands.table().Add("hello", -1, &Hello, NoAuthMeta());
}

}  // namespace leaderless::proxy
