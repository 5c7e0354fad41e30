#include "proxy/args.h"

#include <strings.h>

#include <limits>

namespace leaderless::proxy {

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  bool negative = s[0] == '-';
  std::string_view digits = negative ? s.substr(1) : s;
  if (digits.empty() || (digits[0] == '0' && (digits.size() > 1 || negative))) {
    return std::nullopt;  // "", "-", "01", "-0" are not integers to Redis
  }
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - d) / 10)
      return std::nullopt;
    v = v * 10 + d;
  }
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  if (negative) {
    if (v > kMax + 1) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > kMax) return std::nullopt;
  return static_cast<int64_t>(v);
}

bool ArgIs(std::string_view arg, std::string_view lowercase_name) {
  return arg.size() == lowercase_name.size() &&
         strncasecmp(arg.data(), lowercase_name.data(), arg.size()) == 0;
}

}  // namespace leaderless::proxy
