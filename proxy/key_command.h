#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocol/resp/command_table.h"
#include "protocol/resp/reply_writer.h"
#include "proxy/key_locks.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {

// Which arguments are keys, as Redis's COMMAND tells: first, last (-1: the
// last argument), step.
struct KeyRange {
  int first;
  int last;
  int step;
};
inline constexpr KeyRange kFirstKey{1, 1, 1};
inline constexpr KeyRange kEveryKey{1, -1, 1};
inline constexpr KeyRange kKeyValuePairs{1, -1, 2};

// The keys `range` names in `argv`. Requires: argv holds them.
template <typename Key>
std::vector<Key> KeysOf(Argv argv, KeyRange range) {
  int last =
      range.last < 0 ? static_cast<int>(argv.size()) + range.last : range.last;
  std::vector<Key> keys;
  for (int i = range.first; i <= last; i += range.step) {
    keys.emplace_back(argv[i]);
  }
  return keys;
}

// The proxy's key turns, shared by every command on keys.
KeyLocks& ProxyKeyLocks();

// Whether the proxy is stopping: a command granted its keys then must not
// start ops on the closed coordinator.
bool ProxyStopping(ProxyServer& proxy);

// A command on keys, running once its keys' turn came (key_locks.h).
struct KeyCall {
  ProxyServer& proxy;
  // Its place in the client's reply order, taken when the request arrived.
  LaterReply reply;
  // Valid until the command function returns: later steps copy what they
  // need.
  Argv argv;
  // The command's keys, held until the last copy is dropped. A
  // read-modify-write keeps a copy in its callbacks so that the next
  // commands on its keys wait for its write; others let it go when they
  // return, their requests sent.
  std::shared_ptr<KeyLocks::Leases> hold;
};
using KeyCommandFn = void (*)(KeyCall& call);

// Runs `fn` once every key `keys` names in `argv` is free, at once if they
// are. A command that has to wait gets a copy of its arguments.
void RunKeyCommand(ProxyServer& proxy, net::Session& session, Argv argv,
                   KeyRange keys, KeyCommandFn fn);

template <KeyCommandFn F, KeyRange K>
void KeyCommand(ProxyServer& proxy, net::Session& session, Argv argv) {
  RunKeyCommand(proxy, session, argv, K, F);
}

// Adds command `name` to `table`, run by F over the keys K, with the flags
// and ACL categories Redis 7's COMMAND reports for it.
template <KeyCommandFn F, KeyRange K = kFirstKey>
void AddKeyCommand(CommandTable& table, std::string name, int arity,
                   std::vector<std::string> flags,
                   std::vector<std::string> categories) {
  table.Add(std::move(name), arity, &KeyCommand<F, K>,
            resp::CommandMeta{std::move(flags), K.first, K.last, K.step,
                              std::move(categories)});
}

// Writes a reply with `write(resp::ReplyWriter&)` and sends it.
template <typename WriteFn>
void Answer(const LaterReply& reply, WriteFn&& write) {
  std::string out;
  resp::ReplyWriter w(&out, reply.protocol());
  write(w);
  reply.Send(std::move(out));
}

// Arguments copied out of a request's buffer, for a command that runs after
// the request's views are gone.
class OwnedArgv {
 public:
  explicit OwnedArgv(Argv argv);
  OwnedArgv(const OwnedArgv&) = delete;
  OwnedArgv& operator=(const OwnedArgv&) = delete;

  Argv view() const { return views_; }

 private:
  std::vector<std::string> strings_;
  std::vector<std::string_view> views_;  // into strings_
};

}  // namespace leaderless::proxy
