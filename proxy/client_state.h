#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/net/server.h"

namespace leaderless::proxy {

// What the proxy knows about one client connection, kept as its session's
// state: what AUTH, HELLO, CLIENT SETNAME / SETINFO and RESET set, and what
// CLIENT LIST shows. Created by ProxyServer on the connection's first
// request; loop thread only.
struct ClientState : public net::SessionState {
  bool authenticated = false;
  std::string name;             // CLIENT SETNAME, HELLO SETNAME; "" = none
  std::string lib_name;         // CLIENT SETINFO LIB-NAME
  std::string lib_ver;          // CLIENT SETINFO LIB-VER
  uint64_t created_ms = 0;      // loop time of the first request
  uint64_t last_active_ms = 0;  // loop time of the latest request
  // The latest command ("client|list"), "NULL" after an unknown one, as in
  // Redis. Views a name owned by the proxy's CommandSet, which outlives every
  // session.
  std::string_view last_command = "NULL";
};

// Redis's rule for client names and library attributes: only the printable
// ASCII characters '!' to '~' (no spaces, no newlines). "" is valid: it
// clears the attribute.
bool IsValidClientAttribute(std::string_view value);
inline constexpr char kInvalidClientName[] =
    "ERR Client names cannot contain spaces, newlines or special characters.";

// Redis 7's CLIENT INFO / CLIENT LIST line for one client, without the
// trailing newline, with Redis 7.2's lib-name and lib-ver at its end.
// `local_address` is the proxy's listening address ("127.0.0.1:6379").
std::string ClientInfoLine(const net::Session& session,
                           const ClientState& client,
                           std::string_view local_address, uint64_t now_ms);

}  // namespace leaderless::proxy
