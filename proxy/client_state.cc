#include "proxy/client_state.h"

#include <algorithm>

namespace leaderless::proxy {

std::string& ReplyBuffer(net::Session& session) {
  // Only ProxyServer sets session states, and always a ClientState.
  auto* client = static_cast<ClientState*>(session.state());
  if (client != nullptr && client->exec != nullptr) return client->exec->now;
  return session.Reply();
}

bool IsValidClientAttribute(std::string_view value) {
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return c >= '!' && c <= '~'; });
}

// Redis's field order. The proxy does not track per-client buffers or
// pub/sub: those fields hold what an idle Redis client shows (the
// buffer sizes 0), and the socket's descriptor is not known here (fd=-1, as
// Redis shows for clients without a socket).
std::string ClientInfoLine(const net::Session& session,
                           const ClientState& client,
                           std::string_view local_address, uint64_t now_ms) {
  auto seconds_since = [now_ms](uint64_t ms) {
    return std::to_string(now_ms > ms ? (now_ms - ms) / 1000 : 0);
  };
  std::string line = "id=" + std::to_string(session.id());
  line += " addr=" + session.peer_address();
  line += " laddr=" + std::string(local_address);
  line += " fd=-1 name=" + client.name;
  line += " age=" + seconds_since(client.created_ms);
  line += " idle=" + seconds_since(client.last_active_ms);
  // Inside MULTI: flag x and the count of queued commands, as in Redis.
  line += client.multi ? " flags=x" : " flags=N";
  line += " db=0 sub=0 psub=0 ssub=0 multi=";
  line += client.multi ? std::to_string(client.multi->queued.size()) : "-1";
  line +=
      " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0"
      " omem=0 tot-mem=0 events=r cmd=";
  line += client.last_command;
  line += " user=default redir=-1 resp=" + std::to_string(session.protocol());
  line += " lib-name=" + client.lib_name + " lib-ver=" + client.lib_ver;
  return line;
}

}  // namespace leaderless::proxy
