// sdssplitargs (redis/redis src/sds.c), the one splitter of both inline
// requests and redis.conf lines:
//
//   line     := { space } [ word { space { space } word } ] { space }
//   word     := { bare | '"' { dq-char } '"' | '\'' { sq-char } '\'' }
//   bare     := any byte but ' ', '\t', '\n', '\r', '"' and '\''
//   dq-char  := '\n' | '\r' | '\t' | '\b' | '\a' | '\x' hex hex
//             | '\' byte (that byte) | byte
//   sq-char  := '\'' (a quote) | byte
//   space    := C isspace (also '\v' and '\f')
//
// A quote may open mid-word ("a\"b c\"" is one word) and its closing quote
// ends the word; it must be followed by a space or the end of the line.
// Leading '\v' and '\f' are skipped, but they do not end a bare word.

#include "protocol/resp/split_args.h"

namespace leaderless::resp {
namespace {

// The C locale's isspace, without the locale lookup and the signed-char UB.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

// What ends a bare word: a narrower set than IsSpace.
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
SplitError CloseAt(std::string_view s, size_t quote, size_t* i) {
  if (quote + 1 != s.size() && !IsSpace(s[quote + 1])) {
    return SplitError::kBadClose;
  }
  *i = quote + 1;
  return SplitError::kNone;
}

// Reads a "..." section whose body starts at *i; on success *i is just past
// the closing quote.
SplitError ReadDoubleQuoted(std::string_view s, size_t* i, std::string* arg) {
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
      return CloseAt(s, p, i);
    } else {
      arg->push_back(c);
      ++p;
    }
  }
  return SplitError::kUnterminatedDouble;
}

// As ReadDoubleQuoted for a '...' section, where only \' is an escape.
SplitError ReadSingleQuoted(std::string_view s, size_t* i, std::string* arg) {
  size_t p = *i;
  while (p < s.size()) {
    if (s[p] == '\\' && p + 1 < s.size() && s[p + 1] == '\'') {
      arg->push_back('\'');
      p += 2;
    } else if (s[p] == '\'') {
      return CloseAt(s, p, i);
    } else {
      arg->push_back(s[p]);
      ++p;
    }
  }
  return SplitError::kUnterminatedSingle;
}

// Reads one word starting at the non-space byte *i.
SplitError ReadArg(std::string_view s, size_t* i, std::string* arg) {
  while (*i < s.size() && !EndsToken(s[*i])) {
    const char c = s[(*i)++];
    if (c == '"') return ReadDoubleQuoted(s, i, arg);
    if (c == '\'') return ReadSingleQuoted(s, i, arg);
    arg->push_back(c);
  }
  return SplitError::kNone;
}

}  // namespace

SplitError SplitArgs(std::string_view line, std::vector<std::string>* args) {
  size_t i = 0;
  while (true) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i == line.size()) return SplitError::kNone;
    args->emplace_back();
    const SplitError error = ReadArg(line, &i, &args->back());
    if (error != SplitError::kNone) return error;
  }
}

}  // namespace leaderless::resp
