#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leaderless::replica {

// Where records live in the replica's LevelDB:
//
//   'd' hash key               ->  record   the replica's own data
//   'h' home-id '\0' hash key  ->  record   a hint: a write this replica
//                                           holds for `home` while `home`
//                                           was down
//
// `hash` is the key's ring hash (cluster/ring.h) as 8 bytes big-endian, so
// records are in ring order: a token range's records are contiguous (SCAN
// pages through them), and so are a Merkle leaf's, whose number is the
// hash's top bits (anti-entropy lists a leaf with one range scan).
// Replica ids never contain '\0' (config.cc allows [A-Za-z0-9_.-]), so the
// home id ends at the first NUL and keys may hold any byte. Hints for one
// home are contiguous, so handoff reads them with one range scan.

// Storage keys from `begin` (inclusive) to `end` (exclusive).
struct KeyRange {
  std::string begin;
  std::string end;
};

// Every storage key: data, hints and the flush mark.
KeyRange AllKeys();

std::string DataKey(std::string_view key);
// The data of ring positions first..last (inclusive).
KeyRange DataRange(uint64_t first, uint64_t last);
// The data of Merkle leaf `leaf`.
KeyRange LeafRange(uint32_t leaf);
// All data.
KeyRange AllData();

std::string HintKey(std::string_view home, std::string_view key);
// The hints for `home` at ring positions first..last (inclusive).
KeyRange HintRange(std::string_view home, uint64_t first, uint64_t last);
// Every hint for `home`.
KeyRange HintsFor(std::string_view home);
// Every hint, whatever its home.
KeyRange AllHints();

struct DataKeyParts {
  uint64_t hash;
  std::string_view key;
};
// Splits a storage key made by DataKey(); nullopt for any other. The view
// points into `storage_key`.
std::optional<DataKeyParts> ParseDataKey(std::string_view storage_key);

struct HintKeyParts {
  std::string_view home;
  uint64_t hash;
  std::string_view key;
};
// Splits a storage key made by HintKey(); nullopt for any other key. The
// views point into `storage_key`.
std::optional<HintKeyParts> ParseHintKey(std::string_view storage_key);

}  // namespace leaderless::replica
