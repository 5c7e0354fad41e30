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
// An inline line splits into arguments on whitespace; "..." decodes the
// escapes \n \r \t \b \a \xHH and \<c> (= c), '...' decodes only \'. A
// closing quote must be followed by whitespace or the end of the line. A
// line without arguments is skipped silently.
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

// Redis's string2ll: rejects a "+" sign, spaces, leading zeros, "-0",
// overflow, and strings of 21 or more characters.
bool ParseDecimal(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() >= 21) return false;
  if (s == "0") {
    *out = 0;
    return true;
  }
  const bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s[0] < '1' || s[0] > '9') return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  const uint64_t max_magnitude = static_cast<uint64_t>(INT64_MAX) + negative;
  if (v > max_magnitude) return false;
  // Negating in unsigned arithmetic keeps INT64_MIN free of overflow.
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

// isspace() in the C locale: what sdssplitargs skips between arguments.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

// What ends an unquoted argument in sdssplitargs: a narrower set than
// IsSpace, so "a\vb" is one argument while a leading \v is skipped.
bool EndsToken(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

char Unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

// A closing quote at `quote` must end the line or be followed by a space.
bool ClosesCleanly(std::string_view s, size_t quote) {
  return quote + 1 == s.size() || IsSpace(s[quote + 1]);
}

// Reads a "..." section whose body starts at *i; on success *i is just past
// the closing quote. False when the quote is unbalanced or badly closed.
bool ReadDoubleQuoted(std::string_view s, size_t* i, std::string* arg) {
  size_t p = *i;
  while (p < s.size()) {
    const char c = s[p];
    if (c == '\\' && p + 3 < s.size() && s[p + 1] == 'x' && IsHex(s[p + 2]) &&
        IsHex(s[p + 3])) {
      arg->push_back(
          static_cast<char>(HexValue(s[p + 2]) * 16 + HexValue(s[p + 3])));
      p += 4;
    } else if (c == '\\' && p + 1 < s.size()) {
      arg->push_back(Unescape(s[p + 1]));
      p += 2;
    } else if (c == '"') {
      if (!ClosesCleanly(s, p)) return false;
      *i = p + 1;
      return true;
    } else {
      arg->push_back(c);
      ++p;
    }
  }
  return false;
}

// As ReadDoubleQuoted for a '...' section, where only \' is an escape.
bool ReadSingleQuoted(std::string_view s, size_t* i, std::string* arg) {
  size_t p = *i;
  while (p < s.size()) {
    if (s[p] == '\\' && p + 1 < s.size() && s[p + 1] == '\'') {
      arg->push_back('\'');
      p += 2;
    } else if (s[p] == '\'') {
      if (!ClosesCleanly(s, p)) return false;
      *i = p + 1;
      return true;
    } else {
      arg->push_back(s[p]);
      ++p;
    }
  }
  return false;
}

// Reads one argument starting at the non-space byte *i. As in sdssplitargs a
// quote may open mid-argument ("a\"b c\"" is one argument) and its closing
// quote ends the argument.
bool ReadArg(std::string_view s, size_t* i, std::string* arg) {
  size_t p = *i;
  while (p < s.size() && !EndsToken(s[p])) {
    const char c = s[p++];
    if (c == '"' || c == '\'') {
      const bool ok = c == '"' ? ReadDoubleQuoted(s, &p, arg)
                               : ReadSingleQuoted(s, &p, arg);
      if (!ok) return false;
      break;
    }
    arg->push_back(c);
  }
  *i = p;
  return true;
}

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

// sdssplitargs over one line, NUL being an ordinary byte. False on
// unbalanced quotes.
bool SplitArgs(std::string_view line, std::vector<std::string>* args) {
  size_t i = 0;
  while (true) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i == line.size()) return true;
    args->emplace_back();
    if (!ReadArg(line, &i, &args->back())) return false;
  }
}

}  // namespace

RequestParser::RequestParser(ParserLimits limits)
    : limits_(limits), request_limits_(limits) {}

ParseStatus RequestParser::Parse(std::string_view input) {
  if (!error_.empty()) return ParseStatus::kError;
  ReleaseIfLarge(&argv_);
  inline_args_.clear();
  consumed_ = 0;
  // Skipped input ("*0", blank lines) is consumed and parsing goes on, so
  // a request behind it is not left waiting for bytes that never come.
  while (consumed_ < input.size()) {
    if (!in_request_) request_limits_ = limits_;
    const std::string_view rest = input.substr(consumed_);
    assert(pos_ <= rest.size() && scan_ <= rest.size());
    const ParseStatus status =
        rest[0] == '*' ? ParseMultibulk(rest) : ParseInline(rest);
    if (status != ParseStatus::kRequest) {
      in_request_ = status == ParseStatus::kNeedMore;
      return status;
    }
    consumed_ += pos_;  // helpers leave pos_ at the end of the request
    Reset();
    if (!argv_.empty()) return ParseStatus::kRequest;
  }
  return ParseStatus::kNeedMore;
}

ParseStatus RequestParser::ParseMultibulk(std::string_view input) {
  if (multibulk_len_ < 0) {
    const ParseStatus status = ReadCount(input);
    if (status != ParseStatus::kRequest) return status;
  }
  while (arg_spans_.size() < static_cast<uint64_t>(multibulk_len_)) {
    if (bulk_len_ < 0) {
      const ParseStatus status = ReadBulkLength(input);
      if (status != ParseStatus::kRequest) return status;
    }
    const ParseStatus status = ReadBulkPayload(input);
    if (status != ParseStatus::kRequest) return status;
  }
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
  int64_t count = 0;
  if (input[cr + 1] != '\n' ||
      !ParseDecimal(input.substr(pos_ + 1, cr - pos_ - 1), &count) ||
      count > request_limits_.max_multibulk_len) {
    return Fail(kInvalidCount);
  }
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
  int64_t length = 0;
  if (input[cr + 1] != '\n' ||
      !ParseDecimal(input.substr(pos_ + 1, cr - pos_ - 1), &length) ||
      length < 0 || length > request_limits_.max_bulk_len) {
    return Fail(kInvalidBulkLen);
  }
  if (request_limits_.unauthenticated && length > kUnauthenticatedMaxBulkLen) {
    return Fail(kUnauthenticatedBulkLen);
  }
  pos_ = cr + 2;
  bulk_len_ = length;
  return ParseStatus::kRequest;
}

// Waits for the payload at pos_ without copying or reserving anything: the
// bytes accumulate in the caller's buffer and argv() will point at them.
ParseStatus RequestParser::ReadBulkPayload(std::string_view input) {
  const size_t cr = pos_ + static_cast<size_t>(bulk_len_);
  // Checked as soon as each byte arrives, so a bad client fails early.
  if ((input.size() > cr && input[cr] != '\r') ||
      (input.size() > cr + 1 && input[cr + 1] != '\n')) {
    return Fail(kNoCrlfAfterBulk);
  }
  if (input.size() < cr + 2) return ParseStatus::kNeedMore;
  arg_spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
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
  if (!SplitArgs(line, &inline_args_)) return Fail(kUnbalancedQuotes);
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
  argv_.clear();
  return ParseStatus::kError;
}

void RequestParser::Reset() {
  in_request_ = false;
  pos_ = 0;
  scan_ = 0;
  multibulk_len_ = -1;
  bulk_len_ = -1;
  ReleaseIfLarge(&arg_spans_);
}

}  // namespace leaderless::resp
