// Config loader. Both executables read the same files, so one cluster
// description can be included by every process.
//
// Syntax, as redis.conf (redis/redis src/config.c loadServerConfigFromString
// and src/sds.c sdssplitargs):
//
//   file     := { line '\n' }                 a last line may lack its '\n'
//   line     := blank | '#' text | words      words:
//   protocol/resp/split_args.cc
//
// A line is trimmed of " \t\r\n" first, so CRLF files work. A closing quote
// must be followed by a space or the end of the line. As in Redis, '#' only
// starts a comment at the start of a line: "port 6379 # x" is an arity error.
// The first word names the directive, case-insensitively; later lines
// override earlier ones, except `replica`, which accumulates.
//
// Data flow: LoadConfig -> Loader::LoadTop -> ConfigFiles::Read ->
// ApplyText -> ApplyLine (SplitArgs, then `include` recursion or a
// kDirectives handler that parses the words into Config); then the override
// lines go through ApplyLine with "command line" as their place.

#include "protocol/cluster/config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <system_error>

#include "protocol/resp/request_parser.h"
#include "protocol/resp/split_args.h"

namespace leaderless::cluster {
namespace {

namespace fs = std::filesystem;
using Args = std::vector<std::string>;

// Real configs nest two or three levels; the limit only stops chains that
// the cycle check cannot see (e.g. hard links to the same file).
constexpr size_t kMaxIncludeDepth = 16;
constexpr int64_t kIntMax = std::numeric_limits<int>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
// A day: an offset beyond it is not a clock to trust, and keeping it small
// keeps every sum of a wall time and the offset far from overflow.
constexpr int64_t kMaxClockOffsetMs = 24LL * 3600 * 1000;

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message));
}

// ---- Words ----

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kBlank = " \t\r\n";
  size_t begin = s.find_first_not_of(kBlank);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kBlank) - begin + 1);
}

// Double-quoted with escapes that SplitArgs reads back byte for byte.
std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u >= 0x7f) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Bare when the word reads back unchanged, so `--port 7000` stays
// "port 7000"; quoted otherwise. A leading '#' would turn the line into a
// comment, so it is quoted too.
std::string QuoteArg(std::string_view s) {
  bool bare = !s.empty() && s.front() != '#';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\'' || c == '\\') {
      bare = false;
    }
  }
  return bare ? std::string(s) : Quoted(s);
}

// The words of a redis.conf line, split as Redis splits it.
Result<Args> SplitArgs(std::string_view line) {
  Args args;
  switch (resp::SplitArgs(line, &args)) {
    case resp::SplitError::kNone:
      return args;
    case resp::SplitError::kUnterminatedDouble:
      return Invalid("unterminated double quote");
    case resp::SplitError::kUnterminatedSingle:
      return Invalid("unterminated single quote");
    case resp::SplitError::kBadClose:
      break;
  }
  return Invalid("a closing quote must be followed by a space");
}

// ---- Values ----

std::string RangeText(int64_t min, int64_t max) {
  if (max == kIntMax || max == kInt64Max) {
    return "at least " + std::to_string(min);
  }
  return std::to_string(min) + ".." + std::to_string(max);
}

// A whole decimal integer in [min, max]; no sign other than '-', no spaces.
Result<int64_t> ParseInt(std::string_view s, int64_t min, int64_t max) {
  int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec == std::errc() && p == end && v >= min && v <= max) return v;
  if ((ec == std::errc() && p == end) || ec == std::errc::result_out_of_range) {
    return Invalid(std::string(s) + " is out of range (" + RangeText(min, max) +
                   ")");
  }
  return Invalid(Quoted(s) + " is not an integer");
}

// The unit of a memory size, as redis.conf: k=1000, kb=1024, etc.; 0 for
// an unknown unit.
int64_t UnitMultiplier(std::string_view unit) {
  const std::string u = Lower(unit);
  if (u.empty() || u == "b") return 1;
  if (u == "k") return 1000;
  if (u == "kb") return 1024;
  if (u == "m") return 1000 * 1000;
  if (u == "mb") return 1024 * 1024;
  if (u == "g") return 1000LL * 1000 * 1000;
  if (u == "gb") return 1024LL * 1024 * 1024;
  return 0;
}

