#include "replica/replica_server.h"

#include "protocol/cluster/record.h"
#include "protocol/cluster/replica_protocol.h"
#include "protocol/net/clock.h"
#include "protocol/net/log.h"
#include "protocol/resp/integers.h"
#include "protocol/resp/reply_writer.h"
#include "replica/read_choice.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

// The one mapping of a Status to this server's error replies: a bad request
// says what is wrong with it; anything else failed in storage.
std::string ErrorText(const cluster::Status& status) {
  return status.code() == cluster::Status::Code::kInvalidArgument
             ? "ERR " + status.message()
             : "ERR storage: " + status.message();
}

}  // namespace

ReplicaServer::ReplicaServer(const cluster::Config& config, net::Loop& loop,
                             RecordStore* store)
    : config_(config),
      self_(cluster::FindReplica(config, config.replica_id)),
      loop_(loop),
      store_(store),
      ring_(cluster::ReplicaIds(config), config.tokens_per_replica),
      self_index_(static_cast<int>(self_ - config.replicas.data())),
      trees_(config, ring_, self_index_),
      hints_(config),
      start_ms_(loop.now_ms()) {
  // What a session may run before it authenticates.
  resp::CommandMeta no_auth;
  no_auth.flags = {"no_auth"};
  commands_.Add("ping", -1, &ReplicaServer::Ping, no_auth);
  commands_.Add("auth", -2, &ReplicaServer::Auth, no_auth);
  commands_.Add("hello", -1, &ReplicaServer::Hello, no_auth);
  commands_.Add("quit", -1, &ReplicaServer::Quit, no_auth);
  commands_.Add("echo", 2, &ReplicaServer::Echo);
  commands_.Add("info", -1, &ReplicaServer::Info);
  auto add = [this](const cluster::ReplicaCommand& command, Handler handler) {
    commands_.Add(cluster::LowercaseName(command), command.arity, handler);
  };
  add(cluster::kGetCommand, &ReplicaServer::RecordGet);
  add(cluster::kDigestCommand, &ReplicaServer::RecordDigest);
  add(cluster::kPutCommand, &ReplicaServer::RecordPut);
  add(cluster::kHintPutCommand, &ReplicaServer::HintPut);
  add(cluster::kTreeCommand, &ReplicaServer::TreeNodes);
  add(cluster::kLeafCommand, &ReplicaServer::LeafEntries);
  add(cluster::kFlushCommand, &ReplicaServer::Flush);
  add(cluster::kScanCommand, &ReplicaServer::ScanRange);
  add(cluster::kProxyCommand, &ReplicaServer::ProxyHello);
}

ReplicaServer::~ReplicaServer() = default;

cluster::Status ReplicaServer::Start() {
  auto flushed = store_->Get(FlushMark::kFlushKey);
  if (!flushed.ok()) return flushed.status();
  if (flushed.value()) flush_.Raise(*flushed.value());
  // One scan fills the index and the Merkle trees.
  auto index = RecordIndex::Load(
      *store_, static_cast<size_t>(config_.record_index_max_memory),
      [this](std::string_view storage_key, const HeldRecord& held) {
        trees_.AddStored(storage_key, held.Rank());
      });
  if (!index.ok()) return index.status();
  if (!index.value()->complete()) {
    net::Log(
        "record-index-max-memory %lld holds %zu keys, fewer than the "
        "store: writes to the others read LevelDB",
        static_cast<long long>(config_.record_index_max_memory),
        index.value()->keys());
  }
  auto server = net::Server::Create(loop_, self_->host, self_->port, this,
                                    SessionLimits());
  if (!server.ok()) return server.status();
  server_ = server.value();
  group_commit_ = GroupCommit::Create(
      loop_, store_, std::move(index.value()), config_.appendfsync,
      [this](uint64_t token, const cluster::Status& s) {
        OnWriteDone(token, s);
      },
      [this](std::string_view key, const PeerTrees::Rank& rank) {
        OnWriteLost(key, rank);
      });
  auto handoff = HintedHandoff::Create(config_, loop_, store_, group_commit_,
                                       &flush_, &hints_);
  if (!handoff.ok()) return handoff.status();
  handoff_ = handoff.value();
  anti_entropy_ = AntiEntropy::Create(
      config_, loop_, group_commit_, &trees_, &flush_,
      [this](std::string_view key, std::string_view record) {
        return PutData(nullptr, key, record);
      });
  sweeper_ =
      Sweeper::Create(config_, loop_, group_commit_, &trees_, &flush_, &hints_);
  return cluster::Status::OK();
}

