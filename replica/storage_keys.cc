#include "replica/storage_keys.h"

#include "protocol/cluster/merkle_tree.h"
#include "protocol/cluster/ring.h"

namespace leaderless::replica {
namespace {

constexpr char kData = 'd';
constexpr char kHint = 'h';
constexpr size_t kHashSize = 8;

void AppendHash(std::string* out, uint64_t hash) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((hash >> shift) & 0xff));
  }
}

uint64_t ReadHash(std::string_view bytes) {
  uint64_t hash = 0;
  for (size_t i = 0; i < kHashSize; ++i) {
    hash = hash << 8 | static_cast<unsigned char>(bytes[i]);
  }
  return hash;
}

// Every storage key of `prefix` at ring positions first..last: from the
// first position's bytes up to the bytes of the position after the last
// (or past the whole prefix when last is the ring's end).
KeyRange PositionRange(const std::string& prefix, uint64_t first,
                       uint64_t last) {
  KeyRange range{prefix, prefix};
  AppendHash(&range.begin, first);
  if (last == UINT64_MAX) {
    range.end.back() = static_cast<char>(range.end.back() + 1);
  } else {
    AppendHash(&range.end, last + 1);
  }
  return range;
}

std::string HintPrefix(std::string_view home) {
  std::string k(1, kHint);
  k.append(home);
  k.push_back('\0');
  return k;
}

}  // namespace

std::string DataKey(std::string_view key) {
  std::string k(1, kData);
  k.reserve(1 + kHashSize + key.size());
  AppendHash(&k, cluster::RingHash(key));
  k.append(key);
  return k;
}

KeyRange DataRange(uint64_t first, uint64_t last) {
  return PositionRange(std::string(1, kData), first, last);
}

KeyRange LeafRange(uint32_t leaf) {
  const uint64_t first = static_cast<uint64_t>(leaf) << cluster::kLeafShift;
  return DataRange(first, first | ((uint64_t{1} << cluster::kLeafShift) - 1));
}

KeyRange AllData() { return DataRange(0, UINT64_MAX); }

// Storage keys begin with 'd', 'h' or the flush mark's 'f' (flush_mark.h).
KeyRange AllKeys() { return {"", "\xff"}; }

std::string HintKey(std::string_view home, std::string_view key) {
  std::string k = HintPrefix(home);
  AppendHash(&k, cluster::RingHash(key));
  k.append(key);
  return k;
}

KeyRange HintRange(std::string_view home, uint64_t first, uint64_t last) {
  return PositionRange(HintPrefix(home), first, last);
}

KeyRange HintsFor(std::string_view home) {
  return HintRange(home, 0, UINT64_MAX);
}

KeyRange AllHints() {
  return {std::string(1, kHint), std::string(1, kHint + 1)};
}

std::optional<DataKeyParts> ParseDataKey(std::string_view storage_key) {
  if (storage_key.size() < 1 + kHashSize || storage_key[0] != kData) {
    return std::nullopt;
  }
  return DataKeyParts{ReadHash(storage_key.substr(1)),
                      storage_key.substr(1 + kHashSize)};
}

std::optional<HintKeyParts> ParseHintKey(std::string_view storage_key) {
  if (storage_key.empty() || storage_key[0] != kHint) return std::nullopt;
  size_t nul = storage_key.find('\0', 1);
  if (nul == std::string_view::npos ||
      storage_key.size() < nul + 1 + kHashSize) {
    return std::nullopt;
  }
  return HintKeyParts{storage_key.substr(1, nul - 1),
                      ReadHash(storage_key.substr(nul + 1)),
                      storage_key.substr(nul + 1 + kHashSize)};
}

}  // namespace leaderless::replica
