#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/net/server.h"
#include "proxy/command_set.h"
#include "proxy/later_reply.h"

namespace leaderless::proxy {

// A command MULTI queued for EXEC, with its own copy of its arguments.
struct QueuedCommand {
  ResolvedCommand command;  // its name and meta are owned by the CommandSet
  std::vector<std::string> argv;
};

// Between MULTI and EXEC or DISCARD (transaction.h).
struct MultiState {
  std::vector<QueuedCommand> queued;
  // A command was refused while queueing: EXEC answers EXECABORT.
  bool aborted = false;
  // What `queued` holds, counted against the client's query buffer limit
  // (net::Session::ChargeQuery) until the transaction is over.
  size_t bytes = 0;
};

// Set while EXEC runs one of its client's queued commands, or a request
// held behind an EXEC runs (transaction.cc), for the duration of the
// command function: ReplyNow() writes to `now`, ProxyServer::Later() sends
// to `later`.
struct ExecStep {
  std::string now{};
  std::shared_ptr<ReplySink> later{};
  size_t index = 0;
};

// A request that came while its client's EXEC was running, run once the
// EXEC is done.
struct HeldRequest {
  std::vector<std::string> argv;
  std::shared_ptr<ReplySink> reply;  // its place in the reply order
  size_t bytes;  // of argv, counted against the query buffer limit
};

// What the proxy knows about one client connection, kept as its session's
// state: what AUTH, HELLO, CLIENT SETNAME / SETINFO, RESET and MULTI set,
// and what CLIENT LIST shows. Created by ProxyServer on the connection's first
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
  std::optional<MultiState> multi;  // set between MULTI and EXEC / DISCARD
  ExecStep* exec = nullptr;         // see ExecStep; owned by its setter
  bool exec_running = false;        // an EXEC has not answered yet
  bool draining = false;            // `held` is being run
  std::deque<HeldRequest> held;     // in arrival order

  // Whether its requests go through the transaction layer: inside MULTI, or
  // while an EXEC runs or the requests held behind it do.
  bool InTransaction() const { return multi || exec_running || draining; }
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
