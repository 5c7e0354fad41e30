#include "proxy/record_ops.h"

#include <utility>

#include "proxy/gather.h"

namespace leaderless::proxy {

std::optional<cluster::RecordView> LiveRecord(const QuorumResult& read,
                                              uint64_t now_ms) {
  if (read.record.empty()) return std::nullopt;
  auto view = cluster::ParseRecord(read.record);
  if (!view.ok() || !view->IsLive(now_ms)) return std::nullopt;
  return *view;
}

cluster::Record ValueRecord(std::string value, uint64_t expire_at_ms) {
  cluster::Record record;
  record.expire_at_ms = expire_at_ms;
  record.value = std::move(value);
  return record;
}

cluster::Record KeepingTtl(const cluster::RecordView* live, std::string value) {
  return ValueRecord(std::move(value), live ? live->expire_at_ms : 0);
}

cluster::Record Tombstone() {
  cluster::Record record;
  record.tombstone = true;
  return record;
}

void ReadKey(KeyCall& call, std::string_view key, ReadFn read) {
  Coordinator& c = call.coordinator;
  c.Read(key, [&c, reply = call.reply, hold = call.hold,
               read = std::move(read)](QuorumResult&& result) {
    if (!result.ok()) return reply.Error(result.Error());
    uint64_t now = c.WallMs();
    auto live = LiveRecord(result, now);
    Answer(reply, [&](resp::ReplyWriter& w) {
      read(live ? &*live : nullptr, now, w);
    });
  });
}

void WriteKey(KeyCall& call, std::string_view key, cluster::Record record) {
  Coordinator& c = call.coordinator;
  c.Write(key, std::move(record), [reply = call.reply](QuorumResult&& result) {
    if (!result.ok()) return reply.Error(result.Error());
    Answer(reply, [](resp::ReplyWriter& w) { w.SimpleString("OK"); });
  });
}

namespace {

// One attempt of a read-modify-write; `attempts_left` more follow when the
// write is superseded.
void RunReadModifyWrite(Coordinator& c, const LaterReply& reply,
                        std::shared_ptr<KeyLocks::Leases> hold, std::string key,
                        ModifyFn modify, int attempts_left) {
  auto decide = [&c, reply, hold = std::move(hold), key,
                 modify = std::move(modify),
                 attempts_left](QuorumResult&& read) mutable {
    if (!read.ok()) return reply.Error(read.Error());
    uint64_t now = c.WallMs();
    auto live = LiveRecord(read, now);
    std::string out;
    resp::ReplyWriter w(&out, reply.protocol());
    std::optional<cluster::Record> record =
        modify(live ? &*live : nullptr, now, w);
    if (!record) return reply.Send(std::move(out));
    // `hold` rides along until the write is acknowledged.
    // The read callback runs once: its captures move on to the write's.
    auto done = [&c, reply, hold = std::move(hold), key,
                 modify = std::move(modify), attempts_left,
                 out = std::move(out)](QuorumResult&& write) mutable {
      if (write.ok() && write.superseded) {
        // A newer record arrived between our read and our write: decide
        // again from it, as the write would have been decided after it.
        if (attempts_left > 0) {
          return RunReadModifyWrite(c, reply, std::move(hold), std::move(key),
                                    std::move(modify), attempts_left - 1);
        }
        write.outcome = QuorumResult::Outcome::kSuperseded;
      }
      if (!write.ok()) return reply.Error(write.Error());
      reply.Send(std::move(out));
    };
    c.Write(key, std::move(*record), std::move(done), nullptr,
            Coordinator::OnSuperseded::kReport);
  };
  c.Read(key, std::move(decide), nullptr, Coordinator::ReadFor::kWrite);
}

}  // namespace

void ReadModifyWrite(KeyCall& call, std::string_view key, ModifyFn modify) {
  RunReadModifyWrite(call.coordinator, call.reply, call.hold, std::string(key),
                     std::move(modify), Coordinator::kMaxRestamps);
}

void ReadEach(KeyCall& call, Argv keys, ReadEachFn reply) {
  Coordinator& c = call.coordinator;
  auto owned = std::make_shared<OwnedArgv>(keys);
  Gather(
      keys.size(),
      [&c, owned, hold = call.hold](size_t i, Coordinator::DoneFn cb,
                                    Coordinator::RetiredFn retired) {
        c.Read(owned->view()[i], std::move(cb), std::move(retired));
      },
      // The keys stay held until every read replied (key_locks.h).
      [&c, later = call.reply, hold = call.hold,
       reply = std::move(reply)](std::vector<QuorumResult>& reads) {
        AnswerAll(later, reads,
                  [&](resp::ReplyWriter& w) { reply(reads, c.WallMs(), w); });
      },
      [later = call.reply](int64_t delta) { return later.Charge(delta); });
}

void WriteEach(Coordinator& c, std::shared_ptr<KeyLocks::Leases> hold,
               size_t count, std::function<KeyRecord(size_t i)> item,
               std::function<void(std::vector<QuorumResult>&)> done) {
  Gather(
      count,
      [&c, hold = std::move(hold), item = std::move(item)](
          size_t i, Coordinator::DoneFn cb, Coordinator::RetiredFn retired) {
        KeyRecord write = item(i);
        c.Write(write.key, std::move(write.record), std::move(cb),
                std::move(retired));
      },
      std::move(done));
}

int64_t CountLive(const std::vector<QuorumResult>& results, uint64_t now_ms) {
  int64_t live = 0;
  for (const QuorumResult& r : results) live += LiveRecord(r, now_ms) ? 1 : 0;
  return live;
}

void AnswerAll(const LaterReply& reply,
               const std::vector<QuorumResult>& results,
               const std::function<void(resp::ReplyWriter& w)>& write) {
  if (const QuorumResult* failed = FirstFailure(results)) {
    return reply.Error(failed->Error());
  }
  Answer(reply, write);
}

}  // namespace leaderless::proxy
