// String commands that get and set whole values: GET, SET and its variants,
// GETDEL, GETEX, MGET, MSET, MSETNX. Replies and errors are Redis 7.0's.
// A command that only reads, or only writes, is one quorum op per key; one
// whose outcome depends on the current value (SET NX/XX/GET/KEEPTTL,
// SETNX, GETSET, GETDEL, GETEX with options, MSETNX) is a read-modify-write
// holding its keys (record_ops.h, key_locks.h).
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/keys.cc.

#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/commands/expire_options.h"
#include "proxy/gather.h"
#include "proxy/key_command.h"
#include "proxy/record_ops.h"

namespace leaderless::proxy {
namespace {

void ReplyValue(const cluster::RecordView* live, uint64_t,
                resp::ReplyWriter& w) {
  if (live) {
    w.Bulk(live->value);
  } else {
    w.Null();
  }
}

void Get(KeyCall& call) { ReadKey(call, call.argv[1], &ReplyValue); }

// What a SET-like command answers when it sets and when NX/XX stop it.
enum class SetReplies {
  kOkOrNull,   // SET: +OK / null
  kOneOrZero,  // SETNX: 1 / 0
};

// The read-modify-write part of SET: the decision once the current record
// is known, as Redis's setGenericCommand.
struct SetPlan {
  unsigned flags;
  uint64_t expire_at_ms;  // 0: none
  SetReplies replies;
  std::string value;

