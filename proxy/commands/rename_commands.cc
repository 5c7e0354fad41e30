// RENAME, RENAMENX and COPY: read-modify-writes over two keys, both held
// for the whole command (key_locks.h).
//
//   quorum read of the source (and of the destination when its existence
//   decides the reply) ──▶ quorum write of the destination: the source's
//   value and expiry ──▶ (RENAME*, once that write is acknowledged) quorum
//   write of the source's tombstone ──▶ reply
//
// The destination is written before the source is deleted, so a failure
// in between (a quorum error, a proxy dying) leaves the value under both
// keys, never under neither. Across proxies these commands are as isolated
// as any read-modify-write: last writer wins.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/keys.cc.

#include <memory>
#include <string>

#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/gather.h"
#include "proxy/record_ops.h"

namespace leaderless::proxy {
namespace {

// The source and the destination: argv[1] and argv[2].
constexpr KeyRange kSourceAndDestination{1, 2, 1};

// What a command does with the two keys once they are read.
struct MoveRule {
  bool delete_source;  // RENAME, RENAMENX; COPY keeps it
  // A live destination makes the command answer 0 and write nothing
  // (RENAMENX, COPY without REPLACE); otherwise it is overwritten.
  bool keep_destination;
  // The reply once done: +OK (RENAME) or :1.
  bool reply_ok;
};

void NoSuchKey(resp::ReplyWriter& w) { w.Error("ERR no such key"); }
void Zero(resp::ReplyWriter& w) { w.Integer(0); }

void WriteDone(const MoveRule& rule, resp::ReplyWriter& w) {
  if (rule.reply_ok) return w.SimpleString("OK");
  w.Integer(1);
}

// The writes of a move whose keys were read: destination, then (once
// acknowledged) the source's tombstone.
void WriteMove(Coordinator& c, const LaterReply& reply,
               std::shared_ptr<KeyLocks::Leases> hold,
               std::shared_ptr<OwnedArgv> keys, MoveRule rule,
               cluster::Record record) {
  Argv argv = keys->view();
  // A destination that must stay if live was read: if a newer one arrived
  // since, the move must not overwrite it, so it is reported, not stamped
  // again.
  auto on_superseded = rule.keep_destination
                           ? Coordinator::OnSuperseded::kReport
                           : Coordinator::OnSuperseded::kStampAgain;
  c.Write(
      argv[2], std::move(record),
      [&c, reply, hold, keys, rule](QuorumResult&& written) {
        if (written.ok() && written.superseded) {
          written.outcome = QuorumResult::Outcome::kSuperseded;
        }
        if (!written.ok()) return reply.Error(written.Error());
        if (!rule.delete_source) {
          return Answer(reply, [&](auto& w) { WriteDone(rule, w); });
        }
        c.Write(keys->view()[1], Tombstone(),
                [reply, hold, rule](QuorumResult&& deleted) {
                  if (!deleted.ok()) return reply.Error(deleted.Error());
                  Answer(reply, [&](auto& w) { WriteDone(rule, w); });
                });
      },
      nullptr, on_superseded);
}

// Reads the source (and the destination if `rule.keep_destination`), then
// decides: a missing source answers `missing`, a kept destination 0; else
// the value moves.
void Move(KeyCall& call, MoveRule rule, void (*missing)(resp::ReplyWriter&)) {
  Coordinator& c = call.coordinator;
  auto keys = std::make_shared<OwnedArgv>(call.argv.first(3));
  const size_t reads = rule.keep_destination ? 2 : 1;
  Gather(
      reads,
      [&c, keys](size_t i, Coordinator::DoneFn cb,
                 Coordinator::RetiredFn retired) {
        c.Read(keys->view()[1 + i], std::move(cb), std::move(retired),
               Coordinator::ReadFor::kWrite);
      },
      [&c, reply = call.reply, hold = call.hold, keys, rule,
       missing](std::vector<QuorumResult>& results) {
        if (const QuorumResult* failed = FirstFailure(results)) {
          return reply.Error(failed->Error());
        }
        const uint64_t now = c.WallMs();
        auto source = LiveRecord(results[0], now);
        if (!source) return Answer(reply, missing);
        Argv argv = keys->view();
        // Redis answers a rename onto itself as if done (RENAMENX: as if
        // the destination existed): nothing to write.
        if (argv[1] == argv[2]) {
          return Answer(reply, [&](resp::ReplyWriter& w) {
            rule.keep_destination ? Zero(w) : WriteDone(rule, w);
          });
        }
        if (rule.keep_destination && LiveRecord(results[1], now)) {
          return Answer(reply, &Zero);
        }
        WriteMove(
            c, reply, hold, keys, rule,
            ValueRecord(std::string(source->value), source->expire_at_ms));
      });
}

void Rename(KeyCall& call) {
  Move(call,
       {.delete_source = true, .keep_destination = false, .reply_ok = true},
       &NoSuchKey);
}

void RenameNx(KeyCall& call) {
  Move(call,
       {.delete_source = true, .keep_destination = true, .reply_ok = false},
       &NoSuchKey);
}

// COPY source destination [DB destination-db] [REPLACE], checked in Redis's
// order: options first, then the same-key error, then the keys. Only
// database 0 exists.
void Copy(KeyCall& call) {
  Argv argv = call.argv;
  bool replace = false;
  for (size_t j = 3; j < argv.size(); ++j) {
    if (ArgIs(argv[j], "replace")) {
      replace = true;
    } else if (ArgIs(argv[j], "db") && j + 1 < argv.size()) {
      std::optional<int64_t> db = ParseInt64(argv[++j]);
      if (!db) return call.reply.Error(kNotInteger);
      if (*db != 0) return call.reply.Error("ERR DB index is out of range");
    } else {
      return call.reply.Error(kSyntaxError);
    }
  }
  if (argv[1] == argv[2]) {
    return call.reply.Error("ERR source and destination objects are the same");
  }
  Move(
      call,
      {.delete_source = false, .keep_destination = !replace, .reply_ok = false},
      &Zero);
}

}  // namespace

void AddRenameCommands(CommandTable& table) {
  AddKeyCommand<&Rename, kSourceAndDestination>(
      table, "rename", 3, {"write"}, {"@keyspace", "@write", "@slow"});
  AddKeyCommand<&RenameNx, kSourceAndDestination>(
      table, "renamenx", 3, {"write", "fast"},
      {"@keyspace", "@write", "@fast"});
  AddKeyCommand<&Copy, kSourceAndDestination>(table, "copy", -3,
                                              {"write", "denyoom"},
                                              {"@keyspace", "@write", "@slow"});
}

}  // namespace leaderless::proxy