net::ServerLimits ReplicaServer::SessionLimits() const {
  net::ServerLimits limits;
  limits.max_clients = static_cast<size_t>(config_.maxclients);
  // Every request a proxy or a peer builds for this cluster fits: an
  // argument may be a record (a value of proto-max-bulk-len plus its
  // header), and one request may come whole on top of what the query
  // buffer limit lets a client buffer.
  limits.query_buffer_limit =
      static_cast<size_t>(config_.client_query_buffer_limit) +
      static_cast<size_t>(cluster::RequestLimitsFor(config_).max_request_len);
  // Until AUTH, Redis's pre-authentication caps (lifted in
  // auth_commands.cc).
  limits.parser = ParserLimitsFor(config_.replica_password.empty());
  // Proxies pipeline deeply over few connections: a deep pipeline, no hard
  // output limit, but flow control, and a peer that stops reading is
  // dropped (replica-output-buffer-limit).
  limits.output_buffer_limit = 0;
  limits.max_pending_replies = 64 * 1024;
  limits.output_pause_bytes =
      static_cast<size_t>(config_.replica_output_buffer_limit);
  limits.output_stall_ms =
      static_cast<uint64_t>(config_.replica_output_stall_seconds) * 1000;
  return limits;
}

void ReplicaServer::Stop() {
  if (server_) server_->Close();
  server_ = nullptr;
  if (handoff_) handoff_->Close();
  handoff_ = nullptr;
  if (anti_entropy_) anti_entropy_->Close();
  anti_entropy_ = nullptr;
  if (sweeper_) sweeper_->Close();
  sweeper_ = nullptr;
  if (group_commit_) group_commit_->Close();
  group_commit_ = nullptr;
}

void ReplicaServer::OnRequest(net::Session& session,
                              std::span<const std::string_view> argv) {
  if (!Admit(session)) return;
  std::string error;
  const auto* spec = commands_.Lookup(argv, &error);
  if (spec == nullptr) {
    resp::ReplyWriter(&session.Reply()).Error(error);
    return;
  }
  if (!Permitted(session, *spec)) return;
  ++commands_processed_;
  (this->*(spec->handler))(session, argv);
}

void ReplicaServer::Ping(net::Session& s,
                         std::span<const std::string_view> argv) {
  resp::ReplyWriter w(&s.Reply());
  if (argv.size() > 2) {
    w.Error(resp::ArityError("ping"));
  } else if (argv.size() == 2) {
    w.Bulk(argv[1]);
  } else {
    w.SimpleString("PONG");
  }
}

void ReplicaServer::Echo(net::Session& s,
                         std::span<const std::string_view> argv) {
  resp::ReplyWriter(&s.Reply()).Bulk(argv[1]);
}

void ReplicaServer::ProxyHello(net::Session& s,
                               std::span<const std::string_view> argv) {
  cluster::ProxyArgs args = cluster::ParseProxyArgs(argv);
  resp::ReplyWriter w(&s.Reply());
  const std::string* holder =
      proxies_.Claim(args.proxy_id, args.instance, s.id(), s.peer_address());
  if (holder == nullptr) {
    w.SimpleString("OK");
    return;
  }
  std::string error = cluster::ProxyIdInUseError(args.proxy_id, *holder);
  net::Log("refused a proxy from %s: %s", s.peer_address().c_str(),
           error.c_str());
  w.Error(error);
}

void ReplicaServer::OnSessionClosed(net::Session& session) {
  proxies_.Release(session.id());
}

void ReplicaServer::Quit(net::Session& s, std::span<const std::string_view>) {
  resp::ReplyWriter(&s.Reply()).SimpleString("OK");
  s.CloseAfterReplies();
}

cluster::Result<std::optional<std::string>> ReplicaServer::NewestFor(
    std::string_view key) {
  auto own = group_commit_->Lookup(DataKey(key));
  auto homes =
      ring_.Walk(key).first(static_cast<size_t>(config_.replication_factor));
  if (!own.ok() || !ReadsHints(homes, self_index_)) return own;
  std::vector<std::optional<std::string>> held = {std::move(own.value())};
  const uint64_t now = net::WallMs();
  for (uint16_t home : homes) {
    auto hint = group_commit_->Lookup(HintKey(config_.replicas[home].id, key));
    if (!hint.ok()) return hint.status();
    if (hint.value() && HintOutlived(*hint.value(), now, config_)) continue;
    held.push_back(std::move(hint.value()));
  }
  return NewestHeld(std::move(held));
}

