#include "proxy/protected_mode.h"

#include "protocol/net/peer_address.h"

namespace leaderless::proxy {

bool ProtectedModeRefuses(bool protected_mode, bool password_set,
                          bool bind_loopback_only, bool client_loopback) {
  return protected_mode && !password_set && !bind_loopback_only &&
         !client_loopback;
}

bool ProtectedModeRefusesPeer(const cluster::Config& config,
                              std::string_view peer) {
  return ProtectedModeRefuses(
      config.protected_mode, !config.requirepass.empty(),
      net::IsLoopbackAddress(config.bind), net::IsLoopbackPeer(peer));
}

}  // namespace leaderless::proxy
