// Fuzzes the parsers of the internal commands' replies
// (protocol/cluster/replica_protocol.h): ParseLeafReply, which a replica
// runs on a peer's LL.LEAF answer during anti-entropy, and ParseScanReply,
// which a proxy runs on each replica's LL.SCAN page.
//
// Input: a stream of arrays of bulk strings, each a reply's elements. Such
// an array has the bytes of a RESP multibulk ("*2\r\n$1\r\na\r\n$1\r\nb\r\n"),
// so the request parser splits the stream; each array goes to both parsers.
//
// Beyond what the sanitizers catch, it checks that each parser accepts
// exactly the replies its grammar (replica_protocol.cc) allows, and that
// what it returns is what the reply said, viewing into it.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "protocol/cluster/replica_protocol.h"
#include "tests/fuzz/fuzz_support.h"

namespace leaderless::cluster {
namespace {

using Elements = std::span<const std::string_view>;

bool IsDecimal(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Whether a run of digits fits in a uint64_t (leading zeros allowed).
bool FitsU64(std::string_view digits) {
  digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size()));
  constexpr std::string_view kMax = "18446744073709551615";
  return digits.size() < kMax.size() ||
         (digits.size() == kMax.size() && digits <= kMax);
}

void CheckLeafReply(Elements e) {
  bool valid = e.size() % 2 == 0;
  for (size_t i = 1; i < e.size(); i += 2) {
    valid = valid && e[i].size() == kEncodedRankSize;
  }
  const auto entries = ParseLeafReply(e);
  FUZZ_CHECK(entries.ok() == valid);
  if (!valid) return;
  FUZZ_CHECK(entries.value().size() == e.size() / 2);
  for (size_t i = 0; i < entries.value().size(); ++i) {
    const LeafEntry& entry = entries.value()[i];
    FUZZ_CHECK(entry.key.data() == e[2 * i].data() &&
               entry.key.size() == e[2 * i].size());
    FUZZ_CHECK(entry.rank.data() == e[2 * i + 1].data() &&
               entry.rank.size() == kEncodedRankSize);
  }
}

void CheckScanReply(Elements e) {
  bool valid = e.size() >= 2 && e.size() % 2 == 0 && IsDecimal(e[0]) &&
               FitsU64(e[0]) && (e[1].empty() || ParseRecord(e[1]).ok());
  for (size_t i = 3; valid && i < e.size(); i += 2) {
    valid = ParseRecord(e[i]).ok();
  }
  const auto page = ParseScanReply(e);
  FUZZ_CHECK(page.ok() == valid);
  if (!valid) return;
  FUZZ_CHECK(std::to_string(page->covered) ==
             (e[0].find_first_not_of('0') == std::string_view::npos
                  ? "0"
                  : e[0].substr(e[0].find_first_not_of('0'))));
  FUZZ_CHECK(page->flush.has_value() == !e[1].empty());
  if (page->flush) FUZZ_CHECK(*page->flush == ParseRecord(e[1])->version);
  FUZZ_CHECK(page->records.size() == (e.size() - 2) / 2);
  for (size_t i = 0; i < page->records.size(); ++i) {
    const auto& [key, record] = page->records[i];
    FUZZ_CHECK(key.data() == e[2 + 2 * i].data() &&
               key.size() == e[2 + 2 * i].size());
    const std::string_view encoded = e[3 + 2 * i];
    FUZZ_CHECK(record.value.data() == encoded.data() + kRecordHeaderSize);
    FUZZ_CHECK(record.version == ParseRecord(encoded)->version);
  }
}

}  // namespace
}  // namespace leaderless::cluster

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  leaderless::fuzz::ForEachRequest(
      std::string_view(reinterpret_cast<const char*>(data), size),
      [](leaderless::cluster::Elements elements) {
        leaderless::cluster::CheckLeafReply(elements);
        leaderless::cluster::CheckScanReply(elements);
      });
  return 0;
}
