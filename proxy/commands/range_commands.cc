// Commands on a string's bytes: APPEND, STRLEN, GETRANGE (and its old name
// SUBSTR), SETRANGE. APPEND and SETRANGE are read-modify-writes keeping the
// key's TTL (record_ops.h); strings may not grow past proto-max-bulk-len,
// as in Redis.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/keys.cc.

#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/key_command.h"
#include "proxy/record_ops.h"

namespace leaderless::proxy {
namespace {

constexpr const char* kTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

uint64_t MaxStringSize(const KeyCall& call) {
  return static_cast<uint64_t>(call.coordinator.config().proto_max_bulk_len);
}

void Append(KeyCall& call) {
  ReadModifyWrite(
      call, call.argv[1],
      [suffix = std::string(call.argv[2]), max = MaxStringSize(call)](
          const cluster::RecordView* live, uint64_t,
          resp::ReplyWriter& w) -> std::optional<cluster::Record> {
        // As in Redis, only a string that exists is checked: a new one is
        // the argument, within the limit already.
        if (live && live->value.size() + suffix.size() > max) {
          w.Error(kTooLong);
          return std::nullopt;
        }
        std::string value = live ? std::string(live->value) : std::string();
        value += suffix;
        w.Integer(static_cast<int64_t>(value.size()));
        return KeepingTtl(live, std::move(value));
      });
}

void StrLen(KeyCall& call) {
  ReadKey(call, call.argv[1],
          [](const cluster::RecordView* live, uint64_t, resp::ReplyWriter& w) {
            w.Integer(live ? static_cast<int64_t>(live->value.size()) : 0);
          });
}

// The bytes GETRANGE returns: `start` and `end` inclusive, negative ones
// counted from the end, clamped to the string, as Redis 7.0.
std::string_view Range(std::string_view s, int64_t start, int64_t end) {
  if (start < 0 && end < 0 && start > end) return {};
  auto size = static_cast<int64_t>(s.size());
  if (start < 0) start = std::max<int64_t>(start + size, 0);
  if (end < 0) end = std::max<int64_t>(end + size, 0);
  end = std::min(end, size - 1);
  if (start > end || size == 0) return {};
  return s.substr(static_cast<size_t>(start),
                  static_cast<size_t>(end - start + 1));
}

void GetRange(KeyCall& call) {
  std::optional<int64_t> start = ParseInt64(call.argv[2]);
  std::optional<int64_t> end = ParseInt64(call.argv[3]);
  if (!start || !end) return call.reply.Error(kNotInteger);
  ReadKey(call, call.argv[1],
          [start = *start, end = *end](const cluster::RecordView* live,
                                       uint64_t, resp::ReplyWriter& w) {
            w.Bulk(live ? Range(live->value, start, end) : std::string_view());
          });
}

// SETRANGE once the key's record is known. Writing nothing changes
// nothing, not even a missing key.
std::optional<cluster::Record> SetRangeDecide(uint64_t offset,
                                              std::string_view piece,
                                              uint64_t max,
                                              const cluster::RecordView* live,
                                              resp::ReplyWriter& w) {
  std::string_view old = live ? live->value : std::string_view();
  if (piece.empty()) {
    w.Integer(static_cast<int64_t>(old.size()));
    return std::nullopt;
  }
  if (offset + piece.size() > max) {  // offset < 2^63: no wrap-around
    w.Error(kTooLong);
    return std::nullopt;
  }
  std::string value(old);
  if (value.size() < offset + piece.size()) {
    value.resize(offset + piece.size(), '\0');
  }
  value.replace(offset, piece.size(), piece);
  w.Integer(static_cast<int64_t>(value.size()));
  return KeepingTtl(live, std::move(value));
}

void SetRange(KeyCall& call) {
  std::optional<int64_t> offset = ParseInt64(call.argv[2]);
  if (!offset) return call.reply.Error(kNotInteger);
  if (*offset < 0) return call.reply.Error("ERR offset is out of range");
  ReadModifyWrite(
      call, call.argv[1],
      [offset = static_cast<uint64_t>(*offset),
       piece = std::string(call.argv[3]), max = MaxStringSize(call)](
          const cluster::RecordView* live, uint64_t, resp::ReplyWriter& w) {
        return SetRangeDecide(offset, piece, max, live, w);
      });
}

}  // namespace

void AddRangeCommands(CommandTable& table) {
  const std::vector<std::string> kReadSlow = {"@read", "@string", "@slow"};
  AddKeyCommand<&Append>(table, "append", 3, {"write", "denyoom", "fast"},
                         {"@write", "@string", "@fast"});
  AddKeyCommand<&StrLen>(table, "strlen", 2, {"readonly", "fast"},
                         {"@read", "@string", "@fast"});
  AddKeyCommand<&GetRange>(table, "getrange", 4, {"readonly"}, kReadSlow);
  AddKeyCommand<&GetRange>(table, "substr", 4, {"readonly"}, kReadSlow);
  AddKeyCommand<&SetRange>(table, "setrange", 4, {"write", "denyoom"},
                           {"@write", "@string", "@slow"});
}

}  // namespace leaderless::proxy
