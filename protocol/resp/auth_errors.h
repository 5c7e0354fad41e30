#pragma once

// Redis's replies around authentication, word for word, for the proxy's
// AUTH and HELLO and for a replica's gate: client libraries and redis-cli
// -a react to these texts.

namespace leaderless::resp {

inline constexpr char kNoAuth[] = "NOAUTH Authentication required.";
inline constexpr char kWrongPass[] =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr char kNoPasswordConfigured[] =
    "ERR AUTH <password> called without any password configured for the "
    "default user. Are you sure your configuration is correct?";
inline constexpr char kHelloNotAuthenticated[] =
    "NOAUTH HELLO must be called with the client already authenticated, "
    "otherwise the HELLO AUTH <user> <pass> option can be used to "
    "authenticate the client and select the RESP protocol version at the "
    "same time";

}  // namespace leaderless::resp
