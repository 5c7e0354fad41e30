#include "proxy/commands/float_format.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace leaderless::proxy {
namespace {

constexpr size_t kMaxLongDoubleChars = 5 * 1024;  // Redis's buffer size

}  // namespace

std::optional<long double> ParseLongDouble(std::string_view s) {
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return std::nullopt;
  std::string buf(s);  // strtold needs the terminating NUL
  if (std::isspace(static_cast<unsigned char>(buf[0]))) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long double value = std::strtold(buf.c_str(), &end);
  bool out_of_range = errno == ERANGE && (std::isinf(value) || value == 0.0L);
  if (end != buf.data() + buf.size() || out_of_range || errno == EINVAL ||
      std::isnan(value)) {
    return std::nullopt;
  }
  return value;
}

std::string FormatLongDouble(long double value) {
  // The widest %.17Lf output (LDBL_MAX) is under 5,000 characters, so this
  // buffer never truncates.
  char buf[kMaxLongDoubleChars];
  int size = std::snprintf(buf, sizeof(buf), "%.17Lf", value);
  std::string out(buf, static_cast<size_t>(size));
  // %.17Lf always writes a '.'; what follows it may be zeros only.
  out.erase(out.find_last_not_of('0') + 1);
  if (out.back() == '.') out.pop_back();
  // Returned, not assigned: GCC 12's -Wrestrict misreads `out = "0"` here
  // under the sanitizer flags.
  if (out == "-0") return "0";
  return out;
}

}  // namespace leaderless::proxy
