#include "proxy/protected_mode.h"

#include <arpa/inet.h>

#include <string>

namespace leaderless::proxy {
namespace {

bool IsLoopbackV4(const unsigned char* bytes) { return bytes[0] == 127; }

}  // namespace

bool ProtectedModeRefuses(bool protected_mode, bool password_set,
                          bool bind_loopback_only, bool client_loopback) {
  return protected_mode && !password_set && !bind_loopback_only &&
         !client_loopback;
}

bool IsLoopbackAddress(std::string_view ip) {
  const std::string text(ip);  // inet_pton needs a terminated string
  unsigned char v4[4];
  if (inet_pton(AF_INET, text.c_str(), v4) == 1) return IsLoopbackV4(v4);
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && IsLoopbackV4(v6.s6_addr + 12);
}

bool ProtectedModeRefusesPeer(const cluster::Config& config,
                              std::string_view peer) {
  // The port follows the last ':' (IPv6 addresses hold ':' themselves).
  const size_t colon = peer.rfind(':');
  const std::string_view ip =
      colon == std::string_view::npos ? peer : peer.substr(0, colon);
  return ProtectedModeRefuses(
      config.protected_mode, !config.requirepass.empty(),
      IsLoopbackAddress(config.bind), IsLoopbackAddress(ip));
}

}  // namespace leaderless::proxy
