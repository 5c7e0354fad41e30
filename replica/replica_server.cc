#include "replica/replica_server.h"

#include "protocol/cluster/quorum.h"
#include "protocol/cluster/record.h"
#include "protocol/resp/reply_writer.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

std::vector<std::string> ReplicaIds(const cluster::Config& config) {
  std::vector<std::string> ids;
  for (const auto& r : config.replicas) ids.push_back(r.id);
  return ids;
}

}  // namespace

ReplicaServer::ReplicaServer(const cluster::Config& config, uv_loop_t* loop,
                             RecordStore* store)
    : config_(config),
      self_(cluster::FindReplica(config, config.replica_id)),
      loop_(loop),
      store_(store),
      ring_(ReplicaIds(config), config.tokens_per_replica),
      self_index_(static_cast<int>(self_ - config.replicas.data())),
      start_ms_(uv_now(loop)) {
  commands_.Add("ping", -1, &ReplicaServer::Ping);
  commands_.Add("echo", 2, &ReplicaServer::Echo);
  commands_.Add("info", -1, &ReplicaServer::Info);
  commands_.Add("quit", -1, &ReplicaServer::Quit);
  commands_.Add("ll.get", 2, &ReplicaServer::RecordGet);
  commands_.Add("ll.put", 3, &ReplicaServer::RecordPut);
  commands_.Add("ll.hput", 4, &ReplicaServer::HintPut);
}

ReplicaServer::~ReplicaServer() = default;

cluster::Status ReplicaServer::Start() {
  net::ServerLimits limits;
  limits.max_clients = static_cast<size_t>(config_.maxclients);
  limits.query_buffer_limit =
      static_cast<size_t>(config_.client_query_buffer_limit);
  limits.parser.max_bulk_len = config_.proto_max_bulk_len;
  // Proxies pipeline deeply over few connections, and their replies are
  // small: no output limit, and a deep pipeline.
  limits.output_buffer_limit = 0;
  limits.max_pending_replies = 64 * 1024;
  auto server =
      net::Server::Create(loop_, self_->host, self_->port, this, limits);
  if (!server.ok()) return server.status();
  server_ = server.value();
  group_commit_ =
      GroupCommit::Create(loop_, store_, config_.appendfsync,
                          [this](uint64_t token, const cluster::Status& s) {
                            OnWriteDone(token, s);
                          });
  auto handoff = HintedHandoff::Create(config_, loop_, store_, group_commit_);
  if (!handoff.ok()) return handoff.status();
  handoff_ = handoff.value();
  return cluster::Status::OK();
}

void ReplicaServer::Stop() {
  if (server_) server_->Close();
  server_ = nullptr;
  if (handoff_) handoff_->Close();
  handoff_ = nullptr;
  if (group_commit_) group_commit_->Close();
  group_commit_ = nullptr;
}

