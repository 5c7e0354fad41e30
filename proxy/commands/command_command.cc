// COMMAND, COMMAND COUNT | INFO | DOCS | LIST | HELP: what clients learn
// about the commands the proxy answers, generated from the command set's
// CommandMeta and the documentation tables (proxy/command_docs.h). Commands
// the proxy lacks are absent, as unknown ones are in Redis.
//
// COMMAND INFO entry, as Redis 7.0 writes it (src/server.c
// addReplyCommandInfo):
//
//   array[10]{ name, arity, set{+flag}, first_key, last_key, key_step,
//              set{+@category}, set{$tip}, set{key_spec},
//              array{entry} of the subcommands (an empty set when none) }
//   key_spec := map{ ["notes" bulk], "flags" set{+RW, +access...},
//                    "begin_search" map{ "type" "index",
//                                        "spec" map{ "index" first_key } },
//                    "find_keys" map{ "type" "range",
//                                     "spec" map{ "lastkey", "keystep",
//                                                 "limit" 0 } } }
//
// The one key spec's position comes from first_key, last_key and key_step;
// its flags and notes from the documentation table, or, for a command not
// documented there, from its readonly / write flag.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/server.cc.

#include <algorithm>
#include <optional>

#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/commands/docs/command_docs.h"
#include "proxy/commands/glob.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

// A command or subcommand, as COMMAND INFO / DOCS / LIST see it.
struct Entry {
  std::string_view name;  // owned by the CommandSet
  int arity;
  const resp::CommandMeta* meta;
};

