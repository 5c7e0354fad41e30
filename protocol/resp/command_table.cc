#include "protocol/resp/command_table.h"

#include <strings.h>

#include <algorithm>

namespace leaderless::resp {

std::string_view PrintfPrefix(std::string_view s, size_t max) {
  return s.substr(0, std::min(s.find('\0'), max));
}

std::string UnknownCommandError(std::span<const std::string_view> argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
    args += '\'';
    args.append(PrintfPrefix(argv[i], 128 - args.size() + 1));
    args += "' ";
  }
  return "ERR unknown command '" + std::string(PrintfPrefix(argv[0], 128)) +
         "', with args beginning with: " + args;
}

bool ArgIs(std::string_view arg, std::string_view lowercase_name) {
  return arg.size() == lowercase_name.size() &&
         strncasecmp(arg.data(), lowercase_name.data(), arg.size()) == 0;
}

std::string ArityError(std::string_view lowercase_name) {
  return "ERR wrong number of arguments for '" + std::string(lowercase_name) +
         "' command";
}

}  // namespace leaderless::resp
