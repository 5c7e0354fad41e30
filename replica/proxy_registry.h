#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace leaderless::replica {

// Which proxy instance holds each proxy-id, by the connections that
// introduced themselves with LL.PROXY. Two live proxies with one proxy-id
// would stamp the same versions on different values: the second is refused
// for as long as a connection of the first is open. A proxy-id is free
// again once every connection that claimed it closed, so a proxy that
// restarts (a new instance token) is held back only until the replica sees
// its old connection close. Pure: the caller reports connections by id.
class ProxyRegistry {
 public:
  // Session `session` (from `address`) says it is instance `instance` of
  // proxy `proxy_id`. Returns nullptr if that is granted (the id was free,
  // or held by the same instance), or the address of the other instance
  // that holds it. A session that claimed another id before gives it up.
  const std::string* Claim(std::string_view proxy_id, std::string_view instance,
                           uint64_t session, std::string_view address);

  // Session `session` closed; what it claimed is released. A no-op for a
  // session that claimed nothing.
  void Release(uint64_t session);

  size_t size() const { return holders_.size(); }

 private:
  struct Holder {
    std::string instance;
    std::string address;  // of the first connection that claimed it
    std::set<uint64_t> sessions;
  };
  std::map<std::string, Holder, std::less<>> holders_;  // by proxy-id
  std::unordered_map<uint64_t, std::string> claims_;    // session -> id
};

}  // namespace leaderless::replica