  // Runs again when the write lost to a newer record (record_ops.h), so it
  // copies the value rather than moving it out.
  std::optional<cluster::Record> Decide(const cluster::RecordView* live,
                                        resp::ReplyWriter& w) const {
    bool get = flags & kSetGet;  // GET replies the old value, nothing else
    if (get) ReplyValue(live, 0, w);
    bool one_or_zero = replies == SetReplies::kOneOrZero;
    if (((flags & kSetNx) && live) || ((flags & kSetXx) && !live)) {
      if (!get) one_or_zero ? w.Integer(0) : w.Null();
      return std::nullopt;
    }
    if (!get) one_or_zero ? w.Integer(1) : w.SimpleString("OK");
    if (flags & kKeepTtl) return KeepingTtl(live, value);
    return ValueRecord(value, expire_at_ms);
  }
};

// SET and its variants: `value` under argv[1] with `options`. `command`
// names the command in errors. A SET with no option but a time writes
// without reading.
void SetGeneric(KeyCall& call, std::string_view value,
                const StringOptions& options, std::string_view command,
                SetReplies replies) {
  Coordinator& c = call.coordinator;
  uint64_t expire_at = 0;
  if (options.flags & kAnyExpire) {
    auto at =
        StringExpireAt(options.flags, options.expire, c.WallMs(), command);
    if (!at.ok()) return call.reply.Error(at.status().message());
    expire_at = *at;
  }
  if (!(options.flags & (kSetNx | kSetXx | kSetGet | kKeepTtl))) {
    return WriteKey(call, call.argv[1],
                    ValueRecord(std::string(value), expire_at));
  }
  SetPlan plan{options.flags, expire_at, replies, std::string(value)};
  ReadModifyWrite(call, call.argv[1],
                  [plan = std::move(plan)](const cluster::RecordView* live,
                                           uint64_t, resp::ReplyWriter& w) {
                    return plan.Decide(live, w);
                  });
}

void Set(KeyCall& call) {
  auto options = ParseStringOptions(call.argv.subspan(3), StringCommand::kSet);
  if (!options) return call.reply.Error(kSyntaxError);
  SetGeneric(call, call.argv[2], *options, "set", SetReplies::kOkOrNull);
}

void SetNx(KeyCall& call) {
  SetGeneric(call, call.argv[2], {kSetNx, {}}, "setnx", SetReplies::kOneOrZero);
}

void SetEx(KeyCall& call) {
  SetGeneric(call, call.argv[3], {kEx, call.argv[2]}, "setex",
             SetReplies::kOkOrNull);
}

void PSetEx(KeyCall& call) {
  SetGeneric(call, call.argv[3], {kPx, call.argv[2]}, "psetex",
             SetReplies::kOkOrNull);
}

void GetSet(KeyCall& call) {
  SetGeneric(call, call.argv[2], {kSetGet, {}}, "getset",
             SetReplies::kOkOrNull);
}

void GetDel(KeyCall& call) {
  ReadModifyWrite(call, call.argv[1],
                  [](const cluster::RecordView* live, uint64_t,
                     resp::ReplyWriter& w) -> std::optional<cluster::Record> {
                    ReplyValue(live, 0, w);
                    if (!live) return std::nullopt;
                    return Tombstone();
                  });
}

// GETEX with an option, once the key's record is known. As in Redis, the
// time is checked only if the key exists, and a past EXAT/PXAT deletes it.
std::optional<cluster::Record> GetExDecide(unsigned flags,
                                           std::string_view time_arg,
                                           const cluster::RecordView* live,
                                           uint64_t now, resp::ReplyWriter& w) {
  if (!live) {
    w.Null();
    return std::nullopt;
  }
  uint64_t expire_at = 0;  // PERSIST
  if (flags & kAnyExpire) {
    auto at = StringExpireAt(flags, time_arg, now, "getex");
    if (!at.ok()) {
      w.Error(at.status().message());
      return std::nullopt;
    }
    expire_at = *at;
  } else if (live->expire_at_ms == 0) {
    w.Bulk(live->value);
    return std::nullopt;  // PERSIST without an expiry: nothing to change
  }
  w.Bulk(live->value);
  if (expire_at != 0 && expire_at <= now) return Tombstone();
  return ValueRecord(std::string(live->value), expire_at);
}

void GetEx(KeyCall& call) {
  auto options =
      ParseStringOptions(call.argv.subspan(2), StringCommand::kGetEx);
  if (!options) return call.reply.Error(kSyntaxError);
  if (options->flags == 0) return ReadKey(call, call.argv[1], &ReplyValue);
  ReadModifyWrite(
      call, call.argv[1],
      [flags = options->flags, time = std::string(options->expire)](
          const cluster::RecordView* live, uint64_t now, resp::ReplyWriter& w) {
        return GetExDecide(flags, time, live, now, w);
      });
}

void MGet(KeyCall& call) {
  ReadEach(call, call.argv.subspan(1),
           [](const std::vector<QuorumResult>& reads, uint64_t now,
              resp::ReplyWriter& w) {
             w.ArrayHeader(reads.size());
             for (const QuorumResult& r : reads) {
               auto live = LiveRecord(r, now);
               ReplyValue(live ? &*live : nullptr, now, w);
             }
           });
}

// The i-th key and value of MSET/MSETNX's arguments, as a record to write.
KeyRecord PairRecord(Argv argv, size_t i) {
  return KeyRecord{argv[1 + 2 * i], ValueRecord(std::string(argv[2 + 2 * i]))};
}

// MSET is one quorum write per key, not atomic across keys: a failure
// leaves the keys written before it.
void MSet(KeyCall& call) {
  if (call.argv.size() % 2 == 0) {
    return call.reply.Error(resp::ArityError("mset"));
  }
  auto owned = std::make_shared<OwnedArgv>(call.argv);
  WriteEach(
      call.coordinator, call.hold, call.argv.size() / 2,
      [owned](size_t i) { return PairRecord(owned->view(), i); },
      [reply = call.reply](std::vector<QuorumResult>& writes) {
        AnswerAll(reply, writes,
                  [](resp::ReplyWriter& w) { w.SimpleString("OK"); });
      });
}

// MSETNX reads every key, holding them all, and writes them only if none
// exists.
void MSetNx(KeyCall& call) {
  if (call.argv.size() % 2 == 0) {
    return call.reply.Error(resp::ArityError("msetnx"));
  }
  Coordinator& c = call.coordinator;
  auto owned = std::make_shared<OwnedArgv>(call.argv);
  size_t pairs = call.argv.size() / 2;
  Gather(
      pairs,
      [&c, owned](size_t i, Coordinator::DoneFn cb,
                  Coordinator::RetiredFn retired) {
        // Only whether each key exists matters: keep the header of each
        // record read, not its value, until every read is in.
        auto header_only = [cb = std::move(cb)](QuorumResult&& read) {
          if (read.record.size() > cluster::kRecordHeaderSize) {
            read.record.resize(cluster::kRecordHeaderSize);
            read.record.shrink_to_fit();
          }
          cb(std::move(read));
        };
        c.Read(owned->view()[1 + 2 * i], std::move(header_only),
               std::move(retired), Coordinator::ReadFor::kWrite);
      },
      [&c, reply = call.reply, hold = call.hold, owned,
       pairs](std::vector<QuorumResult>& reads) {
        if (const QuorumResult* failed = FirstFailure(reads)) {
          return reply.Error(failed->Error());
        }
        if (CountLive(reads, c.WallMs()) > 0) {
          return Answer(reply, [](resp::ReplyWriter& w) { w.Integer(0); });
        }
        WriteEach(
            c, hold, pairs,
            [owned](size_t i) { return PairRecord(owned->view(), i); },
            [reply, hold](std::vector<QuorumResult>& writes) {
              AnswerAll(reply, writes,
                        [](resp::ReplyWriter& w) { w.Integer(1); });
            });
      });
}

}  // namespace

void AddStringCommands(CommandTable& table) {
  const std::vector<std::string> kRead = {"@read", "@string", "@fast"};
  const std::vector<std::string> kWriteFast = {"@write", "@string", "@fast"};
  const std::vector<std::string> kWriteSlow = {"@write", "@string", "@slow"};
  AddKeyCommand<&Get>(table, "get", 2, {"readonly", "fast"}, kRead);
  AddKeyCommand<&Set>(table, "set", -3, {"write", "denyoom"}, kWriteSlow);
  AddKeyCommand<&SetNx>(table, "setnx", 3, {"write", "denyoom", "fast"},
                        kWriteFast);
  AddKeyCommand<&SetEx>(table, "setex", 4, {"write", "denyoom"}, kWriteSlow);
  AddKeyCommand<&PSetEx>(table, "psetex", 4, {"write", "denyoom"}, kWriteSlow);
  AddKeyCommand<&GetSet>(table, "getset", 3, {"write", "denyoom", "fast"},
                         kWriteFast);
  AddKeyCommand<&GetDel>(table, "getdel", 2, {"write", "fast"}, kWriteFast);
  AddKeyCommand<&GetEx>(table, "getex", -2, {"write", "fast"}, kWriteFast);
  AddKeyCommand<&MGet, kEveryKey>(table, "mget", -2, {"readonly", "fast"},
                                  kRead);
  AddKeyCommand<&MSet, kKeyValuePairs>(table, "mset", -3, {"write", "denyoom"},
                                       kWriteSlow);
  AddKeyCommand<&MSetNx, kKeyValuePairs>(table, "msetnx", -3,
                                         {"write", "denyoom"}, kWriteSlow);
  AddCounterCommands(table);
  AddRangeCommands(table);
}

}  // namespace leaderless::proxy
