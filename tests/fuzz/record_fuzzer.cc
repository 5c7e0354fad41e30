// Fuzzes the record codec (protocol/cluster/record.h): records come from
// LevelDB, from proxies (LL.PUT, LL.HPUT, LL.FLUSH) and from peers
// (anti-entropy), and every process orders them the same way.
//
// Input: one byte n, then record a (the next n bytes, fewer if the input
// ends first), then record b (the rest).
//
// Beyond what the sanitizers catch, it checks:
//  - ParseRecord accepts exactly the grammar of record.cc, DecodeRecord
//    agrees, and an accepted record has one encoding (it re-encodes to its
//    input) whose header parses to the same record without its value;
//  - a record is never purgeable before gc-grace has passed since its time,
//    whatever its version and expiry;
//  - CompareRecords is an order: antisymmetric, equal only for equal bytes,
//    agreeing with Supersedes, with RankOf where ranks differ, and with the
//    byte order of EncodeRank; headers order as their records where version
//    or kind tell them apart.

#include <algorithm>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "protocol/cluster/record.h"
#include "tests/fuzz/fuzz_support.h"

namespace leaderless::cluster {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

// The grammar of record.cc, restated.
bool FollowsGrammar(std::string_view in) {
  if (in.size() < kRecordHeaderSize || in[0] != 0x01) return false;
  return in[1] == 0x00 || (in[1] == 0x01 && in.size() == kRecordHeaderSize);
}

// Purging `r` at `now_ms` is allowed only once it is dead and gc-grace has
// passed since its time (computed here without overflow).
void CheckPurge(const RecordView& r, uint64_t now_ms, uint64_t grace_ms) {
  if (!IsPurgeable(r, now_ms, grace_ms)) return;
  FUZZ_CHECK(!r.IsLive(now_ms));
  const uint64_t since = std::max(r.version.wall_ms, r.expire_at_ms);
  FUZZ_CHECK(now_ms >= since && now_ms - since >= grace_ms);
}

// Checks one input as a record; true if it is one.
bool CheckRecord(std::string_view in) {
  const Result<RecordView> view = ParseRecord(in);
  FUZZ_CHECK(view.ok() == FollowsGrammar(in));
  const Result<Record> record = DecodeRecord(in);
  FUZZ_CHECK(record.ok() == view.ok());
  if (!view.ok()) return false;
  FUZZ_CHECK(view->value.data() == in.data() + kRecordHeaderSize);
  FUZZ_CHECK(record.value().value == view->value);
  FUZZ_CHECK(EncodeRecord(record.value()) == in);

  const std::string header = EncodeRecord(record.value(), false);
  FUZZ_CHECK(header == RecordHeader(in));
  const Result<RecordView> cut = ParseRecord(header);
  FUZZ_CHECK(cut.ok() && cut->value.empty());
  FUZZ_CHECK(cut->version == view->version &&
             cut->tombstone == view->tombstone &&
             cut->expire_at_ms == view->expire_at_ms);
  std::string version;
  AppendVersion(&version, view->version);
  FUZZ_CHECK(EncodedVersion(in) == version);
  FUZZ_CHECK(CompareRecords(in, in) == std::strong_ordering::equal);

  const uint64_t wall = view->version.wall_ms;
  const uint64_t expire = view->expire_at_ms;
  for (uint64_t grace : {uint64_t{0}, uint64_t{864000000}, kMax / 2, kMax}) {
    for (uint64_t now : {uint64_t{0}, wall, wall + 1, expire, expire + 1,
                         wall + grace, expire + grace, kMax}) {
      CheckPurge(view.value(), now, grace);
    }
  }
  return true;
}

int Sign(std::strong_ordering o) { return o < 0 ? -1 : o > 0 ? 1 : 0; }

void CheckOrder(std::string_view a, std::string_view b) {
  const int ab = Sign(CompareRecords(a, b));
  FUZZ_CHECK(ab == -Sign(CompareRecords(b, a)));
  FUZZ_CHECK((ab == 0) == (a == b));
  FUZZ_CHECK(Supersedes(a, b) == (ab > 0));
  const RecordRank ra = RankOf(a);
  const RecordRank rb = RankOf(b);
  const int ranks = Sign(ra <=> rb);
  if (ranks != 0) FUZZ_CHECK(ranks == ab);
  FUZZ_CHECK(Sign(EncodeRank(ra).compare(EncodeRank(rb)) <=> 0) == ranks);
  if (ra.version != rb.version || ra.tombstone != rb.tombstone) {
    FUZZ_CHECK(Sign(CompareRecords(RecordHeader(a), RecordHeader(b))) == ab);
  }
}

}  // namespace
}  // namespace leaderless::cluster

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string_view a = rest.substr(0, data[0]);
  const std::string_view b = rest.substr(a.size());
  const bool a_ok = leaderless::cluster::CheckRecord(a);
  const bool b_ok = leaderless::cluster::CheckRecord(b);
  if (a_ok && b_ok) leaderless::cluster::CheckOrder(a, b);
  return 0;
}
