#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace leaderless::cluster {

// The version every write carries: a hybrid logical clock reading (wall
// milliseconds and a logical counter) and the coordinating proxy's id as the
// tie breaker. Versions are totally ordered; the highest wins (LWW).
struct Version {
  uint64_t wall_ms = 0;
  uint32_t logical = 0;
  uint32_t node = 0;

  auto operator<=>(const Version&) const = default;
  bool IsZero() const { return wall_ms == 0 && logical == 0 && node == 0; }
};

// Fixed 16-byte big-endian encoding, so that byte order equals version order.
inline constexpr size_t kEncodedVersionSize = 16;
void AppendVersion(std::string* out, const Version& v);
// Requires: in.size() >= kEncodedVersionSize.
Version DecodeVersion(std::string_view in);

// "1732600000123.4.1" for logs and INFO.
std::string VersionToString(const Version& v);

// How far `v`'s wall time is ahead of the wall clock reading `wall_ms`, in
// milliseconds; 0 when it is not ahead.
uint64_t AheadBy(const Version& v, uint64_t wall_ms);

// A hybrid logical clock (Kulkarni et al.): readings never go backwards,
// stay close to the wall clock, and move past every version observed, so a
// write that follows a read through the same proxy is always newer than what
// was read. Time is passed in; the clock reads none itself.
//
// It never follows a version more than `max_offset_ms` ahead of the wall
// clock: such a version comes from a clock that runs ahead, and following
// it would carry every later version (and the purges that go by versions'
// times) ahead with it. So the clock stays within `max_offset_ms` of the
// largest wall reading it was given, and cannot wrap.
class HybridClock {
 public:
  HybridClock(uint32_t node, uint64_t max_offset_ms)
      : node_(node), max_offset_ms_(max_offset_ms) {}

  // A new version, greater than every earlier reading and adopted version.
  Version Now(uint64_t wall_ms);
  // Moves the clock past `seen` (a version from a replica's reply), unless
  // `seen` is more than max_offset_ms ahead of `wall_ms`: then returns false
  // and changes nothing.
  bool Observe(const Version& seen, uint64_t wall_ms);

 private:
  uint64_t wall_ms_ = 0;
  uint32_t logical_ = 0;
  uint32_t node_;
  uint64_t max_offset_ms_;
};

}  // namespace leaderless::cluster