// Every top-level command, by name.
std::vector<Entry> TopLevel(const CommandSet& commands) {
  std::vector<Entry> entries;
  for (const auto& [name, spec] : commands.table().specs()) {
    entries.push_back({spec.name, spec.arity, &spec.meta});
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return entries;
}

// The command "get" or subcommand "client|id" `name` names, in any case.
std::optional<Entry> Find(const CommandSet& commands, std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const std::string container = lower.substr(0, lower.find('|'));
  auto it = commands.table().specs().find(container);
  if (it == commands.table().specs().end()) return std::nullopt;
  if (container == lower) {
    return Entry{it->second.name, it->second.arity, &it->second.meta};
  }
  for (const Subcommand& sub : commands.SubcommandsOf(container)) {
    if (sub.name == lower) return Entry{sub.name, sub.arity, &sub.meta};
  }
  return std::nullopt;
}

template <typename Strings>
void WriteStatusSet(resp::ReplyWriter& out, const Strings& items) {
  out.SetHeader(items.size());
  for (std::string_view item : items) out.SimpleString(item);
}

// The flags of a command's key spec: documented ones, else guessed from
// whether the command writes.
void WriteKeySpecFlags(resp::ReplyWriter& out, const resp::CommandMeta& meta,
                       const CommandDoc* doc) {
  if (doc != nullptr && !doc->key_spec_flags.empty()) {
    return WriteStatusSet(out, doc->key_spec_flags);
  }
  const bool writes = HasFlag(meta, "write");
  WriteStatusSet(out, std::vector<std::string_view>{
                          writes ? "RW" : "RO", writes ? "update" : "access"});
}

void WriteKeySpec(resp::ReplyWriter& out, const resp::CommandMeta& meta,
                  const CommandDoc* doc) {
  const bool notes = doc != nullptr && !doc->key_spec_notes.empty();
  out.MapHeader(3 + notes);
  if (notes) {
    out.Bulk("notes");
    out.Bulk(doc->key_spec_notes);
  }
  out.Bulk("flags");
  WriteKeySpecFlags(out, meta, doc);
  out.Bulk("begin_search");
  out.MapHeader(2);
  out.Bulk("type");
  out.Bulk("index");
  out.Bulk("spec");
  out.MapHeader(1);
  out.Bulk("index");
  out.Integer(meta.first_key);
  out.Bulk("find_keys");
  out.MapHeader(2);
  out.Bulk("type");
  out.Bulk("range");
  out.Bulk("spec");
  out.MapHeader(3);
  out.Bulk("lastkey");
  out.Integer(meta.last_key < 0 ? meta.last_key
                                : meta.last_key - meta.first_key);
  out.Bulk("keystep");
  out.Integer(meta.key_step);
  out.Bulk("limit");
  out.Integer(0);
}

void WriteInfo(resp::ReplyWriter& out, const CommandSet& commands,
               const Entry& entry) {
  const resp::CommandMeta& meta = *entry.meta;
  out.ArrayHeader(10);
  out.Bulk(entry.name);
  out.Integer(entry.arity);
  WriteStatusSet(out, meta.flags);
  out.Integer(meta.first_key);
  out.Integer(meta.last_key);
  out.Integer(meta.key_step);
  WriteStatusSet(out, meta.categories);
  const CommandDoc* doc = FindCommandDoc(entry.name);
  out.SetHeader(doc != nullptr ? doc->tips.size() : 0);
  if (doc != nullptr) {
    for (std::string_view tip : doc->tips) out.Bulk(tip);
  }
  out.SetHeader(meta.first_key > 0 ? 1 : 0);
  if (meta.first_key > 0) WriteKeySpec(out, meta, doc);
  const std::vector<Subcommand>& subs = commands.SubcommandsOf(entry.name);
  if (subs.empty()) return out.SetHeader(0);
  out.ArrayHeader(subs.size());
  for (const Subcommand& sub : subs) {
    WriteInfo(out, commands, {sub.name, sub.arity, &sub.meta});
  }
}

void WriteAllInfo(resp::ReplyWriter& out, const CommandSet& commands) {
  const std::vector<Entry> all = TopLevel(commands);
  out.ArrayHeader(all.size());
  for (const Entry& entry : all) WriteInfo(out, commands, entry);
}

// COMMAND: every command's entry.
void All(ProxyServer& proxy, net::Session& s, Argv) {
  resp::ReplyWriter out = ReplyNow(s);
  WriteAllInfo(out, proxy.commands());
}

void Count(ProxyServer& proxy, net::Session& s, Argv) {
  ReplyNow(s).Integer(
      static_cast<int64_t>(proxy.commands().table().specs().size()));
}

// COMMAND INFO [name ...]: a null for each unknown name.
void Info(ProxyServer& proxy, net::Session& s, Argv argv) {
  resp::ReplyWriter out = ReplyNow(s);
  if (argv.size() == 2) return WriteAllInfo(out, proxy.commands());
  out.ArrayHeader(argv.size() - 2);
  for (std::string_view name : argv.subspan(2)) {
    std::optional<Entry> entry = Find(proxy.commands(), name);
    if (entry) {
      WriteInfo(out, proxy.commands(), *entry);
    } else {
      out.Null();
    }
  }
}

// COMMAND DOCS [name ...]: unknown names are left out.
void Docs(ProxyServer& proxy, net::Session& s, Argv argv) {
  std::vector<Entry> found;
  if (argv.size() == 2) found = TopLevel(proxy.commands());
  for (std::string_view name : argv.subspan(2)) {
    if (auto entry = Find(proxy.commands(), name)) found.push_back(*entry);
  }
  resp::ReplyWriter out = ReplyNow(s);
  out.MapHeader(found.size());
  for (const Entry& entry : found) {
    WriteCommandDocs(out, proxy.commands(), entry.name);
  }
}

// Every command and subcommand, containers before their subcommands.
std::vector<Entry> Everything(const CommandSet& commands) {
  std::vector<Entry> all;
  for (const Entry& entry : TopLevel(commands)) {
    all.push_back(entry);
    for (const Subcommand& sub : commands.SubcommandsOf(entry.name)) {
      all.push_back({sub.name, sub.arity, &sub.meta});
    }
  }
  return all;
}

// Whether COMMAND LIST FILTERBY `by` `value` keeps `entry`; MODULE keeps
// nothing (the proxy has no modules).
bool Keeps(const Entry& entry, std::string_view by, std::string_view value) {
  if (ArgIs(by, "pattern")) return GlobMatch(value, entry.name, true);
  if (!ArgIs(by, "aclcat")) return false;
  const std::vector<std::string>& cats = entry.meta->categories;
  return std::any_of(cats.begin(), cats.end(), [value](const std::string& c) {
    return ArgIs(c.substr(1), value);  // categories are stored as "@name"
  });
}

// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern].
void List(ProxyServer& proxy, net::Session& s, Argv argv) {
  const bool filtered = argv.size() == 5 && ArgIs(argv[2], "filterby");
  resp::ReplyWriter out = ReplyNow(s);
  if ((argv.size() != 2 && !filtered) ||
      (filtered && !ArgIs(argv[3], "module") && !ArgIs(argv[3], "aclcat") &&
       !ArgIs(argv[3], "pattern"))) {
    return out.Error(kSyntaxError);
  }
  std::vector<std::string_view> names;
  for (const Entry& entry : Everything(proxy.commands())) {
    if (!filtered || Keeps(entry, argv[3], argv[4])) {
      names.push_back(entry.name);
    }
  }
  out.ArrayHeader(names.size());
  for (std::string_view name : names) out.Bulk(name);
}

void Help(ProxyServer&, net::Session& s, Argv) {
  resp::ReplyWriter out = ReplyNow(s);
  WriteHelp(
      out, "COMMAND",
      {"(no subcommand)", "    Return details about all Redis commands.",
       "COUNT", "    Return the total number of commands in this Redis server.",
       "LIST", "    Return a list of all commands in this Redis server.",
       "INFO [<command-name> ...]",
       "    Return details about multiple Redis commands.",
       "    If no command names are given, documentation details for all",
       "    commands are returned.", "DOCS [<command-name> ...]",
       "    Return documentation details about multiple Redis commands.",
       "    If no command names are given, documentation details for all",
       "    commands are returned."});
}

}  // namespace

void AddCommandCommand(CommandSet& commands) {
  const resp::CommandMeta kMeta{.flags = {"loading", "stale"},
                                .categories = {"@slow", "@connection"}};
  commands.AddContainer("command", -1, &All, kMeta);
  commands.AddSubcommand({"command|count", 2, &Count, kMeta});
  commands.AddSubcommand({"command|info", -2, &Info, kMeta});
  commands.AddSubcommand({"command|docs", -2, &Docs, kMeta});
  commands.AddSubcommand({"command|list", -2, &List, kMeta});
  commands.AddSubcommand({"command|help", 2, &Help, kMeta});
}

}  // namespace leaderless::proxy