// Bytes with an optional unit, case-insensitive; no fractions or signs.
Result<int64_t> ParseMemory(std::string_view s, int64_t min) {
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  const int64_t mul = UnitMultiplier(s.substr(digits));
  if (digits == 0 || mul == 0) {
    return Invalid(Quoted(s) + " is not a memory size (like 512mb or 1gb)");
  }
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + digits, n);
  if (ec != std::errc() || n > kInt64Max / mul) {
    return Invalid(std::string(s) + " is too large");
  }
  if (n * mul < min) {
    return Invalid(std::string(s) + " is out of range (" +
                   RangeText(min, kInt64Max) + ")");
  }
  return n * mul;
}

template <typename T>
Status SetInt(std::string_view s, int64_t min, int64_t max, T& field) {
  Result<int64_t> v = ParseInt(s, min, max);
  if (!v.ok()) return v.status();
  field = static_cast<T>(*v);
  return Status::OK();
}

Status SetMemory(std::string_view s, int64_t min, int64_t& field) {
  Result<int64_t> v = ParseMemory(s, min);
  if (!v.ok()) return v.status();
  field = *v;
  return Status::OK();
}

// ---- Directives ----

bool IsValidId(std::string_view id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

// host:port, split at the last ':'; an IPv6 host is written [::1]:7000.
Status ParseHostPort(std::string_view text, ReplicaAddress& address) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Invalid("expected <id> <host>:<port>, got " + Quoted(text));
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find_first_of(":[]") != std::string_view::npos) {
    return Invalid("write an IPv6 host in brackets, e.g. [::1]:7000");
  }
  Result<int64_t> port = ParseInt(text.substr(colon + 1), 1, 65535);
  if (!port.ok()) return Invalid("port " + port.status().message());
  address.host = std::string(host);
  address.port = static_cast<int>(*port);
  return Status::OK();
}

Status AddReplica(const Args& args, Config& config) {
  if (!IsValidId(args[0])) {
    return Invalid("id " + Quoted(args[0]) +
                   " may only use letters, digits, '_', '.' and '-'");
  }
  if (FindReplica(config, args[0]) != nullptr) {
    return Invalid("id " + args[0] + " is listed twice");
  }
  ReplicaAddress address;
  address.id = args[0];
  Status s = ParseHostPort(args[1], address);
  if (!s.ok()) return s;
  config.replicas.push_back(std::move(address));
  return Status::OK();
}

// Only the normal class applies to a proxy's clients; the others come with
// a carried-over redis.conf and are checked but not stored.
Status SetOutputBufferLimit(const Args& args, Config& config) {
  const std::string cls = Lower(args[0]);
  if (cls != "normal" && cls != "replica" && cls != "slave" &&
      cls != "pubsub") {
    return Invalid("unknown class " + Quoted(args[0]) +
                   " (normal, replica, slave or pubsub)");
  }
  Result<int64_t> hard = ParseMemory(args[1], 0);
  if (!hard.ok()) return Invalid("hard limit " + hard.status().message());
  Result<int64_t> soft = ParseMemory(args[2], 0);
  if (!soft.ok()) return Invalid("soft limit " + soft.status().message());
  Result<int64_t> seconds = ParseInt(args[3], 0, kInt64Max);
  if (!seconds.ok()) return Invalid("seconds " + seconds.status().message());
  if (cls == "normal") config.client_output_buffer_limit = *hard;
  return Status::OK();
}

Status SetReplicaOutputLimit(const Args& args, Config& config) {
  Result<int64_t> bytes = ParseMemory(args[0], 0);
  if (!bytes.ok()) return bytes.status();
  // Seconds become milliseconds of loop time: keep the product in range.
  Result<int64_t> seconds = ParseInt(args[1], 0, kIntMax);
  if (!seconds.ok()) return Invalid("seconds " + seconds.status().message());
  config.replica_output_buffer_limit = *bytes;
  config.replica_output_stall_seconds = *seconds;
  return Status::OK();
}

// The index of `value` among the '|'-separated `choices`, compared in any
// case as Redis does for enum configs; -1 if it is none of them.
int ChoiceIndex(std::string_view value, std::string_view choices) {
  const std::string v = Lower(value);
  int index = 0;
  while (true) {
    const size_t bar = choices.find('|');
    if (v == choices.substr(0, bar)) return index;
    if (bar == std::string_view::npos) return -1;
    choices.remove_prefix(bar + 1);
    ++index;
  }
}

Status CheckChoice(std::string_view value, std::string_view choices) {
  if (ChoiceIndex(value, choices) >= 0) return Status::OK();
  return Invalid(Quoted(value) + " is not one of " + std::string(choices));
}