void ReplicaServer::OnRequest(net::Session& session,
                              std::span<const std::string_view> argv) {
  ++commands_processed_;
  std::string error;
  const auto* spec = commands_.Lookup(argv, &error);
  if (spec == nullptr) {
    resp::ReplyWriter(&session.Reply()).Error(error);
    return;
  }
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

void ReplicaServer::Quit(net::Session& s, std::span<const std::string_view>) {
  resp::ReplyWriter(&s.Reply()).SimpleString("OK");
  s.CloseAfterReplies();
}

void ReplicaServer::Info(net::Session& s, std::span<const std::string_view>) {
  resp::ReplyWriter(&s.Reply()).Bulk(InfoText());
}

// Our own record for `key`, or, if we are not one of its home replicas, the
// newest of the hints we hold for its homes.
cluster::Result<std::optional<std::string>> ReplicaServer::NewestFor(
    std::string_view key) {
  auto own = group_commit_->Lookup(DataKey(key));
  auto homes =
      ring_.Walk(key).first(static_cast<size_t>(config_.replication_factor));
  if (!own.ok() ||
      std::find(homes.begin(), homes.end(), self_index_) != homes.end()) {
    return own;
  }
  cluster::NewestRecord newest;
  if (own.value()) (void)newest.Offer(std::move(*own.value()));
  for (uint16_t home : homes) {
    auto hint = group_commit_->Lookup(HintKey(config_.replicas[home].id, key));
    if (!hint.ok()) return hint.status();
    if (hint.value()) (void)newest.Offer(std::move(*hint.value()));
  }
  if (newest.empty()) return std::optional<std::string>();
  return std::optional<std::string>(newest.Take());
}

void ReplicaServer::RecordGet(net::Session& s,
                              std::span<const std::string_view> argv) {
  ++reads_;
  resp::ReplyWriter w(&s.Reply());
  auto record = NewestFor(argv[1]);
  if (!record.ok()) {
    w.Error("ERR storage: " + record.status().message());
  } else if (!record.value()) {
    w.Null();
  } else {
    w.Bulk(*record.value());
  }
}

std::optional<bool> ReplicaServer::Put(net::Session& s,
                                       const std::string& storage_key,
                                       std::string_view record) {
  if (!cluster::ParseRecord(record).ok()) {
    resp::ReplyWriter(&s.Reply()).Error("ERR malformed record");
    return std::nullopt;
  }
  uint64_t token = next_token_++;
  auto prev = group_commit_->Offer(storage_key, record, token);
  if (!prev.ok()) {
    resp::ReplyWriter(&s.Reply())
        .Error("ERR storage: " + prev.status().message());
    return std::nullopt;
  }
  PendingWrite& pending = pending_writes_[token];
  pending.slot = s.Defer();
  resp::ReplyWriter w(&pending.reply);
  if (prev.value()) {
    w.Bulk(*prev.value());
  } else {
    w.Null();
  }
  return prev.value().has_value();
}

void ReplicaServer::RecordPut(net::Session& s,
                              std::span<const std::string_view> argv) {
  (void)Put(s, DataKey(argv[1]), argv[2]);
}

void ReplicaServer::HintPut(net::Session& s,
                            std::span<const std::string_view> argv) {
  const cluster::ReplicaAddress* home = cluster::FindReplica(config_, argv[1]);
  if (home == nullptr || home == self_) {
    resp::ReplyWriter(&s.Reply()).Error("ERR no such home replica");
    return;
  }
  std::optional<bool> held = Put(s, HintKey(home->id, argv[2]), argv[3]);
  if (held) handoff_->OnHintStored(home->id, !*held);
}

void ReplicaServer::OnWriteDone(uint64_t token, const cluster::Status& status) {
  auto it = pending_writes_.find(token);
  if (it == pending_writes_.end()) return;
  PendingWrite pending = std::move(it->second);
  pending_writes_.erase(it);
  if (!status.ok()) {
    pending.reply.clear();
    resp::ReplyWriter(&pending.reply).Error("ERR storage: " + status.message());
  }
  if (server_) server_->Complete(pending.slot, std::move(pending.reply));
}

std::string ReplicaServer::InfoText() const {
  const GroupCommit::Stats* st =
      group_commit_ ? &group_commit_->stats() : nullptr;
  auto line = [](std::string* out, std::string_view k, const auto& v) {
    out->append(k).append(":");
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(v)>>) {
      out->append(std::to_string(v));
    } else {
      out->append(v);
    }
    out->append("\r\n");
  };
  static const char* kFsync[] = {"always", "everysec", "no"};
  std::string out = "# Server\r\n";
  line(&out, "role", "replica");
  line(&out, "replica_id", config_.replica_id);
  line(&out, "tcp_port", self_->port);
  line(&out, "process_id", static_cast<int64_t>(uv_os_getpid()));
  line(&out, "uptime_in_seconds", (uv_now(loop_) - start_ms_) / 1000);
  out += "\r\n# Clients\r\n";
  line(&out, "connected_clients", server_ ? server_->session_count() : 0);
  out += "\r\n# Persistence\r\n";
  line(&out, "appendfsync", kFsync[static_cast<int>(config_.appendfsync)]);
  line(&out, "group_commits", st ? st->batches : 0);
  line(&out, "fsyncs", st ? st->syncs : 0);
  out += "\r\n# Stats\r\n";
  line(&out, "total_commands_processed", commands_processed_);
  line(&out, "record_reads", reads_);
  line(&out, "records_written", st ? st->applied : 0);
  line(&out, "records_superseded", st ? st->superseded : 0);
  line(&out, "writes_pending", pending_writes_.size());
  out += "\r\n# Hints\r\n";
  line(&out, "hinted_handoff", config_.hinted_handoff ? "yes" : "no");
  if (handoff_) {
    for (const auto& [home, st] : handoff_->stats()) {
      line(&out, "hints_for_" + home,
           "pending=" + std::to_string(st.pending) +
               ",delivered=" + std::to_string(st.delivered) +
               ",dropped=" + std::to_string(st.dropped));
    }
  }
  return out;
}

}  // namespace leaderless::replica
