#include "protocol/cluster/secret.h"

#include <cstddef>

namespace leaderless::cluster {

// Every byte of `given` is compared with the secret read cyclically, and
// differences (of bytes and of lengths) are OR-ed together with no branch
// on their values, so the loop runs given.size() times whatever the secret
// holds. An empty secret is no secret: the early return tells nothing.
bool SameSecret(std::string_view given, std::string_view secret) {
  const size_t n = secret.size();
  if (n == 0) return given.empty();
  size_t diff = given.size() ^ n;
  size_t j = 0;
  for (const char c : given) {
    diff |= static_cast<unsigned char>(c ^ secret[j]);
    ++j;
    j &= -static_cast<size_t>(j < n);  // back to 0 at n, without a branch
  }
  return diff == 0;
}

}  // namespace leaderless::cluster