Status SetAppendFsync(const Args& args, Config& config) {
  constexpr AppendFsync kValues[] = {AppendFsync::kAlways,
                                     AppendFsync::kEverySec, AppendFsync::kNo};
  constexpr std::string_view kChoices = "always|everysec|no";
  const int i = ChoiceIndex(args[0], kChoices);
  if (i < 0) return CheckChoice(args[0], kChoices);
  config.appendfsync = kValues[i];
  return Status::OK();
}

Status SetYesNo(std::string_view value, bool& field) {
  const int i = ChoiceIndex(value, "yes|no");
  if (i < 0) return CheckChoice(value, "yes|no");
  field = i == 0;
  return Status::OK();
}

Status SetReadRepair(const Args& args, Config& config) {
  constexpr ReadRepair kValues[] = {ReadRepair::kBlocking, ReadRepair::kAsync,
                                    ReadRepair::kOff};
  constexpr std::string_view kChoices = "blocking|async|off";
  const int i = ChoiceIndex(args[0], kChoices);
  if (i < 0) return CheckChoice(args[0], kChoices);
  config.read_repair = kValues[i];
  return Status::OK();
}

Status SetString(const std::string& value, std::string& field) {
  field = value;
  return Status::OK();
}

// A replica reads AUTH under Redis's pre-authentication limits, so a longer
// secret could never be sent.
Status SetReplicaPassword(const Args& args, Config& config) {
  if (static_cast<int64_t>(args[0].size()) > resp::kUnauthenticatedMaxBulkLen) {
    return Invalid("the secret is longer than " +
                   std::to_string(resp::kUnauthenticatedMaxBulkLen) + " bytes");
  }
  return SetString(args[0], config.replica_password);
}

using Handler = Status (*)(const Args& args, Config& config);

struct Directive {
  std::string_view name;
  size_t min_args;
  size_t max_args;
  std::string_view usage;  // after "expected" in an arity error
  Handler handler;
};

