#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

constexpr char kData = 'd';
constexpr char kHint = 'h';

}  // namespace

std::string DataKey(std::string_view key) {
  std::string k;
  k.reserve(key.size() + 1);
  k.push_back(kData);
  k.append(key);
  return k;
}

std::string HintPrefix(std::string_view home) {
  std::string k;
  k.reserve(home.size() + 2);
  k.push_back(kHint);
  k.append(home);
  k.push_back('\0');
  return k;
}

std::string HintKey(std::string_view home, std::string_view key) {
  std::string k = HintPrefix(home);
  k.append(key);
  return k;
}

std::optional<HintKeyParts> ParseHintKey(std::string_view storage_key) {
  if (storage_key.empty() || storage_key[0] != kHint) return std::nullopt;
  size_t nul = storage_key.find('\0', 1);
  if (nul == std::string_view::npos) return std::nullopt;
  return HintKeyParts{storage_key.substr(1, nul - 1),
                      storage_key.substr(nul + 1)};
}

}  // namespace leaderless::replica
