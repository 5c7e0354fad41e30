#pragma once

#include <string_view>

namespace leaderless::net {

// Whether `ip`, a literal IPv4 or IPv6 address, is loopback: 127.0.0.0/8,
// ::1, or 127.0.0.0/8 mapped into IPv6 (::ffff:127.0.0.1, how a dual-stack
// listener sees an IPv4 client). Anything else, including text that is not
// an address, is not. Redis 7.2 and later count all of 127.0.0.0/8 (7.0
// only 127.0.0.1).
bool IsLoopbackAddress(std::string_view ip);

// IsLoopbackAddress of a peer as Session::peer_address() writes it
// ("ip:port", e.g. "127.0.0.1:5000" or "::1:5000"). False for anything it
// cannot read.
bool IsLoopbackPeer(std::string_view address);

}  // namespace leaderless::net
