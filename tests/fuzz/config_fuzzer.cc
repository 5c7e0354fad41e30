// Fuzzes the configuration loader (protocol/cluster/config.h): files in
// redis.conf syntax that include each other, then command-line overrides.
// Hermetic: the files live in memory (a ConfigFiles of our own), so an
// `include` of any path never reaches the disk.
//
// Input: parts separated by NUL bytes. Part 0 is /fuzz/main.conf, part i
// is /fuzz/<i>.conf (so `include 1.conf` reaches part 1), except that a
// last part that starts with "--" is the command line instead, one word
// per line.
//
// Beyond what the sanitizers catch, it checks:
//  - every error names its place: a file and line, or "command line";
//  - ParseOverrideArgs groups the words as documented, and each line it
//    makes splits back (as the loader splits it) into exactly those words;
//  - a config that passes a role's validation holds what that promises.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/cluster/config.h"
#include "protocol/resp/split_args.h"
#include "tests/fuzz/fuzz_support.h"

namespace leaderless::cluster {
namespace {

constexpr std::string_view kDir = "/fuzz/";

class MemoryFiles : public ConfigFiles {
 public:
  void Add(const std::string& path, std::string_view text) {
    files_[Key(path)] = std::string(text);
  }

  Result<std::string> Read(const std::string& path) const override {
    auto it = files_.find(Key(path));
    if (it == files_.end()) {
      return Status::IOError("cannot read config file '" + path +
                             "': No such file or directory");
    }
    return it->second;
  }

  std::string Key(const std::string& path) const override {
    return std::filesystem::path(path).lexically_normal().string();
  }

 private:
  std::map<std::string, std::string> files_;
};

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const size_t at = s.find(separator);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

// Checks ParseOverrideArgs against a restatement of its rule (each
// "--name" starts a group, other words join the last one); returns its
// lines, none if the words are not a valid command line.
std::vector<std::string> Overrides(const std::vector<std::string>& words) {
  std::vector<const char*> argv;
  for (const std::string& w : words) argv.push_back(w.c_str());
  const Result<std::vector<std::string>> lines =
      ParseOverrideArgs(static_cast<int>(argv.size()), argv.data());
  std::vector<std::vector<std::string>> groups;
  bool valid = true;
  for (const std::string& w : words) {
    if (w.starts_with("--")) {
      valid = valid && w.size() > 2;
      groups.push_back({w.substr(2)});
    } else if (groups.empty()) {
      valid = false;
    } else {
      groups.back().push_back(w);
    }
  }
  FUZZ_CHECK(lines.ok() == valid);
  if (!valid) return {};
  FUZZ_CHECK(lines.value().size() == groups.size());
  for (size_t i = 0; i < groups.size(); ++i) {
    std::vector<std::string> split;
    FUZZ_CHECK(resp::SplitArgs(lines.value()[i], &split) ==
               resp::SplitError::kNone);
    FUZZ_CHECK(split == groups[i]);
  }
  return lines.value();
}

void CheckValid(const Config& c) {
  if (ValidateForProxy(c).ok()) {
    FUZZ_CHECK(c.proxy_id >= 0 && c.proxy_id <= 65535);
  }
  if (!ValidateForReplica(c).ok()) return;
  FUZZ_CHECK(FindReplica(c, c.replica_id) != nullptr);
  const int n = c.replication_factor;
  FUZZ_CHECK(n >= 1 && static_cast<size_t>(n) <= c.replicas.size());
  FUZZ_CHECK(c.read_quorum >= 1 && c.read_quorum <= n);
  FUZZ_CHECK(c.write_quorum >= 1 && c.write_quorum <= n);
  for (const ReplicaAddress& r : c.replicas) {
    FUZZ_CHECK(FindReplica(c, r.id) == &r);
    FUZZ_CHECK(r.port >= 1 && r.port <= 65535);
  }
  FUZZ_CHECK(c.hint_window_ms < c.gc_grace_ms);
}

}  // namespace
}  // namespace leaderless::cluster

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leaderless::cluster;
  std::vector<std::string_view> parts =
      Split(std::string_view(reinterpret_cast<const char*>(data), size), '\0');
  std::vector<std::string> words;
  if (parts.size() > 1 && parts.back().starts_with("--")) {
    for (std::string_view w : Split(parts.back(), '\n')) words.emplace_back(w);
    parts.pop_back();
  }
  MemoryFiles files;
  const std::string main = std::string(kDir) + "main.conf";
  files.Add(main, parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    files.Add(std::string(kDir) + std::to_string(i) + ".conf", parts[i]);
  }
  const Result<Config> config = LoadConfig(main, Overrides(words), files);
  if (config.ok()) {
    CheckValid(config.value());
  } else {
    const std::string& message = config.status().message();
    // Every error names its file as the include spelled it ("/./fuzz/1.conf"
    // too) and a line, or the command line.
    FUZZ_CHECK((message.starts_with("/") &&
                message.find(".conf:") != std::string::npos) ||
               message.starts_with("command line: "));
  }
  return 0;
}
