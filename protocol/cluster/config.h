#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/cluster/status.h"

namespace leaderless::cluster {

// One `replica <id> <host>:<port>` line of the cluster description.
struct ReplicaAddress {
  std::string id;
  std::string host;
  int port = 0;
};

enum class AppendFsync { kAlways, kEverySec, kNo };
enum class ReadRepair { kBlocking, kAsync, kOff };

// Every directive of both executables. Files are in redis.conf syntax
// (`directive arg arg`, `#` comments, quotes as redis.conf, `include path`,
// sizes such as 1gb / 512mb / 64kb, booleans yes|no); both executables read
// the same set, so one file can describe a whole cluster.
struct Config {
  // Cluster description, shared by every process.
  std::vector<ReplicaAddress> replicas;  // replica <id> <host>:<port>
  int replication_factor = 3;            // replication-factor (N)
  int read_quorum = 2;                   // read-quorum (R)
  int write_quorum = 2;                  // write-quorum (W)
  int tokens_per_replica = 128;          // tokens-per-replica (vnodes)
  // max-clock-offset-ms: how far ahead of a process's own wall clock a
  // version may be. Replicas refuse to store a version further ahead, and
  // proxies do not move their clocks to one, so one clock running ahead
  // cannot drag every other process's versions (and purges) along.
  int64_t max_clock_offset_ms = 500;
  // replica-password: the secret of the internal links. Every link to a
  // replica (from a proxy or another replica) sends AUTH with it first, and
  // a replica serves nothing but PING, AUTH, HELLO and QUIT to a connection
  // that has not. "" (the default): no secret, and a replica then accepts
  // loopback clients only. Keep it in an included file only the cluster's
  // processes can read.
  std::string replica_password;

  // Proxy.
  std::string bind = "127.0.0.1";  // bind
  int port = 6379;                 // port
  int64_t proxy_id = -1;           // proxy-id, 0..65535; -1 = not given
  int request_timeout_ms = 1000;   // request-timeout-ms
  int maxclients = 10000;          // maxclients
  int64_t client_query_buffer_limit = 1LL << 30;  // client-query-buffer-limit
  int64_t proto_max_bulk_len = 512LL << 20;       // proto-max-bulk-len
  // client-output-buffer-limit normal <hard> <soft> <seconds>: only the
  // normal class's hard limit is used. Redis's default is 0 (unlimited); a
  // proxy fans out and must not let one client grow without bound.
  int64_t client_output_buffer_limit = 256LL << 20;
  // sloppy-quorum yes|no: when home replicas of a key are down, write to the
  // next healthy replicas on the ring with a hint naming the home.
  bool sloppy_quorum = true;
  // stand-in-notfound-ok yes|no: whether a stand-in that holds no hint for
  // a key counts toward R (Riak's notfound_ok, for stand-ins only). No: a
  // read with a home down waits for the other homes (or fails), so it never
  // misses a write the down home took before it failed.
  bool stand_in_notfound_ok = false;
  ReadRepair read_repair = ReadRepair::kBlocking;  // read-repair
  // replica-link-max-in-flight: requests outstanding per replica link; a
  // full link counts as a failed replica for new requests.
  int replica_link_max_in_flight = 16384;
  // replica-down-after-timeouts: this many request timeouts in a row mark a
  // replica down (it hangs) until it answers a probe again.
  int replica_down_after_timeouts = 3;
  // requirepass: the password of Redis's `default` user. "" (the default)
  // means no password, so every client starts authenticated, as in Redis.
  std::string requirepass;
  // protected-mode yes|no: as in Redis 7, with no requirepass a proxy bound
  // to a non-loopback address refuses clients that are not on loopback.
  bool protected_mode = true;

