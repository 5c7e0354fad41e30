// AUTH and the password check HELLO shares.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/server.cc.

#include "protocol/cluster/secret.h"
#include "proxy/args.h"
#include "proxy/commands/auth.h"
#include "proxy/commands/command_families.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

// AUTH password | AUTH username password.
void Auth(ProxyServer& proxy, net::Session& s, Argv argv) {
  resp::ReplyWriter out = ReplyNow(s);
  if (argv.size() > 3) return out.Error(kSyntaxError);
  if (argv.size() == 2 && proxy.config().requirepass.empty()) {
    return out.Error(resp::kNoPasswordConfigured);
  }
  const std::string_view user = argv.size() == 3 ? argv[1] : "default";
  if (!Authenticate(proxy, s, user, argv.back()))
    return out.Error(resp::kWrongPass);
  out.SimpleString("OK");
}

}  // namespace

resp::CommandMeta NoAuthMeta() {
  return {.flags = {"noscript", "loading", "stale", "fast", "no_auth",
                    "allow_busy"},
          .categories = {"@fast", "@connection"}};
}

bool Authenticate(ProxyServer& proxy, net::Session& session,
                  std::string_view user, std::string_view password) {
  const std::string& required = proxy.config().requirepass;
  const bool ok = user == "default" &&
                  (required.empty() || cluster::SameSecret(password, required));
  if (ok) proxy.SetAuthenticated(session, true);
  return ok;
}

void AddAuthCommand(CommandSet& commands) {
  commands.table().Add("auth", -2, &Auth, NoAuthMeta());
}

}  // namespace leaderless::proxy
