#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/resp/command_table.h"
#include "protocol/resp/integers.h"

namespace leaderless::proxy {

// An argument as Redis reads an integer (string2ll).
using resp::ParseInt64;

using resp::ArgIs;

inline constexpr const char* kNotInteger =
    "ERR value is not an integer or out of range";
inline constexpr const char* kSyntaxError = "ERR syntax error";

}  // namespace leaderless::proxy
