// Fuzzes resp::RequestParser, which reads every byte clients send to a
// proxy and proxies and peers send to a replica. The input is the byte
// stream of one connection.
//
// Beyond what the sanitizers catch, it checks:
//  - the parser's promise that input may be split at any byte: the stream
//    parsed whole, a byte at a time and in chunks of pseudo-random sizes
//    gives the same requests and ends the same way (waiting for more bytes,
//    or the same protocol error);
//  - under the default limits, under small ones (so that every "too big"
//    path is reachable within a few KiB of input) and under the limits
//    before AUTH, lifted after the first request as a successful AUTH does;
//  - that every request has a name and reads back unchanged after
//    resp::AppendCommand, which serialises requests to replicas.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/resp/reply_writer.h"
#include "protocol/resp/request_parser.h"
#include "tests/fuzz/fuzz_support.h"

namespace leaderless::resp {
namespace {

// How a connection's stream was read: its requests, then how it ended.
struct Outcome {
  std::vector<std::vector<std::string>> requests;
  bool failed = false;  // a protocol error (else: waiting for more bytes)
  std::string error;

  bool operator==(const Outcome&) const = default;
};

// The limits of a connection: `first` until its first request, `after`
// from then on (as a server switches after AUTH).
struct Limits {
  ParserLimits first;
  ParserLimits after;
};

// Reads `input` as a server does: one buffer, the consumed bytes dropped
// after each call, and the next chunk (of next_chunk() bytes) appended only
// when the parser needs more.
template <typename NextChunk>
Outcome Read(std::string_view input, const Limits& limits,
             NextChunk next_chunk) {
  RequestParser parser(limits.first);
  Outcome out;
  std::string buffer;
  size_t fed = 0;
  while (true) {
    const ParseStatus status = parser.Parse(buffer);
    if (status == ParseStatus::kError) {
      out.failed = true;
      out.error = parser.error();
      FUZZ_CHECK(!out.error.empty());
      FUZZ_CHECK(parser.Parse(buffer) == ParseStatus::kError);  // sticky
      return out;
    }
    FUZZ_CHECK(parser.consumed() <= buffer.size());
    if (status == ParseStatus::kRequest) {
      FUZZ_CHECK(!parser.argv().empty());
      out.requests.emplace_back(parser.argv().begin(), parser.argv().end());
      if (out.requests.size() == 1) parser.set_limits(limits.after);
    }
    buffer.erase(0, parser.consumed());
    if (status == ParseStatus::kNeedMore) {
      if (fed == input.size()) return out;
      const size_t n = std::min(next_chunk(), input.size() - fed);
      buffer.append(input.substr(fed, n));
      fed += n;
    }
  }
}

// The request AppendCommand writes for `argv` parses back to `argv`.
void CheckRoundTrip(const std::vector<std::string>& argv) {
  const std::vector<std::string_view> views(argv.begin(), argv.end());
  std::string wire;
  AppendCommand(&wire, views);
  RequestParser parser;
  FUZZ_CHECK(parser.Parse(wire) == ParseStatus::kRequest);
  FUZZ_CHECK(parser.consumed() == wire.size());
  FUZZ_CHECK(parser.argv() == views);
}

void CheckSplits(std::string_view input, const Limits& limits) {
  const Outcome whole = Read(input, limits, [&] { return input.size(); });
  const Outcome bytes = Read(input, limits, [] { return size_t{1}; });
  FUZZ_CHECK(bytes == whole);
  // A deterministic generator, so that a saved crash input replays.
  uint64_t state = input.size() * 0x9e3779b97f4a7c15ULL + 1;
  const Outcome chunks = Read(input, limits, [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(1 + (state >> 33) % 64);
  });
  FUZZ_CHECK(chunks == whole);
  for (const auto& argv : whole.requests) CheckRoundTrip(argv);
}

}  // namespace
}  // namespace leaderless::resp

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using leaderless::resp::Limits;
  using leaderless::resp::ParserLimits;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  leaderless::resp::CheckSplits(input, Limits{});

  ParserLimits small;
  small.max_bulk_len = 16;
  small.max_multibulk_len = 8;
  small.max_inline_len = 32;
  leaderless::resp::CheckSplits(input, Limits{small, small});

  ParserLimits before_auth;
  before_auth.unauthenticated = true;
  leaderless::resp::CheckSplits(input, Limits{before_auth, ParserLimits{}});
  return 0;
}
