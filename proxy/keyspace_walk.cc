#include "proxy/keyspace_walk.h"

#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "protocol/cluster/record.h"
#include "protocol/cluster/replica_protocol.h"
#include "protocol/cluster/ring.h"

namespace leaderless::proxy {
namespace {

using Type = net::PeerReply::Type;

struct Merged {
  uint64_t covered = UINT64_MAX;
  std::optional<cluster::Version> flush;
  std::map<std::string, cluster::RecordView> newest;  // views into replies
};

// Whether `b` wins over `a` for a key's liveness. Pages carry headers,
// without the digest cluster::CompareRecords ends with: version, then a
// tombstone above a value as there, then the expiry, so the choice does not
// depend on the order of the answers.
bool Before(const cluster::RecordView& a, const cluster::RecordView& b) {
  return std::tie(a.version, a.tombstone, a.expire_at_ms) <
         std::tie(b.version, b.tombstone, b.expire_at_ms);
}

// Folds one replica's LL.SCAN answer into `m`; false if malformed.
bool Fold(const net::PeerReply& r, Merged& m) {
  if (r.type != Type::kArray) return false;
  auto page = cluster::ParseScanReply(net::ElementStrings(r));
  if (!page.ok()) return false;
  m.covered = std::min(m.covered, page->covered);
  if (page->flush && (!m.flush || *m.flush < *page->flush)) {
    m.flush = page->flush;
  }
  for (const auto& [key, record] : page->records) {
    auto [it, added] = m.newest.try_emplace(std::string(key), record);
    if (!added && Before(it->second, record)) it->second = record;
  }
  return true;
}

}  // namespace

void ReadKeyPage(Coordinator& c, uint64_t cursor, size_t count,
                 std::function<void(KeyPage&&)> done) {
  const uint64_t last = c.RangeEnd(cursor);
  std::string command;
  cluster::AppendScanRequest(&command, cursor, last, count);
  // The page's records, then its position, flush mark and framing.
  constexpr size_t kReplyBytes = cluster::kScanPageBytes + 1024;
  c.AskRange(cursor, command, kReplyBytes,
             [&c, done = std::move(done)](QuorumResult&& r) {
               KeyPage page;
               Merged m;
               if (!r.ok()) {
                 page.error = r.Error();
               } else {
                 for (const net::PeerReply& answer : r.replies) {
                   if (!Fold(answer, m))
                     page.error = "ERR malformed scan reply";
                 }
               }
               if (page.error.empty()) {
                 const uint64_t now = c.WallMs();
                 for (const auto& [key, record] : m.newest) {
                   if (cluster::RingHash(key) <= m.covered &&
                       record.IsLive(now) &&
                       !(m.flush && record.version <= *m.flush)) {
                     page.keys.push_back(key);
                   }
                 }
                 page.next = m.covered == UINT64_MAX ? 0 : m.covered + 1;
               }
               done(std::move(page));
             });
}

void WalkKeys(Coordinator& c, uint64_t cursor, size_t count,
              std::function<bool(KeyPage& page)> visit,
              std::function<void(KeyPage&& last)> done) {
  struct Walk {
    Coordinator& c;
    size_t count;
    std::function<bool(KeyPage&)> visit;
    std::function<void(KeyPage&&)> done;
    void Read(uint64_t cursor, const std::shared_ptr<Walk>& self) {
      ReadKeyPage(c, cursor, count, [self](KeyPage&& page) {
        if (!page.error.empty() || !self->visit(page) || page.next == 0) {
          self->done(std::move(page));
        } else {
          self->Read(page.next, self);
        }
      });
    }
  };
  auto walk =
      std::make_shared<Walk>(Walk{c, count, std::move(visit), std::move(done)});
  walk->Read(cursor, walk);
}

}  // namespace leaderless::proxy
