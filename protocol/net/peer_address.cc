#include "protocol/net/peer_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

namespace leaderless::net {

bool IsLoopbackAddress(std::string_view ip) {
  const std::string text(ip);  // inet_pton needs a terminated string
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  return IN6_IS_ADDR_LOOPBACK(&v6) ||
         (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
}

bool IsLoopbackPeer(std::string_view address) {
  // The port follows the last ':' (IPv6 addresses hold ':' themselves).
  const size_t colon = address.rfind(':');
  return colon != std::string_view::npos &&
         IsLoopbackAddress(address.substr(0, colon));
}

}  // namespace leaderless::net
