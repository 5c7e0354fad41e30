#include "replica/storage_keys.h"

#include "protocol/cluster/merkle_tree.h"

namespace leaderless::replica {
namespace {

constexpr char kData = 'd';
constexpr char kHint = 'h';

}  // namespace

std::string DataLeafPrefix(uint32_t leaf) {
  std::string k;
  k.push_back(kData);
  k.push_back(static_cast<char>((leaf >> 8) & 0xff));
  k.push_back(static_cast<char>(leaf & 0xff));
  return k;
}

std::string DataKey(std::string_view key) {
  std::string k = DataLeafPrefix(cluster::MerkleLeaf(key));
  k.append(key);
  return k;
}

std::optional<std::string_view> ParseDataKey(std::string_view storage_key) {
  if (storage_key.size() < 3 || storage_key[0] != kData) return std::nullopt;
  return storage_key.substr(3);
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
