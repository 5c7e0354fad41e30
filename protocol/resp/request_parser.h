#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leaderless::resp {

// Redis's own protocol limits (see REDIS-LIMITS.md). Exceeding one is a
// protocol error: the server answers it and closes the connection.
struct ParserLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  // Arguments per request: Redis's bound. The argument table of a request
  // in progress counts against the query buffer limit (held_bytes()).
  int64_t max_multibulk_len = 2147483647;
  size_t max_inline_len = 64 * 1024;  // bytes before an inline/count line end
  // Before AUTH, when a password is set, Redis adds its own caps on top of
  // the limits above (at most 10 arguments, bulks of at most 16384 bytes) so
  // that an anonymous client cannot make it buffer much. Exceeding them is
  // "Protocol error: unauthenticated multibulk length" / "... bulk length".
  bool unauthenticated = false;
  // A well-formed bulk longer than max_bulk_len refuses its request instead
  // of ending the connection: the parser skips the request's bytes as they
  // arrive, holding none of them, and reports kRefused once it has passed
  // its end. For links that pipeline many requests (a replica's), where one
  // request too large must not fail every request behind it. Redis closes,
  // so client-facing servers leave it off. Not while unauthenticated.
  bool skip_oversized_requests = false;
};

inline constexpr int64_t kUnauthenticatedMaxMultibulkLen = 10;
inline constexpr int64_t kUnauthenticatedMaxBulkLen = 16384;

enum class ParseStatus {
  kNeedMore,  // no complete request yet; call again with more bytes
  kRequest,   // a complete request: argv() and consumed() are valid
  kError,     // protocol error: error() is valid; stop reading, close.
              // Sticky: later calls return kError again.
  kRefused,   // a request skipped for a bulk over the limit (only with
              // skip_oversized_requests): error() says why, consumed() is
              // valid; answer the error and go on with the next request.
};

// Incremental parser of client requests: RESP multibulk
// ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and inline commands ("GET k\r\n",
// with Redis's quoting rules). Input may be split at any byte boundary.
//
// Usage: the caller keeps all unconsumed bytes of a connection in one
// contiguous buffer and calls Parse() with a view that starts at the first
// unconsumed byte and ends at the last byte received. After each call it
// drops the first consumed() bytes (also after kNeedMore: skipped empty
// lines and "*0" count as consumed). The parser remembers how far it got
// inside a partial request, so a large request is scanned once, not once per
// arriving chunk.
//
// Zero-copy: for a multibulk request, argv() views point into the input
// passed to the last Parse() call, so they stay valid only until the caller
// changes that buffer. For an inline request they point into storage owned
// by the parser (quotes and escapes must be decoded), valid until the next
// Parse() call.
//
// Not thread-safe; one parser per connection.
class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {});

  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Parses the next request at the start of `input`.
  // Requires: `input` starts where the previous call's consumed bytes ended
  // and holds every byte the previous call saw (plus any new ones).
  ParseStatus Parse(std::string_view input);

  // Valid after kRequest: the request's arguments (never empty).
  const std::vector<std::string_view>& argv() const { return argv_; }

  // Bytes at the start of the input the caller may drop now.
  size_t consumed() const { return consumed_; }

  // Memory the parser holds for its arguments beyond the input itself (the
  // table of a multibulk request's arguments): a request of millions of
  // empty arguments holds more here than in the input, so a query buffer
  // limit must count both.
  size_t held_bytes() const {
    return arg_spans_.capacity() * sizeof(arg_spans_[0]) +
           argv_.capacity() * sizeof(argv_[0]);
  }

  // Valid after kError: Redis's message without the "-ERR " prefix, e.g.
  // "Protocol error: invalid bulk length"; after kRefused, why the request
  // was skipped.
  const std::string& error() const { return error_; }

  // Replaces the limits (e.g. stricter ones before AUTH). Takes effect from
  // the next request.
  void set_limits(const ParserLimits& limits) { limits_ = limits; }

 private:
  enum class LineStatus { kNeedMore, kFound, kTooBig };

  // The helpers below return kRequest when their step is complete and the
  // caller may go on; kNeedMore and kError mean what they mean for Parse().
  ParseStatus ParseMultibulk(std::string_view input);
  ParseStatus ParseInline(std::string_view input);
  ParseStatus ReadCrlfLine(std::string_view input, const char* too_big,
                           size_t* cr);
  ParseStatus ReadCount(std::string_view input);
  ParseStatus ReadBulkLength(std::string_view input);
  ParseStatus ReadBulkPayload(std::string_view input);
  LineStatus FindLine(std::string_view input, char terminator, size_t* end);
  ParseStatus Fail(std::string message);
  void StartSkipping(int64_t length);
  void Reset();

  ParserLimits limits_;          // as last set; applies from the next request
  ParserLimits request_limits_;  // limits_ as of the current request's start
  std::vector<std::string_view> argv_;
  std::vector<std::string> inline_args_;  // owns inline argv_ contents
  std::string error_;
  bool failed_ = false;  // a protocol error: every later call fails
  size_t consumed_ = 0;

  // Progress inside a partial request, as offsets from the start of the
  // request (the input's first byte), so that no byte is scanned twice.
  bool in_request_ = false;     // a partial request is pending
  size_t pos_ = 0;              // start of the line or payload being read
  size_t scan_ = 0;             // where the search for a line end resumes
  int64_t multibulk_len_ = -1;  // -1: count line not read yet
  int64_t bulk_len_ = -1;       // -1: length line of next arg not read yet
  size_t args_read_ = 0;        // arguments of the request read so far
  std::vector<std::pair<size_t, size_t>> arg_spans_;  // offset, length
  // The current request is refused (error_ says why): its bytes are
  // consumed as they are read, and the offsets above count from the first
  // byte not consumed yet rather than from the request's start.
  bool skipping_ = false;
};

}  // namespace leaderless::resp