// Every directive but `include`, which the Loader handles because it
// recurses. The last three are redis.conf lines an operator may carry over:
// `daemonize no` (we never fork; run under a supervisor, so `yes` is an
// error), `loglevel` and `databases` (there is one keyspace). Their values
// are checked, then ignored.
const Directive kDirectives[] = {
    {"replica", 2, 2, "<id> <host>:<port>", AddReplica},
    {"replication-factor", 1, 1, "<n>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.replication_factor);
     }},
    {"read-quorum", 1, 1, "<r>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.read_quorum);
     }},
    {"write-quorum", 1, 1, "<w>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.write_quorum);
     }},
    {"tokens-per-replica", 1, 1, "<1..4096>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, 4096, c.tokens_per_replica);
     }},
    {"bind", 1, 1, "<address>",
     [](const Args& a, Config& c) { return SetString(a[0], c.bind); }},
    {"port", 1, 1, "<port>",
     [](const Args& a, Config& c) { return SetInt(a[0], 0, 65535, c.port); }},
    {"proxy-id", 1, 1, "<0..65535>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 0, 65535, c.proxy_id);
     }},
    {"request-timeout-ms", 1, 1, "<milliseconds>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, 3600000, c.request_timeout_ms);
     }},
    {"maxclients", 1, 1, "<n>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.maxclients);
     }},
    {"client-query-buffer-limit", 1, 1, "<bytes>",
     [](const Args& a, Config& c) {
       return SetMemory(a[0], 1, c.client_query_buffer_limit);
     }},
    {"proto-max-bulk-len", 1, 1, "<bytes>",
     [](const Args& a, Config& c) {
       return SetMemory(a[0], 1, c.proto_max_bulk_len);
     }},
    {"client-output-buffer-limit", 4, 4, "<class> <hard> <soft> <seconds>",
     SetOutputBufferLimit},
    {"sloppy-quorum", 1, 1, "yes|no",
     [](const Args& a, Config& c) { return SetYesNo(a[0], c.sloppy_quorum); }},
    {"stand-in-notfound-ok", 1, 1, "yes|no",
     [](const Args& a, Config& c) {
       return SetYesNo(a[0], c.stand_in_notfound_ok);
     }},
    {"read-repair", 1, 1, "blocking|async|off", SetReadRepair},
    {"replica-link-max-in-flight", 1, 1, "<n>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.replica_link_max_in_flight);
     }},
    {"replica-down-after-timeouts", 1, 1, "<n>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.replica_down_after_timeouts);
     }},
    {"hinted-handoff", 1, 1, "yes|no",
     [](const Args& a, Config& c) { return SetYesNo(a[0], c.hinted_handoff); }},
    {"hint-window-ms", 1, 1, "<milliseconds>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kInt64Max, c.hint_window_ms);
     }},
    {"hint-max-bytes", 1, 1, "<bytes>",
     [](const Args& a, Config& c) {
       return SetMemory(a[0], 0, c.hint_max_bytes);
     }},
    {"handoff-rate", 1, 1, "<records per second>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.handoff_rate);
     }},
    {"requirepass", 1, 1, "<password>",
     [](const Args& a, Config& c) { return SetString(a[0], c.requirepass); }},
    {"replica-password", 1, 1, "<secret>", SetReplicaPassword},
    {"protected-mode", 1, 1, "yes|no",
     [](const Args& a, Config& c) { return SetYesNo(a[0], c.protected_mode); }},
    {"anti-entropy-interval-ms", 1, 1, "<milliseconds>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kInt64Max, c.anti_entropy_interval_ms);
     }},
    {"anti-entropy-rate", 1, 1, "<records per second>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.anti_entropy_rate);
     }},
    {"anti-entropy-max-rate", 1, 1, "<records per second>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.anti_entropy_max_rate);
     }},
    {"max-clock-offset-ms", 1, 1, "<milliseconds>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kMaxClockOffsetMs, c.max_clock_offset_ms);
     }},
    {"gc-grace-ms", 1, 1, "<milliseconds>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kInt64Max, c.gc_grace_ms);
     }},
    {"record-index-max-memory", 1, 1, "<bytes>",
     [](const Args& a, Config& c) {
       return SetMemory(a[0], 0, c.record_index_max_memory);
     }},
    {"expiry-sweep-rate", 1, 1, "<records per second>",
     [](const Args& a, Config& c) {
       return SetInt(a[0], 1, kIntMax, c.expiry_sweep_rate);
     }},
    {"replica-output-buffer-limit", 2, 2, "<bytes> <seconds>",
     SetReplicaOutputLimit},
    {"replica-id", 1, 1, "<id>",
     [](const Args& a, Config& c) { return SetString(a[0], c.replica_id); }},
    {"dir", 1, 1, "<path>",
     [](const Args& a, Config& c) {
       if (a[0].empty()) return Invalid("the path is empty");
       return SetString(a[0], c.dir);
     }},
    {"appendfsync", 1, 1, "always|everysec|no", SetAppendFsync},
    {"logfile", 1, 1, "<path>",
     [](const Args& a, Config& c) { return SetString(a[0], c.logfile); }},
    {"daemonize", 1, 1, "no",
     [](const Args& a, Config&) { return CheckChoice(a[0], "no"); }},
    {"loglevel", 1, 1, "debug|verbose|notice|warning|nothing",
     [](const Args& a, Config&) {
       return CheckChoice(a[0], "debug|verbose|notice|warning|nothing");
     }},
    {"databases", 1, 1, "<n>",
     [](const Args& a, Config&) {
       int64_t ignored = 0;
       return SetInt(a[0], 1, kIntMax, ignored);
     }},
};

const Directive* FindDirective(std::string_view lower_name) {
  for (const Directive& d : kDirectives) {
    if (d.name == lower_name) return &d;
  }
  return nullptr;
}

// ---- Files ----

class SystemFiles : public ConfigFiles {
 public:
  Result<std::string> Read(const std::string& path) const override {
    auto fail = [&path](int err) {
      return Status::IOError("cannot read config file '" + path +
                             "': " + std::generic_category().message(err));
    };
    errno = 0;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(
        std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) return fail(errno);
    std::string text;
    char buffer[4096];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
      text.append(buffer, n);
    }
    // fopen succeeds on a directory; the read then fails with EISDIR.
    if (std::ferror(file.get())) return fail(errno);
    return text;
  }

  std::string Key(const std::string& path) const override {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (ec) return fs::path(path).lexically_normal().string();
    return canonical.string();
  }
};

class Loader {
 public:
  Loader(Config& config, const ConfigFiles& files)
      : config_(config), files_(files) {}

  // Reads the top-level file; a read error is not prefixed by any place.
  Status LoadTop(const std::string& path);

