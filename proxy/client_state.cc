#include "proxy/client_state.h"

#include <algorithm>

namespace leaderless::proxy {

bool IsValidClientAttribute(std::string_view value) {
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return c >= '!' && c <= '~'; });
}

// Redis's field order. The proxy does not track per-client buffers, pub/sub
// or transactions: those fields hold what an idle Redis client shows (the
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
  line +=
      " flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0"
      " argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0"
      " events=r cmd=";
  line += client.last_command;
  line += " user=default redir=-1 resp=" + std::to_string(session.protocol());
  line += " lib-name=" + client.lib_name + " lib-ver=" + client.lib_ver;
  return line;
}

}  // namespace leaderless::proxy