void ReplicaServer::RecordGet(net::Session& s,
                              std::span<const std::string_view> argv) {
  ++reads_;
  resp::ReplyWriter w(&s.Reply());
  const cluster::GetArgs args = cluster::ParseGetArgs(argv);
  std::optional<int64_t> max_bytes;
  if (args.max_bytes) max_bytes = resp::ParseInt64(*args.max_bytes);
  if (args.extra || (args.max_bytes && (!max_bytes || *max_bytes < 0))) {
    return w.Error("ERR bad LL.GET arguments");
  }
  auto record = NewestFor(args.key);
  if (!record.ok()) {
    w.Error(ErrorText(record.status()));
  } else if (const std::string* answer = AfterFlush(record.value(), flush_)) {
    // Too long for the room the asker made: it asks again with more.
    if (max_bytes && answer->size() > static_cast<uint64_t>(*max_bytes)) {
      w.Integer(static_cast<int64_t>(answer->size()));
    } else {
      w.Bulk(*answer);
    }
  } else {
    w.Null();
  }
}

void ReplicaServer::RecordDigest(net::Session& s,
                                 std::span<const std::string_view> argv) {
  ++reads_;
  ++digest_reads_;
  resp::ReplyWriter w(&s.Reply());
  const std::string_view key = argv[1];
  auto homes =
      ring_.Walk(key).first(static_cast<size_t>(config_.replication_factor));
  std::optional<cluster::RecordRank> rank;
  if (ReadsHints(homes, self_index_)) {
    // A stand-in weighs its hints too, by their whole records.
    auto record = NewestFor(key);
    if (!record.ok()) return w.Error(ErrorText(record.status()));
    const std::string* answer = AfterFlush(record.value(), flush_);
    if (answer != nullptr) {
      if (!cluster::ParseRecord(*answer).ok()) {
        return w.Error("ERR held record does not parse");
      }
      rank = cluster::RankOf(*answer);
    }
  } else {
    // A home answers from the record index, without reading the value.
    auto held = group_commit_->Summary(DataKey(key));
    if (!held.ok()) return w.Error(ErrorText(held.status()));
    rank = RankAfterFlush(held.value(), flush_);
  }
  if (!rank) return w.Null();
  std::string encoded;
  cluster::AppendRank(&encoded, *rank);
  w.Bulk(encoded);
}

bool ReplicaServer::DropFlushed(net::Session* s, std::string_view record) {
  if (!flush_.set()) return false;  // no parse per write
  auto view = cluster::ParseRecord(record);
  if (!view.ok() || !flush_.Covers(view->version)) return false;
  if (s != nullptr) {
    resp::ReplyWriter(&s->Reply()).Bulk(cluster::RecordHeader(flush_.record()));
  }
  return true;
}

void ReplicaServer::Flush(net::Session& s,
                          std::span<const std::string_view> argv) {
  auto view = cluster::ParseRecord(argv[1]);
  if (!view.ok() || !view->tombstone) {
    resp::ReplyWriter(&s.Reply()).Error("ERR malformed flush record");
    return;
  }
  if (flush_.Raise(argv[1])) {
    net::Log("flushed every record up to version %s",
             cluster::VersionToString(view->version).c_str());
  }
  // The store keeps the newest mark, as for any record; the reply waits
  // until it is durable.
  auto put = Put(&s, std::string(FlushMark::kFlushKey), argv[1]);
  if (!put.ok()) ReplyError(s, put.status());
}

cluster::Result<GroupCommit::Offered> ReplicaServer::Put(
    net::Session* s, const std::string& storage_key, std::string_view record) {
  auto view = cluster::ParseRecord(record);
  if (!view.ok()) return cluster::Status::InvalidArgument("malformed record");
  cluster::Status in_time = CheckClock(view->version);
  if (!in_time.ok()) return in_time;
  // Token 0 is nobody's: a write without a client (anti-entropy) is not
  // acknowledged.
  const uint64_t token = s ? pending_writes_.next_token() : 0;
  auto offered = group_commit_->Offer(storage_key, record, token);
  if (!offered.ok() || s == nullptr) return offered;
  PendingWrite pending;
  pending.slot = s->Defer();
  // The previous record as a read would see it: one a flush covers counts
  // as deleted (DEL of a flushed key deleted nothing).
  if (auto seen = HeaderAfterFlush(offered->before, flush_)) {
    pending.found = true;
    seen->copy(pending.header.data(), pending.header.size());
  }
  pending_writes_.Add(pending);
  return offered;
}

