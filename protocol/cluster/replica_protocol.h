#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/cluster/record.h"
#include "protocol/cluster/status.h"
#include "protocol/cluster/version.h"

namespace leaderless::cluster {

// The internal commands that proxies and replicas send to replicas; the
// grammar is at the top of replica_protocol.cc. Senders build requests
// here, the replica registers names and arities from here and reads its
// arguments through here, and replies that need parsing parse here, so a
// change of the protocol has one place to go.

// One internal command. Names are prefixed "LL." so that they can never
// clash with a Redis command.
struct ReplicaCommand {
  std::string_view name;  // as sent: "LL.GET"
  int arity;  // Redis's convention: N = exactly N words with the name, -N = N+
};

inline constexpr ReplicaCommand kGetCommand{"LL.GET", -2};
inline constexpr ReplicaCommand kDigestCommand{"LL.DIGEST", 2};
inline constexpr ReplicaCommand kPutCommand{"LL.PUT", 3};
inline constexpr ReplicaCommand kHintPutCommand{"LL.HPUT", 4};
inline constexpr ReplicaCommand kFlushCommand{"LL.FLUSH", 2};
inline constexpr ReplicaCommand kScanCommand{"LL.SCAN", 4};
inline constexpr ReplicaCommand kTreeCommand{"LL.TREE", -4};
inline constexpr ReplicaCommand kLeafCommand{"LL.LEAF", 3};
inline constexpr ReplicaCommand kProxyCommand{"LL.PROXY", 3};

// `command`'s name in lowercase, as a resp::CommandTable keys it.
std::string LowercaseName(const ReplicaCommand& command);

// An LL.SCAN page ends once its records (keys, headers and their RESP
// framing) would pass this many bytes, so that an asker knows how large the
// reply can be before sending the request. A page holds at least one record
// per source, and never ends inside a run of records at one ring position.
inline constexpr size_t kScanPageBytes = 1 << 20;

// Request builders: each appends one request in RESP multibulk form to
// `out`, ready for PeerLink::Send (and for every link of a fan-out).
// `max_bytes`: the longest record the reply may carry (see the grammar).
void AppendGetRequest(std::string* out, std::string_view key,
                      std::optional<size_t> max_bytes = std::nullopt);
// A digest read: the rank of the record an LL.GET would answer.
void AppendDigestRequest(std::string* out, std::string_view key);
void AppendPutRequest(std::string* out, std::string_view key,
                      std::string_view record);
// `home`: the id of the replica the record is a hint for.
void AppendHintPutRequest(std::string* out, std::string_view home,
                          std::string_view key, std::string_view record);
// `tombstone`: the encoded tombstone record at the flush's version.
void AppendFlushRequest(std::string* out, std::string_view tombstone);
void AppendScanRequest(std::string* out, uint64_t first, uint64_t last,
                       size_t count);
// `requester`: our own replica id, naming the tree the peer keeps for us.
void AppendTreeRequest(std::string* out, std::string_view requester, int level,
                       std::span<const uint32_t> indices);
void AppendLeafRequest(std::string* out, std::string_view requester,
                       uint32_t leaf);
// `proxy_id`: the proxy's proxy-id; `instance`: a token drawn at random
// when the proxy process started.
void AppendProxyRequest(std::string* out, uint32_t proxy_id,
                        std::string_view instance);

// The commands every link to a replica sends first on a new connection
// (net::PeerLinkOptions::hello), in order: AUTH <replica_password> when a
// password is set, nothing otherwise.
std::vector<std::string> LinkHello(std::string_view replica_password);

// What a replica must accept in one request so that every request built
// above for a cluster with `config` fits. Values never exceed
// proto-max-bulk-len (proxies refuse longer ones, as Redis does), and
// neither do keys, so the longest argument is a record (that plus its
// header) and the longest request an LL.HPUT of the longest replica id, key
// and record. Proxies and replicas derive both from the one directive, so
// what one sends the other accepts.
struct ReplicaRequestLimits {
  int64_t max_bulk_len = 0;     // bytes of one argument
  int64_t max_request_len = 0;  // bytes of one request, framing included
};
ReplicaRequestLimits RequestLimitsFor(const Config& config);

// A request's arguments as the replica reads them: views into `argv`,
// numbers still text (the replica checks their ranges). Requires: `argv`
// (name included) passed its command's arity check.
struct GetArgs {
  std::string_view key;
  std::optional<std::string_view> max_bytes;  // when given
  bool extra = false;  // more arguments than the grammar has
};
GetArgs ParseGetArgs(std::span<const std::string_view> argv);

struct PutArgs {
  std::string_view key;
  std::string_view record;
};
PutArgs ParsePutArgs(std::span<const std::string_view> argv);

struct HintPutArgs {
  std::string_view home;
  std::string_view key;
  std::string_view record;
};
HintPutArgs ParseHintPutArgs(std::span<const std::string_view> argv);

struct ScanArgs {
  std::string_view first;
  std::string_view last;
  std::string_view count;
};
ScanArgs ParseScanArgs(std::span<const std::string_view> argv);

struct TreeArgs {
  std::string_view requester;
  std::string_view level;
  std::span<const std::string_view> indices;  // at least one
};
TreeArgs ParseTreeArgs(std::span<const std::string_view> argv);

struct LeafArgs {
  std::string_view requester;
  std::string_view leaf;
};
LeafArgs ParseLeafArgs(std::span<const std::string_view> argv);

struct ProxyArgs {
  std::string_view proxy_id;
  std::string_view instance;
};
ProxyArgs ParseProxyArgs(std::span<const std::string_view> argv);

// The error a replica answers LL.PROXY with when another live proxy
// instance, connected from `holder` (its address), holds `proxy_id`.
std::string ProxyIdInUseError(std::string_view proxy_id,
                              std::string_view holder);
// Whether `error` (without its leading '-') is such an error, and not,
// say, a refused AUTH.
bool IsProxyIdInUseError(std::string_view error);

// One (key, rank) pair of an LL.LEAF reply; views into the reply.
struct LeafEntry {
  std::string_view key;
  std::string_view rank;  // kEncodedRankSize bytes, see EncodeRank()
};

// Parses the elements of an LL.LEAF array reply. Corruption if malformed.
Result<std::vector<LeafEntry>> ParseLeafReply(
    std::span<const std::string_view> elements);

// An LL.SCAN reply; record views point into the reply.
struct ScanReply {
  uint64_t covered = 0;          // complete up to this ring position
  std::optional<Version> flush;  // the replica's FLUSHALL mark, if any
  std::vector<std::pair<std::string_view, RecordView>> records;  // headers
};

// Parses the elements of an LL.SCAN array reply. Corruption if malformed.
Result<ScanReply> ParseScanReply(std::span<const std::string_view> elements);

}  // namespace leaderless::cluster
