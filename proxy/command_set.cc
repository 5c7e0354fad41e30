#include "proxy/command_set.h"

#include <algorithm>
#include <cassert>
#include <cctype>

#include "proxy/args.h"

namespace leaderless::proxy {
namespace {

bool ArityAllows(int arity, size_t argc) {
  const auto n = static_cast<int64_t>(argc);
  return arity >= 0 ? n == arity : n >= -arity;
}

// The part of "container|sub" after the bar.
std::string_view ShortName(const Subcommand& sub) {
  return std::string_view(sub.name).substr(sub.name.find('|') + 1);
}

// Redis's "unknown subcommand '<sub cut to 128>'. Try <CONTAINER> HELP.",
// with the container's name as the client typed it, upper-cased.
std::string UnknownSubcommandError(Argv argv) {
  std::string container(argv[0]);
  std::transform(container.begin(), container.end(), container.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return "ERR unknown subcommand '" +
         std::string(resp::PrintfPrefix(argv[1], 128)) + "'. Try " + container +
         " HELP.";
}

}  // namespace

void WriteHelp(resp::ReplyWriter& out, std::string_view container,
               std::initializer_list<std::string_view> lines) {
  out.ArrayHeader(lines.size() + 3);
  out.SimpleString(std::string(container) +
                   " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) out.SimpleString(line);
  out.SimpleString("HELP");
  out.SimpleString("    Prints this help.");
}

bool HasFlag(const resp::CommandMeta& meta, std::string_view flag) {
  return std::find(meta.flags.begin(), meta.flags.end(), flag) !=
         meta.flags.end();
}

void CommandSet::AddContainer(std::string name, int arity, CommandFn handler,
                              resp::CommandMeta meta) {
  subcommands_[name];
  table_.Add(std::move(name), arity, handler, std::move(meta));
}

void CommandSet::AddSubcommand(Subcommand sub) {
  auto it = subcommands_.find(sub.name.substr(0, sub.name.find('|')));
  assert(it != subcommands_.end());
  it->second.push_back(std::move(sub));
}

bool CommandSet::Resolve(Argv argv, ResolvedCommand* out,
                         std::string* error) const {
  const CommandTable::Spec* spec = table_.Lookup(argv, error);
  if (spec == nullptr) return false;
  auto container = subcommands_.find(spec->name);
  if (container == subcommands_.end() || argv.size() == 1) {
    *out = {spec->name, spec->handler.run, &spec->meta, spec->handler.on_keys,
            spec->handler.read_only};
    return true;
  }
  for (const Subcommand& sub : container->second) {
    if (!ArgIs(argv[1], ShortName(sub))) continue;
    if (!ArityAllows(sub.arity, argv.size())) {
      *error = resp::ArityError(sub.name);
      return false;
    }
    *out = {sub.name, sub.handler, &sub.meta};
    return true;
  }
  *error = UnknownSubcommandError(argv);
  return false;
}

const std::vector<Subcommand>& CommandSet::SubcommandsOf(
    std::string_view container) const {
  static const std::vector<Subcommand> kNone;
  auto it = subcommands_.find(container);
  return it == subcommands_.end() ? kNone : it->second;
}

}  // namespace leaderless::proxy
