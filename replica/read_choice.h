#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "replica/flush_mark.h"
#include "replica/held_record.h"

namespace leaderless::replica {

// Which record a replica answers a read (LL.GET, LL.SCAN) with. Pure: the
// caller looks the records up.

// Whether a read of a key whose home replicas are `homes` (indices, as
// Ring::Walk gives them) also answers from the hints this replica holds for
// those homes. Only a stand-in does: a home answers its own record.
bool ReadsHints(std::span<const uint16_t> homes, int self_index);

// The newest of the records a stand-in holds for a key (its own and its
// hints; nullopt entries hold nothing), or nullopt if there is none.
// Entries that are not records are left out.
std::optional<std::string> NewestHeld(
    std::vector<std::optional<std::string>> held);

// What a read answers for a key holding `held` (nullopt: nothing): `held`,
// or the flush's tombstone when the flush covers it or nothing is held;
// nullptr when there is neither. Points into `held` or `flush`. A record
// that does not parse is answered as it is.
const std::string* AfterFlush(const std::optional<std::string>& held,
                              const FlushMark& flush);

// AfterFlush for a record known by its summary: the header of the record a
// read would answer (`held`'s or the flush's), or nullopt when there is
// neither. Views into `held` or `flush`.
std::optional<std::string_view> HeaderAfterFlush(
    const std::optional<HeldRecord>& held, const FlushMark& flush);

// HeaderAfterFlush, as the rank of the record a read would answer.
std::optional<cluster::RecordRank> RankAfterFlush(
    const std::optional<HeldRecord>& held, const FlushMark& flush);

}  // namespace leaderless::replica
