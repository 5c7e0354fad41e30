#include "proxy/commands/expire_options.h"

#include <limits>

#include "proxy/args.h"

namespace leaderless::proxy {
namespace {

constexpr int64_t kMaxMs = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinMs = std::numeric_limits<int64_t>::min();

enum CommandMask : unsigned { kSetOnly = 1, kGetExOnly = 2, kBoth = 3 };

// One option of SET/GETEX: which commands take it, which earlier options
// it conflicts with, whether a time argument follows. Redis lets an option
// repeat (EX 1 EX 2: the last wins), so none conflicts with itself.
struct StringOptionSpec {
  std::string_view name;
  unsigned flag;
  unsigned commands;
  unsigned conflicts;
  bool takes_time;
};

constexpr StringOptionSpec kStringOptions[] = {
    {"nx", kSetNx, kSetOnly, kSetXx, false},
    {"xx", kSetXx, kSetOnly, kSetNx, false},
    {"get", kSetGet, kSetOnly, 0, false},
    {"keepttl", kKeepTtl, kSetOnly, kPersist | kAnyExpire, false},
    {"persist", kPersist, kGetExOnly, kKeepTtl | kAnyExpire, false},
    {"ex", kEx, kBoth, kKeepTtl | kPersist | (kAnyExpire & ~kEx), true},
    {"px", kPx, kBoth, kKeepTtl | kPersist | (kAnyExpire & ~kPx), true},
    {"exat", kExAt, kBoth, kKeepTtl | kPersist | (kAnyExpire & ~kExAt), true},
    {"pxat", kPxAt, kBoth, kKeepTtl | kPersist | (kAnyExpire & ~kPxAt), true},
};

const StringOptionSpec* FindStringOption(std::string_view arg) {
  for (const StringOptionSpec& spec : kStringOptions) {
    if (ArgIs(arg, spec.name)) return &spec;
  }
  return nullptr;
}

cluster::Status InvalidExpire(std::string_view command) {
  return cluster::Status::InvalidArgument("ERR invalid expire time in '" +
                                          std::string(command) + "' command");
}

cluster::Status NotInteger() {
  return cluster::Status::InvalidArgument(kNotInteger);
}

}  // namespace

std::optional<StringOptions> ParseStringOptions(Argv args,
                                                StringCommand command) {
  unsigned mask = command == StringCommand::kSet ? kSetOnly : kGetExOnly;
  StringOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const StringOptionSpec* spec = FindStringOption(args[i]);
    if (spec == nullptr || !(spec->commands & mask) ||
        (options.flags & spec->conflicts) ||
        (spec->takes_time && i + 1 == args.size())) {
      return std::nullopt;
    }
    options.flags |= spec->flag;
    if (spec->takes_time) options.expire = args[++i];
  }
  return options;
}

cluster::Result<uint64_t> StringExpireAt(unsigned flags, std::string_view arg,
                                         uint64_t now_ms,
                                         std::string_view command) {
  std::optional<int64_t> n = ParseInt64(arg);
  if (!n) return NotInteger();
  bool seconds = flags & (kEx | kExAt);
  if (*n <= 0 || (seconds && *n > kMaxMs / 1000)) return InvalidExpire(command);
  int64_t ms = seconds ? *n * 1000 : *n;
  if (flags & (kEx | kPx)) {
    // Redis adds the time and rejects a sum that wrapped around.
    if (ms > kMaxMs - static_cast<int64_t>(now_ms)) {
      return InvalidExpire(command);
    }
    ms += static_cast<int64_t>(now_ms);
  }
  return static_cast<uint64_t>(ms);
}

cluster::Result<unsigned> ParseExpireFlags(Argv args) {
  constexpr std::pair<std::string_view, unsigned> kNames[] = {
      {"nx", kExpireNx},
      {"xx", kExpireXx},
      {"gt", kExpireGt},
      {"lt", kExpireLt}};
  unsigned flags = 0;
  for (std::string_view arg : args) {
    unsigned flag = 0;
    for (const auto& [name, value] : kNames) {
      if (ArgIs(arg, name)) flag = value;
    }
    if (flag == 0) {
      return cluster::Status::InvalidArgument("ERR Unsupported option " +
                                              std::string(arg));
    }
    flags |= flag;
  }
  if ((flags & kExpireNx) && (flags & ~kExpireNx)) {
    return cluster::Status::InvalidArgument(
        "ERR NX and XX, GT or LT options at the same time are not "
        "compatible");
  }
  if ((flags & kExpireGt) && (flags & kExpireLt)) {
    return cluster::Status::InvalidArgument(
        "ERR GT and LT options at the same time are not compatible");
  }
  return flags;
}

cluster::Result<int64_t> ExpireCommandAt(std::string_view arg, bool seconds,
                                         int64_t base_ms,
                                         std::string_view command) {
  std::optional<int64_t> when = ParseInt64(arg);
  if (!when) return NotInteger();
  if (seconds) {
    if (*when > kMaxMs / 1000 || *when < kMinMs / 1000) {
      return InvalidExpire(command);
    }
    *when *= 1000;
  }
  if (*when > kMaxMs - base_ms) return InvalidExpire(command);
  return *when + base_ms;
}

bool ExpireAllowed(unsigned flags, uint64_t current_ms, int64_t when_ms) {
  bool has_expiry = current_ms != 0;
  auto current = static_cast<int64_t>(current_ms);
  if ((flags & kExpireNx) && has_expiry) return false;
  if ((flags & kExpireXx) && !has_expiry) return false;
  if ((flags & kExpireGt) && (!has_expiry || when_ms <= current)) return false;
  if ((flags & kExpireLt) && has_expiry && when_ms >= current) return false;
  return true;
}

}  // namespace leaderless::proxy
