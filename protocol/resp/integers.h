#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace leaderless::resp {

// `s` as Redis reads an integer (string2ll): "0", or an optional '-' and
// digits without a leading zero; no '+', no spaces, no "-0", within int64.
// nullopt otherwise. Used for RESP counts and lengths and for command
// arguments alike.
std::optional<int64_t> ParseInt64(std::string_view s);

}  // namespace leaderless::resp
