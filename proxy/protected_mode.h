#pragma once

#include <string_view>

#include "protocol/cluster/config.h"

namespace leaderless::proxy {

// Redis 7.0.15's reply to a client refused by protected mode, without the
// leading '-' and the CRLF (its typo "Setup a an" included: clients and
// scanners match on this text).
inline constexpr char kProtectedModeDenied[] =
    "DENIED Redis is running in protected mode because protected mode is "
    "enabled and no password is set for the default user. In this mode "
    "connections are only accepted from the loopback interface. If you want "
    "to connect from external computers to Redis you may adopt one of the "
    "following solutions: 1) Just disable protected mode sending the command "
    "'CONFIG SET protected-mode no' from the loopback interface by "
    "connecting to Redis from the same host the server is running, however "
    "MAKE SURE Redis is not publicly accessible from internet if you do so. "
    "Use CONFIG REWRITE to make this change permanent. 2) Alternatively you "
    "can just disable the protected mode by editing the Redis configuration "
    "file, and setting the protected mode option to 'no', and then "
    "restarting the server. 3) If you started the server manually just for "
    "testing, restart it with the '--protected-mode no' option. 4) Setup a "
    "an authentication password for the default user. NOTE: You only need "
    "to do one of the above things in order for the server to start "
    "accepting connections from the outside.";

// The protected-mode decision: whether a new client is refused. Only when
// protected mode is on, no password is set, the proxy listens on an address
// that is not loopback, and the client's address is not loopback: a
// password, or a loopback bind (which only local clients can reach), is the
// protection protected mode stands in for.
bool ProtectedModeRefuses(bool protected_mode, bool password_set,
                          bool bind_loopback_only, bool client_loopback);

// ProtectedModeRefuses for a client at `peer` ("ip:port", as
// net::Session::peer_address() gives it; "" if unknown, which is refused
// like a remote client) of a proxy configured by `config`.
bool ProtectedModeRefusesPeer(const cluster::Config& config,
                              std::string_view peer);

}  // namespace leaderless::proxy
