// LL.SCAN <first> <last> <count>: what the proxy pages through for SCAN,
// KEYS, DBSIZE and RANDOMKEY (grammar in
// protocol/cluster/replica_protocol.cc). The caller asks for ring positions
// first..last within one token range (so one walk, one set of homes).
//
// `covered` is the last position the page is complete up to:
// every record we hold at positions first..covered is in it, with its
// header (version, tombstone, expiry; no value), newest first among our
// own data and the hints we hold for the range's homes. `flush` is our
// FLUSHALL mark ("" if none): records it covers are left out here, and the
// caller drops what other replicas answer that it covers too. Hints older
// than gc-grace are left out as well (hint_ledger.h).
//
// A page stops after about `count` records per source, or before its
// records would pass its share of kScanPageBytes (so that the asker knows
// how large the reply can be), but never before its first record nor inside
// a run of records at one position, so `covered` is always a clean boundary.

#include <charconv>
#include <map>

#include "protocol/cluster/record.h"
#include "protocol/cluster/replica_protocol.h"
#include "protocol/cluster/ring.h"
#include "protocol/net/clock.h"
#include "protocol/resp/reply_writer.h"
#include "replica/hint_ledger.h"
#include "replica/read_choice.h"
#include "replica/replica_server.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

constexpr uint64_t kMaxPage = 100000;

std::optional<uint64_t> ParseU64(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// What a page leaves out: records the flush covers, hints past gc-grace.
struct LeftOut {
  const FlushMark& flush;
  uint64_t now_ms;
  uint64_t gc_grace_ms;
};

struct Page {
  uint64_t covered;
  // key -> the header of its newest record
  std::map<std::string, std::string, std::less<>> newest;
};

// What one record costs in the reply: key, header and their RESP framing.
size_t ReplyBytes(std::string_view key) {
  constexpr size_t kFraming = 32;
  return key.size() + cluster::kRecordHeaderSize + kFraming;
}

// Reads up to `count` records of `range` (a range of ring positions
// first..last of one source), and no more than `max_bytes` of them, into
// `page`, then the rest of the last position's records; lowers
// page->covered to where this source is complete.
cluster::Status ReadSource(const RecordStore& store, const KeyRange& range,
                           uint64_t last, size_t count, size_t max_bytes,
                           const LeftOut& left_out, Page* page) {
  size_t taken = 0;
  size_t bytes = 0;
  uint64_t last_taken = 0;
  bool stopped = false;
  auto take = [&](std::string_view storage_key, std::string_view value) {
    auto data = ParseDataKey(storage_key);
    auto hint = ParseHintKey(storage_key);
    uint64_t position = data ? data->hash : hint->hash;
    std::string_view key = data ? data->key : hint->key;
    bytes += ReplyBytes(key);
    if (taken > 0 && position != last_taken &&
        (taken >= count || bytes > max_bytes)) {
      stopped = true;
      return false;
    }
    ++taken;
    last_taken = position;
    auto record = cluster::ParseRecord(value);
    if (!record.ok() || left_out.flush.Covers(record->version) ||
        (hint && HintOutlived(record->version.wall_ms, left_out.now_ms,
                              left_out.gc_grace_ms))) {
      return true;
    }
    auto [it, added] = page->newest.try_emplace(std::string(key),
                                                cluster::RecordHeader(value));
    if (!added && cluster::ParseRecord(it->second)->version < record->version) {
      it->second.assign(cluster::RecordHeader(value));
    }
    return true;
  };
  auto scanned = store.Scan(range, "", SIZE_MAX, take);
  if (!scanned.ok()) return scanned.status();
  // Stopped early: complete up to the last position taken.
  page->covered = std::min(page->covered, stopped ? last_taken : last);
  return cluster::Status::OK();
}

}  // namespace

void ReplicaServer::ScanRange(net::Session& s,
                              std::span<const std::string_view> argv) {
  cluster::ScanArgs args = cluster::ParseScanArgs(argv);
  auto first = ParseU64(args.first);
  auto last = ParseU64(args.last);
  auto count = ParseU64(args.count);
  if (!first || !last || !count || *first > *last || *count == 0 ||
      *count > kMaxPage) {
    resp::ReplyWriter(&s.Reply()).Error("ERR bad scan range or count");
    return;
  }
  Page page{*last, {}};
  auto homes = ring_.WalkAt(*first).first(
      static_cast<size_t>(config_.replication_factor));
  std::vector<KeyRange> sources = {DataRange(*first, *last)};
  if (ReadsHints(homes, self_index_)) {
    for (uint16_t home : homes) {
      sources.push_back(HintRange(config_.replicas[home].id, *first, *last));
    }
  }
  const LeftOut left_out{flush_, net::WallMs(),
                         static_cast<uint64_t>(config_.gc_grace_ms)};
  const size_t share = cluster::kScanPageBytes / sources.size();
  for (const KeyRange& source : sources) {
    cluster::Status read =
        ReadSource(*store_, source, *last, static_cast<size_t>(*count), share,
                   left_out, &page);
    if (!read.ok()) {
      ReplyError(s, read);
      return;
    }
  }
  resp::ReplyWriter w(&s.Reply());
  size_t listed = 0;
  for (auto it = page.newest.begin(); it != page.newest.end();) {
    if (cluster::RingHash(it->first) > page.covered) {
      it = page.newest.erase(it);
    } else {
      ++it, ++listed;
    }
  }
  w.ArrayHeader(2 + 2 * listed);
  w.Bulk(std::to_string(page.covered));
  w.Bulk(flush_.record());
  for (const auto& [key, header] : page.newest) {
    w.Bulk(key);
    w.Bulk(header);
  }
}

}  // namespace leaderless::replica
