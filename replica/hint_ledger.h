#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/cluster/config.h"
#include "protocol/cluster/status.h"

namespace leaderless::replica {

// Whether a hint whose version has wall time `wall_ms` has outlived
// gc-grace at `now_ms`. Such a hint is never served, delivered or kept: a
// delete newer than it may have been purged everywhere meanwhile, so
// writing it anywhere could bring the deleted value back. Dropping it is
// safe for the same reason: a tombstone it stood against is gone too.
bool HintOutlived(uint64_t wall_ms, uint64_t now_ms, uint64_t gc_grace_ms);
// The same for an encoded hint and config's gc-grace-ms; false for bytes
// that are not a record (reads and handoff leave those out anyway).
bool HintOutlived(std::string_view record, uint64_t now_ms,
                  const cluster::Config& config);

// What a hint counts against hint-max-bytes: its storage key and record,
// roughly what it takes on disk.
inline int64_t HintBytes(std::string_view storage_key,
                         std::string_view record) {
  return static_cast<int64_t>(storage_key.size() + record.size());
}

// A stand-in's account of the hints it holds, per home: how many, their
// bytes, how old the oldest is and what became of the others; and whether
// it may take one more. `hint-max-bytes` and `hint-window-ms` bound what a
// stand-in accepts, never what it keeps: a hint is deleted only once its
// home acknowledged it, or when a flush or gc-grace makes it moot.
//
// Pure: the caller reports every hint stored and deleted, and passes the
// time. Not thread-safe (the replica's loop thread owns it).
class HintLedger {
 public:
  static constexpr uint64_t kNone = UINT64_MAX;

  struct Home {
    int64_t pending = 0;     // hints held
    int64_t bytes = 0;       // their storage keys and records
    uint64_t delivered = 0;  // acknowledged by the home, deleted
    uint64_t dropped = 0;    // deleted undelivered: flushed, past gc-grace
    uint64_t refused = 0;    // not accepted: window or budget
    // Version wall time of the oldest hint held, kNone when none. Never
    // later than the truth: deleting a hint moves it only at the end of the
    // next sweep pass (or when no hint is left).
    uint64_t oldest_ms = kNone;
    uint64_t pass_oldest_ms = kNone;  // oldest the current pass kept
  };

  // Budget and window from `config`; one entry per replica but this one.
  explicit HintLedger(const cluster::Config& config);

  // OK if a hint of `bytes` for `home` may be stored at `now_ms`: the hints
  // would stay within hint-max-bytes (0: no limit), and the oldest hint
  // held for `home` is at most hint-window-ms old (its home has been away
  // for longer: its writes should fail rather than pile up here).
  // Otherwise an error that names the limit, and the refusal is counted.
  cluster::Status Admit(std::string_view home, int64_t bytes, uint64_t now_ms);

  // A hint of `bytes`, version time `wall_ms`, was stored for `home`,
  // replacing one of `replaced_bytes` (nullopt: none was held).
  void Stored(std::string_view home, int64_t bytes,
              std::optional<int64_t> replaced_bytes, uint64_t wall_ms);
  // A hint of `bytes` for `home` was deleted after its home acknowledged
  // it (Delivered) or undelivered (Dropped).
  void Delivered(std::string_view home, int64_t bytes);
  void Dropped(std::string_view home, int64_t bytes);

  // A sweep pass kept a hint for `home` of version time `wall_ms`...
  void Seen(std::string_view home, uint64_t wall_ms);
  // ...and reached the end: the oldest times become what it saw.
  void PassDone();

  int64_t total_bytes() const { return total_bytes_; }
  int64_t max_bytes() const { return max_bytes_; }
  const std::map<std::string, Home, std::less<>>& homes() const {
    return homes_;
  }

 private:
  Home& At(std::string_view home);
  void Removed(Home& h, int64_t bytes);

  int64_t max_bytes_;
  uint64_t window_ms_;
  int64_t total_bytes_ = 0;
  std::map<std::string, Home, std::less<>> homes_;
};

}  // namespace leaderless::replica
