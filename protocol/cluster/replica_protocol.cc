// The internal commands replicas answer (RESP multibulk requests; records
// are encoded as in record.cc, versions as in version.cc):
//
//   LL.GET <key> [<max-bytes>]
//                          -> bulk encoded record, or nil if none held. A
//                             stand-in also answers from the hints it holds
//                             for the key's home replicas. With <max-bytes>
//                             (decimal), a record longer than that is not
//                             sent: the answer is its length, an integer, so
//                             that the asker can make room and ask again.
//   LL.DIGEST <key>        -> bulk rank (kEncodedRankSize bytes, see
//                             EncodeRank) of the record LL.GET would
//                             answer, or nil: a digest read, which a
//                             replica answers from its record index
//                             without reading the value
//   LL.PUT <key> <record>  -> once durable: bulk header of the record held
//                             before (kRecordHeaderSize bytes), or nil
//   LL.HPUT <home> <key> <record>
//                          -> as LL.PUT, but kept as a hint for replica
//                             <home> (down at the time), apart from our own
//                             data, until hinted handoff delivers it
//   LL.FLUSH <tombstone>   -> once durable, as LL.PUT: FLUSHALL at the
//                             tombstone's version (replica/flush_mark.h)
//   LL.SCAN <first> <last> <count>
//                          -> [<covered>, <flush>, key, header, key,
//                             header, ...]: the records at ring positions
//                             first..last (decimal), a page at a time (at
//                             most <count> per source, and kScanPageBytes);
//                             `covered` (decimal) is the last position the
//                             page is complete up to, `flush` the replica's
//                             FLUSHALL mark ("" if none), each header a
//                             record cut to kRecordHeaderSize
//                             (replica/scan_command.cc)
//   LL.TREE <requester-id> <level> <index> [<index> ...]
//                          -> array of integers: the hash of each node
//                             (level 0 = root, up to kMerkleDepth = leaves)
//                             of our tree for the requester, as int64
//   LL.LEAF <requester-id> <leaf>
//                          -> array: key, rank (kEncodedRankSize bytes, see
//                             EncodeRank), key, rank, ... for the records of
//                             that leaf we share with the requester (none
//                             past gc-grace)
//
//   LL.PROXY <proxy-id> <instance>
//                          -> +OK, or ProxyIdInUseError if another
//                             instance (token) holds that proxy-id on a
//                             connection still open. Sent by every proxy
//                             link first, so that two proxies given the
//                             same proxy-id (which would stamp the same
//                             versions on different values) are told apart;
//                             a proxy-id is free again once every
//                             connection that claimed it closed.
//
//   AUTH <replica-password>
//                          -> +OK, or -WRONGPASS ... Sent first by every
//                             link when replica-password is set: a replica
//                             with a password answers a connection that has
//                             not authenticated -NOAUTH for everything but
//                             PING, AUTH, HELLO and QUIT.
//
// Errors are "-ERR ..." replies. LL.TREE and LL.LEAF serve anti-entropy
// (replica/anti_entropy.h).

#include "protocol/cluster/replica_protocol.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "protocol/resp/reply_writer.h"