  // Replica.
  std::string replica_id;  // replica-id: which `replica` line this one is
  std::string dir = ".";   // dir: data folder
  AppendFsync appendfsync = AppendFsync::kAlways;  // appendfsync
  bool hinted_handoff = true;                      // hinted-handoff yes|no
  // hint-window-ms: a stand-in refuses new hints for a home while the
  // oldest hint it holds for it is older than this (the home has been away
  // that long): such writes fail instead of piling up. Hints it holds are
  // kept until delivered, whatever their age, up to gc-grace-ms.
  int64_t hint_window_ms = 3 * 3600 * 1000;
  // hint-max-bytes: the bytes of hints a stand-in holds, over every home;
  // past it new hints are refused (the write fails with a quorum error
  // when too few replicas take it). 0: no limit.
  int64_t hint_max_bytes = 1LL << 30;
  int handoff_rate = 5000;  // handoff-rate: records per second
  // anti-entropy-interval-ms: how often each replica compares its Merkle
  // trees with every peer it shares keys with.
  int64_t anti_entropy_interval_ms = 10000;
  // anti-entropy-rate .. anti-entropy-max-rate: records per second, the
  // rate following the replica's spare time between the two (a max-rate
  // below the rate counts as the rate: a fixed rate).
  int anti_entropy_rate = 2000;
  int anti_entropy_max_rate = 50000;
  // gc-grace-ms: tombstones (and expired records) are purged this long after
  // their time; it must exceed the time anti-entropy needs to visit every
  // peer, or a replica that missed a delete could bring the value back.
  // Hints older than this are purged undelivered, and never served.
  int64_t gc_grace_ms = 10LL * 24 * 3600 * 1000;
  int expiry_sweep_rate = 20000;  // expiry-sweep-rate: records scanned/s
  // record-index-max-memory: the memory a replica spends on the index of
  // the versions it holds, which spares each write a LevelDB read (about
  // 100 bytes a key). Past it the index keeps the keys used most recently,
  // and writes to the others read LevelDB. 0: no limit.
  int64_t record_index_max_memory = 1LL << 30;
  // replica-output-buffer-limit <bytes> <seconds>: a replica stops running
  // a connection's requests while <bytes> of its replies wait to be sent, so
  // a connection holds at most that plus one reply, and closes one that
  // stays so without a byte written for <seconds> (it does not read its
  // replies). A proxy's links read all the time, so they are only slowed.
  // 0 bytes: no limit; 0 seconds: never closed.
  int64_t replica_output_buffer_limit = 16LL << 20;
  int64_t replica_output_stall_seconds = 10;

  // Both.
  std::string logfile;  // logfile: "" = stderr
};

// Where LoadConfig reads a file and the files it includes: the file system
// (SystemConfigFiles), or files held in memory, so that the config fuzzer
// never touches the disk.
class ConfigFiles {
 public:
  virtual ~ConfigFiles() = default;
  // The whole text of `path`; IOError "cannot read config file '<path>':
  // <reason>" when it cannot be read.
  virtual Result<std::string> Read(const std::string& path) const = 0;
  // One string for all spellings of one file (a/../b.conf, a symlink), so
  // that the include-cycle check sees through them.
  virtual std::string Key(const std::string& path) const = 0;
};

// The file system. The object lives as long as the process.
const ConfigFiles& SystemConfigFiles();

// Reads `path` and then applies `overrides` (from `--directive value ...`
// on the command line, in order; an override replaces the file's value,
// except `replica`, which adds a line). Errors name the file, the line and
// the directive: "redis-conf/cluster.conf:7: 'write-quorum': not an integer".
// Files come from `files` (the file system unless given).
Result<Config> LoadConfig(const std::string& path,
                          const std::vector<std::string>& overrides,
                          const ConfigFiles& files = SystemConfigFiles());

// Parses the arguments after the file name into override lines: each
// `--name` starts a directive and the following non-`--` words are its
// arguments. Error for a word before the first `--name`.
Result<std::vector<std::string>> ParseOverrideArgs(int argc,
                                                   const char* const* argv);

// Cross-checks for each role, after loading: at least one replica, unique
// replica ids, 1 <= R,W <= N <= replicas, a proxy-id for the proxy, a
// replica-id that names a `replica` line for the replica. The message names
// the directive.
Status ValidateForProxy(const Config& config);
Status ValidateForReplica(const Config& config);

// The address line of `id`, or nullptr.
const ReplicaAddress* FindReplica(const Config& config, std::string_view id);

// The ids of the `replica` lines, in file order: what every process builds
// its Ring from, so that replica indices mean the same everywhere.
std::vector<std::string> ReplicaIds(const Config& config);

// The word a configuration file uses for a value, as INFO and CONFIG GET
// report it: "always", "everysec", "no"; "blocking", "async", "off".
std::string_view AppendFsyncName(AppendFsync mode);
std::string_view ReadRepairName(ReadRepair mode);

}  // namespace leaderless::cluster
