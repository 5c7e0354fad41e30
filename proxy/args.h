#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/resp/integers.h"

namespace leaderless::proxy {

// An argument as Redis reads an integer (string2ll).
using resp::ParseInt64;

// Case-insensitive comparison of an argument with an option name.
bool ArgIs(std::string_view arg, std::string_view lowercase_name);

inline constexpr const char* kNotInteger =
    "ERR value is not an integer or out of range";
inline constexpr const char* kSyntaxError = "ERR syntax error";

}  // namespace leaderless::proxy
