#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "proxy/coordinator.h"

namespace leaderless::proxy {

// Pages through the cluster's live keys in ring order, for SCAN, KEYS,
// DBSIZE and RANDOMKEY. A ring position is a SCAN cursor: 0 is the start,
// and the page that reaches the ring's end gives 0 as the next cursor, so a
// cursor means the same to every proxy of the cluster and across restarts.
//
// A page covers positions from its cursor to at most the end of the token
// range holding it: the replicas a read of a key there would ask (R of
// them must answer, as for a quorum read) each list the records they hold
// (own data, and hints for the range's homes), about `count` each. The page
// keeps the positions every answer covered, takes the newest record of each
// key, and lists the keys whose newest record is live and newer than the
// newest FLUSHALL any of them knows. A key present for a whole walk is in
// some page: the positions of successive pages meet without a gap.
struct KeyPage {
  std::vector<std::string> keys;
  uint64_t next = 0;  // the cursor after this page; 0 at the ring's end
  std::string error;  // a failed page: the reply to send, without '-'
};

// Reads the page at `cursor`; `done` runs once, possibly before returning.
void ReadKeyPage(Coordinator& c, uint64_t cursor, size_t count,
                 std::function<void(KeyPage&&)> done);

// Reads pages from `cursor` on, handing each to `visit`, until `visit`
// returns false, a page fails or the ring ends; then `done(last page)`,
// whose `next` is where to resume (keys already visited are moved out).
void WalkKeys(Coordinator& c, uint64_t cursor, size_t count,
              std::function<bool(KeyPage& page)> visit,
              std::function<void(KeyPage&& last)> done);

}  // namespace leaderless::proxy
