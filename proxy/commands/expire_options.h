#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/cluster/status.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {

// The options that set a key's expiry, parsed and checked as Redis 7.0
// does: SET's and GETEX's (one parser, as in Redis, so SET's NX XX GET
// KEEPTTL come along) and the EXPIRE family's NX XX GT LT. Errors carry
// Redis's reply text as their message.

enum StringFlag : unsigned {
  kSetNx = 1 << 0,
  kSetXx = 1 << 1,
  kSetGet = 1 << 2,
  kKeepTtl = 1 << 3,
  kPersist = 1 << 4,
  kEx = 1 << 5,
  kPx = 1 << 6,
  kExAt = 1 << 7,
  kPxAt = 1 << 8,
};
inline constexpr unsigned kAnyExpire = kEx | kPx | kExAt | kPxAt;

enum class StringCommand { kSet, kGetEx };

struct StringOptions {
  unsigned flags = 0;
  std::string_view expire;  // EX/PX/EXAT/PXAT's argument, in the request
};

// Parses `args`, the arguments after SET's value or GETEX's key. nullopt
// for Redis's "syntax error": an unknown option, one `command` does not
// take, one conflicting with an earlier one, or a time option without its
// argument.
std::optional<StringOptions> ParseStringOptions(Argv args,
                                                StringCommand command);

// The absolute expiry, in ms since the epoch, that the time option in
// `flags` gives with argument `arg` at `now_ms`. Errors: not an integer;
// zero, negative or overflowing ("invalid expire time in '<command>'
// command", with `command` lowercase).
cluster::Result<uint64_t> StringExpireAt(unsigned flags, std::string_view arg,
                                         uint64_t now_ms,
                                         std::string_view command);

enum ExpireFlag : unsigned {
  kExpireNx = 1 << 0,
  kExpireXx = 1 << 1,
  kExpireGt = 1 << 2,
  kExpireLt = 1 << 3,
};

// Parses the options after EXPIRE's time. Errors: an unknown option, NX
// with another, GT with LT.
cluster::Result<unsigned> ParseExpireFlags(Argv args);

// The absolute time, in ms since the epoch, that the EXPIRE family's `arg`
// means: seconds or milliseconds after `base_ms` (0 for EXPIREAT and
// PEXPIREAT). It may be past, even negative. Errors: not an integer, or
// out of the int64 range in ms.
cluster::Result<int64_t> ExpireCommandAt(std::string_view arg, bool seconds,
                                         int64_t base_ms,
                                         std::string_view command);

// Whether EXPIRE's `flags` let `when_ms` replace the key's expiry
// `current_ms` (0: none, which GT and LT take as infinite).
bool ExpireAllowed(unsigned flags, uint64_t current_ms, int64_t when_ms);

}  // namespace leaderless::proxy