  // Applies one line. `where` prefixes errors ("a.conf:3" or "command
  // line"); `base_dir` resolves a relative include.
  Status ApplyLine(std::string_view raw, const std::string& where,
                   const fs::path& base_dir);

 private:
  Status ApplyText(const std::string& path, std::string_view text);
  Status Include(const Args& args, const std::string& where,
                 const fs::path& base_dir);

  Config& config_;
  const ConfigFiles& files_;
  // files_.Key() of each file being read, outermost first.
  std::vector<std::string> open_files_;
};

Status Loader::LoadTop(const std::string& path) {
  Result<std::string> text = files_.Read(path);
  if (!text.ok()) return text.status();
  open_files_.push_back(files_.Key(path));
  Status s = ApplyText(path, *text);
  open_files_.pop_back();
  return s;
}

Status Loader::ApplyText(const std::string& path, std::string_view text) {
  const fs::path base_dir = fs::path(path).parent_path();
  int line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? "" : text.substr(nl + 1);
    ++line_no;
    Status s = ApplyLine(line, path + ":" + std::to_string(line_no), base_dir);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status Loader::ApplyLine(std::string_view raw, const std::string& where,
                         const fs::path& base_dir) {
  const std::string_view line = Trim(raw);
  if (line.empty() || line.front() == '#') return Status::OK();
  Result<Args> words = SplitArgs(line);
  if (!words.ok()) return Invalid(where + ": " + words.status().message());
  Args& args = *words;
  // Trim() leaves '\v' and '\f', which split as spaces: a line of only
  // those is blank too, as in Redis.
  if (args.empty()) return Status::OK();
  const std::string name = Lower(args[0]);
  const std::string written = std::move(args[0]);
  args.erase(args.begin());
  if (name == "include") return Include(args, where, base_dir);
  const Directive* d = FindDirective(name);
  if (d == nullptr) {
    return Invalid(where + ": unknown directive '" + written + "'");
  }
  const std::string prefix = where + ": '" + name + "': ";
  if (args.size() < d->min_args || args.size() > d->max_args) {
    return Invalid(prefix + "expected " + std::string(d->usage));
  }
  Status s = d->handler(args, config_);
  if (!s.ok()) return Invalid(prefix + s.message());
  return Status::OK();
}

// A relative path is resolved against the including file's directory, not
// the cwd as Redis does: a script can then start a process from anywhere
// and `include cluster.conf` still finds the file next to the includer.
// From the command line there is no including file, so the cwd applies.
Status Loader::Include(const Args& args, const std::string& where,
                       const fs::path& base_dir) {
  const std::string prefix = where + ": 'include': ";
  if (args.size() != 1) return Invalid(prefix + "expected <path>");
  const fs::path arg(args[0]);
  const std::string path =
      arg.is_absolute() ? args[0] : (base_dir / arg).string();
  const std::string key = files_.Key(path);
  if (std::find(open_files_.begin(), open_files_.end(), key) !=
      open_files_.end()) {
    return Invalid(prefix + "include cycle: '" + path + "' is already open");
  }
  if (open_files_.size() >= kMaxIncludeDepth) {
    return Invalid(prefix + "includes nested deeper than " +
                   std::to_string(kMaxIncludeDepth) + " files");
  }
  Result<std::string> text = files_.Read(path);
  if (!text.ok()) return Status::IOError(prefix + text.status().message());
  open_files_.push_back(key);
  Status s = ApplyText(path, *text);
  open_files_.pop_back();
  return s;
}

// ---- Validation ----

Status CheckQuorum(std::string_view name, int quorum, int n) {
  const std::string quoted = "'" + std::string(name) + "' ";
  if (quorum < 1) {
    return Invalid(quoted + std::to_string(quorum) + " must be at least 1");
  }
  if (quorum > n) {
    return Invalid(quoted + std::to_string(quorum) +
                   " is larger than 'replication-factor' " + std::to_string(n));
  }
  return Status::OK();
}

// The rules every process of a cluster must agree on.
Status ValidateCluster(const Config& config) {
  if (config.replicas.empty()) {
    return Invalid(
        "'replica' is missing: list at least one "
        "'replica <id> <host>:<port>'");
  }
  for (size_t i = 0; i < config.replicas.size(); ++i) {
    if (FindReplica(config, config.replicas[i].id) != &config.replicas[i]) {
      return Invalid("'replica' " + config.replicas[i].id + " is listed twice");
    }
  }
  const int n = config.replication_factor;
  if (n < 1) {
    return Invalid("'replication-factor' " + std::to_string(n) +
                   " must be at least 1");
  }
  Status s = CheckQuorum("read-quorum", config.read_quorum, n);
  if (s.ok()) s = CheckQuorum("write-quorum", config.write_quorum, n);
  if (!s.ok()) return s;
  if (static_cast<size_t>(n) > config.replicas.size()) {
    return Invalid("'replication-factor' " + std::to_string(n) +
                   " is larger than the number of replicas (" +
                   std::to_string(config.replicas.size()) + ")");
  }
  if (config.tokens_per_replica < 1 || config.tokens_per_replica > 4096) {
    return Invalid("'tokens-per-replica' " +
                   std::to_string(config.tokens_per_replica) +
                   " is out of range (1..4096)");
  }
  return Status::OK();
}

}  // namespace

