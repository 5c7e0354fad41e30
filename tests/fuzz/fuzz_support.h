#pragma once

#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "protocol/resp/request_parser.h"

// What every fuzzer of tests/fuzz shares.

// Aborts, naming the broken property, when `cond` is false: libFuzzer then
// saves the input that broke it. Used for the properties each fuzzer checks
// on top of what the sanitizers catch.
#define FUZZ_CHECK(cond)                                               \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                   \
      std::abort();                                                    \
    }                                                                  \
  } while (false)

namespace leaderless::fuzz {

// Calls `each(argv)` for every request of `input`, a stream of requests as
// a connection delivers it, until the stream ends or breaks the protocol.
// The views live during the call. The default limits apply.
template <typename Each>
void ForEachRequest(std::string_view input, Each each) {
  resp::RequestParser parser;
  while (parser.Parse(input) == resp::ParseStatus::kRequest) {
    each(std::span<const std::string_view>(parser.argv()));
    input.remove_prefix(parser.consumed());
  }
}

}  // namespace leaderless::fuzz
