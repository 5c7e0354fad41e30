#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/cluster/config.h"
#include "protocol/net/log.h"
#include "protocol/net/peer_link.h"

namespace leaderless::replica {

// What the links of this replica to its peers (hinted handoff,
// anti-entropy) share.

// The options they start from: AUTH with replica-password first on every
// connection, when one is set.
net::PeerLinkOptions PeerLinkOptionsFor(const cluster::Config& config);

// Logs that `peer` refused the `purpose` link ("handoff", "anti-entropy")
// with `error` (e.g. WRONGPASS): the link stays down and tries again. At
// most a line a second per `throttle`, which the caller keeps per peer.
void LogPeerRefused(net::LogThrottle& throttle, uint64_t now_ms,
                    const cluster::ReplicaAddress& peer, const char* purpose,
                    std::string_view error);

}  // namespace leaderless::replica
