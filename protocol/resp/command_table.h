#pragma once

#include <algorithm>
#include <cctype>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace leaderless::resp {

// At most `max` bytes of `s`, ending at its first NUL if any: what Redis
// shows of an argument it quotes in an error (it formats with printf).
std::string_view PrintfPrefix(std::string_view s, size_t max);

// Redis's reply to a command it does not know: the name (cut to 128 bytes)
// and the first arguments, each quoted and followed by a space, up to about
// 128 bytes. Clients match this text (e.g. to fall back from HELLO 3).
std::string UnknownCommandError(std::span<const std::string_view> argv);

// Whether argument `arg` is `lowercase_name` in any case: Redis reads
// option names (EX, NX, AUTH...) case-insensitively.
bool ArgIs(std::string_view arg, std::string_view lowercase_name);

// "ERR wrong number of arguments for 'get' command".
std::string ArityError(std::string_view lowercase_name);

// What COMMAND / COMMAND INFO / COMMAND DOCS tell clients about a command,
// as Redis 7 does (clients use the key positions to route, redis-cli the
// arity for hints).
struct CommandMeta {
  std::vector<std::string> flags;  // "write", "readonly", "fast", ...
  int first_key = 0;               // 0: the command takes no key
  int last_key = 0;                // -1: the last argument
  int key_step = 0;
  std::vector<std::string> categories;  // ACL categories: "@string", ...
};

// Commands a server answers, looked up case-insensitively, with Redis's
// arity convention: arity N means exactly N words including the name, -N
// means at least N.
template <typename Handler>
class CommandTable {
 public:
  struct Spec {
    std::string name;  // lowercase
    int arity;
    Handler handler;
    CommandMeta meta;
  };

  void Add(std::string name, int arity, Handler handler,
           CommandMeta meta = {}) {
    std::string key = name;
    specs_.emplace(std::move(key),
                   Spec{std::move(name), arity, handler, std::move(meta)});
  }

  // The spec for argv[0], or nullptr with `*error` set to Redis's unknown
  // command or arity error. Requires: !argv.empty().
  const Spec* Lookup(std::span<const std::string_view> argv,
                     std::string* error) const {
    std::string lower(argv[0].substr(0, 64));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    auto it = argv[0].size() > 64 ? specs_.end() : specs_.find(lower);
    if (it == specs_.end()) {
      *error = UnknownCommandError(argv);
      return nullptr;
    }
    const Spec& spec = it->second;
    int argc = static_cast<int>(argv.size());
    if ((spec.arity > 0 && argc != spec.arity) ||
        (spec.arity < 0 && argc < -spec.arity)) {
      *error = ArityError(spec.name);
      return nullptr;
    }
    return &spec;
  }

  const std::unordered_map<std::string, Spec>& specs() const { return specs_; }

 private:
  std::unordered_map<std::string, Spec> specs_;
};

}  // namespace leaderless::resp
