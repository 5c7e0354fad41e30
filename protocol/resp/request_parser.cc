// Request grammar, as Redis 7.0 reads it (src/networking.c
// processMultibulkBuffer / processInlineBuffer, sds.c sdssplitargs):
//
//   request   := multibulk | inline
//   multibulk := "*" count CRLF { "$" length CRLF <length bytes> CRLF }
//   count     := decimal       ; <= 0: the request is skipped silently;
//                              ; <= 10 when unauthenticated
//   length    := decimal       ; 0 <= length <= max_bulk_len;
//                              ; <= 16384 when unauthenticated
//   decimal   := "0" | ["-"] [1-9] [0-9]*   ; fits int64 (Redis string2ll)
//   inline    := <any bytes but LF> LF      ; first byte is not "*"; one CR
//                                           ; before the LF is dropped
//
// An inline line splits into arguments as protocol/resp/split_args.cc says
// (whitespace, "..." with escapes, '...'). A line without arguments is
// skipped silently.
//
// With skip_oversized_requests, a length over max_bulk_len (but otherwise
// valid) refuses its request instead: the rest of the request is read by
// the same grammar, its bytes consumed as they arrive, and kRefused returned
// at its end.
//
// Stricter than Redis (REDIS-LIMITS.md): the two bytes after a bulk payload
// and the byte after the CR of a count/length line must be CRLF; NUL is an
// ordinary byte; a line is too long when the bytes before its terminator
// exceed max_inline_len, however the input was split (Redis checks only
// while the terminator is missing, so its answer depends on the split).

#include "protocol/resp/request_parser.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "protocol/resp/integers.h"
#include "protocol/resp/split_args.h"

