#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/cluster/record.h"
#include "protocol/resp/reply_writer.h"
#include "proxy/coordinator.h"
#include "proxy/key_command.h"

namespace leaderless::proxy {

// The quorum steps string and keyspace commands are made of. A key whose
// newest record is deleted or expired is missing: the functions below hand
// commands its live record only, as a pointer that is null when missing.

// The live record of a quorum read's result, or nullopt. Its value points
// into `read`.
std::optional<cluster::RecordView> LiveRecord(const QuorumResult& read,
                                              uint64_t now_ms);

// A record holding `value`, expiring at `expire_at_ms` (0: never).
cluster::Record ValueRecord(std::string value, uint64_t expire_at_ms = 0);
// A record holding `value` with `live`'s expiry (none if `live` is null):
// commands that change a value keep its TTL, as Redis does.
cluster::Record KeepingTtl(const cluster::RecordView* live, std::string value);
cluster::Record Tombstone();

// Writes the reply to a read of a key's live record.
using ReadFn = std::function<void(const cluster::RecordView* live,
                                  uint64_t now_ms, resp::ReplyWriter& w)>;

// Quorum read of `key`; replies with `read`, or with the read's error.
void ReadKey(KeyCall& call, std::string_view key, ReadFn read);

// Writes `record` with quorum (Coordinator::Write stamps it, and stamps it
// again if the replicas hold a newer one); replies +OK once acknowledged,
// else the write's error.
void WriteKey(KeyCall& call, std::string_view key, cluster::Record record);

// The decision of a read-modify-write from the key's live record: writes
// the reply to `w` and returns the record to write, if any.
using ModifyFn = std::function<std::optional<cluster::Record>(
    const cluster::RecordView* live, uint64_t now_ms, resp::ReplyWriter& w)>;

// Quorum read of `key`, then `modify`, then a quorum write of its record
// with a version newer than any the proxy has seen. The reply `modify`
// wrote is sent only once the write is acknowledged; a failed read or write
// replies its quorum error instead. A write the replicas did not take (they
// hold a newer record) starts over from the read, up to
// Coordinator::kMaxRestamps times, so `modify` may run more than once.
// Holds `call.hold` until the end.
void ReadModifyWrite(KeyCall& call, std::string_view key, ModifyFn modify);

// Quorum reads of every key of `keys`, repeats read again; replies with
// `reply(reads, now_ms, w)`, reads in key order, or with the first failed
// read's error. The records read count against the client's output buffer
// limit as they come in (gather.h): a client past it is dropped, and the
// reads stop.
using ReadEachFn = std::function<void(const std::vector<QuorumResult>& reads,
                                      uint64_t now_ms, resp::ReplyWriter& w)>;
void ReadEach(KeyCall& call, Argv keys, ReadEachFn reply);

// One record of a multi-key write; `key` is read at once.
struct KeyRecord {
  std::string_view key;
  cluster::Record record;
};

// Writes `item(i)` for i < count, each stamped with a new version; `done`
// gets the results in order. Not atomic: one failed write leaves the
// others written. `item` runs after WriteEach returns too (see Gather): it
// must own the keys and values it gives out. `hold` (the command's keys) is
// kept until the last write started.
void WriteEach(Coordinator& c, std::shared_ptr<KeyLocks::Leases> hold,
               size_t count, std::function<KeyRecord(size_t i)> item,
               std::function<void(std::vector<QuorumResult>&)> done);

// How many results hold a live record: for a read, the key exists; for a
// write, it existed before.
int64_t CountLive(const std::vector<QuorumResult>& results, uint64_t now_ms);

// Replies to a multi-key command: the first failed result's quorum error,
// or what `write(w)` writes if all succeeded.
void AnswerAll(const LaterReply& reply,
               const std::vector<QuorumResult>& results,
               const std::function<void(resp::ReplyWriter& w)>& write);

}  // namespace leaderless::proxy
