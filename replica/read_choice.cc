#include "replica/read_choice.h"

#include <algorithm>

#include "protocol/cluster/quorum.h"
#include "protocol/cluster/record.h"

namespace leaderless::replica {

bool ReadsHints(std::span<const uint16_t> homes, int self_index) {
  return std::find(homes.begin(), homes.end(), self_index) == homes.end();
}

std::optional<std::string> NewestHeld(
    std::vector<std::optional<std::string>> held) {
  cluster::NewestRecord newest;
  for (std::optional<std::string>& record : held) {
    if (record) (void)newest.Offer(std::move(*record));  // bad ones: ignored
  }
  if (newest.empty()) return std::nullopt;
  return newest.Take();
}

const std::string* AfterFlush(const std::optional<std::string>& held,
                              const FlushMark& flush) {
  if (!flush.set()) return held ? &*held : nullptr;  // no parse per read
  if (held) {
    auto view = cluster::ParseRecord(*held);
    if (!view.ok() || !flush.Covers(view->version)) return &*held;
  }
  return &flush.record();
}

std::optional<std::string_view> HeaderAfterFlush(
    const std::optional<HeldRecord>& held, const FlushMark& flush) {
  if (held && !flush.Covers(held->version())) return held->Header();
  if (flush.set()) return cluster::RecordHeader(flush.record());
  return std::nullopt;
}

std::optional<cluster::RecordRank> RankAfterFlush(
    const std::optional<HeldRecord>& held, const FlushMark& flush) {
  if (held && !flush.Covers(held->version())) return held->Rank();
  if (flush.set()) return cluster::RankOf(flush.record());
  return std::nullopt;
}

}  // namespace leaderless::replica
