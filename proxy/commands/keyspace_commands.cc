// Keyspace commands on whole keys: DEL, UNLINK, EXISTS, TOUCH, TYPE. The
// only type leaderless stores is the string; the expiry commands are in
// expire_commands.cc.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/keys.cc.

#include "proxy/commands/command_families.h"
#include "proxy/key_command.h"
#include "proxy/record_ops.h"

namespace leaderless::proxy {
namespace {

// DEL writes a tombstone per key; a key counts as removed when the newest
// record the acknowledging replicas held before was live. UNLINK is the
// same: a tombstone frees nothing to do in the background.
void Del(KeyCall& call) {
  Coordinator& c = call.coordinator;
  auto keys = std::make_shared<OwnedArgv>(call.argv.subspan(1));
  WriteEach(
      c, call.hold, keys->view().size(),
      [keys](size_t i) {
        return KeyRecord{keys->view()[i], Tombstone()};
      },
      [&c, reply = call.reply](std::vector<QuorumResult>& writes) {
        AnswerAll(reply, writes, [&](resp::ReplyWriter& w) {
          w.Integer(CountLive(writes, c.WallMs()));
        });
      });
}

// EXISTS and TOUCH count the keys given that exist, repeats included.
// TOUCH has no access time to update here.
void Exists(KeyCall& call) {
  ReadEach(call, call.argv.subspan(1),
           [](const std::vector<QuorumResult>& reads, uint64_t now,
              resp::ReplyWriter& w) { w.Integer(CountLive(reads, now)); });
}

void Type(KeyCall& call) {
  ReadKey(call, call.argv[1],
          [](const cluster::RecordView* live, uint64_t, resp::ReplyWriter& w) {
            w.SimpleString(live ? "string" : "none");
          });
}

}  // namespace

void AddKeyspaceCommands(CommandTable& table) {
  const std::vector<std::string> kRead = {"@keyspace", "@read", "@fast"};
  AddKeyCommand<&Del, kEveryKey>(table, "del", -2, {"write"},
                                 {"@keyspace", "@write", "@slow"});
  AddKeyCommand<&Del, kEveryKey>(table, "unlink", -2, {"write", "fast"},
                                 {"@keyspace", "@write", "@fast"});
  AddKeyCommand<&Exists, kEveryKey>(table, "exists", -2, {"readonly", "fast"},
                                    kRead);
  AddKeyCommand<&Exists, kEveryKey>(table, "touch", -2, {"readonly", "fast"},
                                    kRead);
  AddKeyCommand<&Type>(table, "type", 2, {"readonly", "fast"}, kRead);
  AddExpireCommands(table);
}

}  // namespace leaderless::proxy
