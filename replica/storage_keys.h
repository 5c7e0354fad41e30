#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leaderless::replica {

// Where records live in the replica's LevelDB (the layout is frozen):
//
//   'd' leaf key            ->  record   the replica's own data
//   'h' home-id '\0' key    ->  record   a hint: a write this replica holds
//                                        for `home` while `home` was down
//
// `leaf` is the key's Merkle leaf (cluster/merkle_tree.h) as 2 bytes
// big-endian, so the data of one leaf is contiguous: anti-entropy lists a
// leaf's keys with one prefix scan.
// Replica ids never contain '\0' (config.cc allows [A-Za-z0-9_.-]), so the
// home id ends at the first NUL and keys may hold any byte. Hints for one
// home are contiguous, so handoff reads them with one prefix scan.
std::string DataKey(std::string_view key);
// The prefix of every data key of Merkle leaf `leaf`.
std::string DataLeafPrefix(uint32_t leaf);
// The prefix of every data key.
inline constexpr std::string_view kDataFamily = "d";
// The user key of a storage key made by DataKey(); nullopt for any other.
std::optional<std::string_view> ParseDataKey(std::string_view storage_key);
std::string HintKey(std::string_view home, std::string_view key);
// The prefix of every hint for `home`.
std::string HintPrefix(std::string_view home);
// The prefix of every hint, whatever its home.
inline constexpr std::string_view kHintFamily = "h";

struct HintKeyParts {
  std::string_view home;
  std::string_view key;
};
// Splits a storage key made by HintKey(); nullopt for any other key. The
// views point into `storage_key`.
std::optional<HintKeyParts> ParseHintKey(std::string_view storage_key);

}  // namespace leaderless::replica
