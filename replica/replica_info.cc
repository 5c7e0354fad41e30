// INFO on a replica: Redis-style sections, for operators with redis-cli.

#include "protocol/net/clock.h"
#include "protocol/net/process_info.h"
#include "protocol/resp/info_text.h"
#include "protocol/resp/reply_writer.h"
#include "replica/replica_server.h"

namespace leaderless::replica {
namespace {

using resp::AppendInfoField;
using resp::AppendInfoSection;

}  // namespace

void ReplicaServer::InfoServer(std::string* out) const {
  AppendInfoSection(out, "Server");
  AppendInfoField(out, "role", "replica");
  AppendInfoField(out, "replica_id", config_.replica_id);
  AppendInfoField(out, "tcp_port", static_cast<uint64_t>(self_->port));
  AppendInfoField(out, "process_id", static_cast<uint64_t>(net::ProcessId()));
  AppendInfoField(out, "uptime_in_seconds",
                  (loop_.now_ms() - start_ms_) / 1000);
  // Who may connect: clients that AUTH with replica-password, or (none
  // set) loopback clients only.
  AppendInfoField(out, "client_access",
                  config_.replica_password.empty() ? "loopback" : "password");
  AppendInfoSection(out, "Clients");
  AppendInfoField(out, "connected_clients",
                  server_ ? server_->session_count() : 0);
  AppendInfoField(out, "total_connections_received",
                  server_ ? server_->total_connections() : 0);
}

void ReplicaServer::InfoStorage(std::string* out) const {
  static const char* kFsync[] = {"always", "everysec", "no"};
  const GroupCommit::Stats& st = group_commit_->stats();
  AppendInfoSection(out, "Persistence");
  AppendInfoField(out, "appendfsync",
                  kFsync[static_cast<int>(config_.appendfsync)]);
  AppendInfoField(out, "group_commits", st.batches);
  AppendInfoField(out, "fsyncs", st.syncs);
  AppendInfoField(out, "leveldb_level0_files", store_->Level0Files());
  AppendInfoField(out, "batches_behind_compaction", st.behind_batches);
  AppendInfoField(out, "batches_paced", st.paced_batches);
  AppendInfoSection(out, "Stats");
  AppendInfoField(out, "total_commands_processed", commands_processed_);
  AppendInfoField(out, "record_reads", reads_);
  AppendInfoField(out, "digest_reads", digest_reads_);
  AppendInfoField(out, "records_written", st.applied);
  AppendInfoField(out, "records_superseded", st.superseded);
  AppendInfoField(out, "writes_refused_clock_ahead", clock_refusals_);
  // Redis's name for failed AUTH (and HELLO AUTH) attempts.
  AppendInfoField(out, "acl_access_denied_auth", auth_failures_.count);
  AppendInfoField(out, "unauthenticated_refused", noauth_refusals_.count);
  AppendInfoField(out, "non_loopback_refused", non_loopback_refusals_.count);
  AppendInfoField(out, "writes_pending", pending_writes_.size());
  // How the version checks of writes went: the index answers them unless it
  // had to forget keys (record-index-max-memory).
  const RecordIndex& index = group_commit_->index();
  AppendInfoField(out, "record_index_keys", index.keys());
  AppendInfoField(out, "record_index_bytes", index.bytes());
  AppendInfoField(out, "record_index_complete", index.complete() ? 1 : 0);
  AppendInfoField(out, "record_index_forgotten", index.forgotten());
  AppendInfoField(out, "writes_read_store", st.store_reads);
  AppendInfoSection(out, "Keyspace");
  const Sweeper::Counts& c = sweeper_->counts();
  AppendInfoField(out, "sweep_passes", sweeper_->passes());
  AppendInfoField(out, "live_keys", c.live);
  AppendInfoField(out, "tombstones", c.tombstones);
  AppendInfoField(out, "expired_not_purged", c.expired);
  AppendInfoField(out, "purged", sweeper_->purged());
}

void ReplicaServer::InfoHints(std::string* out) const {
  AppendInfoSection(out, "Hints");
  AppendInfoField(out, "hinted_handoff", config_.hinted_handoff ? "yes" : "no");
  AppendInfoField(out, "hint_bytes", hints_.total_bytes());
  AppendInfoField(out, "hint_max_bytes", hints_.max_bytes());
  AppendInfoField(out, "hint_window_ms", config_.hint_window_ms);
  const uint64_t now = net::WallMs();
  for (const auto& [home, st] : hints_.homes()) {
    // By the oldest version's wall time, as the sweep last found it.
    uint64_t oldest_s = st.oldest_ms == HintLedger::kNone || st.oldest_ms > now
                            ? 0
                            : (now - st.oldest_ms) / 1000;
    AppendInfoField(out, "hints_for_" + home,
                    "pending=" + std::to_string(st.pending) +
                        ",delivered=" + std::to_string(st.delivered) +
                        ",dropped=" + std::to_string(st.dropped) +
                        ",refused=" + std::to_string(st.refused) +
                        ",bytes=" + std::to_string(st.bytes) +
                        ",oldest_s=" + std::to_string(oldest_s));
  }
}

void ReplicaServer::InfoAntiEntropy(std::string* out) const {
  const AntiEntropy::Totals& t = anti_entropy_->totals();
  AppendInfoSection(out, "AntiEntropy");
  AppendInfoField(out, "tree_nodes_compared", t.nodes_compared);
  AppendInfoField(out, "leaves_fetched", t.leaves_fetched);
  AppendInfoField(out, "keys_exchanged", t.keys_exchanged);
  AppendInfoField(out, "records_pulled", t.records_pulled);
  AppendInfoField(out, "records_pull_failed", t.records_pull_failed);
  AppendInfoField(out, "records_pushed", t.records_pushed);
  AppendInfoField(out, "anti_entropy_rate", anti_entropy_->rate());
  uint64_t now = net::WallMs();
  for (const auto& [peer, st] : anti_entropy_->peer_stats()) {
    std::string ago = st.last_round_ms == 0
                          ? "never"
                          : std::to_string((now - st.last_round_ms) / 1000);
    AppendInfoField(
        out, "sync_with_" + peer,
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
