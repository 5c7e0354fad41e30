// Counters: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT. Each is a
// read-modify-write of one key (record_ops.h) that keeps the key's TTL, as
// Redis does; replies, errors and float formatting are Redis 7.0's.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/keys.cc.

#include <cmath>
#include <limits>

#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/commands/float_format.h"
#include "proxy/key_command.h"
#include "proxy/record_ops.h"

namespace leaderless::proxy {
namespace {

void IncrementBy(KeyCall& call, int64_t delta) {
  ReadModifyWrite(
      call, call.argv[1],
      [delta](const cluster::RecordView* live, uint64_t,
              resp::ReplyWriter& w) -> std::optional<cluster::Record> {
        std::optional<int64_t> value = live ? ParseInt64(live->value) : 0;
        int64_t sum = 0;
        if (!value) {
          w.Error(kNotInteger);
        } else if (__builtin_add_overflow(*value, delta, &sum)) {
          w.Error("ERR increment or decrement would overflow");
        } else {
          w.Integer(sum);
          return KeepingTtl(live, std::to_string(sum));
        }
        return std::nullopt;
      });
}

void Incr(KeyCall& call) { IncrementBy(call, 1); }
void Decr(KeyCall& call) { IncrementBy(call, -1); }

void IncrBy(KeyCall& call) {
  std::optional<int64_t> delta = ParseInt64(call.argv[2]);
  if (!delta) return call.reply.Error(kNotInteger);
  IncrementBy(call, *delta);
}

void DecrBy(KeyCall& call) {
  std::optional<int64_t> delta = ParseInt64(call.argv[2]);
  if (!delta) return call.reply.Error(kNotInteger);
  if (*delta == std::numeric_limits<int64_t>::min()) {
    return call.reply.Error("ERR decrement would overflow");  // can't negate
  }
  IncrementBy(call, -*delta);
}

constexpr const char* kNotFloat = "ERR value is not a valid float";

// Redis checks the key's value before the increment, with the same error
// text for both, so checking the increment first answers the same.
void IncrByFloat(KeyCall& call) {
  std::optional<long double> delta = ParseLongDouble(call.argv[2]);
  if (!delta) return call.reply.Error(kNotFloat);
  ReadModifyWrite(
      call, call.argv[1],
      [delta = *delta](const cluster::RecordView* live, uint64_t,
                       resp::ReplyWriter& w) -> std::optional<cluster::Record> {
        std::optional<long double> value =
            live ? ParseLongDouble(live->value) : 0.0L;
        if (!value) {
          w.Error(kNotFloat);
          return std::nullopt;
        }
        long double sum = *value + delta;
        if (std::isnan(sum) || std::isinf(sum)) {
          w.Error("ERR increment would produce NaN or Infinity");
          return std::nullopt;
        }
        std::string text = FormatLongDouble(sum);
        w.Bulk(text);
        return KeepingTtl(live, std::move(text));
      });
}

}  // namespace

void AddCounterCommands(CommandTable& table) {
  const std::vector<std::string> kFlags = {"write", "denyoom", "fast"};
  const std::vector<std::string> kCategories = {"@write", "@string", "@fast"};
  AddKeyCommand<&Incr>(table, "incr", 2, kFlags, kCategories);
  AddKeyCommand<&Decr>(table, "decr", 2, kFlags, kCategories);
  AddKeyCommand<&IncrBy>(table, "incrby", 3, kFlags, kCategories);
  AddKeyCommand<&DecrBy>(table, "decrby", 3, kFlags, kCategories);
  AddKeyCommand<&IncrByFloat>(table, "incrbyfloat", 3, kFlags, kCategories);
}

}  // namespace leaderless::proxy
