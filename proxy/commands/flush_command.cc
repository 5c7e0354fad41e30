// FLUSHALL and FLUSHDB [ASYNC|SYNC] (the same: there is one database).
//
// A flush is a tombstone for every key at one new version, sent to every
// replica (LL.FLUSH): each drops what it holds older than that version, and
// from then on answers reads of any key with nothing newer with the flush's
// tombstone, acknowledges and drops older writes (late hints, anti-entropy
// from a replica that missed the flush), and hands the flush to its peers
// in every anti-entropy round. Writes with a newer version survive it.
//
// Every replica must acknowledge: a replica that missed the flush would
// otherwise serve flushed keys to reads that reach only it. So the flush is
// refused, sending nothing, while any replica is down.
//
// Flags, arity and key positions: the Add*Commands calls below; COMMAND
// DOCS: proxy/commands/docs/keyspace.cc.

#include "protocol/cluster/replica_protocol.h"
#include "proxy/args.h"
#include "proxy/commands/command_families.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

void Flush(ProxyServer& proxy, net::Session& s, Argv argv) {
  if (argv.size() > 2 || (argv.size() == 2 && !ArgIs(argv[1], "async") &&
                          !ArgIs(argv[1], "sync"))) {
    ReplyNow(s).Error(kSyntaxError);
    return;
  }
  Coordinator& c = proxy.coordinator();
  cluster::Record flush;
  flush.version = c.NextVersion();
  flush.tombstone = true;
  std::string command;
  cluster::AppendFlushRequest(&command, cluster::EncodeRecord(flush));
  c.AskAll(command, [reply = proxy.Later(s)](QuorumResult&& r) {
    const std::string n =
        std::to_string(r.successes) + " of " + std::to_string(r.needed);
    switch (r.outcome) {
      case QuorumResult::Outcome::kOk: {
        std::string out;
        resp::ReplyWriter(&out, reply.protocol()).SimpleString("OK");
        reply.Send(std::move(out));
        break;
      }
      case QuorumResult::Outcome::kUnavailable:
        reply.Error("UNAVAILABLE " + std::to_string(r.reachable) + " of " +
                    std::to_string(r.needed) +
                    " replicas reachable, a flush needs every replica; "
                    "nothing was flushed");
        break;
      case QuorumResult::Outcome::kNoQuorum:
      case QuorumResult::Outcome::kSuperseded:  // writes of a key only
        reply.Error("NOQUORUM " + n +
                    " replicas acknowledged the flush in time; it may have "
                    "been applied on some replicas" +
                    (r.refusal.empty()
                         ? std::string()
                         : " (a replica answered: " + r.refusal + ")"));
        break;
    }
  });
}

}  // namespace

void AddFlushCommands(CommandTable& table) {
  const resp::CommandMeta meta = {
      .flags = {"write"},
      .categories = {"@keyspace", "@write", "@slow", "@dangerous"}};
  table.Add("flushall", -1, &Flush, meta);
  table.Add("flushdb", -1, &Flush, meta);
}

}  // namespace leaderless::proxy