cluster::Status ReplicaServer::PutData(net::Session* s, std::string_view key,
                                       std::string_view record) {
  if (DropFlushed(s, record)) return cluster::Status::OK();
  auto offered = Put(s, DataKey(key), record);
  if (!offered.ok()) return offered.status();
  // The trees follow the record held.
  if (offered->applied) {
    const auto& before = offered->before;
    trees_.Update(key, before ? std::optional(before->Rank()) : std::nullopt,
                  offered->rank);
  }
  return cluster::Status::OK();
}

cluster::Status ReplicaServer::CheckClock(const cluster::Version& version) {
  const uint64_t ahead = cluster::AheadBy(version, net::WallMs());
  if (ahead <= static_cast<uint64_t>(config_.max_clock_offset_ms)) {
    return cluster::Status::OK();
  }
  ++clock_refusals_;
  std::string message = "version " + cluster::VersionToString(version) +
                        " is " + std::to_string(ahead) + " ms ahead of " +
                        self_->id + "'s clock (max-clock-offset-ms " +
                        std::to_string(config_.max_clock_offset_ms) + ")";
  // A clock that runs ahead stamps every write: the log gets a sample.
  if (clock_log_.Allow(loop_.now_ms())) {
    net::Log("refused a write: %s (%llu refused so far)", message.c_str(),
             static_cast<unsigned long long>(clock_refusals_));
  }
  return cluster::Status::InvalidArgument(std::move(message));
}

void ReplicaServer::ReplyError(net::Session& s, const cluster::Status& status) {
  resp::ReplyWriter(&s.Reply()).Error(ErrorText(status));
}

void ReplicaServer::RecordPut(net::Session& s,
                              std::span<const std::string_view> argv) {
  cluster::PutArgs args = cluster::ParsePutArgs(argv);
  cluster::Status put = PutData(&s, args.key, args.record);
  if (!put.ok()) ReplyError(s, put);
}

void ReplicaServer::HintPut(net::Session& s,
                            std::span<const std::string_view> argv) {
  cluster::HintPutArgs args = cluster::ParseHintPutArgs(argv);
  const cluster::ReplicaAddress* home =
      cluster::FindReplica(config_, args.home);
  if (home == nullptr || home == self_) {
    resp::ReplyWriter(&s.Reply()).Error("ERR no such home replica");
    return;
  }
  if (DropFlushed(&s, args.record)) return;
  cluster::Status put = PutHint(s, home->id, args.key, args.record);
  if (!put.ok()) ReplyError(s, put);
}

cluster::Status ReplicaServer::PutHint(net::Session& s, const std::string& home,
                                       std::string_view key,
                                       std::string_view record) {
  const std::string storage_key = HintKey(home, key);
  const int64_t bytes = HintBytes(storage_key, record);
  cluster::Status admitted = hints_.Admit(home, bytes, net::WallMs());
  if (!admitted.ok()) return admitted;
  // The whole record held before, for its size (Put() tells its header).
  auto before = group_commit_->Lookup(storage_key);
  if (!before.ok()) return before.status();
  auto put = Put(&s, storage_key, record);
  if (!put.ok()) return put.status();
  if (!put->applied) return cluster::Status::OK();  // nothing changed
  std::optional<int64_t> replaced;
  if (before.value()) replaced = HintBytes(storage_key, *before.value());
  hints_.Stored(home, bytes, replaced, put->rank.version.wall_ms);
  return cluster::Status::OK();
}

void ReplicaServer::OnWriteDone(uint64_t token, const cluster::Status& status) {
  std::optional<PendingWrite> pending = pending_writes_.Take(token);
  if (!pending || !server_) return;
  std::string reply;
  resp::ReplyWriter w(&reply);
  if (!status.ok()) {
    w.Error(ErrorText(status));
  } else if (pending->found) {
    w.Bulk({pending->header.data(), pending->header.size()});
  } else {
    w.Null();
  }
  server_->Complete(pending->slot, std::move(reply));
}

void ReplicaServer::OnWriteLost(std::string_view storage_key,
                                const PeerTrees::Rank& rank) {
  auto data = ParseDataKey(storage_key);
  if (!data) return;  // hints and the flush mark are not in the trees
  // Stop() lets a batch on the worker finish after the server let go.
  if (group_commit_ == nullptr) return;
  auto held = group_commit_->Lookup(storage_key);
  if (!held.ok()) {
    // The trees keep the lost record; anti-entropy may then miss this key
    // until the trees are rebuilt at the next start.
    net::Log("after a failed write, cannot read a record back: %s",
             held.status().message().c_str());
    return;
  }
  PeerTrees::Rank now;
  if (held.value() && cluster::ParseRecord(*held.value()).ok()) {
    now = cluster::RankOf(*held.value());
  }
  trees_.Update(data->key, rank, now);
}

}  // namespace leaderless::replica
