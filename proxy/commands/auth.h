#pragma once

#include <string_view>

#include "protocol/net/server.h"
#include "protocol/resp/auth_errors.h"
#include "protocol/resp/command_table.h"

namespace leaderless::proxy {

class ProxyServer;

// COMMAND metadata of the commands a client may send before authenticating
// (AUTH, HELLO, QUIT, RESET): Redis's no_auth flag and its companions.
resp::CommandMeta NoAuthMeta();

// Logs `session` in if `user` and `password` authenticate as Redis's
// `default` user, the only user: with no requirepass any password does
// (Redis's "nopass"), otherwise it must be requirepass. False on a wrong
// pair, leaving the session as it was: as in Redis, a failed AUTH does not
// log out a client that was logged in.
bool Authenticate(ProxyServer& proxy, net::Session& session,
                  std::string_view user, std::string_view password);

}  // namespace leaderless::proxy
