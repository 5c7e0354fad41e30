// String and keyspace commands. Each is a quorum read or a quorum write per
// key (see coordinator.h); replies and errors are Redis 7's.

#include "protocol/cluster/record.h"
#include "proxy/args.h"
#include "proxy/gather.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

// The live value of a read's newest record, or nullptr (absent, deleted or
// expired).
std::optional<std::string_view> LiveValue(const QuorumResult& r,
                                          uint64_t now_ms) {
  if (r.record.empty()) return std::nullopt;
  auto view = cluster::ParseRecord(r.record);
  if (!view.ok() || !view->IsLive(now_ms)) return std::nullopt;
  return view->value;
}

bool WasLive(const QuorumResult& r, uint64_t now_ms) {
  return LiveValue(r, now_ms).has_value();
}

void Get(ProxyServer& proxy, net::Session& s, Argv argv) {
  LaterReply later = proxy.Later(s);
  Coordinator& c = proxy.coordinator();
  c.Read(argv[1], [later, &c](QuorumResult&& r) {
    if (!r.ok()) return later.Error(r.Error());
    std::string out;
    resp::ReplyWriter w(&out, later.protocol());
    if (auto value = LiveValue(r, c.WallMs())) {
      w.Bulk(*value);
    } else {
      w.Null();
    }
    later.Send(std::move(out));
  });
}

// SET key value [EX seconds | PX milliseconds]. The remaining options of
// Redis 7's SET need a read before the write.
void Set(ProxyServer& proxy, net::Session& s, Argv argv) {
  Coordinator& c = proxy.coordinator();
  cluster::Record record;
  for (size_t i = 3; i < argv.size(); ++i) {
    bool ex = ArgIs(argv[i], "ex"), px = ArgIs(argv[i], "px");
    if ((!ex && !px) || i + 1 >= argv.size() || record.expire_at_ms != 0) {
      resp::ReplyWriter(&s.Reply(), s.protocol()).Error(kSyntaxError);
      return;
    }
    std::optional<int64_t> n = ParseInt64(argv[++i]);
    if (!n) {
      resp::ReplyWriter(&s.Reply(), s.protocol()).Error(kNotInteger);
      return;
    }
    int64_t ms = ex ? *n * 1000 : *n;
    if (*n <= 0 || (ex && *n > INT64_MAX / 1000) ||
        ms > INT64_MAX - static_cast<int64_t>(c.WallMs())) {
      resp::ReplyWriter(&s.Reply(), s.protocol())
          .Error("ERR invalid expire time in 'set' command");
      return;
    }
    record.expire_at_ms = c.WallMs() + static_cast<uint64_t>(ms);
  }
  record.version = c.NextVersion();
  record.value.assign(argv[2]);
  LaterReply later = proxy.Later(s);
  c.Write(argv[1], record, [later](QuorumResult&& r) {
    if (!r.ok()) return later.Error(r.Error());
    std::string out;
    resp::ReplyWriter(&out, later.protocol()).SimpleString("OK");
    later.Send(std::move(out));
  });
}

// DEL writes a tombstone per key; a key counts as removed when the newest
// record the acknowledging replicas held before was live.
void Del(ProxyServer& proxy, net::Session& s, Argv argv) {
  Coordinator& c = proxy.coordinator();
  LaterReply later = proxy.Later(s);
  Argv keys = argv.subspan(1);
  Gather(
      keys.size(),
      [&](size_t i, Coordinator::DoneFn cb) {
        cluster::Record tombstone;
        tombstone.tombstone = true;
        tombstone.version = c.NextVersion();
        c.Write(keys[i], tombstone, std::move(cb));
      },
      [later, &c](std::vector<QuorumResult>& results) {
        if (const QuorumResult* f = FirstFailure(results)) {
          return later.Error(f->Error());
        }
        int64_t removed = 0;
        for (const auto& r : results) removed += WasLive(r, c.WallMs());
        std::string out;
        resp::ReplyWriter(&out, later.protocol()).Integer(removed);
        later.Send(std::move(out));
      });
}

// Reads every key given; `reply` turns the results into the reply.
void ReadKeys(ProxyServer& proxy, net::Session& s, Argv keys,
              void (*reply)(resp::ReplyWriter&, std::vector<QuorumResult>&,
                            uint64_t now_ms)) {
  Coordinator& c = proxy.coordinator();
  LaterReply later = proxy.Later(s);
  Gather(
      keys.size(),
      [&](size_t i, Coordinator::DoneFn cb) { c.Read(keys[i], std::move(cb)); },
      [later, &c, reply](std::vector<QuorumResult>& results) {
        if (const QuorumResult* f = FirstFailure(results)) {
          return later.Error(f->Error());
        }
        std::string out;
        resp::ReplyWriter w(&out, later.protocol());
        reply(w, results, c.WallMs());
        later.Send(std::move(out));
      });
}

void Exists(ProxyServer& proxy, net::Session& s, Argv argv) {
  ReadKeys(proxy, s, argv.subspan(1),
           [](resp::ReplyWriter& w, std::vector<QuorumResult>& results,
              uint64_t now) {
             int64_t n = 0;
             for (const auto& r : results) n += WasLive(r, now);
             w.Integer(n);
           });
}

void MGet(ProxyServer& proxy, net::Session& s, Argv argv) {
  ReadKeys(proxy, s, argv.subspan(1),
           [](resp::ReplyWriter& w, std::vector<QuorumResult>& results,
              uint64_t now) {
             w.ArrayHeader(results.size());
             for (const auto& r : results) {
               if (auto value = LiveValue(r, now)) {
                 w.Bulk(*value);
               } else {
                 w.Null();
               }
             }
           });
}

// MSET is one quorum write per key, not atomic across keys: a failure
// leaves the keys written before it.
void MSet(ProxyServer& proxy, net::Session& s, Argv argv) {
  if (argv.size() % 2 == 0) {
    resp::ReplyWriter(&s.Reply(), s.protocol()).Error(resp::ArityError("mset"));
    return;
  }
  Coordinator& c = proxy.coordinator();
  LaterReply later = proxy.Later(s);
  Gather(
      argv.size() / 2,
      [&](size_t i, Coordinator::DoneFn cb) {
        cluster::Record record;
        record.version = c.NextVersion();
        record.value.assign(argv[2 + 2 * i]);
        c.Write(argv[1 + 2 * i], record, std::move(cb));
      },
      [later](std::vector<QuorumResult>& results) {
        if (const QuorumResult* f = FirstFailure(results)) {
          return later.Error(f->Error());
        }
        std::string out;
        resp::ReplyWriter(&out, later.protocol()).SimpleString("OK");
        later.Send(std::move(out));
      });
}

}  // namespace

void AddStringCommands(resp::CommandTable<CommandFn>& table) {
  table.Add("get", 2, &Get);
  table.Add("set", -3, &Set);
  table.Add("del", -2, &Del);
  table.Add("exists", -2, &Exists);
  table.Add("mget", -2, &MGet);
  table.Add("mset", -3, &MSet);
}

}  // namespace leaderless::proxy
