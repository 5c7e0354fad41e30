#include "proxy/commands/glob.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace leaderless::proxy {
namespace {

constexpr size_t kNone = std::string_view::npos;

int Fold(char c, bool nocase) {
  const auto u = static_cast<unsigned char>(c);
  return nocase ? std::tolower(u) : u;
}

// Whether the class starting after '[' at *p matches `c`; leaves *p past
// its closing ']'.
bool MatchClass(std::string_view pattern, size_t* p, char c, bool nocase) {
  size_t i = *p;
  const bool negate = i < pattern.size() && pattern[i] == '^';
  if (negate) ++i;
  bool match = false;
  while (i < pattern.size() && pattern[i] != ']') {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      match |= pattern[++i] == c;
    } else if (i + 2 < pattern.size() && pattern[i + 1] == '-') {
      int start = Fold(pattern[i], nocase), end = Fold(pattern[i + 2], nocase);
      if (start > end) std::swap(start, end);
      const int folded = Fold(c, nocase);
      match |= folded >= start && folded <= end;
      i += 2;
    } else {
      match |= Fold(pattern[i], nocase) == Fold(c, nocase);
    }
    ++i;
  }
  *p = std::min(i + 1, pattern.size());
  return match != negate;
}

// Whether the one-byte element of `pattern` at *p (not '*') matches `c`;
// advances *p past it.
bool MatchOne(std::string_view pattern, size_t* p, char c, bool nocase) {
  const char head = pattern[(*p)++];
  if (head == '?') return true;
  if (head == '[') return MatchClass(pattern, p, c, nocase);
  char literal = head;
  if (head == '\\' && *p < pattern.size()) literal = pattern[(*p)++];
  return Fold(literal, nocase) == Fold(c, nocase);
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  size_t p = 0;
  size_t t = 0;
  size_t star_p = kNone;  // pattern position after the latest '*'
  size_t star_t = 0;      // where that '*''s match currently ends
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    size_t next = p;
    if (p < pattern.size() && MatchOne(pattern, &next, text[t], nocase)) {
      p = next;
      ++t;
      continue;
    }
    if (star_p == kNone) return false;
    p = star_p;  // let the '*' take one more byte and retry
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace leaderless::proxy
