#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace leaderless::resp {

// Why a line did not split.
enum class SplitError {
  kNone,
  kUnterminatedDouble,  // "... without its closing quote
  kUnterminatedSingle,  // '... without its closing quote
  kBadClose,            // a closing quote followed by something but a space
};

// Splits `line` into arguments as Redis's sdssplitargs does, for an inline
// request and for a redis.conf line alike (grammar in split_args.cc). NUL is
// an ordinary byte. Appends the arguments to `*args` and returns kNone, or
// returns why the line is malformed (then `*args` holds a partial split).
SplitError SplitArgs(std::string_view line, std::vector<std::string>* args);

}  // namespace leaderless::resp
