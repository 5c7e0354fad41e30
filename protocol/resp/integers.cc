#include "protocol/resp/integers.h"

namespace leaderless::resp {

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty() || s.size() >= 21) return std::nullopt;
  if (s == "0") return 0;
  const bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s[0] < '1' || s[0] > '9') return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
  const uint64_t max_magnitude = static_cast<uint64_t>(INT64_MAX) + negative;
  if (v > max_magnitude) return std::nullopt;
  // Negating in unsigned arithmetic keeps INT64_MIN free of overflow.
  return negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
}

}  // namespace leaderless::resp
