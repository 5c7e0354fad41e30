#include "protocol/resp/command_table.h"

namespace leaderless::resp {

std::string UnknownCommandError(std::span<const std::string_view> argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
    args += '\'';
    args.append(argv[i].substr(0, 128 - args.size() + 1));
    args += "' ";
  }
  return "ERR unknown command '" + std::string(argv[0].substr(0, 128)) +
         "', with args beginning with: " + args;
}

std::string ArityError(std::string_view lowercase_name) {
  return "ERR wrong number of arguments for '" + std::string(lowercase_name) +
         "' command";
}

}  // namespace leaderless::resp
