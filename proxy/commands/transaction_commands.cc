// MULTI, EXEC, DISCARD, and WATCH / UNWATCH, which leaderless refuses:
// watching a key for changes would need every proxy to tell of every write,
// and proxies share nothing. A client relying on WATCH gets an error rather
// than a transaction that silently skips its check.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/transactions.cc.

#include "proxy/commands/command_families.h"
#include "proxy/proxy_server.h"
#include "proxy/transaction.h"

namespace leaderless::proxy {
namespace {

constexpr char kNoWatch[] =
    "ERR leaderless does not support WATCH: proxies share no state to tell "
    "whether a watched key changed";

void Multi(ProxyServer& proxy, net::Session& s, Argv) {
  ClientState& client = proxy.Client(s);
  // Not a refusal: the transaction goes on, as in Redis.
  if (client.multi) {
    return ReplyNow(s).Error("ERR MULTI calls can not be nested");
  }
  client.multi.emplace();
  ReplyNow(s).SimpleString("OK");
}

void Exec(ProxyServer& proxy, net::Session& s, Argv) {
  ClientState& client = proxy.Client(s);
  if (!client.multi) return ReplyNow(s).Error("ERR EXEC without MULTI");
  if (client.multi->aborted) {
    DiscardMulti(s, client);
    return ReplyNow(s).Error(
        "EXECABORT Transaction discarded because of previous errors.");
  }
  MultiState multi = std::move(*client.multi);
  client.multi.reset();
  RunTransaction(proxy, s, std::move(multi));
}

void Discard(ProxyServer& proxy, net::Session& s, Argv) {
  ClientState& client = proxy.Client(s);
  if (!client.multi) return ReplyNow(s).Error("ERR DISCARD without MULTI");
  DiscardMulti(s, client);
  ReplyNow(s).SimpleString("OK");
}

// Inside MULTI too, where Redis refuses WATCH without dooming the
// transaction.
void Watch(ProxyServer&, net::Session& s, Argv) { ReplyNow(s).Error(kNoWatch); }

}  // namespace

void AddTransactionCommands(CommandSet& commands) {
  const std::vector<std::string> kFast = {"noscript", "loading", "stale",
                                          "fast", "allow_busy"};
  const std::vector<std::string> kCategories = {"@fast", "@transaction"};
  CommandTable& table = commands.table();
  table.Add("multi", 1, &Multi, {.flags = kFast, .categories = kCategories});
  table.Add("exec", 1, &Exec,
            {.flags = {"noscript", "loading", "stale", "skip_slowlog"},
             .categories = {"@slow", "@transaction"}});
  table.Add("discard", 1, &Discard,
            {.flags = kFast, .categories = kCategories});
  table.Add("watch", -2, &Watch,
            {.flags = kFast,
             .first_key = 1,
             .last_key = -1,
             .key_step = 1,
             .categories = kCategories});
  table.Add("unwatch", 1, &Watch, {.flags = kFast, .categories = kCategories});
}

}  // namespace leaderless::proxy
