// Version encoding: wall_ms (8 bytes) logical (4 bytes) node (4 bytes), each
// big-endian. This layout is stored on disk and sent between processes: it
// is frozen.

#include "protocol/cluster/version.h"

#include <limits>

namespace leaderless::cluster {
namespace {

void AppendBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

uint64_t ReadBigEndian(std::string_view in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v = (v << 8) | static_cast<uint8_t>(in[i]);
  }
  return v;
}

}  // namespace

void AppendVersion(std::string* out, const Version& v) {
  AppendBigEndian(out, v.wall_ms, 8);
  AppendBigEndian(out, v.logical, 4);
  AppendBigEndian(out, v.node, 4);
}

Version DecodeVersion(std::string_view in) {
  Version v;
  v.wall_ms = ReadBigEndian(in, 8);
  v.logical = static_cast<uint32_t>(ReadBigEndian(in.substr(8), 4));
  v.node = static_cast<uint32_t>(ReadBigEndian(in.substr(12), 4));
  return v;
}

std::string VersionToString(const Version& v) {
  return std::to_string(v.wall_ms) + "." + std::to_string(v.logical) + "." +
         std::to_string(v.node);
}

Version HybridClock::Now(uint64_t wall_ms) {
  if (wall_ms > wall_ms_) {
    wall_ms_ = wall_ms;
    logical_ = 0;
  } else if (logical_ == std::numeric_limits<uint32_t>::max()) {
    // 4 billion writes within one millisecond: borrow the next one.
    ++wall_ms_;
    logical_ = 0;
  } else {
    ++logical_;
  }
  return Version{wall_ms_, logical_, node_};
}

uint64_t AheadBy(const Version& v, uint64_t wall_ms) {
  return v.wall_ms > wall_ms ? v.wall_ms - wall_ms : 0;
}

bool HybridClock::Observe(const Version& seen, uint64_t wall_ms) {
  if (AheadBy(seen, wall_ms) > max_offset_ms_) return false;
  if (seen.wall_ms > wall_ms_ ||
      (seen.wall_ms == wall_ms_ && seen.logical > logical_)) {
    wall_ms_ = seen.wall_ms;
    logical_ = seen.logical;
  }
  return true;
}

}  // namespace leaderless::cluster
