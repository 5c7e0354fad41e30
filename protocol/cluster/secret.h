#pragma once

#include <string_view>

namespace leaderless::cluster {

// Whether `given` (from a client) equals `secret` (a configured password),
// in time that depends on given.size() alone: neither how many leading
// bytes of a guess are right nor the secret's length shows in how long the
// answer takes. An empty secret equals only an empty `given`.
bool SameSecret(std::string_view given, std::string_view secret);

}  // namespace leaderless::cluster
