// Expiry: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX XX GT LT), TTL,
// PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. A record holds an absolute
// expiry (DESIGN.md); the ones that change it are read-modify-writes
// rewriting the value with the new expiry (record_ops.h). Redis 7.0 rules:
// a time already past deletes the key and answers 1.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/keys.cc.

#include "proxy/commands/command_families.h"
#include "proxy/commands/expire_options.h"
#include "proxy/key_command.h"
#include "proxy/record_ops.h"

namespace leaderless::proxy {
namespace {

enum class TimeArg { kSecondsFromNow, kMsFromNow, kUnixSeconds, kUnixMs };

void ExpireGeneric(KeyCall& call, TimeArg kind, std::string_view command) {
  auto flags = ParseExpireFlags(call.argv.subspan(3));
  if (!flags.ok()) return call.reply.Error(flags.status().message());
  bool relative =
      kind == TimeArg::kSecondsFromNow || kind == TimeArg::kMsFromNow;
  bool seconds =
      kind == TimeArg::kSecondsFromNow || kind == TimeArg::kUnixSeconds;
  int64_t base = relative ? call.coordinator.WallMs() : 0;
  auto when = ExpireCommandAt(call.argv[2], seconds, base, command);
  if (!when.ok()) return call.reply.Error(when.status().message());
  ReadModifyWrite(
      call, call.argv[1],
      [flags = *flags, when = *when](
          const cluster::RecordView* live, uint64_t now,
          resp::ReplyWriter& w) -> std::optional<cluster::Record> {
        if (!live || !ExpireAllowed(flags, live->expire_at_ms, when)) {
          w.Integer(0);
          return std::nullopt;
        }
        w.Integer(1);
        if (when <= static_cast<int64_t>(now)) return Tombstone();
        return ValueRecord(std::string(live->value),
                           static_cast<uint64_t>(when));
      });
}

void Expire(KeyCall& call) {
  ExpireGeneric(call, TimeArg::kSecondsFromNow, "expire");
}
void PExpire(KeyCall& call) {
  ExpireGeneric(call, TimeArg::kMsFromNow, "pexpire");
}
void ExpireAt(KeyCall& call) {
  ExpireGeneric(call, TimeArg::kUnixSeconds, "expireat");
}
void PExpireAt(KeyCall& call) {
  ExpireGeneric(call, TimeArg::kUnixMs, "pexpireat");
}

// Replies -2 for a missing key, -1 for one without expiry, else `show` of
// its expiry and the time now.
void ReplyExpiry(KeyCall& call, int64_t (*show)(uint64_t at, uint64_t now)) {
  ReadKey(call, call.argv[1],
          [show](const cluster::RecordView* live, uint64_t now,
                 resp::ReplyWriter& w) {
            if (!live) return w.Integer(-2);
            if (live->expire_at_ms == 0) return w.Integer(-1);
            w.Integer(show(live->expire_at_ms, now));
          });
}

// A live record expires after now: the TTL is at least 1 ms. TTL rounds
// to the nearest second, as Redis.
void Ttl(KeyCall& call) {
  ReplyExpiry(call, [](uint64_t at, uint64_t now) {
    return static_cast<int64_t>((at - now + 500) / 1000);
  });
}
void PTtl(KeyCall& call) {
  ReplyExpiry(call, [](uint64_t at, uint64_t now) {
    return static_cast<int64_t>(at - now);
  });
}
void ExpireTime(KeyCall& call) {
  ReplyExpiry(call, [](uint64_t at, uint64_t) {
    return static_cast<int64_t>(at / 1000);
  });
}
void PExpireTime(KeyCall& call) {
  ReplyExpiry(call,
              [](uint64_t at, uint64_t) { return static_cast<int64_t>(at); });
}

void Persist(KeyCall& call) {
  ReadModifyWrite(call, call.argv[1],
                  [](const cluster::RecordView* live, uint64_t,
                     resp::ReplyWriter& w) -> std::optional<cluster::Record> {
                    if (!live || live->expire_at_ms == 0) {
                      w.Integer(0);
                      return std::nullopt;
                    }
                    w.Integer(1);
                    return ValueRecord(std::string(live->value));
                  });
}

}  // namespace

void AddExpireCommands(CommandTable& table) {
  const std::vector<std::string> kRead = {"@keyspace", "@read", "@fast"};
  const std::vector<std::string> kWrite = {"@keyspace", "@write", "@fast"};
  AddKeyCommand<&Expire>(table, "expire", -3, {"write", "fast"}, kWrite);
  AddKeyCommand<&PExpire>(table, "pexpire", -3, {"write", "fast"}, kWrite);
  AddKeyCommand<&ExpireAt>(table, "expireat", -3, {"write", "fast"}, kWrite);
  AddKeyCommand<&PExpireAt>(table, "pexpireat", -3, {"write", "fast"}, kWrite);
  AddKeyCommand<&Ttl>(table, "ttl", 2, {"readonly", "fast"}, kRead);
  AddKeyCommand<&PTtl>(table, "pttl", 2, {"readonly", "fast"}, kRead);
  AddKeyCommand<&ExpireTime>(table, "expiretime", 2, {"readonly", "fast"},
                             kRead);
  AddKeyCommand<&PExpireTime>(table, "pexpiretime", 2, {"readonly", "fast"},
                              kRead);
  AddKeyCommand<&Persist>(table, "persist", 2, {"write", "fast"}, kWrite);
}

}  // namespace leaderless::proxy
