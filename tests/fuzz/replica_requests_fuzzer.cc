// Fuzzes how a replica reads the internal commands (LL.*, defined in
// protocol/cluster/replica_protocol.h): requests come from proxies and
// peers, are checked against each command's arity by a resp::CommandTable,
// as ReplicaServer does, and then read with that command's Parse*Args.
//
// Input: a stream of requests, as a replica's connection delivers it.
//
// Beyond what the sanitizers catch (and _GLIBCXX_ASSERTIONS, which makes an
// argument read past the end of argv abort), it checks that each request
// that passes its arity check reads back, through the matching Append*
// builder, as the same request: the builders and parsers agree on every
// argument's place. Numbers take the builders' round trip when they are
// canonical decimals of the builder's type; the replica checks their ranges
// itself.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/cluster/replica_protocol.h"
#include "protocol/resp/command_table.h"
#include "tests/fuzz/fuzz_support.h"

namespace leaderless::cluster {
namespace {

using Argv = std::span<const std::string_view>;
// Builds the request a parser's reading of `argv` stands for, or nothing
// when a number is not canonical.
using Rebuild = std::optional<std::string> (*)(Argv argv);

// `text` as a T, if it is exactly how std::to_string writes one.
template <typename T>
std::optional<T> Canonical(std::string_view text) {
  T v{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() ||
      std::to_string(v) != text) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> Get(Argv argv) {
  const GetArgs a = ParseGetArgs(argv);
  if (a.extra) return std::nullopt;  // the replica refuses it
  std::optional<size_t> max_bytes;
  if (a.max_bytes) {
    max_bytes = Canonical<size_t>(*a.max_bytes);
    if (!max_bytes) return std::nullopt;
  }
  std::string out;
  AppendGetRequest(&out, a.key, max_bytes);
  return out;
}

std::optional<std::string> Put(Argv argv) {
  const PutArgs a = ParsePutArgs(argv);
  std::string out;
  AppendPutRequest(&out, a.key, a.record);
  return out;
}

std::optional<std::string> HintPut(Argv argv) {
  const HintPutArgs a = ParseHintPutArgs(argv);
  std::string out;
  AppendHintPutRequest(&out, a.home, a.key, a.record);
  return out;
}

std::optional<std::string> Flush(Argv argv) {
  std::string out;
  AppendFlushRequest(&out, argv[1]);
  return out;
}

std::optional<std::string> Scan(Argv argv) {
  const ScanArgs a = ParseScanArgs(argv);
  auto first = Canonical<uint64_t>(a.first);
  auto last = Canonical<uint64_t>(a.last);
  auto count = Canonical<size_t>(a.count);
  if (!first || !last || !count) return std::nullopt;
  std::string out;
  AppendScanRequest(&out, *first, *last, *count);
  return out;
}

std::optional<std::string> Tree(Argv argv) {
  const TreeArgs a = ParseTreeArgs(argv);
  FUZZ_CHECK(!a.indices.empty());
  auto level = Canonical<int>(a.level);
  std::vector<uint32_t> indices;
  for (std::string_view text : a.indices) {
    auto index = Canonical<uint32_t>(text);
    if (!index) return std::nullopt;
    indices.push_back(*index);
  }
  if (!level) return std::nullopt;
  std::string out;
  AppendTreeRequest(&out, a.requester, *level, indices);
  return out;
}

std::optional<std::string> Leaf(Argv argv) {
  const LeafArgs a = ParseLeafArgs(argv);
  auto leaf = Canonical<uint32_t>(a.leaf);
  if (!leaf) return std::nullopt;
  std::string out;
  AppendLeafRequest(&out, a.requester, *leaf);
  return out;
}

std::optional<std::string> Proxy(Argv argv) {
  const ProxyArgs a = ParseProxyArgs(argv);
  auto id = Canonical<uint32_t>(a.proxy_id);
  if (!id) return std::nullopt;
  std::string out;
  AppendProxyRequest(&out, *id, a.instance);
  return out;
}

// The replica's table of internal commands, as ReplicaServer fills it.
const resp::CommandTable<Rebuild>& Commands() {
  static const resp::CommandTable<Rebuild> table = [] {
    resp::CommandTable<Rebuild> t;
    auto add = [&t](const ReplicaCommand& c, Rebuild r) {
      t.Add(LowercaseName(c), c.arity, r);
    };
    add(kGetCommand, Get);
    add(kPutCommand, Put);
    add(kHintPutCommand, HintPut);
    add(kFlushCommand, Flush);
    add(kScanCommand, Scan);
    add(kTreeCommand, Tree);
    add(kLeafCommand, Leaf);
    add(kProxyCommand, Proxy);
    return t;
  }();
  return table;
}

void CheckRequest(Argv argv) {
  std::string error;
  const auto* spec = Commands().Lookup(argv, &error);
  if (spec == nullptr) {
    FUZZ_CHECK(error.starts_with("ERR "));
    return;
  }
  const std::optional<std::string> wire = spec->handler(argv);
  if (!wire) return;
  // The builder sends the name in upper case; the rest byte for byte.
  std::vector<std::string> sent(argv.begin(), argv.end());
  bool read_back = false;
  fuzz::ForEachRequest(*wire, [&](Argv again) {
    FUZZ_CHECK(!read_back);
    read_back = true;
    FUZZ_CHECK(again.size() == sent.size());
    std::string error_again;
    FUZZ_CHECK(Commands().Lookup(again, &error_again) == spec);
    for (size_t i = 1; i < again.size(); ++i) FUZZ_CHECK(again[i] == sent[i]);
  });
  FUZZ_CHECK(read_back);
}

}  // namespace
}  // namespace leaderless::cluster

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  leaderless::fuzz::ForEachRequest(
      std::string_view(reinterpret_cast<const char*>(data), size),
      leaderless::cluster::CheckRequest);
  return 0;
}
