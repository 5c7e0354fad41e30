// Reply shapes, byte for byte as Redis 7.0 writes them (src/networking.c
// addReply*). <n> is a decimal integer, <s> raw bytes:
//
//   type      RESP2                    RESP3
//   simple    +<s>\r\n                 same
//   error     -<s>\r\n                 same
//   integer   :<n>\r\n                 same
//   bulk      $<len>\r\n<s>\r\n        same
//   null      $-1\r\n                  _\r\n
//   null arr  *-1\r\n                  _\r\n
//   array     *<n>\r\n                 same
//   map       *<2n>\r\n                %<n>\r\n
//   set       *<n>\r\n                 ~<n>\r\n
//   double    bulk of the text         ,<text>\r\n   (%.17g, inf, -inf, nan)
//   boolean   :1\r\n / :0\r\n          #t\r\n / #f\r\n
//   verbatim  bulk of <s>              =<len+4>\r\ntxt:<s>\r\n

#include "protocol/resp/reply_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace leaderless::resp {
namespace {

constexpr std::string_view kCrlf = "\r\n";

// Appends <prefix><n>\r\n with one append and no allocation of its own.
void AppendPrefixed(std::string* out, char prefix, int64_t n) {
  char buf[24];  // prefix, sign, 19 digits, CRLF
  buf[0] = prefix;
  char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out->append(buf, static_cast<size_t>(end - buf));
}

// Bytes of <prefix><n>\r\n, as AppendPrefixed writes it.
uint64_t PrefixedSize(uint64_t n) {
  uint64_t digits = 1;
  while (n >= 10) {
    n /= 10;
    ++digits;
  }
  return 1 + digits + kCrlf.size();
}

// Redis's text for a double: "%.17g", with inf and nan spelled out because
// libc spellings vary (glibc prints "-nan" for some NaNs).
std::string_view FormatDouble(double value, char (&buf)[32]) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // to_chars with a precision is specified as printf's %.*g in the C locale.
  char* end = std::to_chars(buf, buf + sizeof(buf), value,
                            std::chars_format::general, 17)
                  .ptr;
  return std::string_view(buf, static_cast<size_t>(end - buf));
}

}  // namespace

void ReplyWriter::SimpleString(std::string_view s) {
  out_->push_back('+');
  out_->append(s);
  out_->append(kCrlf);
}

void ReplyWriter::Error(std::string_view message) {
  const size_t start = out_->size();
  out_->push_back('-');
  out_->append(message);
  for (size_t i = start + 1; i < out_->size(); ++i) {
    char& c = (*out_)[i];
    if (c == '\r' || c == '\n') c = ' ';
  }
  out_->append(kCrlf);
}

void ReplyWriter::Integer(int64_t value) { Header(':', value); }

void ReplyWriter::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->append(s);
  out_->append(kCrlf);
}

void ReplyWriter::Null() { out_->append(protocol_ >= 3 ? "_\r\n" : "$-1\r\n"); }

void ReplyWriter::NullArray() {
  out_->append(protocol_ >= 3 ? "_\r\n" : "*-1\r\n");
}

void ReplyWriter::ArrayHeader(size_t n) {
  Header('*', static_cast<int64_t>(n));
}

void ReplyWriter::MapHeader(size_t pairs) {
  if (protocol_ >= 3) {
    Header('%', static_cast<int64_t>(pairs));
  } else {
    Header('*', static_cast<int64_t>(pairs * 2));
  }
}

void ReplyWriter::SetHeader(size_t n) {
  Header(protocol_ >= 3 ? '~' : '*', static_cast<int64_t>(n));
}

void ReplyWriter::Double(double value) {
  char buf[32];
  const std::string_view text = FormatDouble(value, buf);
  if (protocol_ < 3) {
    Bulk(text);
    return;
  }
  out_->push_back(',');
  out_->append(text);
  out_->append(kCrlf);
}

void ReplyWriter::Boolean(bool value) {
  if (protocol_ >= 3) {
    out_->append(value ? "#t\r\n" : "#f\r\n");
  } else {
    out_->append(value ? ":1\r\n" : ":0\r\n");
  }
}

void ReplyWriter::Verbatim(std::string_view s) {
  if (protocol_ < 3) {
    Bulk(s);
    return;
  }
  Header('=', static_cast<int64_t>(s.size() + 4));
  out_->append("txt:");
  out_->append(s);
  out_->append(kCrlf);
}

void ReplyWriter::Header(char prefix, int64_t n) {
  AppendPrefixed(out_, prefix, n);
}

void AppendCommand(std::string* out,
                   std::initializer_list<std::string_view> argv) {
  AppendCommand(out,
                std::span<const std::string_view>(argv.begin(), argv.size()));
}

void AppendCommand(std::string* out, std::span<const std::string_view> argv) {
  // One reservation for the whole command: fan-out serialises it once.
  size_t size = 16;
  for (std::string_view arg : argv) size += arg.size() + 24;
  // Grow geometrically: exact reservations would make a run of appends to
  // one buffer quadratic.
  if (out->size() + size > out->capacity()) {
    out->reserve(std::max(out->size() + size, 2 * out->capacity()));
  }
  AppendPrefixed(out, '*', static_cast<int64_t>(argv.size()));
  for (std::string_view arg : argv) {
    AppendPrefixed(out, '$', static_cast<int64_t>(arg.size()));
    out->append(arg);
    out->append(kCrlf);
  }
}

uint64_t CommandSize(std::initializer_list<uint64_t> arg_sizes) {
  uint64_t size = PrefixedSize(arg_sizes.size());
  for (uint64_t arg : arg_sizes) {
    size += PrefixedSize(arg) + arg + kCrlf.size();
  }
  return size;
}

}  // namespace leaderless::resp
