#pragma once

#include <string_view>

namespace leaderless::net {

// Whether `address`, a peer as Session::peer_address() writes it ("ip:port",
// e.g. "127.0.0.1:5000" or "::1:5000"), is a loopback address: 127.0.0.0/8,
// ::1, or 127.0.0.0/8 mapped into IPv6 (::ffff:127.0.0.1). False for
// anything it cannot read.
bool IsLoopbackPeer(std::string_view address);

}  // namespace leaderless::net
