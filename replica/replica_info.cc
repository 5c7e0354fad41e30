// INFO on a replica: Redis-style sections, for operators with redis-cli.

#include "protocol/net/clock.h"
#include "protocol/resp/reply_writer.h"
#include "replica/replica_server.h"

namespace leaderless::replica {
namespace {

void Line(std::string* out, std::string_view key, std::string_view value) {
  out->append(key).append(":").append(value).append("\r\n");
}

void Line(std::string* out, std::string_view key, uint64_t value) {
  Line(out, key, std::to_string(value));
}

}  // namespace

void ReplicaServer::InfoServer(std::string* out) const {
  *out += "# Server\r\n";
  Line(out, "role", "replica");
  Line(out, "replica_id", config_.replica_id);
  Line(out, "tcp_port", static_cast<uint64_t>(self_->port));
  Line(out, "process_id", static_cast<uint64_t>(uv_os_getpid()));
  Line(out, "uptime_in_seconds", (uv_now(loop_) - start_ms_) / 1000);
  *out += "\r\n# Clients\r\n";
  Line(out, "connected_clients", server_ ? server_->session_count() : 0);
}

void ReplicaServer::InfoStorage(std::string* out) const {
  static const char* kFsync[] = {"always", "everysec", "no"};
  const GroupCommit::Stats& st = group_commit_->stats();
  *out += "\r\n# Persistence\r\n";
  Line(out, "appendfsync", kFsync[static_cast<int>(config_.appendfsync)]);
  Line(out, "group_commits", st.batches);
  Line(out, "fsyncs", st.syncs);
  *out += "\r\n# Stats\r\n";
  Line(out, "total_commands_processed", commands_processed_);
  Line(out, "record_reads", reads_);
  Line(out, "records_written", st.applied);
  Line(out, "records_superseded", st.superseded);
  Line(out, "writes_pending", pending_writes_.size());
  *out += "\r\n# Keyspace\r\n";
  const Sweeper::Counts& c = sweeper_->counts();
  Line(out, "sweep_passes", sweeper_->passes());
  Line(out, "live_keys", c.live);
  Line(out, "tombstones", c.tombstones);
  Line(out, "expired_not_purged", c.expired);
  Line(out, "purged", sweeper_->purged());
}

void ReplicaServer::InfoHints(std::string* out) const {
  *out += "\r\n# Hints\r\n";
  Line(out, "hinted_handoff", config_.hinted_handoff ? "yes" : "no");
  for (const auto& [home, st] : handoff_->stats()) {
    Line(out, "hints_for_" + home,
         "pending=" + std::to_string(st.pending) +
             ",delivered=" + std::to_string(st.delivered) +
             ",dropped=" + std::to_string(st.dropped));
  }
}

void ReplicaServer::InfoAntiEntropy(std::string* out) const {
  const AntiEntropy::Totals& t = anti_entropy_->totals();
  *out += "\r\n# AntiEntropy\r\n";
  Line(out, "tree_nodes_compared", t.nodes_compared);
  Line(out, "leaves_fetched", t.leaves_fetched);
  Line(out, "keys_exchanged", t.keys_exchanged);
  Line(out, "records_pulled", t.records_pulled);
  Line(out, "records_pull_failed", t.records_pull_failed);
  Line(out, "records_pushed", t.records_pushed);
  uint64_t now = net::WallMs();
  for (const auto& [peer, st] : anti_entropy_->peer_stats()) {
    std::string ago = st.last_round_ms == 0
                          ? "never"
                          : std::to_string((now - st.last_round_ms) / 1000);
    Line(out, "sync_with_" + peer,
         "rounds=" + std::to_string(st.rounds) + ",last_round_s_ago=" + ago +
             ",leaves_differing=" + std::to_string(st.last_leaves_differing) +
             ",records_repaired=" + std::to_string(st.last_records_repaired));
  }
}

void ReplicaServer::Info(net::Session& s, std::span<const std::string_view>) {
  std::string text;
  InfoServer(&text);
  if (group_commit_ != nullptr) {  // not while stopping
    InfoStorage(&text);
    InfoHints(&text);
    InfoAntiEntropy(&text);
  }
  resp::ReplyWriter(&s.Reply()).Bulk(text);
}

}  // namespace leaderless::replica
