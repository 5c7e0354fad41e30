#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace leaderless::resp {

// Appends RESP replies to a caller-owned string. `protocol` is 2 or 3 (set by
// HELLO); it changes only the types RESP2 lacks (null, map, set, double,
// boolean), each written in Redis's own RESP2 fallback shape otherwise.
// Does not own `out`; `out` must outlive the writer.
class ReplyWriter {
 public:
  explicit ReplyWriter(std::string* out, int protocol = 2)
      : out_(out), protocol_(protocol) {}

  void SimpleString(std::string_view s);  // +OK
  // `message` starts with the error code: "ERR syntax error". CR and LF in
  // it are replaced by spaces, as Redis does, so the reply stays one line.
  void Error(std::string_view message);
  void Integer(int64_t value);    // :42
  void Bulk(std::string_view s);  // $3\r\nfoo
  void Null();                    // RESP2 $-1, RESP3 _
  void NullArray();               // RESP2 *-1, RESP3 _
  void ArrayHeader(size_t n);     // *n
  void MapHeader(size_t pairs);   // RESP3 %n, RESP2 *2n
  void SetHeader(size_t n);       // RESP3 ~n, RESP2 *n
  void Double(double value);      // RESP3 ,1.5, RESP2 bulk "1.5"
  void Boolean(bool value);       // RESP3 #t, RESP2 :1 / :0
  // Redis's "verbatim string" (INFO in RESP3): =len\r\ntxt:...; RESP2 bulk.
  void Verbatim(std::string_view s);

  int protocol() const { return protocol_; }

 private:
  void Header(char prefix, int64_t n);

  std::string* out_;
  int protocol_;
};

// Appends a command in RESP multibulk form, as a client sends it. Used to
// serialise a request to replicas once for all of them.
void AppendCommand(std::string* out,
                   std::initializer_list<std::string_view> argv);
void AppendCommand(std::string* out, std::span<const std::string_view> argv);

// The bytes AppendCommand writes for arguments of `arg_sizes` bytes each:
// what a receiver must be able to buffer for such a request.
uint64_t CommandSize(std::initializer_list<uint64_t> arg_sizes);

}  // namespace leaderless::resp
