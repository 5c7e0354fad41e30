#include "replica/proxy_registry.h"

namespace leaderless::replica {

const std::string* ProxyRegistry::Claim(std::string_view proxy_id,
                                        std::string_view instance,
                                        uint64_t session,
                                        std::string_view address) {
  auto claimed = claims_.find(session);
  if (claimed != claims_.end() && claimed->second != proxy_id) {
    Release(session);
  }
  auto it = holders_.find(proxy_id);
  if (it == holders_.end()) {
    it = holders_
             .emplace(std::string(proxy_id),
                      Holder{std::string(instance), std::string(address), {}})
             .first;
  } else if (it->second.instance != instance) {
    return &it->second.address;
  }
  it->second.sessions.insert(session);
  claims_.insert_or_assign(session, std::string(proxy_id));
  return nullptr;
}

void ProxyRegistry::Release(uint64_t session) {
  auto claimed = claims_.find(session);
  if (claimed == claims_.end()) return;
  auto it = holders_.find(claimed->second);
  claims_.erase(claimed);
  if (it == holders_.end()) return;
  it->second.sessions.erase(session);
  if (it->second.sessions.empty()) holders_.erase(it);
}

}  // namespace leaderless::replica
