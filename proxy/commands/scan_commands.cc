// Whole-keyspace reads: SCAN, KEYS, DBSIZE, RANDOMKEY, over the pages of
// keyspace_walk.h. Each is exact for the keys whose newest record R
// replicas of their range agree on, like a quorum read of every key.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/keyspace.cc.

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <random>

#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/commands/glob.h"
#include "proxy/keyspace_walk.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

// Records asked of each replica per page when walking the whole ring.
constexpr size_t kWalkPage = 1000;

// Redis's cursor parsing (strtoul): a leading space, trailing bytes or
// overflow make an invalid cursor.
std::optional<uint64_t> ParseCursor(std::string_view arg) {
  std::string s(arg);
  if (!s.empty() && std::isspace(static_cast<unsigned char>(s[0]))) {
    return std::nullopt;
  }
  char* end = nullptr;
  errno = 0;
  unsigned long long cursor = std::strtoull(s.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return cursor;
}

struct ScanOptions {
  int64_t count = 10;
  std::string pattern;  // "" when every key matches
  std::string type;     // "" when every type matches
};

// Redis's option loop: COUNT n (n >= 1), MATCH pattern, TYPE name, each
// needing its value; anything else is a syntax error.
std::optional<ScanOptions> ParseScanOptions(Argv args, std::string* error) {
  ScanOptions o;
  for (size_t i = 0; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) {
      *error = kSyntaxError;
      return std::nullopt;
    }
    std::string_view value = args[i + 1];
    if (ArgIs(args[i], "count")) {
      auto count = ParseInt64(value);
      if (!count) {
        *error = kNotInteger;
        return std::nullopt;
      }
      if (*count < 1) {
        *error = kSyntaxError;
        return std::nullopt;
      }
      o.count = *count;
    } else if (ArgIs(args[i], "match")) {
      o.pattern = value == "*" ? "" : std::string(value);
    } else if (ArgIs(args[i], "type")) {
      o.type.assign(value);
    } else {
      *error = kSyntaxError;
      return std::nullopt;
    }
  }
  return o;
}

bool IsStringType(std::string_view type) {
  return type.size() == 6 && ArgIs(type, "string");
}

// The keys a walk keeps for its reply, counted against the client's output
// buffer limit as they are found (LaterReply::Charge), so that KEYS over a
// large keyspace drops a client past its limit instead of growing.
class FoundKeys {
 public:
  explicit FoundKeys(LaterReply reply) : reply_(std::move(reply)) {}

  // False once the client is gone or past its limit: stop walking.
  bool Add(std::string&& key) {
    const auto bytes = static_cast<int64_t>(sizeof(key) + key.size());
    refused_ = refused_ || !reply_.Charge(bytes);
    if (refused_) return false;
    charged_ += bytes;
    keys_.push_back(std::move(key));
    return true;
  }

  // Replies `last`'s error, or what `write` writes with the keys (the
  // reply counts instead of them then); nothing if the client was dropped.
  template <typename WriteFn>
  void Answer(const KeyPage& last, WriteFn&& write) {
    if (refused_) return;
    if (!last.error.empty()) return reply_.Error(last.error);
    (void)reply_.Charge(-charged_);
    std::string out;
    resp::ReplyWriter w(&out, reply_.protocol());
    write(w, keys_);
    reply_.Send(std::move(out));
  }

 private:
  const LaterReply reply_;
  std::vector<std::string> keys_;
  int64_t charged_ = 0;
  bool refused_ = false;
};

void WriteKeys(resp::ReplyWriter& w, const std::vector<std::string>& keys) {
  w.ArrayHeader(keys.size());
  for (const std::string& key : keys) w.Bulk(key);
}

