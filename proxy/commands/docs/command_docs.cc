// COMMAND DOCS replies, in Redis 7.0's shape (src/server.c
// addReplyCommandDocs):
//
//   docs     := map { "summary" bulk, "since" bulk, "group" bulk,
//                     "complexity" bulk,
//                     ["doc_flags" set{+deprecated},
//                      "deprecated_since" bulk, "replaced_by" bulk],
//                     ["history" set{ array[version, change] }],
//                     ["arguments" array{ argument }],
//                     ["subcommands" map{ name -> docs }] }
//   argument := map { "name" bulk, "type" bulk, ["key_spec_index" int],
//                     ["token" bulk], ["since" bulk],
//                     ["flags" set{+optional, +multiple, +multiple_token}],
//                     ["arguments" array{ argument }] }
//
// A key argument's key_spec_index is 0: each command the proxy documents
// has one key spec (see COMMAND INFO).

#include "proxy/commands/docs/command_docs.h"

#include <bit>
#include <unordered_map>

namespace leaderless::proxy {
namespace {

using DocMap = std::unordered_map<std::string_view, CommandDoc>;

DocMap BuildDocMap() {
  DocMap map;
  for (auto* family : {&ServerCommandDocs, &KeyCommandDocs,
                       &KeyspaceCommandDocs, &TransactionCommandDocs}) {
    for (CommandDoc& doc : family()) {
      const std::string_view name = doc.name;
      map.emplace(name, std::move(doc));
    }
  }
  return map;
}

void WriteArgFlags(resp::ReplyWriter& out, unsigned flags) {
  constexpr std::pair<unsigned, std::string_view> kNames[] = {
      {ArgDoc::kOptional, "optional"},
      {ArgDoc::kMultiple, "multiple"},
      {ArgDoc::kMultipleToken, "multiple_token"}};
  out.SetHeader(static_cast<size_t>(std::popcount(flags)));
  for (const auto& [flag, name] : kNames) {
    if (flags & flag) out.SimpleString(name);
  }
}

void WriteArg(resp::ReplyWriter& out, const ArgDoc& arg) {
  const bool is_key = arg.type == "key";
  out.MapHeader(2 + is_key + !arg.token.empty() + !arg.since.empty() +
                (arg.flags != 0) + !arg.arguments.empty());
  out.Bulk("name");
  out.Bulk(arg.name);
  out.Bulk("type");
  out.Bulk(arg.type);
  if (is_key) {
    out.Bulk("key_spec_index");
    out.Integer(0);
  }
  if (!arg.token.empty()) {
    out.Bulk("token");
    out.Bulk(arg.token);
  }
  if (!arg.since.empty()) {
    out.Bulk("since");
    out.Bulk(arg.since);
  }
  if (arg.flags != 0) {
    out.Bulk("flags");
    WriteArgFlags(out, arg.flags);
  }
  if (!arg.arguments.empty()) {
    out.Bulk("arguments");
    out.ArrayHeader(arg.arguments.size());
    for (const ArgDoc& child : arg.arguments) WriteArg(out, child);
  }
}

void WriteDeprecation(resp::ReplyWriter& out, const CommandDoc& doc) {
  out.Bulk("doc_flags");
  out.SetHeader(1);
  out.SimpleString("deprecated");
  out.Bulk("deprecated_since");
  out.Bulk(doc.deprecated_since);
  out.Bulk("replaced_by");
  out.Bulk(doc.replaced_by);
}

void WriteHistory(resp::ReplyWriter& out, const CommandDoc& doc) {
  out.Bulk("history");
  out.SetHeader(doc.history.size());
  for (const auto& [version, change] : doc.history) {
    out.ArrayHeader(2);
    out.Bulk(version);
    out.Bulk(change);
  }
}

void WriteDocMap(resp::ReplyWriter& out, const CommandDoc& doc,
                 const std::vector<Subcommand>& subcommands,
                 const CommandSet& commands) {
  const bool deprecated = !doc.deprecated_since.empty();
  out.MapHeader(4 + 3 * deprecated + !doc.history.empty() +
                !doc.arguments.empty() + !subcommands.empty());
  const std::pair<std::string_view, std::string_view> texts[] = {
      {"summary", doc.summary},
      {"since", doc.since},
      {"group", doc.group},
      {"complexity", doc.complexity}};
  for (const auto& [field, value] : texts) {
    out.Bulk(field);
    out.Bulk(value);
  }
  if (deprecated) WriteDeprecation(out, doc);
  if (!doc.history.empty()) WriteHistory(out, doc);
  if (!doc.arguments.empty()) {
    out.Bulk("arguments");
    out.ArrayHeader(doc.arguments.size());
    for (const ArgDoc& arg : doc.arguments) WriteArg(out, arg);
  }
  if (!subcommands.empty()) {
    out.Bulk("subcommands");
    out.MapHeader(subcommands.size());
    for (const Subcommand& sub : subcommands) {
      WriteCommandDocs(out, commands, sub.name);
    }
  }
}

}  // namespace

const CommandDoc* FindCommandDoc(std::string_view name) {
  static const DocMap docs = BuildDocMap();
  auto it = docs.find(name);
  return it == docs.end() ? nullptr : &it->second;
}

void WriteCommandDocs(resp::ReplyWriter& out, const CommandSet& commands,
                      std::string_view name) {
  static const CommandDoc kUndocumented;
  const CommandDoc* doc = FindCommandDoc(name);
  out.Bulk(name);
  WriteDocMap(out, doc != nullptr ? *doc : kUndocumented,
              commands.SubcommandsOf(name), commands);
}

}  // namespace leaderless::proxy
