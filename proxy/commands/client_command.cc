// CLIENT ID | GETNAME | SETNAME | SETINFO | INFO | LIST | HELP: what the
// proxy knows about client connections (proxy/client_state.h).
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/server.cc.

#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

void Id(ProxyServer&, net::Session& s, Argv) {
  ReplyNow(s).Integer(static_cast<int64_t>(s.id()));
}

void GetName(ProxyServer& proxy, net::Session& s, Argv) {
  const std::string& name = proxy.Client(s).name;
  resp::ReplyWriter out = ReplyNow(s);
  if (name.empty()) {
    out.Null();
  } else {
    out.Bulk(name);
  }
}

void SetName(ProxyServer& proxy, net::Session& s, Argv argv) {
  resp::ReplyWriter out = ReplyNow(s);
  if (!IsValidClientAttribute(argv[2])) return out.Error(kInvalidClientName);
  proxy.Client(s).name = argv[2];
  out.SimpleString("OK");
}

// CLIENT SETINFO LIB-NAME|LIB-VER value: a Redis 7.2 command that client
// libraries (redis-py 5, node-redis, ioredis, Jedis) send on connect. Redis
// 7.0 does not know it; the libraries ignore its error, but answering it
// lets CLIENT LIST show which library each client runs.
void SetInfo(ProxyServer& proxy, net::Session& s, Argv argv) {
  resp::ReplyWriter out = ReplyNow(s);
  ClientState& client = proxy.Client(s);
  std::string* field = ArgIs(argv[2], "lib-name")  ? &client.lib_name
                       : ArgIs(argv[2], "lib-ver") ? &client.lib_ver
                                                   : nullptr;
  if (field == nullptr) {
    return out.Error("ERR Unrecognized option '" + std::string(argv[2]) + "'");
  }
  if (!IsValidClientAttribute(argv[3])) {
    return out.Error("ERR " + std::string(argv[2]) +
                     " cannot contain spaces, newlines or special characters.");
  }
  field->assign(argv[3]);
  out.SimpleString("OK");
}

// Appends the CLIENT LIST line of client `id`, if it is connected.
void AppendClientLine(ProxyServer& proxy, uint64_t id, std::string* text) {
  auto it = proxy.clients().find(id);
  if (it == proxy.clients().end()) return;
  net::Session& session = *it->second;
  *text += ClientInfoLine(session, proxy.Client(session), proxy.ListenAddress(),
                          proxy.now_ms());
  *text += '\n';
}

void Info(ProxyServer& proxy, net::Session& s, Argv) {
  std::string text;
  AppendClientLine(proxy, s.id(), &text);
  ReplyNow(s).Verbatim(text);
}

void AllClients(ProxyServer& proxy, std::vector<uint64_t>* ids) {
  for (const auto& [id, session] : proxy.clients()) ids->push_back(id);
}

// All of the proxy's clients are normal ones.
std::string ClientsOfType(ProxyServer& proxy, std::string_view type,
                          std::vector<uint64_t>* ids) {
  if (ArgIs(type, "normal")) {
    AllClients(proxy, ids);
    return "";
  }
  if (ArgIs(type, "master") || ArgIs(type, "replica") || ArgIs(type, "slave") ||
      ArgIs(type, "pubsub")) {
    return "";
  }
  return "ERR Unknown client type '" + std::string(type) + "'";
}

std::string ParseIds(Argv args, std::vector<uint64_t>* ids) {
  for (std::string_view arg : args) {
    std::optional<int64_t> id = ParseInt64(arg);
    if (!id) return "ERR Invalid client ID";
    ids->push_back(static_cast<uint64_t>(*id));
  }
  return "";
}

// The ids CLIENT LIST shows, in order: all, those of TYPE t, or those of
// ID id [id ...] as given. "" or an error.
std::string SelectClients(ProxyServer& proxy, Argv argv,
                          std::vector<uint64_t>* ids) {
  if (argv.size() == 2) {
    AllClients(proxy, ids);
    return "";
  }
  if (argv.size() == 4 && ArgIs(argv[2], "type")) {
    return ClientsOfType(proxy, argv[3], ids);
  }
  if (argv.size() > 3 && ArgIs(argv[2], "id")) {
    return ParseIds(argv.subspan(3), ids);
  }
  return kSyntaxError;
}

void List(ProxyServer& proxy, net::Session& s, Argv argv) {
  std::vector<uint64_t> ids;
  const std::string error = SelectClients(proxy, argv, &ids);
  if (!error.empty()) return ReplyNow(s).Error(error);
  std::string text;
  for (uint64_t id : ids) AppendClientLine(proxy, id, &text);
  ReplyNow(s).Verbatim(text);
}

void Help(ProxyServer&, net::Session& s, Argv) {
  resp::ReplyWriter out = ReplyNow(s);
  WriteHelp(out, "CLIENT",
            {"GETNAME", "    Return the name of the current connection.", "ID",
             "    Return the ID of the current connection.", "INFO",
             "    Return information about the current client connection.",
             "LIST [options ...]",
             "    Return information about client connections. Options:",
             "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
             "      Return clients of specified type.",
             "    * ID <client-id> [<client-id> ...]",
             "      Return clients of the given ids.", "SETNAME <name>",
             "    Assign the name <name> to the current connection.",
             "SETINFO <LIB-NAME|LIB-VER> <value>",
             "    Set the client library's name or version."});
}

}  // namespace

void AddClientCommand(CommandSet& commands) {
  const resp::CommandMeta kConnection{.flags = {"noscript", "loading", "stale"},
                                      .categories = {"@slow", "@connection"}};
  commands.AddContainer("client", -2, nullptr,
                        {.flags = {}, .categories = {"@slow"}});
  commands.AddSubcommand({"client|id", 2, &Id, kConnection});
  commands.AddSubcommand({"client|getname", 2, &GetName, kConnection});
  commands.AddSubcommand({"client|setname", 3, &SetName, kConnection});
  commands.AddSubcommand({"client|setinfo", 4, &SetInfo, kConnection});
  commands.AddSubcommand({"client|info", 2, &Info, kConnection});
  commands.AddSubcommand(
      {"client|list",
       -2,
       &List,
       {.flags = {"admin", "noscript", "loading", "stale"},
        .categories = {"@admin", "@slow", "@dangerous", "@connection"}}});
  commands.AddSubcommand({"client|help",
                          2,
                          &Help,
                          {.flags = {"loading", "stale"},
                           .categories = {"@slow", "@connection"}}});
}

}  // namespace leaderless::proxy