// Redis counts COUNT in keys visited, not matched; leaderless asks each
// replica for that many records per page (at most a page of the replicas'
// limit) and stops once COUNT keys were seen.
void Scan(ProxyServer& proxy, net::Session& s, Argv argv) {
  auto cursor = ParseCursor(argv[1]);
  if (!cursor) {
    ReplyNow(s).Error("ERR invalid cursor");
    return;
  }
  std::string error;
  auto options = ParseScanOptions(argv.subspan(2), &error);
  if (!options) {
    ReplyNow(s).Error(error);
    return;
  }
  const size_t count =
      static_cast<size_t>(std::min<int64_t>(options->count, 100000));
  struct State {
    ScanOptions options;
    FoundKeys found;
    size_t seen = 0;
  };
  auto state = std::make_shared<State>(
      State{std::move(*options), FoundKeys(proxy.Later(s)), 0});
  WalkKeys(
      proxy.coordinator(), *cursor, count,
      [state, count](KeyPage& page) {
        state->seen += page.keys.size();
        for (std::string& key : page.keys) {
          const ScanOptions& o = state->options;
          if ((o.pattern.empty() || GlobMatch(o.pattern, key, false)) &&
              (o.type.empty() || IsStringType(o.type)) &&
              !state->found.Add(std::move(key))) {
            return false;
          }
        }
        return state->seen < count;
      },
      [state](KeyPage&& last) {
        state->found.Answer(last, [&](resp::ReplyWriter& w, const auto& keys) {
          w.ArrayHeader(2);
          w.Bulk(std::to_string(last.next));
          WriteKeys(w, keys);
        });
      });
}

void Keys(ProxyServer& proxy, net::Session& s, Argv argv) {
  auto found = std::make_shared<FoundKeys>(proxy.Later(s));
  std::string pattern(argv[1]);
  WalkKeys(
      proxy.coordinator(), 0, kWalkPage,
      [found, pattern](KeyPage& page) {
        for (std::string& key : page.keys) {
          if (GlobMatch(pattern, key, false) && !found->Add(std::move(key))) {
            return false;
          }
        }
        return true;
      },
      [found](KeyPage&& last) { found->Answer(last, &WriteKeys); });
}

// Exact: a walk of the whole ring, counting (O(keys) work, O(page) memory).
void DbSize(ProxyServer& proxy, net::Session& s, Argv) {
  auto total = std::make_shared<int64_t>(0);
  WalkKeys(
      proxy.coordinator(), 0, kWalkPage,
      [total](KeyPage& page) {
        *total += static_cast<int64_t>(page.keys.size());
        return true;
      },
      [total, reply = proxy.Later(s)](KeyPage&& last) {
        if (!last.error.empty()) {
          reply.Error(last.error);
          return;
        }
        std::string out;
        resp::ReplyWriter(&out, reply.protocol()).Integer(*total);
        reply.Send(std::move(out));
      });
}

// From a random ring position, the first live key met, going round the
// ring once at most. Keys after a wide gap on the ring come up more often
// than others: random, not uniform.
void RandomKey(ProxyServer& proxy, net::Session& s, Argv) {
  static std::mt19937_64 random(std::random_device{}());
  const uint64_t start = random();
  struct State {
    uint64_t start;
    bool wrapped = false;  // the walk went past the ring's end
    std::string key;
  };
  auto state = std::make_shared<State>(State{start, false, {}});
  auto reply = proxy.Later(s);
  auto answer = [state, reply](KeyPage&& last) {
    if (!last.error.empty()) {
      reply.Error(last.error);
      return;
    }
    std::string out;
    resp::ReplyWriter w(&out, reply.protocol());
    if (state->key.empty()) {
      w.Null();
    } else {
      w.Bulk(state->key);
    }
    reply.Send(std::move(out));
  };
  auto visit = [state](KeyPage& page) {
    if (!page.keys.empty()) {
      state->key = std::move(page.keys.front());
      return false;
    }
    // Past the start again after wrapping: every position was read.
    return !(state->wrapped && page.next > state->start);
  };
  Coordinator& c = proxy.coordinator();
  WalkKeys(
      c, start, kWalkPage, visit, [&c, state, visit, answer](KeyPage&& last) {
        if (!last.error.empty() || !state->key.empty() || state->start == 0) {
          answer(std::move(last));
          return;
        }
        state->wrapped = true;
        WalkKeys(c, 0, kWalkPage, visit, answer);
      });
}

}  // namespace

void AddScanCommands(CommandTable& table) {
  const std::vector<std::string> kRead = {"@keyspace", "@read", "@slow"};
  table.Add("scan", -2, &Scan, {.flags = {"readonly"}, .categories = kRead});
  table.Add("keys", 2, &Keys,
            {.flags = {"readonly"},
             .categories = {"@keyspace", "@read", "@slow", "@dangerous"}});
  table.Add("dbsize", 1, &DbSize,
            {.flags = {"readonly", "fast"},
             .categories = {"@keyspace", "@read", "@fast"}});
  table.Add("randomkey", 1, &RandomKey,
            {.flags = {"readonly"}, .categories = kRead});
}

}  // namespace leaderless::proxy
