#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace leaderless::proxy {

// INCRBYFLOAT's numbers, read and written as Redis 7.0 does on x86-64
// (80-bit long double), so results match Redis digit for digit.

// `s` as Redis's string2ld reads it: all of it by strtold, no leading
// space, under 5,120 bytes; "inf" is accepted, NaN and values that
// overflow or underflow to zero are not. nullopt otherwise.
std::optional<long double> ParseLongDouble(std::string_view s);

// `value` as Redis's ld2string in human mode: "%.17Lf" with trailing zeros
// (and a trailing '.') removed, and "-0" written "0". Requires: finite.
std::string FormatLongDouble(long double value);

}  // namespace leaderless::proxy