namespace leaderless::cluster {

std::string LowercaseName(const ReplicaCommand& command) {
  std::string name(command.name);
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

ReplicaRequestLimits RequestLimitsFor(const Config& config) {
  // No process could hold a value past 2^60 bytes; stopping there keeps
  // the sums below from overflowing whatever the directive says.
  const uint64_t value =
      std::min<uint64_t>(config.proto_max_bulk_len, uint64_t{1} << 60);
  uint64_t home = 0;
  for (const ReplicaAddress& r : config.replicas) {
    home = std::max<uint64_t>(home, r.id.size());
  }
  const uint64_t record = value + kRecordHeaderSize;
  const uint64_t request = resp::CommandSize(
      {kHintPutCommand.name.size(), home, /*key=*/value, record});
  return {static_cast<int64_t>(record), static_cast<int64_t>(request)};
}

void AppendGetRequest(std::string* out, std::string_view key,
                      std::optional<size_t> max_bytes) {
  if (!max_bytes) return resp::AppendCommand(out, {kGetCommand.name, key});
  resp::AppendCommand(out, {kGetCommand.name, key, std::to_string(*max_bytes)});
}

void AppendDigestRequest(std::string* out, std::string_view key) {
  resp::AppendCommand(out, {kDigestCommand.name, key});
}

void AppendPutRequest(std::string* out, std::string_view key,
                      std::string_view record) {
  resp::AppendCommand(out, {kPutCommand.name, key, record});
}

void AppendHintPutRequest(std::string* out, std::string_view home,
                          std::string_view key, std::string_view record) {
  resp::AppendCommand(out, {kHintPutCommand.name, home, key, record});
}

void AppendFlushRequest(std::string* out, std::string_view tombstone) {
  resp::AppendCommand(out, {kFlushCommand.name, tombstone});
}

void AppendScanRequest(std::string* out, uint64_t first, uint64_t last,
                       size_t count) {
  resp::AppendCommand(out, {kScanCommand.name, std::to_string(first),
                            std::to_string(last), std::to_string(count)});
}

void AppendTreeRequest(std::string* out, std::string_view requester, int level,
                       std::span<const uint32_t> indices) {
  std::vector<std::string> numbers = {std::to_string(level)};
  for (uint32_t i : indices) numbers.push_back(std::to_string(i));
  std::vector<std::string_view> argv = {kTreeCommand.name, requester};
  argv.insert(argv.end(), numbers.begin(), numbers.end());
  resp::AppendCommand(out, argv);
}

void AppendLeafRequest(std::string* out, std::string_view requester,
                       uint32_t leaf) {
  resp::AppendCommand(out,
                      {kLeafCommand.name, requester, std::to_string(leaf)});
}

void AppendProxyRequest(std::string* out, uint32_t proxy_id,
                        std::string_view instance) {
  resp::AppendCommand(out,
                      {kProxyCommand.name, std::to_string(proxy_id), instance});
}

ProxyArgs ParseProxyArgs(std::span<const std::string_view> argv) {
  return {argv[1], argv[2]};
}

std::vector<std::string> LinkHello(std::string_view replica_password) {
  std::vector<std::string> hello;
  if (!replica_password.empty()) {
    resp::AppendCommand(&hello.emplace_back(), {"AUTH", replica_password});
  }
  return hello;
}

namespace {
constexpr std::string_view kProxyIdPrefix = "ERR proxy-id ";
constexpr std::string_view kProxyIdInUse = " is in use by another live proxy";
}  // namespace

std::string ProxyIdInUseError(std::string_view proxy_id,
                              std::string_view holder) {
  return std::string(kProxyIdPrefix) + std::string(proxy_id) +
         std::string(kProxyIdInUse) + " (from " + std::string(holder) +
         "); give every proxy its own proxy-id";
}

bool IsProxyIdInUseError(std::string_view error) {
  return error.starts_with(kProxyIdPrefix) &&
         error.find(kProxyIdInUse) != std::string_view::npos;
}

GetArgs ParseGetArgs(std::span<const std::string_view> argv) {
  GetArgs args{argv[1], {}, argv.size() > 3};
  if (argv.size() > 2) args.max_bytes = argv[2];
  return args;
}

PutArgs ParsePutArgs(std::span<const std::string_view> argv) {
  return {argv[1], argv[2]};
}

HintPutArgs ParseHintPutArgs(std::span<const std::string_view> argv) {
  return {argv[1], argv[2], argv[3]};
}

ScanArgs ParseScanArgs(std::span<const std::string_view> argv) {
  return {argv[1], argv[2], argv[3]};
}

TreeArgs ParseTreeArgs(std::span<const std::string_view> argv) {
  return {argv[1], argv[2], argv.subspan(3)};
}

LeafArgs ParseLeafArgs(std::span<const std::string_view> argv) {
  return {argv[1], argv[2]};
}

Result<std::vector<LeafEntry>> ParseLeafReply(
    std::span<const std::string_view> elements) {
  if (elements.size() % 2 != 0) {
    return Status::Corruption("leaf reply of an odd length");
  }
  std::vector<LeafEntry> entries;
  entries.reserve(elements.size() / 2);
  for (size_t i = 0; i < elements.size(); i += 2) {
    if (elements[i + 1].size() != kEncodedRankSize) {
      return Status::Corruption("leaf reply with a malformed rank");
    }
    entries.push_back({elements[i], elements[i + 1]});
  }
  return entries;
}

Result<ScanReply> ParseScanReply(std::span<const std::string_view> elements) {
  if (elements.size() < 2 || elements.size() % 2 != 0) {
    return Status::Corruption("scan reply of a bad length");
  }
  ScanReply page;
  std::string_view covered = elements[0];
  const char* end = covered.data() + covered.size();
  auto [stop, ec] = std::from_chars(covered.data(), end, page.covered);
  if (ec != std::errc() || stop != end) {
    return Status::Corruption("scan reply with a bad position");
  }
  if (!elements[1].empty()) {
    auto flush = ParseRecord(elements[1]);
    if (!flush.ok()) return flush.status();
    page.flush = flush->version;
  }
  for (size_t i = 2; i < elements.size(); i += 2) {
    auto record = ParseRecord(elements[i + 1]);
    if (!record.ok()) return record.status();
    page.records.emplace_back(elements[i], *record);
  }
  return page;
}

}  // namespace leaderless::cluster
