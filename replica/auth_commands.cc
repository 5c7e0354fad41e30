// Who may talk to a replica: the gate before every request, AUTH and HELLO.
//
// A replica's port carries the internal protocol: whoever can send it
// LL.PUT or LL.FLUSH can change or erase the cluster's data. So:
//   - with replica-password set, a session must AUTH (or HELLO ... AUTH)
//     with it before it runs anything but PING, AUTH, HELLO and QUIT; the
//     links of proxies and replicas send it first (cluster::LinkHello), and
//     until then Redis's pre-authentication parser caps apply;
//   - without one, only loopback clients are served: a cluster on one host
//     works unconfigured, and one spread over hosts cannot run open.
// Texts are Redis's where Redis has one, so redis-cli -a and client
// libraries behave as they do with Redis. The replica speaks RESP2 only:
// HELLO 3 is answered -NOPROTO, on which clients fall back to RESP2.

#include <algorithm>
#include <memory>

#include "protocol/cluster/replica_protocol.h"
#include "protocol/cluster/secret.h"
#include "protocol/net/log.h"
#include "protocol/net/peer_address.h"
#include "protocol/resp/auth_errors.h"
#include "protocol/resp/command_table.h"
#include "protocol/resp/integers.h"
#include "protocol/resp/reply_writer.h"
#include "replica/replica_server.h"

namespace leaderless::replica {
namespace {

using resp::kHelloNotAuthenticated;
using resp::kNoAuth;
using resp::kWrongPass;
constexpr char kDenied[] =
    "DENIED leaderless-replica accepts loopback clients only, because no "
    "replica-password is set. To serve other hosts, set replica-password "
    "(the same in every process of the cluster) and restart.";
// The Redis version whose protocol the replica speaks, as the proxy says.
constexpr char kRedisVersion[] = "7.0.15";

// Whether a session may run every command. Decided on its first request:
// with no replica-password, a loopback peer may; with one, nobody until
// AUTH.
class Access : public net::SessionState {
 public:
  explicit Access(bool authenticated) : authenticated(authenticated) {}
  bool authenticated;
};

}  // namespace

bool ReplicaServer::Authenticated(net::Session& s) {
  if (s.state() == nullptr) {
    s.set_state(
        std::make_unique<Access>(config_.replica_password.empty() &&
                                 net::IsLoopbackPeer(s.peer_address())));
  }
  // Only this file sets session states, and always an Access.
  return static_cast<Access*>(s.state())->authenticated;
}

resp::ParserLimits ReplicaServer::ParserLimitsFor(bool authenticated) const {
  resp::ParserLimits limits;
  limits.max_bulk_len = cluster::RequestLimitsFor(config_).max_bulk_len;
  // One request too large (a sender configured apart) fails alone: the
  // requests pipelined behind it on the link go on.
  limits.skip_oversized_requests = true;
  limits.unauthenticated = !authenticated;
  return limits;
}

void ReplicaServer::NoteRefusal(const net::Session& s, const char* what,
                                const char* why, Refusals& kind) {
  ++kind.count;
  if (kind.log.Allow(loop_.now_ms())) {
    net::Log("refused %s from %s: %s (%llu so far)", what,
             s.peer_address().c_str(), why,
             static_cast<unsigned long long>(kind.count));
  }
}

bool ReplicaServer::Admit(net::Session& s) {
  if (Authenticated(s) || !config_.replica_password.empty()) return true;
  resp::ReplyWriter(&s.Reply()).Error(kDenied);
  s.CloseAfterReplies();
  NoteRefusal(s, "a client", "not on loopback, and no replica-password is set",
              non_loopback_refusals_);
  return false;
}

bool ReplicaServer::Permitted(net::Session& s,
                              const resp::CommandTable<Handler>::Spec& spec) {
  const auto& flags = spec.meta.flags;
  if (Authenticated(s) ||
      std::find(flags.begin(), flags.end(), "no_auth") != flags.end()) {
    return true;
  }
  resp::ReplyWriter(&s.Reply()).Error(kNoAuth);
  NoteRefusal(s, spec.name.c_str(), "not authenticated", noauth_refusals_);
  return false;
}

// Redis's `default` user is the only user. With no replica-password it has
// no password (only loopback sessions get here), so any password will do,
// as Redis's "nopass". A failed attempt leaves the session as it was: as in
// Redis, it does not log out a session that was logged in.
bool ReplicaServer::Authenticate(net::Session& s, std::string_view user,
                                 std::string_view password) {
  const std::string& secret = config_.replica_password;
  const bool ok = user == "default" &&
                  (secret.empty() || cluster::SameSecret(password, secret));
  if (!ok) {
    NoteRefusal(s, "AUTH", "wrong user or replica-password", auth_failures_);
    return false;
  }
  if (!Authenticated(s)) {
    static_cast<Access*>(s.state())->authenticated = true;
    s.parser().set_limits(ParserLimitsFor(true));
  }
  return true;
}

// AUTH password | AUTH username password.
void ReplicaServer::Auth(net::Session& s,
                         std::span<const std::string_view> argv) {
  resp::ReplyWriter w(&s.Reply());
  if (argv.size() > 3) return w.Error("ERR syntax error");
  if (argv.size() == 2 && config_.replica_password.empty()) {
    NoteRefusal(s, "AUTH", "no replica-password is set here", auth_failures_);
    return w.Error(resp::kNoPasswordConfigured);
  }
  const std::string_view user = argv.size() == 3 ? argv[1] : "default";
  if (!Authenticate(s, user, argv.back())) return w.Error(kWrongPass);
  w.SimpleString("OK");
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]. Options
// apply in order, as in Redis (an AUTH takes effect even if a later option
// fails). SETNAME is accepted and the name not kept: a replica lists no
// clients.
void ReplicaServer::Hello(net::Session& s,
                          std::span<const std::string_view> argv) {
  resp::ReplyWriter w(&s.Reply());
  if (argv.size() >= 2) {
    const std::optional<int64_t> version = resp::ParseInt64(argv[1]);
    if (!version) {
      return w.Error("ERR Protocol version is not an integer or out of range");
    }
    if (*version != 2) return w.Error("NOPROTO unsupported protocol version");
  }
  for (size_t i = 2; i < argv.size(); ++i) {
    const size_t more = argv.size() - 1 - i;
    if (resp::ArgIs(argv[i], "auth") && more >= 2) {
      if (!Authenticate(s, argv[i + 1], argv[i + 2])) {
        return w.Error(kWrongPass);
      }
      i += 2;
    } else if (resp::ArgIs(argv[i], "setname") && more >= 1) {
      ++i;
    } else {
      return w.Error("ERR Syntax error in HELLO option '" +
                     std::string(argv[i]) + "'");
    }
  }
  if (!Authenticated(s)) return w.Error(kHelloNotAuthenticated);
  auto field = [&w](std::string_view name, std::string_view value) {
    w.Bulk(name);
    w.Bulk(value);
  };
  w.MapHeader(7);
  field("server", "leaderless-replica");
  field("version", kRedisVersion);
  w.Bulk("proto");
  w.Integer(2);
  w.Bulk("id");
  w.Integer(static_cast<int64_t>(s.id()));
  field("mode", "standalone");
  field("role", "replica");
  w.Bulk("modules");
  w.ArrayHeader(0);
}

}  // namespace leaderless::replica
