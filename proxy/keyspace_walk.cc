#include "proxy/keyspace_walk.h"

#include <charconv>
#include <map>
#include <memory>
#include <optional>

#include "protocol/cluster/record.h"
#include "protocol/cluster/ring.h"
#include "protocol/resp/reply_writer.h"

namespace leaderless::proxy {
namespace {

using Type = net::PeerReply::Type;

struct Merged {
  uint64_t covered = UINT64_MAX;
  std::optional<cluster::Version> flush;
  std::map<std::string, cluster::RecordView> newest;  // views into replies
};

// Folds one replica's LL.SCAN answer into `m`; false if malformed.
bool Fold(const net::PeerReply& r, Merged& m) {
  if (r.type != Type::kArray || r.elements.size() < 2 ||
      r.elements.size() % 2 != 0) {
    return false;
  }
  const std::string& covered = r.elements[0].str;
  uint64_t position = 0;
  auto [end, ec] = std::from_chars(covered.data(),
                                   covered.data() + covered.size(), position);
  if (ec != std::errc() || end != covered.data() + covered.size()) return false;
  m.covered = std::min(m.covered, position);
  if (!r.elements[1].str.empty()) {
    auto flush = cluster::ParseRecord(r.elements[1].str);
    if (!flush.ok()) return false;
    if (!m.flush || *m.flush < flush->version) m.flush = flush->version;
  }
  for (size_t i = 2; i < r.elements.size(); i += 2) {
    auto record = cluster::ParseRecord(r.elements[i + 1].str);
    if (!record.ok()) return false;
    auto [it, added] = m.newest.try_emplace(r.elements[i].str, *record);
    if (!added && it->second.version < record->version) it->second = *record;
  }
  return true;
}

}  // namespace

void ReadKeyPage(Coordinator& c, uint64_t cursor, size_t count,
                 std::function<void(KeyPage&&)> done) {
  const uint64_t last = c.RangeEnd(cursor);
  std::string command;
  resp::AppendCommand(&command, {"LL.SCAN", std::to_string(cursor),
                                 std::to_string(last), std::to_string(count)});
  c.AskRange(cursor, command, [&c, done = std::move(done)](QuorumResult&& r) {
    KeyPage page;
    Merged m;
    if (!r.ok()) {
      page.error = r.Error();
    } else {
      for (const net::PeerReply& answer : r.replies) {
        if (!Fold(answer, m)) page.error = "ERR malformed scan reply";
      }
    }
    if (page.error.empty()) {
      const uint64_t now = c.WallMs();
      for (const auto& [key, record] : m.newest) {
        if (cluster::RingHash(key) <= m.covered && record.IsLive(now) &&
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