namespace leaderless::resp {
namespace {

constexpr char kTooBigCount[] = "Protocol error: too big mbulk count string";
constexpr char kTooBigBulkCount[] = "Protocol error: too big bulk count string";
constexpr char kTooBigInline[] = "Protocol error: too big inline request";
constexpr char kInvalidCount[] = "Protocol error: invalid multibulk length";
constexpr char kInvalidBulkLen[] = "Protocol error: invalid bulk length";
constexpr char kUnauthenticatedCount[] =
    "Protocol error: unauthenticated multibulk length";
constexpr char kUnauthenticatedBulkLen[] =
    "Protocol error: unauthenticated bulk length";
constexpr char kNoCrlfAfterBulk[] = "Protocol error: expected CRLF after bulk";
constexpr char kUnbalancedQuotes[] =
    "Protocol error: unbalanced quotes in request";

// Empties `v`, and frees its memory if a huge request grew it: one request
// of a million arguments should not pin their table for the connection's
// life.
template <typename T>
void ReleaseIfLarge(std::vector<T>* v) {
  constexpr size_t kKeep = 4096;
  if (v->capacity() > kKeep) {
    std::vector<T>().swap(*v);
  } else {
    v->clear();
  }
}

}  // namespace

RequestParser::RequestParser(ParserLimits limits)
    : limits_(limits), request_limits_(limits) {}

ParseStatus RequestParser::Parse(std::string_view input) {
  if (failed_) return ParseStatus::kError;
  ReleaseIfLarge(&argv_);
  inline_args_.clear();
  consumed_ = 0;
  // Skipped input ("*0", blank lines) is consumed and parsing goes on, so
  // a request behind it is not left waiting for bytes that never come.
  while (consumed_ < input.size()) {
    if (!in_request_) request_limits_ = limits_;
    const std::string_view rest = input.substr(consumed_);
    assert(pos_ <= rest.size() && scan_ <= rest.size());
    // A request being skipped has its start consumed already.
    const ParseStatus status =
        rest[0] == '*' || skipping_ ? ParseMultibulk(rest) : ParseInline(rest);
    if (status == ParseStatus::kNeedMore && skipping_) {
      // Its bytes so far are of no use: the caller may drop them.
      consumed_ += pos_;
      scan_ = scan_ > pos_ ? scan_ - pos_ : 0;
      pos_ = 0;
    }
    if (status == ParseStatus::kNeedMore || status == ParseStatus::kError) {
      in_request_ = status == ParseStatus::kNeedMore;
      return status;
    }
    consumed_ += pos_;  // helpers leave pos_ at the end of the request
    Reset();
    if (status == ParseStatus::kRefused) return status;
    if (!argv_.empty()) return ParseStatus::kRequest;
  }
  return ParseStatus::kNeedMore;
}

ParseStatus RequestParser::ParseMultibulk(std::string_view input) {
  if (multibulk_len_ < 0) {
    const ParseStatus status = ReadCount(input);
    if (status != ParseStatus::kRequest) return status;
  }
  while (args_read_ < static_cast<uint64_t>(multibulk_len_)) {
    if (bulk_len_ < 0) {
      const ParseStatus status = ReadBulkLength(input);
      if (status != ParseStatus::kRequest) return status;
    }
    const ParseStatus status = ReadBulkPayload(input);
    if (status != ParseStatus::kRequest) return status;
  }
  if (skipping_) return ParseStatus::kRefused;
  argv_.reserve(arg_spans_.size());
  for (const auto& [offset, length] : arg_spans_) {
    argv_.push_back(input.substr(offset, length));
  }
  return ParseStatus::kRequest;
}

// Reads the line at pos_ up to its CR; requires the byte after the CR to be
// present too (Redis waits for it as well), but leaves checking it to the
// caller so that "expected '$'" wins over a malformed line end.
ParseStatus RequestParser::ReadCrlfLine(std::string_view input,
                                        const char* too_big, size_t* cr) {
  switch (FindLine(input, '\r', cr)) {
    case LineStatus::kNeedMore:
      return ParseStatus::kNeedMore;
    case LineStatus::kTooBig:
      return Fail(too_big);
    case LineStatus::kFound:
      break;
  }
  if (*cr + 1 >= input.size()) return ParseStatus::kNeedMore;
  return ParseStatus::kRequest;
}

ParseStatus RequestParser::ReadCount(std::string_view input) {
  size_t cr = 0;
  const ParseStatus status = ReadCrlfLine(input, kTooBigCount, &cr);
  if (status != ParseStatus::kRequest) return status;
  const std::optional<int64_t> parsed =
      ParseInt64(input.substr(pos_ + 1, cr - pos_ - 1));
  if (input[cr + 1] != '\n' || !parsed ||
      *parsed > request_limits_.max_multibulk_len) {
    return Fail(kInvalidCount);
  }
  const int64_t count = *parsed;
  // Checked after the general limit, as Redis does: a count that is invalid
  // anyway gets the invalid-length error.
  if (request_limits_.unauthenticated &&
      count > kUnauthenticatedMaxMultibulkLen) {
    return Fail(kUnauthenticatedCount);
  }
  pos_ = cr + 2;
  multibulk_len_ = std::max<int64_t>(count, 0);
  return ParseStatus::kRequest;
}

ParseStatus RequestParser::ReadBulkLength(std::string_view input) {
  size_t cr = 0;
  const ParseStatus status = ReadCrlfLine(input, kTooBigBulkCount, &cr);
  if (status != ParseStatus::kRequest) return status;
  if (input[pos_] != '$') {
    return Fail(std::string("Protocol error: expected '$', got '") +
                input[pos_] + "'");
  }
  const std::optional<int64_t> parsed =
      ParseInt64(input.substr(pos_ + 1, cr - pos_ - 1));
  if (input[cr + 1] != '\n' || !parsed || *parsed < 0) {
    return Fail(kInvalidBulkLen);
  }
  const int64_t length = *parsed;
  if (length > request_limits_.max_bulk_len) {
    if (!request_limits_.skip_oversized_requests ||
        request_limits_.unauthenticated) {
      return Fail(kInvalidBulkLen);
    }
    StartSkipping(length);
  } else if (request_limits_.unauthenticated &&
             length > kUnauthenticatedMaxBulkLen) {
    return Fail(kUnauthenticatedBulkLen);
  }
  pos_ = cr + 2;
  bulk_len_ = length;
  return ParseStatus::kRequest;
}

// Waits for the payload at pos_ without copying or reserving anything: the
// bytes accumulate in the caller's buffer and argv() will point at them.
// While skipping, it passes over the bytes that have arrived instead.
ParseStatus RequestParser::ReadBulkPayload(std::string_view input) {
  if (skipping_) {
    const uint64_t skip = std::min(static_cast<uint64_t>(bulk_len_),
                                   static_cast<uint64_t>(input.size() - pos_));
    pos_ += skip;
    bulk_len_ -= static_cast<int64_t>(skip);
  }
  const size_t cr = pos_ + static_cast<size_t>(bulk_len_);
  // Checked as soon as each byte arrives, so a bad client fails early.
  if ((input.size() > cr && input[cr] != '\r') ||
      (input.size() > cr + 1 && input[cr + 1] != '\n')) {
    return Fail(kNoCrlfAfterBulk);
  }
  if (input.size() < cr + 2) return ParseStatus::kNeedMore;
  if (!skipping_) arg_spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
  ++args_read_;
  pos_ = cr + 2;
  bulk_len_ = -1;
  return ParseStatus::kRequest;
}

ParseStatus RequestParser::ParseInline(std::string_view input) {
  size_t lf = 0;
  switch (FindLine(input, '\n', &lf)) {
    case LineStatus::kNeedMore:
      return ParseStatus::kNeedMore;
    case LineStatus::kTooBig:
      return Fail(kTooBigInline);
    case LineStatus::kFound:
      break;
  }
  std::string_view line = input.substr(0, lf);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (SplitArgs(line, &inline_args_) != SplitError::kNone) {
    return Fail(kUnbalancedQuotes);
  }
  pos_ = lf + 1;
  // Views are taken only now: inline_args_ no longer grows, so no string
  // moves (and small strings keep their bytes inside the vector).
  argv_.assign(inline_args_.begin(), inline_args_.end());
  return ParseStatus::kRequest;
}

// Finds `terminator` in the line starting at pos_, resuming where the last
// call stopped. Searches at most max_inline_len + 1 bytes, so an endless
// line costs a bounded scan and fails the same way whatever the split.
RequestParser::LineStatus RequestParser::FindLine(std::string_view input,
                                                  char terminator,
                                                  size_t* end) {
  const size_t max_len = request_limits_.max_inline_len;
  const size_t available = input.size() - pos_;
  const size_t limit = pos_ + (available > max_len ? max_len + 1 : available);
  const size_t from = std::max(scan_, pos_);
  if (from < limit) {
    const void* hit =
        std::memchr(input.data() + from, terminator, limit - from);
    if (hit != nullptr) {
      *end = static_cast<size_t>(static_cast<const char*>(hit) - input.data());
      scan_ = *end;
      return LineStatus::kFound;
    }
  }
  scan_ = std::max(from, limit);
  return limit - pos_ > max_len ? LineStatus::kTooBig : LineStatus::kNeedMore;
}

ParseStatus RequestParser::Fail(std::string message) {
  error_ = std::move(message);
  failed_ = true;
  argv_.clear();
  return ParseStatus::kError;
}

// The first bulk over the limit names the refusal; the arguments read so
// far are of no use any more.
void RequestParser::StartSkipping(int64_t length) {
  if (skipping_) return;
  skipping_ = true;
  error_ = "request skipped: an argument of " + std::to_string(length) +
           " bytes exceeds the limit of " +
           std::to_string(request_limits_.max_bulk_len) + " bytes";
  ReleaseIfLarge(&arg_spans_);
}

void RequestParser::Reset() {
  in_request_ = false;
  pos_ = 0;
  scan_ = 0;
  multibulk_len_ = -1;
  bulk_len_ = -1;
  args_read_ = 0;
  skipping_ = false;
  ReleaseIfLarge(&arg_spans_);
}

}  // namespace leaderless::resp
