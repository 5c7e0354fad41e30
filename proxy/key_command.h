#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "protocol/resp/command_table.h"
#include "protocol/resp/reply_writer.h"
#include "proxy/command_set.h"
#include "proxy/coordinator.h"
#include "proxy/key_locks.h"
#include "proxy/later_reply.h"

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

// The keys a command's COMMAND metadata names (AddKeyCommand() sets it).
inline KeyRange KeyRangeOf(const resp::CommandMeta& meta) {
  return {meta.first_key, meta.last_key, meta.key_step};
}

// What a command on keys runs with. The server owns the coordinator, the
// key turns and the stopping flag; the reply slot and the held keys are the
// request's.
struct KeyContext {
  Coordinator& coordinator;
  KeyLocks& locks;
  // Set once the proxy stops: Coordinator::Close() drops the callbacks of
  // the ops in flight, releasing their keys, and the commands granted them
  // then must not start ops on the closed coordinator.
  const bool& stopping;
  // Its place in the client's reply order, taken when the request arrived.
  LaterReply reply;
  // Inside EXEC: the transaction's keys, held for its whole run. Its
  // commands run under them: waiting for a turn would wait for itself.
  std::shared_ptr<KeyLocks::Leases> held;
};

// A command on keys, running once its keys' turn came (key_locks.h).
struct KeyCall {
  Coordinator& coordinator;
  LaterReply reply;  // KeyContext::reply
  // Valid until the command function returns: later steps copy what they
  // need.
  Argv argv;
  // The command's keys, held until the last copy is dropped. A read or a
  // read-modify-write keeps a copy in its callbacks so that the next
  // commands on its keys wait for its reply (key_locks.h); writes let it
  // go when they return, their requests sent.
  std::shared_ptr<KeyLocks::Leases> hold;
};

// Runs `fn` under `context.held` if set, else once it has its turn on every
// key `keys` names in `argv` (in `mode`), at once if it can. A command that
// has to wait gets a copy of its arguments, and does not run if the proxy
// stopped meanwhile.
void RunKeyCommand(KeyContext context, Argv argv, KeyRange keys,
                   KeyLocks::Mode mode, KeyCommandFn fn);

// Adds command `name` to `table`, run by F over the keys K (its COMMAND
// key positions), with the flags and ACL categories Redis 7's COMMAND
// reports for it.
template <KeyCommandFn F, KeyRange K = kFirstKey>
void AddKeyCommand(CommandTable& table, std::string name, int arity,
                   std::vector<std::string> flags,
                   std::vector<std::string> categories) {
  const bool read_only =
      std::find(flags.begin(), flags.end(), "readonly") != flags.end();
  table.Add(std::move(name), arity, CommandHandler::OnKeys(F, read_only),
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
