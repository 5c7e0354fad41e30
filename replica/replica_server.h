#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "protocol/cluster/config.h"
#include "protocol/cluster/ring.h"
#include "protocol/net/log.h"
#include "protocol/net/loop.h"
#include "protocol/net/server.h"
#include "protocol/resp/command_table.h"
#include "replica/anti_entropy.h"
#include "replica/flush_mark.h"
#include "replica/group_commit.h"
#include "replica/hint_ledger.h"
#include "replica/hinted_handoff.h"
#include "replica/peer_trees.h"
#include "replica/pending_writes.h"
#include "replica/proxy_registry.h"
#include "replica/record_store.h"
#include "replica/sweeper.h"

namespace leaderless::replica {

// The replica's request handler: the internal commands of
// protocol/cluster/replica_protocol.h (grammar in its .cc), which proxies
// and other replicas send, and PING / ECHO / INFO / QUIT for operators with
// redis-cli. LL.TREE and LL.LEAF are answered in sync_commands.cc, LL.SCAN
// in scan_command.cc, AUTH and HELLO (and who may run what) in
// auth_commands.cc.
class ReplicaServer : public net::RequestHandler {
 public:
  ReplicaServer(const cluster::Config& config, net::Loop& loop,
                RecordStore* store);
  ~ReplicaServer() override;

  // Opens the listener; the caller runs the loop.
  cluster::Status Start();
  // Closes the listener, sessions and the commit pipeline.
  void Stop();

  void OnRequest(net::Session& session,
                 std::span<const std::string_view> argv) override;
  void OnSessionClosed(net::Session& session) override;

 private:
  using Handler = void (ReplicaServer::*)(net::Session&,
                                          std::span<const std::string_view>);
  // The limits of every connection to this replica (proxies, peers,
  // operators), derived from the configuration.
  net::ServerLimits SessionLimits() const;
  void Ping(net::Session& s, std::span<const std::string_view> argv);
  void Echo(net::Session& s, std::span<const std::string_view> argv);
  void Info(net::Session& s, std::span<const std::string_view> argv);
  void Quit(net::Session& s, std::span<const std::string_view> argv);
  void RecordGet(net::Session& s, std::span<const std::string_view> argv);
  void RecordDigest(net::Session& s, std::span<const std::string_view> argv);
  void RecordPut(net::Session& s, std::span<const std::string_view> argv);
  void HintPut(net::Session& s, std::span<const std::string_view> argv);
  void TreeNodes(net::Session& s, std::span<const std::string_view> argv);
  void LeafEntries(net::Session& s, std::span<const std::string_view> argv);
  void Flush(net::Session& s, std::span<const std::string_view> argv);
  void ScanRange(net::Session& s, std::span<const std::string_view> argv);
  void ProxyHello(net::Session& s, std::span<const std::string_view> argv);
  void Auth(net::Session& s, std::span<const std::string_view> argv);
  void Hello(net::Session& s, std::span<const std::string_view> argv);

  // The gate of auth_commands.cc, in the order Redis checks. Without a
  // replica-password, a session from anywhere but loopback gets one error
  // and is closed: Admit() answers it and returns false, before the command
  // is looked up. With one, a session that has not authenticated may run
  // only commands flagged no_auth (PING, AUTH, HELLO, QUIT): Permitted()
  // answers the others -NOAUTH and returns false.
  bool Admit(net::Session& s);
  bool Permitted(net::Session& s,
                 const resp::CommandTable<Handler>::Spec& spec);
  // Whether `s` may run every command, deciding it on its first request.
  bool Authenticated(net::Session& s);
  // Logs in `s` if `user` and `password` name the default user and
  // replica-password; otherwise counts and logs the failure.
  bool Authenticate(net::Session& s, std::string_view user,
                    std::string_view password);
  // The parser limits of a session, stricter before it authenticates.
  resp::ParserLimits ParserLimitsFor(bool authenticated) const;
  // Refusals of one kind: counted, and logged at most once a second, so
  // that a flood of one kind neither fills the log nor hides another.
  struct Refusals {
    uint64_t count = 0;
    net::LogThrottle log;
  };
  // Counts a refused client, command or AUTH in `kind` and logs it
  // ("refused <what> from <address>: <why>").
  void NoteRefusal(const net::Session& s, const char* what, const char* why,
                   Refusals& kind);

  // Offers `record` under `storage_key`; with a session, answers it once
  // durable with the header of the record held before (or null).
  cluster::Result<GroupCommit::Offered> Put(net::Session* s,
                                            const std::string& storage_key,
                                            std::string_view record);
  // Put() for our own data, keeping the Merkle trees in step.
  cluster::Status PutData(net::Session* s, std::string_view key,
                          std::string_view record);
  // Stores a hint for `home` unless the ledger refuses it (then answers the
  // refusal), and enters it in the ledger.
  cluster::Status PutHint(net::Session& s, const std::string& home,
                          std::string_view key, std::string_view record);
  // OK unless `version` is further ahead of this replica's clock than
  // max-clock-offset-ms; then the error says by how much, and it is counted
  // and logged.
  cluster::Status CheckClock(const cluster::Version& version);
  void ReplyError(net::Session& s, const cluster::Status& status);
  // Our own record for `key`, or, if we are not one of its home replicas,
  // the newest of it and the hints we hold for its homes (read_choice.h)
  // that have not outlived gc-grace (hint_ledger.h).
  cluster::Result<std::optional<std::string>> NewestFor(std::string_view key);
  // True (and the write answered as superseded, if `s`) when `record` is
  // older than the last FLUSHALL: it is not stored.
  bool DropFlushed(net::Session* s, std::string_view record);
  void OnWriteDone(uint64_t token, const cluster::Status& status);
  // A failed batch lost the record of `rank` under `storage_key`: the
  // trees go back to what the store holds.
  void OnWriteLost(std::string_view storage_key, const PeerTrees::Rank& rank);
  int PeerIndex(std::string_view id) const;  // -1 if not a peer
  void InfoServer(std::string* out) const;
  void InfoStorage(std::string* out) const;
  void InfoHints(std::string* out) const;
  void InfoAntiEntropy(std::string* out) const;

  const cluster::Config& config_;
  const cluster::ReplicaAddress* self_;
  net::Loop& loop_;
  RecordStore* store_;
  net::Server* server_ = nullptr;        // frees itself after Close()
  GroupCommit* group_commit_ = nullptr;  // frees itself after Close()
  HintedHandoff* handoff_ = nullptr;     // frees itself after Close()
  AntiEntropy* anti_entropy_ = nullptr;  // frees itself after Close()
  Sweeper* sweeper_ = nullptr;           // frees itself after Close()
  cluster::Ring ring_;
  int self_index_;
  PeerTrees trees_;
  FlushMark flush_;
  HintLedger hints_;
  resp::CommandTable<Handler> commands_;
  PendingWrites pending_writes_;  // answered once durable
  ProxyRegistry proxies_;
  uint64_t start_ms_;
  uint64_t commands_processed_ = 0;
  uint64_t reads_ = 0;
  uint64_t digest_reads_ = 0;    // of reads_
  uint64_t clock_refusals_ = 0;  // writes refused by CheckClock
  net::LogThrottle clock_log_;
  Refusals auth_failures_;    // AUTH and HELLO AUTH that failed
  Refusals noauth_refusals_;  // commands refused before authentication
  // Clients refused for not being on loopback, with no replica-password.
  Refusals non_loopback_refusals_;
};

}  // namespace leaderless::replica
