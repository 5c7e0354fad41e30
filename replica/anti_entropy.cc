// One round with one peer:
//
//   LL.FLUSH <our flush mark>, if there was a FLUSHALL, so the peer knows it
//   LL.TREE me 0 0 ─▶ roots equal? done
//        │ no
//        ▼
//   LL.TREE me 1 <children of differing nodes> ... down to the leaves
//        │
//        ▼ per differing leaf (while the round's budget lasts)
//   LL.LEAF me <leaf> ─▶ their (key, rank) list vs ours (ListLeaf)
//        │
//        ├─ theirs greater or ours missing ─▶ LL.GET key ─▶ apply locally
//        └─ ours greater or theirs missing ─▶ LL.PUT key <our record>
//
// The round ends when its last request is answered (or failed); a failed
// round is simply retried at the next interval.

#include "replica/anti_entropy.h"

#include <algorithm>

#include "protocol/cluster/merkle_tree.h"
#include "protocol/cluster/record.h"
#include "protocol/cluster/replica_protocol.h"
#include "protocol/net/clock.h"
#include "protocol/net/log.h"
#include "replica/leaf_diff.h"
#include "replica/peer_links.h"
#include "replica/storage_keys.h"

namespace leaderless::replica {
namespace {

using Type = net::PeerReply::Type;

bool IsArray(const net::PeerReply* r) {
  return r != nullptr && r->type == Type::kArray;
}

}  // namespace

cluster::Status ListLeaf(
    const RecordStore& store, const GroupCommit& group_commit,
    const PeerTrees& trees, const FlushMark& flush, uint32_t leaf, int peer,
    uint64_t now_ms, uint64_t gc_grace_ms,
    const std::function<void(std::string_view, std::string_view)>& visit) {
  auto last =
      store.Scan(LeafRange(leaf), "", SIZE_MAX,
                 [&](std::string_view storage_key, std::string_view stored) {
                   auto key = ParseDataKey(storage_key);
                   if (!key || !trees.Shares(key->key, peer)) return true;
                   // Pending writes are newer than the store's copy.
                   auto held = group_commit.NewestScanned(storage_key, stored);
                   if (!held) return true;
                   auto record = cluster::ParseRecord(*held);
                   if (!record.ok() || flush.Covers(record->version) ||
                       cluster::IsPurgeable(*record, now_ms, gc_grace_ms)) {
                     return true;
                   }
                   visit(key->key, cluster::EncodeRank(cluster::RankOf(*held)));
                   return true;
                 });
  return last.ok() ? cluster::Status::OK() : last.status();
}

AntiEntropy::AntiEntropy(const cluster::Config& config, net::Loop& loop,
                         GroupCommit* group_commit, PeerTrees* trees,
                         const FlushMark* flush, ApplyFn apply)
    : config_(config),
      loop_(loop),
      group_commit_(group_commit),
      trees_(trees),
      flush_(flush),
      apply_(std::move(apply)),
      timer_(net::Timer::Create(loop, [this] { StartRounds(); })),
      links_(config.replicas.size(), nullptr),
      rounds_(config.replicas.size()),
      rate_(config.anti_entropy_rate,
            std::max(config.anti_entropy_rate, config.anti_entropy_max_rate)),
      last_idle_ms_(loop.idle_ms()),
      last_round_start_ms_(net::MonotonicMs()),
      refusal_logs_(config.replicas.size()) {}

AntiEntropy* AntiEntropy::Create(const cluster::Config& config, net::Loop& loop,
                                 GroupCommit* group_commit, PeerTrees* trees,
                                 const FlushMark* flush, ApplyFn apply) {
  auto* ae = new AntiEntropy(config, loop, group_commit, trees, flush,
                             std::move(apply));
  for (size_t i = 0; i < config.replicas.size(); ++i) {
    const auto& r = config.replicas[i];
    if (r.id == config.replica_id) continue;
    ae->stats_[r.id];
    ae->links_[i] =
        net::PeerLink::Create(loop, static_cast<int>(i), r.host, r.port, ae,
                              PeerLinkOptionsFor(config));
  }
  auto interval = static_cast<uint64_t>(config.anti_entropy_interval_ms);
  ae->timer_->Start(interval, interval);
  return ae;
}

void AntiEntropy::StartRounds() {
  // How busy the loop was since the last rounds started (clients and our
  // own rounds alike) sets the pace of the next ones.
  uint64_t now = net::MonotonicMs();
  uint64_t idle = loop_.idle_ms();
  if (now > last_round_start_ms_) {
    double idle_share = static_cast<double>(idle - last_idle_ms_) /
                        static_cast<double>(now - last_round_start_ms_);
    rate_.Update(1.0 - idle_share);
  }
  last_round_start_ms_ = now;
  last_idle_ms_ = idle;
  size_t peers = std::max<size_t>(1, stats_.size());
  size_t budget = std::max<size_t>(
      1, static_cast<size_t>(rate_.rate()) *
             static_cast<size_t>(config_.anti_entropy_interval_ms) / 1000 /
             peers);
  for (size_t p = 0; p < links_.size(); ++p) {
    if (links_[p] == nullptr || !links_[p]->connected()) continue;
    if (rounds_[p].running) {
      // A round begun while the loop was idle moves no more than the
      // rate now allows once clients keep it busy.
      rounds_[p].budget = std::min(rounds_[p].budget, budget);
      continue;
    }
    rounds_[p] = Round{};
    rounds_[p].running = true;
    rounds_[p].budget = budget;
    if (flush_->set()) {
      std::string command;
      cluster::AppendFlushRequest(&command, flush_->record());
      Request(static_cast<int>(p), command, [](net::PeerReply*) {});
    }
    CompareLevel(static_cast<int>(p), 0, {0});
    if (rounds_[p].outstanding == 0) rounds_[p].running = false;
  }
}

bool AntiEntropy::Request(int peer, const std::string& command, Then then) {
  // Closing: the callbacks a closing link runs may try to go on.
  if (closing_ || links_[peer] == nullptr) return false;
  uint64_t id = next_op_id_++;
  // Rounds pace themselves (AdaptiveRate), and most answers cannot be
  // sized before they come: nothing is reserved for them on the link.
  if (!links_[peer]->Send(command, id, 0)) return false;  // next round retries
  pending_.emplace(id, std::move(then));
  ++rounds_[peer].outstanding;
  return true;
}

void AntiEntropy::OnPeerRefused(int peer, std::string_view error) {
  LogPeerRefused(refusal_logs_[peer], loop_.now_ms(), config_.replicas[peer],
                 "anti-entropy", error);
}

void AntiEntropy::OnPeerReply(uint64_t op_id, int peer, net::PeerReply* reply) {
  auto it = pending_.find(op_id);
  if (it == pending_.end()) return;
  Then then = std::move(it->second);
  pending_.erase(it);
  then(reply);
  Done(peer);
}

// One request of the round came back; the last one closes the round.
void AntiEntropy::Done(int peer) {
  Round& round = rounds_[peer];
  if (--round.outstanding > 0) return;
  round.running = false;
  PeerStats& stats = stats_[config_.replicas[peer].id];
  stats.last_round_ms = net::WallMs();
  ++stats.rounds;
  stats.last_leaves_differing = round.leaves_differing;
  stats.last_records_repaired = round.repaired;
}

void AntiEntropy::CompareLevel(int peer, int level,
                               std::vector<uint32_t> indices) {
  std::string command;
  cluster::AppendTreeRequest(&command, config_.replica_id, level, indices);
  Request(peer, command, [this, peer, level, indices](net::PeerReply* reply) {
    OnLevel(peer, level, indices, reply);
  });
}

void AntiEntropy::OnLevel(int peer, int level,
                          const std::vector<uint32_t>& indices,
                          net::PeerReply* reply) {
  if (!IsArray(reply) || reply->elements.size() != indices.size()) return;
  cluster::MerkleTree& tree = trees_->TreeFor(peer);
  std::vector<uint32_t> next;
  for (size_t i = 0; i < indices.size(); ++i) {
    ++totals_.nodes_compared;
    auto theirs = static_cast<uint64_t>(reply->elements[i].integer);
    if (theirs == tree.Node(level, indices[i])) continue;
    if (level == cluster::kMerkleDepth) {
      ++rounds_[peer].leaves_differing;
      next.push_back(indices[i]);
      continue;
    }
    for (int c = 0; c < cluster::kMerkleFanout; ++c) {
      next.push_back(cluster::MerkleTree::FirstChild(indices[i]) +
                     static_cast<uint32_t>(c));
    }
  }
  if (level < cluster::kMerkleDepth) {
    if (!next.empty()) CompareLevel(peer, level + 1, std::move(next));
    return;
  }
  rounds_[peer].leaves = std::move(next);
  FetchLeaves(peer);
}

void AntiEntropy::FetchLeaves(int peer) {
  constexpr int kLeavesInFlight = 4;
  Round& round = rounds_[peer];
  while (round.budget > 0 && round.next_leaf < round.leaves.size() &&
         round.leaves_in_flight < kLeavesInFlight) {
    uint32_t leaf = round.leaves[round.next_leaf++];
    std::string command;
    cluster::AppendLeafRequest(&command, config_.replica_id, leaf);
    bool sent = Request(peer, command, [this, peer, leaf](net::PeerReply* r) {
      --rounds_[peer].leaves_in_flight;
      Reconcile(peer, leaf, r);
      FetchLeaves(peer);
    });
    if (!sent) return;
    ++totals_.leaves_fetched;
    ++round.leaves_in_flight;
  }
}

void AntiEntropy::Reconcile(int peer, uint32_t leaf, net::PeerReply* list) {
  if (!IsArray(list)) return;
  auto theirs = cluster::ParseLeafReply(net::ElementStrings(*list));
  if (!theirs.ok()) return;
  LeafDiff diff;
  for (const cluster::LeafEntry& e : *theirs) diff.AddTheirs(e.key, e.rank);
  totals_.keys_exchanged += theirs->size();
  cluster::Status listed =
      ListLeaf(*group_commit_->store(), *group_commit_, *trees_, *flush_, leaf,
               peer, net::WallMs(), static_cast<uint64_t>(config_.gc_grace_ms),
               [&](std::string_view key, std::string_view rank) {
                 diff.AddOurs(key, rank);
               });
  if (!listed.ok()) return;
  Round& round = rounds_[peer];
  for (const LeafRepair& repair : diff.Repairs(round.budget)) {
    --round.budget;
    ++round.repaired;
    if (repair.action == LeafAction::kPull) {
      Pull(peer, repair.key);
    } else {
      Push(peer, repair.key);
    }
  }
}

void AntiEntropy::Pull(int peer, const std::string& key) {
  std::string command;
  cluster::AppendGetRequest(&command, key);
  Request(peer, command, [this, peer, key](net::PeerReply* reply) {
    if (reply == nullptr || reply->type != Type::kBulk) return;
    auto record = cluster::ParseRecord(reply->str);
    if (!record.ok() ||
        cluster::IsPurgeable(*record, net::WallMs(),
                             static_cast<uint64_t>(config_.gc_grace_ms))) {
      return;
    }
    ++totals_.records_pulled;
    cluster::Status applied = apply_(key, reply->str);
    if (!applied.ok()) {
      ++totals_.records_pull_failed;
      net::Log("anti-entropy: cannot store a record pulled from %s: %s",
               config_.replicas[peer].id.c_str(), applied.message().c_str());
    }
  });
}

void AntiEntropy::Push(int peer, const std::string& key) {
  auto held = group_commit_->Lookup(DataKey(key));
  if (!held.ok() || !held.value()) return;
  std::string command;
  cluster::AppendPutRequest(&command, key, *held.value());
  ++totals_.records_pushed;
  Request(peer, command, [](net::PeerReply*) {});
}

void AntiEntropy::Close() {
  if (closing_) return;
  closing_ = true;
  for (net::PeerLink*& link : links_) {
    if (link) link->Close();
    link = nullptr;
  }
  timer_->Close([this] { delete this; });
}

}  // namespace leaderless::replica
