#include "replica/peer_links.h"

#include <string>

#include "protocol/cluster/replica_protocol.h"

namespace leaderless::replica {

net::PeerLinkOptions PeerLinkOptionsFor(const cluster::Config& config) {
  net::PeerLinkOptions options;
  options.hello = cluster::LinkHello(config.replica_password);
  return options;
}

void LogPeerRefused(net::LogThrottle& throttle, uint64_t now_ms,
                    const cluster::ReplicaAddress& peer, const char* purpose,
                    std::string_view error) {
  if (!throttle.Allow(now_ms)) return;
  const std::string text(error);
  net::Log("replica %s (%s:%d) refused the %s link: %s; retrying",
           peer.id.c_str(), peer.host.c_str(), peer.port, purpose,
           text.c_str());
}

}  // namespace leaderless::replica