const ConfigFiles& SystemConfigFiles() {
  static const SystemFiles files;
  return files;
}

Result<Config> LoadConfig(const std::string& path,
                          const std::vector<std::string>& overrides,
                          const ConfigFiles& files) {
  Config config;
  Loader loader(config, files);
  Status s = loader.LoadTop(path);
  if (!s.ok()) return s;
  const std::string where = "command line";
  for (const std::string& line : overrides) {
    s = loader.ApplyLine(line, where, fs::path());
    if (!s.ok()) return s;
  }
  return config;
}

// Each word is quoted as needed, so an argument with spaces, quotes or
// control bytes reads back as exactly one word with the same bytes.
Result<std::vector<std::string>> ParseOverrideArgs(int argc,
                                                   const char* const* argv) {
  std::vector<std::string> lines;
  for (int i = 0; i < argc; ++i) {
    const std::string_view word = argv[i] != nullptr ? argv[i] : "";
    if (word.starts_with("--")) {
      if (word.size() == 2) {
        return Invalid("command line: '--' must be followed by a name");
      }
      lines.push_back(QuoteArg(word.substr(2)));
    } else if (lines.empty()) {
      return Invalid("command line: " + Quoted(word) +
                     " comes before any --directive (e.g. --port 7000)");
    } else {
      lines.back() += ' ';
      lines.back() += QuoteArg(word);
    }
  }
  return lines;
}

Status ValidateForProxy(const Config& config) {
  Status s = ValidateCluster(config);
  if (!s.ok()) return s;
  if (config.proxy_id == -1) return Invalid("'proxy-id' is missing");
  if (config.proxy_id < 0 || config.proxy_id > 65535) {
    return Invalid("'proxy-id' " + std::to_string(config.proxy_id) +
                   " is out of range (0..65535)");
  }
  return Status::OK();
}

Status ValidateForReplica(const Config& config) {
  Status s = ValidateCluster(config);
  if (!s.ok()) return s;
  if (config.replica_id.empty()) return Invalid("'replica-id' is missing");
  if (FindReplica(config, config.replica_id) == nullptr) {
    return Invalid("'replica-id' " + config.replica_id +
                   " does not name a 'replica' line");
  }
  // Hints older than gc-grace are purged undelivered: a stand-in must stop
  // taking hints for an absent home before its first ones reach that age.
  if (config.hint_window_ms >= config.gc_grace_ms) {
    return Invalid("'hint-window-ms' " + std::to_string(config.hint_window_ms) +
                   " must be shorter than 'gc-grace-ms' " +
                   std::to_string(config.gc_grace_ms));
  }
  return Status::OK();
}

const ReplicaAddress* FindReplica(const Config& config, std::string_view id) {
  for (const ReplicaAddress& r : config.replicas) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::vector<std::string> ReplicaIds(const Config& config) {
  std::vector<std::string> ids;
  for (const ReplicaAddress& r : config.replicas) ids.push_back(r.id);
  return ids;
}

std::string_view AppendFsyncName(AppendFsync mode) {
  switch (mode) {
    case AppendFsync::kAlways:
      return "always";
    case AppendFsync::kEverySec:
      return "everysec";
    case AppendFsync::kNo:
      return "no";
  }
  return "no";
}

std::string_view ReadRepairName(ReadRepair mode) {
  switch (mode) {
    case ReadRepair::kBlocking:
      return "blocking";
    case ReadRepair::kAsync:
      return "async";
    case ReadRepair::kOff:
      return "off";
  }
  return "off";
}

}  // namespace leaderless::cluster
