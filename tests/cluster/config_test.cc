#include "protocol/cluster/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace leaderless::cluster {
namespace {

namespace fs = std::filesystem;

// Each test gets a fresh temp dir, so files never leak between tests and
// error messages carry a predictable file name at a known path.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ =
        (fs::temp_directory_path() / "leaderless_config_XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }

  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Writes `text` to `name` under the temp dir, creating folders; returns
  // the full path.
  std::string Write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << text;
    return path.string();
  }

  std::string Path(const std::string& name) const {
    return (dir_ / name).string();
  }

  Result<Config> Load(const std::string& text,
                      const std::vector<std::string>& overrides = {}) {
    return LoadConfig(Write("cluster.conf", text), overrides);
  }

  // The error message of loading `text`; fails the test if it loads.
  std::string LoadError(const std::string& text,
                        const std::vector<std::string>& overrides = {}) {
    Result<Config> config = Load(text, overrides);
    EXPECT_FALSE(config.ok()) << "loaded: " << text;
    return config.status().message();
  }

  // Table cases give the start of the message; the rest is a hint for
  // humans that the tests need not repeat.
  void ExpectErrorStartsWith(const std::string& text,
                             const std::string& prefix) {
    const std::string message = LoadError(text);
    EXPECT_EQ(message.rfind(prefix, 0), 0u)
        << "text: " << text << "\nmessage: " << message;
  }

  // "<dir>/cluster.conf:<line>: " + rest.
  std::string At(int line, const std::string& rest) const {
    return Path("cluster.conf") + ":" + std::to_string(line) + ": " + rest;
  }

  fs::path dir_;
};

// A config that passes both validations.
Config ValidConfig() {
  Config c;
  c.replicas = {{"r1", "127.0.0.1", 7001},
                {"r2", "127.0.0.1", 7002},
                {"r3", "127.0.0.1", 7003}};
  c.proxy_id = 1;
  c.replica_id = "r2";
  return c;
}

Result<std::vector<std::string>> Parse(const std::vector<const char*>& argv) {
  return ParseOverrideArgs(static_cast<int>(argv.size()), argv.data());
}

// ---- Directives and defaults ----

TEST_F(ConfigTest, EmptyFileGivesDefaults) {
  Result<Config> c = Load("");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->replicas.empty());
  EXPECT_EQ(c->replication_factor, 3);
  EXPECT_EQ(c->read_quorum, 2);
  EXPECT_EQ(c->write_quorum, 2);
  EXPECT_EQ(c->tokens_per_replica, 128);
  EXPECT_EQ(c->bind, "127.0.0.1");
  EXPECT_EQ(c->port, 6379);
  EXPECT_EQ(c->proxy_id, -1);
  EXPECT_EQ(c->request_timeout_ms, 1000);
  EXPECT_EQ(c->maxclients, 10000);
  EXPECT_EQ(c->client_query_buffer_limit, 1LL << 30);
  EXPECT_EQ(c->proto_max_bulk_len, 512LL << 20);
  EXPECT_EQ(c->client_output_buffer_limit, 256LL << 20);
  EXPECT_EQ(c->replica_id, "");
  EXPECT_EQ(c->dir, ".");
  EXPECT_EQ(c->appendfsync, AppendFsync::kAlways);
  EXPECT_EQ(c->logfile, "");
  EXPECT_EQ(c->anti_entropy_rate, 2000);
  EXPECT_EQ(c->anti_entropy_max_rate, 50000);
}

TEST_F(ConfigTest, EveryDirective) {
  Result<Config> c = Load(
      "replica r1 10.0.0.1:7001\n"
      "replica r2 host-2.example:7002\n"
      "replication-factor 2\n"
      "read-quorum 1\n"
      "write-quorum 2\n"
      "tokens-per-replica 64\n"
      "bind 0.0.0.0\n"
      "port 7000\n"
      "proxy-id 65535\n"
      "request-timeout-ms 250\n"
      "maxclients 50\n"
      "client-query-buffer-limit 2mb\n"
      "proto-max-bulk-len 1kb\n"
      "client-output-buffer-limit normal 64mb 32mb 60\n"
      "replica-id r2\n"
      "dir /var/lib/leaderless\n"
      "appendfsync everysec\n"
      "anti-entropy-max-rate 9000\n"
      "logfile /tmp/ll.log\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->replicas.size(), 2u);
  EXPECT_EQ(c->replicas[0].id, "r1");
  EXPECT_EQ(c->replicas[0].host, "10.0.0.1");
  EXPECT_EQ(c->replicas[0].port, 7001);
  EXPECT_EQ(c->replicas[1].host, "host-2.example");
  EXPECT_EQ(c->replication_factor, 2);
  EXPECT_EQ(c->read_quorum, 1);
  EXPECT_EQ(c->write_quorum, 2);
  EXPECT_EQ(c->tokens_per_replica, 64);
  EXPECT_EQ(c->bind, "0.0.0.0");
  EXPECT_EQ(c->port, 7000);
  EXPECT_EQ(c->proxy_id, 65535);
  EXPECT_EQ(c->request_timeout_ms, 250);
  EXPECT_EQ(c->maxclients, 50);
  EXPECT_EQ(c->client_query_buffer_limit, 2 * 1024 * 1024);
  EXPECT_EQ(c->proto_max_bulk_len, 1024);
  EXPECT_EQ(c->client_output_buffer_limit, 64 * 1024 * 1024);
  EXPECT_EQ(c->replica_id, "r2");
  EXPECT_EQ(c->dir, "/var/lib/leaderless");
  EXPECT_EQ(c->appendfsync, AppendFsync::kEverySec);
  EXPECT_EQ(c->logfile, "/tmp/ll.log");
  EXPECT_EQ(c->anti_entropy_max_rate, 9000);
}

TEST_F(ConfigTest, DirectiveNamesAreCaseInsensitive) {
  Result<Config> c = Load("PORT 7000\nReplication-Factor 1\nRePlIcA r1 h:1\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, 7000);
  EXPECT_EQ(c->replication_factor, 1);
  EXPECT_EQ(c->replicas.size(), 1u);
}

TEST_F(ConfigTest, CommentsBlankLinesAndWhitespace) {
  Result<Config> c = Load(
      "# a comment\n"
      "\n"
      "   \t\n"
      "   # an indented comment\n"
      "  port    7001  \r\n"
      "\tmaxclients\t7\r\n"
      "bind 10.1.1.1");  // no final newline
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, 7001);
  EXPECT_EQ(c->maxclients, 7);
  EXPECT_EQ(c->bind, "10.1.1.1");
}

TEST_F(ConfigTest, LineOfVerticalTabsAndFormFeedsIsBlank) {
  // Found by the config fuzzer: trimming keeps '\v' and '\f', splitting
  // drops them, and the empty word list was read as a directive.
  Result<Config> c = Load("\f\nport 7002\n \v\f \n\v");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, 7002);
}

TEST_F(ConfigTest, HashInsideALineIsNotAComment) {
  // As in Redis: only a line starting with '#' is a comment.
  EXPECT_EQ(LoadError("port 7000 # trailing\n"),
            At(1, "'port': expected <port>"));
}

TEST_F(ConfigTest, LaterLinesOverrideEarlierOnes) {
  Result<Config> c = Load("port 7000\nbind a\nport 7001\nbind b\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, 7001);
  EXPECT_EQ(c->bind, "b");
}

TEST_F(ConfigTest, ReplicaLinesAccumulateInOrder) {
  Result<Config> c = Load(
      "replica b h1:1\nport 1\nreplica a h2:2\n"
      "replica c.d_e-F h3:65535\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->replicas.size(), 3u);
  EXPECT_EQ(c->replicas[0].id, "b");
  EXPECT_EQ(c->replicas[1].id, "a");
  EXPECT_EQ(c->replicas[2].id, "c.d_e-F");
  EXPECT_EQ(c->replicas[2].port, 65535);
}

TEST_F(ConfigTest, ReplicaWithIpv6Host) {
  Result<Config> c = Load("replica r1 [::1]:7001\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replicas[0].host, "::1");
  EXPECT_EQ(c->replicas[0].port, 7001);
}

TEST_F(ConfigTest, ReplicaErrors) {
  struct Case {
    std::string line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"replica r1", "'replica': expected <id> <host>:<port>"},
      {"replica r1 h:1 extra", "'replica': expected <id> <host>:<port>"},
      {"replica r1 host", "'replica': expected <id> <host>:<port>, got"},
      {"replica r1 :7001", "'replica': expected <id> <host>:<port>, got"},
      {"replica r1 h:0", "'replica': port 0 is out of range (1..65535)"},
      {"replica r1 h:65536", "'replica': port 65536 is out of range"},
      {"replica r1 h:x", "'replica': port \"x\" is not an integer"},
      {"replica r1 h:", "'replica': port \"\" is not an integer"},
      {"replica r1 ::1:7001", "'replica': write an IPv6 host in brackets"},
      {"replica \"r 1\" h:1", "'replica': id \"r 1\" may only use"},
      {"replica r/1 h:1", "'replica': id \"r/1\" may only use"},
      {"replica \"\" h:1", "'replica': id \"\" may only use"},
  };
  for (const Case& c : cases) {
    ExpectErrorStartsWith("\n" + c.line + "\n", At(2, c.message));
  }
}

TEST_F(ConfigTest, RepeatedReplicaIdIsAnError) {
  EXPECT_EQ(LoadError("replica r1 h:1\nreplica r2 h:2\nreplica r1 h:3\n"),
            At(3, "'replica': id r1 is listed twice"));
}

// ---- Numbers ----

TEST_F(ConfigTest, IntegerBoundsAccepted) {
  Result<Config> c = Load(
      "tokens-per-replica 4096\nport 0\nproxy-id 0\n"
      "request-timeout-ms 3600000\nmaxclients 1\nreplication-factor 1\n"
      "read-quorum 2147483647\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->tokens_per_replica, 4096);
  EXPECT_EQ(c->port, 0);
  EXPECT_EQ(c->proxy_id, 0);
  EXPECT_EQ(c->request_timeout_ms, 3600000);
  EXPECT_EQ(c->maxclients, 1);
  EXPECT_EQ(c->read_quorum, 2147483647);
}

TEST_F(ConfigTest, IntegerErrors) {
  struct Case {
    std::string line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"write-quorum two", "'write-quorum': \"two\" is not an integer"},
      {"write-quorum 0", "'write-quorum': 0 is out of range (at least 1)"},
      {"read-quorum -1", "'read-quorum': -1 is out of range (at least 1)"},
      {"replication-factor 0", "'replication-factor': 0 is out of range"},
      {"replication-factor 2147483648",
       "'replication-factor': 2147483648 is out of range"},
      {"tokens-per-replica 0", "'tokens-per-replica': 0 is out of range"},
      {"tokens-per-replica 4097",
       "'tokens-per-replica': 4097 is out of range (1..4096)"},
      {"port 65536", "'port': 65536 is out of range (0..65535)"},
      {"port -1", "'port': -1 is out of range (0..65535)"},
      {"port 7000x", "'port': \"7000x\" is not an integer"},
      {"port +7000", "'port': \"+7000\" is not an integer"},
      {"port 0x10", "'port': \"0x10\" is not an integer"},
      {"port \"\"", "'port': \"\" is not an integer"},
      {"port \" 1\"", "'port': \" 1\" is not an integer"},
      {"port 99999999999999999999", "'port': 99999999999999999999 is out of"},
      {"proxy-id 65536", "'proxy-id': 65536 is out of range (0..65535)"},
      {"proxy-id -1", "'proxy-id': -1 is out of range (0..65535)"},
      {"request-timeout-ms 0", "'request-timeout-ms': 0 is out of range"},
      {"request-timeout-ms 3600001",
       "'request-timeout-ms': 3600001 is out of range (1..3600000)"},
      {"maxclients 0", "'maxclients': 0 is out of range (at least 1)"},
      {"maxclients 1.5", "'maxclients': \"1.5\" is not an integer"},
  };
  for (const Case& c : cases) {
    ExpectErrorStartsWith("port 1\n" + c.line + "\n", At(2, c.message));
  }
}

TEST_F(ConfigTest, MemorySizes) {
  struct Case {
    std::string text;
    int64_t bytes;
  };
  const std::vector<Case> cases = {
      {"1", 1},
      {"100", 100},
      {"100b", 100},
      {"1k", 1000},
      {"1kb", 1024},
      {"1K", 1000},
      {"1KB", 1024},
      {"3m", 3000000},
      {"3mb", 3 * 1024 * 1024},
      {"2g", 2000000000},
      {"2gb", 2LL << 30},
      {"2Gb", 2LL << 30},
      {"8000000000gb", 8000000000LL << 30},
  };
  for (const Case& c : cases) {
    Result<Config> config = Load("proto-max-bulk-len " + c.text + "\n" +
                                 "client-query-buffer-limit " + c.text + "\n");
    ASSERT_TRUE(config.ok()) << c.text << ": " << config.status().message();
    EXPECT_EQ(config->proto_max_bulk_len, c.bytes) << c.text;
    EXPECT_EQ(config->client_query_buffer_limit, c.bytes) << c.text;
  }
}

TEST_F(ConfigTest, RecordIndexMaxMemory) {
  Result<Config> defaults = Load("port 1\n");
  ASSERT_TRUE(defaults.ok()) << defaults.status().message();
  EXPECT_EQ(defaults->record_index_max_memory, 1LL << 30);
  for (const auto& [text, bytes] : std::vector<std::pair<std::string, int64_t>>{
           {"0", 0}, {"64mb", 64LL << 20}}) {
    Result<Config> c = Load("record-index-max-memory " + text + "\n");
    ASSERT_TRUE(c.ok()) << text << ": " << c.status().message();
    EXPECT_EQ(c->record_index_max_memory, bytes) << text;
  }
  ExpectErrorStartsWith("record-index-max-memory lots\n",
                        At(1,
                           "'record-index-max-memory': \"lots\" is not a "
                           "memory size"));
}

TEST_F(ConfigTest, MemorySizeErrors) {
  struct Case {
    std::string line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"proto-max-bulk-len 1.5mb",
       "'proto-max-bulk-len': \"1.5mb\" is not a memory size"},
      {"proto-max-bulk-len mb",
       "'proto-max-bulk-len': \"mb\" is not a memory size"},
      {"proto-max-bulk-len -1",
       "'proto-max-bulk-len': \"-1\" is not a memory size"},
      {"proto-max-bulk-len 12xb",
       "'proto-max-bulk-len': \"12xb\" is not a memory size"},
      {"proto-max-bulk-len 1 mb", "'proto-max-bulk-len': expected <bytes>"},
      {"proto-max-bulk-len 0",
       "'proto-max-bulk-len': 0 is out of range (at least 1)"},
      {"client-query-buffer-limit 0kb",
       "'client-query-buffer-limit': 0kb is out of range (at least 1)"},
      {"client-query-buffer-limit 9000000000gb",
       "'client-query-buffer-limit': 9000000000gb is too large"},
      {"client-query-buffer-limit 99999999999999999999",
       "'client-query-buffer-limit': 99999999999999999999 is too large"},
  };
  for (const Case& c : cases) {
    ExpectErrorStartsWith("\n" + c.line + "\n", At(2, c.message));
  }
}

TEST_F(ConfigTest, MemorySizeErrorShowsAnExample) {
  EXPECT_EQ(LoadError("proto-max-bulk-len 1.5mb\n"),
            At(1,
               "'proto-max-bulk-len': \"1.5mb\" is not a memory size "
               "(like 512mb or 1gb)"));
}

TEST_F(ConfigTest, ClientOutputBufferLimitStoresOnlyNormalHardLimit) {
  Result<Config> c = Load(
      "client-output-buffer-limit normal 10mb 5mb 30\n"
      "client-output-buffer-limit replica 256mb 64mb 60\n"
      "client-output-buffer-limit slave 1gb 1gb 0\n"
      "client-output-buffer-limit PubSub 32mb 8mb 60\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->client_output_buffer_limit, 10 * 1024 * 1024);

  c = Load("client-output-buffer-limit NORMAL 0 0 0\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->client_output_buffer_limit, 0);  // unlimited
}

TEST_F(ConfigTest, ClientOutputBufferLimitErrors) {
  const std::string d = "'client-output-buffer-limit': ";
  struct Case {
    std::string line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"client-output-buffer-limit normal 1mb 1mb",
       d + "expected <class> <hard> <soft> <seconds>"},
      {"client-output-buffer-limit normal 0 0 0 replica 0 0 0",
       d + "expected <class> <hard> <soft> <seconds>"},
      {"client-output-buffer-limit master 0 0 0",
       d + "unknown class \"master\" (normal, replica, slave or pubsub)"},
      {"client-output-buffer-limit normal lots 0 0",
       d + "hard limit \"lots\" is not a memory size"},
      {"client-output-buffer-limit normal 0 -5 0",
       d + "soft limit \"-5\" is not a memory size"},
      {"client-output-buffer-limit normal 0 0 -1",
       d + "seconds -1 is out of range (at least 0)"},
      {"client-output-buffer-limit normal 0 0 1m",
       d + "seconds \"1m\" is not an integer"},
  };
  for (const Case& c : cases) {
    ExpectErrorStartsWith("\n" + c.line + "\n", At(2, c.message));
  }
}

TEST_F(ConfigTest, ReplicaOutputBufferLimit) {
  Result<Config> c = Load("");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replica_output_buffer_limit, 16 * 1024 * 1024);
  EXPECT_EQ(c->replica_output_stall_seconds, 10);

  c = Load("replica-output-buffer-limit 4mb 1\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replica_output_buffer_limit, 4 * 1024 * 1024);
  EXPECT_EQ(c->replica_output_stall_seconds, 1);

  c = Load("replica-output-buffer-limit 0 0\n");  // no limit
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replica_output_buffer_limit, 0);
  EXPECT_EQ(c->replica_output_stall_seconds, 0);

  const std::string d = "'replica-output-buffer-limit': ";
  EXPECT_EQ(LoadError("replica-output-buffer-limit 4mb\n"),
            At(1, d + "expected <bytes> <seconds>"));
  ExpectErrorStartsWith("replica-output-buffer-limit lots 1\n",
                        At(1, d + "\"lots\" is not a memory size"));
  EXPECT_EQ(LoadError("replica-output-buffer-limit 4mb -1\n"),
            At(1, d + "seconds -1 is out of range (at least 0)"));
  EXPECT_EQ(LoadError("replica-output-buffer-limit 4mb 1m\n"),
            At(1, d + "seconds \"1m\" is not an integer"));
}

// ---- Strings and choices ----

TEST_F(ConfigTest, AppendFsyncValues) {
  const std::vector<std::pair<std::string, AppendFsync>> cases = {
      {"always", AppendFsync::kAlways},
      {"everysec", AppendFsync::kEverySec},
      {"no", AppendFsync::kNo},
      {"EverySec", AppendFsync::kEverySec},
  };
  for (const auto& [text, value] : cases) {
    Result<Config> c = Load("appendfsync everysec\nappendfsync " + text);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->appendfsync, value) << text;
  }
  EXPECT_EQ(LoadError("appendfsync sometimes\n"),
            At(1,
               "'appendfsync': \"sometimes\" is not one of "
               "always|everysec|no"));
  EXPECT_EQ(LoadError("appendfsync\n"),
            At(1, "'appendfsync': expected always|everysec|no"));
}

TEST_F(ConfigTest, StringDirectivesArity) {
  EXPECT_EQ(LoadError("bind 127.0.0.1 ::1\n"),
            At(1, "'bind': expected <address>"));
  EXPECT_EQ(LoadError("logfile\n"), At(1, "'logfile': expected <path>"));
  EXPECT_EQ(LoadError("dir a b\n"), At(1, "'dir': expected <path>"));
  EXPECT_EQ(LoadError("dir \"\"\n"), At(1, "'dir': the path is empty"));
  EXPECT_EQ(LoadError("replica-id\n"), At(1, "'replica-id': expected <id>"));
}

TEST_F(ConfigTest, EmptyLogfileMeansStderr) {
  Result<Config> c = Load("logfile /x.log\nlogfile \"\"\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->logfile, "");
}

// As in redis.conf, an empty password means none, and a password may hold
// any bytes the quoting can express.
TEST_F(ConfigTest, Requirepass) {
  Result<Config> c = Load("");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->requirepass, "");
  c = Load("requirepass \"s3cret pass\\x00\"\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->requirepass, std::string("s3cret pass\0", 12));
  c = Load("requirepass x\n", {"requirepass \"\""});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->requirepass, "");
  EXPECT_EQ(LoadError("requirepass\n"),
            At(1, "'requirepass': expected <password>"));
}

// The internal links' secret is read like requirepass, typically from an
// included file of its own; it must fit in the one AUTH an unauthenticated
// connection may send (a 16384-byte bulk).
TEST_F(ConfigTest, ReplicaPassword) {
  Result<Config> c = Load("requirepass p\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replica_password, "");
  Write("secret.conf", "replica-password \"in ternal\\x00\"\n");
  fs::permissions(Path("secret.conf"), fs::perms::owner_read);
  c = Load("include secret.conf\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replica_password, std::string("in ternal\0", 10));
  EXPECT_EQ(c->requirepass, "");
  c = Load("include secret.conf\n", {"replica-password \"\""});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replica_password, "");
  c = Load("replica-password " + std::string(16384, 'x') + "\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replica_password.size(), 16384u);
  EXPECT_EQ(LoadError("replica-password " + std::string(16385, 'x') + "\n"),
            At(1,
               "'replica-password': the secret is longer than 16384 "
               "bytes"));
  EXPECT_EQ(LoadError("replica-password\n"),
            At(1, "'replica-password': expected <secret>"));
}

// The names read back as the values they name.
TEST_F(ConfigTest, ValueNamesRoundTrip) {
  for (AppendFsync mode :
       {AppendFsync::kAlways, AppendFsync::kEverySec, AppendFsync::kNo}) {
    Result<Config> c =
        Load("appendfsync " + std::string(AppendFsyncName(mode)) + "\n");
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->appendfsync, mode);
  }
  for (ReadRepair mode :
       {ReadRepair::kBlocking, ReadRepair::kAsync, ReadRepair::kOff}) {
    Result<Config> c =
        Load("read-repair " + std::string(ReadRepairName(mode)) + "\n");
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_EQ(c->read_repair, mode);
  }
}

TEST_F(ConfigTest, CarriedOverRedisDirectivesAreIgnored) {
  Result<Config> c =
      Load("daemonize no\nloglevel notice\nloglevel WARNING\ndatabases 16\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, Config().port);
}

TEST_F(ConfigTest, ProtectedMode) {
  EXPECT_TRUE(Config().protected_mode);  // Redis's default
  Result<Config> c = Load("protected-mode no\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_FALSE(c->protected_mode);
  c = Load("protected-mode no\n", {"protected-mode YES"});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->protected_mode);
  EXPECT_EQ(LoadError("protected-mode maybe\n"),
            At(1, "'protected-mode': \"maybe\" is not one of yes|no"));
  EXPECT_EQ(LoadError("protected-mode\n"),
            At(1, "'protected-mode': expected yes|no"));
}

TEST_F(ConfigTest, CarriedOverRedisDirectivesAreChecked) {
  EXPECT_EQ(LoadError("daemonize yes\n"),
            At(1, "'daemonize': \"yes\" is not one of no"));
  EXPECT_EQ(LoadError("loglevel loud\n"),
            At(1,
               "'loglevel': \"loud\" is not one of "
               "debug|verbose|notice|warning|nothing"));
  EXPECT_EQ(LoadError("databases 0\n"),
            At(1, "'databases': 0 is out of range (at least 1)"));
  EXPECT_EQ(LoadError("databases\n"), At(1, "'databases': expected <n>"));
}

TEST_F(ConfigTest, UnknownDirective) {
  EXPECT_EQ(LoadError("port 1\n\nportt 7000\n"),
            At(3, "unknown directive 'portt'"));
  EXPECT_EQ(LoadError("save 900 1\n"), At(1, "unknown directive 'save'"));
  EXPECT_EQ(LoadError("\"\" x\n"), At(1, "unknown directive ''"));
}

TEST_F(ConfigTest, ErrorsAreInvalidArgument) {
  Result<Config> c = Load("port x\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
}

// ---- Quoting ----

TEST_F(ConfigTest, DoubleQuotesAndEscapes) {
  Result<Config> c = Load(
      "logfile \"a b\"\n"
      "dir \"\\x41\\x7a\\n\\r\\t\\\"\\\\\\q\\xZZ\"\n"
      "bind a\"b c\"\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->logfile, "a b");
  EXPECT_EQ(c->dir, "Az\n\r\t\"\\qxZZ");
  EXPECT_EQ(c->bind, "ab c");
}

TEST_F(ConfigTest, SingleQuotes) {
  Result<Config> c = Load(
      "logfile 'a \"b\" \\n c'\n"
      "dir 'it\\'s'\n"
      "replica-id ''\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->logfile, "a \"b\" \\n c");
  EXPECT_EQ(c->dir, "it's");
  EXPECT_EQ(c->replica_id, "");
}

TEST_F(ConfigTest, QuotedDirectiveName) {
  Result<Config> c = Load("\"port\" '7000'\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, 7000);
}

TEST_F(ConfigTest, QuotingErrors) {
  EXPECT_EQ(LoadError("port 1\nlogfile \"abc\n"),
            At(2, "unterminated double quote"));
  EXPECT_EQ(LoadError("logfile \"abc\\\"\n"),
            At(1, "unterminated double quote"));
  EXPECT_EQ(LoadError("logfile 'abc\n"), At(1, "unterminated single quote"));
  EXPECT_EQ(LoadError("logfile \"a\"b\n"),
            At(1, "a closing quote must be followed by a space"));
  EXPECT_EQ(LoadError("logfile 'a'b\n"),
            At(1, "a closing quote must be followed by a space"));
}

// ---- Files and includes ----

TEST_F(ConfigTest, MissingFile) {
  Result<Config> c = LoadConfig(Path("x.conf"), {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "cannot read config file '" + Path("x.conf") +
                                      "': No such file or directory");
  EXPECT_EQ(c.status().code(), Status::Code::kIOError);
}

TEST_F(ConfigTest, DirectoryIsNotAConfigFile) {
  fs::create_directories(dir_ / "sub");
  Result<Config> c = LoadConfig(Path("sub"), {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "cannot read config file '" + Path("sub") + "': Is a directory");
}

TEST_F(ConfigTest, IncludeIsRelativeToTheIncludingFile) {
  Write("conf/common.conf", "replica r1 h:1\nport 7000\nmaxclients 5\n");
  const std::string main =
      Write("conf/main.conf", "port 6000\ninclude common.conf\nmaxclients 9\n");
  Result<Config> c = LoadConfig(main, {});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replicas.size(), 1u);
  EXPECT_EQ(c->port, 7000);     // the include comes later than `port 6000`
  EXPECT_EQ(c->maxclients, 9);  // and earlier than `maxclients 9`
}

TEST_F(ConfigTest, NestedIncludesResolveFromEachFile) {
  Write("a/b/c.conf", "replica r3 h:3\n");
  Write("a/b/b.conf", "replica r2 h:2\ninclude c.conf\n");
  Write("a/x/shared.conf", "port 7777\n");
  const std::string main = Write(
      "a/main.conf",
      "replica r1 h:1\nINCLUDE b/b.conf\ninclude \"x/../x/shared.conf\"\n");
  Result<Config> c = LoadConfig(main, {});
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->replicas.size(), 3u);
  EXPECT_EQ(c->replicas[2].id, "r3");
  EXPECT_EQ(c->port, 7777);
}

TEST_F(ConfigTest, IncludeAbsolutePath) {
  const std::string common = Write("elsewhere/common.conf", "port 7100\n");
  Result<Config> c =
      LoadConfig(Write("conf/main.conf", "include " + common), {});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, 7100);
}

TEST_F(ConfigTest, SameFileIncludedTwiceIsNotACycle) {
  Write("common.conf", "replica-id r1\n");
  Result<Config> c = Load("include common.conf\ninclude common.conf\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->replica_id, "r1");
}

TEST_F(ConfigTest, IncludeCycleIsAnError) {
  Write("b.conf", "port 1\ninclude a.conf\n");
  const std::string a = Write("a.conf", "include b.conf\n");
  Result<Config> c = LoadConfig(a, {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), Path("b.conf") +
                                      ":2: 'include': include cycle: '" +
                                      Path("a.conf") + "' is already open");
}

TEST_F(ConfigTest, SelfIncludeIsACycle) {
  const std::string message = LoadError("include ./cluster.conf\n");
  EXPECT_EQ(message.find(At(1, "'include': include cycle")), 0u) << message;
}

TEST_F(ConfigTest, DeepIncludeChainIsAnError) {
  for (int i = 0; i < 20; ++i) {
    Write("f" + std::to_string(i) + ".conf",
          "include f" + std::to_string(i + 1) + ".conf\n");
  }
  Write("f20.conf", "port 1\n");
  Result<Config> c = LoadConfig(Path("f0.conf"), {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(
      c.status().message(),
      Path("f15.conf") + ":1: 'include': includes nested deeper than 16 files");
}

TEST_F(ConfigTest, MissingIncludeNamesTheIncludingLine) {
  Write("conf/main.conf", "port 1\ninclude nope.conf\n");
  Result<Config> c = LoadConfig(Path("conf/main.conf"), {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            Path("conf/main.conf") +
                ":2: 'include': cannot read config file '" +
                Path("conf/nope.conf") + "': No such file or directory");
}

TEST_F(ConfigTest, ErrorInIncludedFileNamesThatFile) {
  Write("common.conf", "port 1\n\nwrite-quorum two\n");
  Result<Config> c = Load("include common.conf\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(
      c.status().message(),
      Path("common.conf") + ":3: 'write-quorum': \"two\" is not an integer");
}

TEST_F(ConfigTest, IncludeArity) {
  EXPECT_EQ(LoadError("include\n"), At(1, "'include': expected <path>"));
  EXPECT_EQ(LoadError("include a b\n"), At(1, "'include': expected <path>"));
}

// Files held in a map; Key() is the path itself, so only one spelling of
// a file reaches it.
class MapFiles : public ConfigFiles {
 public:
  explicit MapFiles(std::map<std::string, std::string> files)
      : files_(std::move(files)) {}
  Result<std::string> Read(const std::string& path) const override {
    ++reads_;
    auto it = files_.find(path);
    if (it == files_.end()) return Status::IOError("no " + path);
    return it->second;
  }
  std::string Key(const std::string& path) const override { return path; }
  int reads() const { return reads_; }

 private:
  std::map<std::string, std::string> files_;
  mutable int reads_ = 0;
};

TEST(ConfigFilesTest, EveryFileComesFromTheGivenFiles) {
  const MapFiles files({{"/m/main.conf", "include sub/a.conf\nport 7\n"},
                        {"/m/sub/a.conf", "include /m/b.conf\n"},
                        {"/m/b.conf", "bind 10.0.0.1\n"}});
  Result<Config> c = LoadConfig("/m/main.conf", {"include /m/b.conf"}, files);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, 7);
  EXPECT_EQ(c->bind, "10.0.0.1");
  EXPECT_EQ(files.reads(), 4);
  EXPECT_EQ(LoadConfig("/m/none.conf", {}, files).status().message(),
            "no /m/none.conf");
}

TEST(ConfigFilesTest, IncludeCyclesAreFoundByKey) {
  const MapFiles files({{"/m/a.conf", "include b.conf\n"},
                        {"/m/b.conf", "include /m/a.conf\n"}});
  EXPECT_EQ(LoadConfig("/m/a.conf", {}, files).status().message(),
            "/m/b.conf:1: 'include': include cycle: '/m/a.conf' is already "
            "open");
}

// ---- Overrides ----

TEST_F(ConfigTest, OverridesWinOverTheFileInOrder) {
  Result<Config> c = Load("port 7000\nbind 1.1.1.1\nreplica-id r1\n",
                          {"port 7001", "port 7002", "BIND 2.2.2.2"});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, 7002);
  EXPECT_EQ(c->bind, "2.2.2.2");
  EXPECT_EQ(c->replica_id, "r1");
}

TEST_F(ConfigTest, ReplicaOverrideAddsALine) {
  Result<Config> c =
      Load("replica r1 h:1\nreplica r2 h:2\n", {"replica r4 127.0.0.1:7004"});
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->replicas.size(), 3u);
  EXPECT_EQ(c->replicas[2].id, "r4");
  EXPECT_EQ(c->replicas[2].port, 7004);
  EXPECT_EQ(LoadError("replica r1 h:1\n", {"replica r1 h:9"}),
            "command line: 'replica': id r1 is listed twice");
}

TEST_F(ConfigTest, OverrideErrorsNameTheCommandLine) {
  EXPECT_EQ(LoadError("", {"port x"}),
            "command line: 'port': \"x\" is not an integer");
  EXPECT_EQ(LoadError("", {"portt 1"}),
            "command line: unknown directive 'portt'");
  EXPECT_EQ(LoadError("", {"port"}), "command line: 'port': expected <port>");
  EXPECT_EQ(LoadError("", {"logfile \"x"}),
            "command line: unterminated double quote");
}

TEST_F(ConfigTest, OverrideIncludeIsRelativeToTheCwd) {
  const std::string common = Write("common.conf", "port 7300\n");
  Result<Config> c = Load("", {"include " + common});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->port, 7300);
  EXPECT_EQ(LoadError("", {"include no-such-dir-xyz/none.conf"}),
            "command line: 'include': cannot read config file "
            "'no-such-dir-xyz/none.conf': No such file or directory");
}

TEST(ParseOverrideArgsTest, TurnsFlagsIntoLines) {
  Result<std::vector<std::string>> lines =
      Parse({"--port", "7000", "--replica", "r4", "127.0.0.1:7004"});
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  EXPECT_EQ(*lines, (std::vector<std::string>{"port 7000",
                                              "replica r4 127.0.0.1:7004"}));
}

TEST(ParseOverrideArgsTest, EmptyAndBareFlags) {
  Result<std::vector<std::string>> lines = Parse({});
  ASSERT_TRUE(lines.ok());
  EXPECT_TRUE(lines->empty());
  lines = ParseOverrideArgs(0, nullptr);
  ASSERT_TRUE(lines.ok());
  EXPECT_TRUE(lines->empty());
  lines = Parse({"--daemonize", "--port", "-1"});
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(*lines, (std::vector<std::string>{"daemonize", "port -1"}));
}

TEST(ParseOverrideArgsTest, QuotesWordsThatNeedIt) {
  Result<std::vector<std::string>> lines =
      Parse({"--logfile", "my log.txt", "--dir", "", "--bind", "a\"b'c\\d"});
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(*lines,
            (std::vector<std::string>{"logfile \"my log.txt\"", "dir \"\"",
                                      "bind \"a\\\"b'c\\\\d\""}));
}

TEST(ParseOverrideArgsTest, WordBeforeAnyFlagIsAnError) {
  Result<std::vector<std::string>> lines = Parse({"7000", "--port", "1"});
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().message(),
            "command line: \"7000\" comes before any --directive "
            "(e.g. --port 7000)");
  lines = Parse({"--", "port"});
  ASSERT_FALSE(lines.ok());
  EXPECT_EQ(lines.status().message(),
            "command line: '--' must be followed by a name");
}

// Any argument, however odd, reaches the Config as exactly the same bytes.
TEST_F(ConfigTest, OverrideArgumentsRoundTrip) {
  const std::vector<std::string> values = {
      "plain",
      "with space",
      "  lead and trail  ",
      "",
      "tab\there",
      "new\nline",
      "cr\rx",
      "quote\"d",
      "single'q",
      "back\\slash",
      "#hash",
      "\\x41",
      "caf\xc3\xa9",
      std::string("nul\0byte", 8),
      "\x01\x7f\xff",
      "a\"b c\"",
  };
  for (const std::string& value : values) {
    const std::vector<const char*> argv = {"--logfile", value.c_str()};
    Result<std::vector<std::string>> lines = Parse(argv);
    ASSERT_TRUE(lines.ok()) << value;
    Result<Config> c = Load("", *lines);
    ASSERT_TRUE(c.ok()) << value << ": " << c.status().message();
    // argv strings end at a NUL, as they would from the shell.
    EXPECT_EQ(c->logfile, std::string(value.c_str())) << (*lines)[0];
  }
}

TEST_F(ConfigTest, OverrideNameStartingWithHashIsNotAComment) {
  Result<std::vector<std::string>> lines = Parse({"--#port", "1"});
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(LoadError("", *lines), "command line: unknown directive '#port'");
}

// ---- Validation ----

TEST(ValidateTest, ValidConfigPassesBoth) {
  const Config c = ValidConfig();
  Status s = ValidateForProxy(c);
  EXPECT_TRUE(s.ok()) << s.message();
  s = ValidateForReplica(c);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(ValidateTest, ClusterRules) {
  struct Case {
    void (*mutate)(Config&);
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](Config& c) { c.replicas.clear(); }, "'replica' is missing"},
      {[](Config& c) { c.replicas[2].id = "r1"; },
       "'replica' r1 is listed twice"},
      {[](Config& c) { c.replication_factor = 0; },
       "'replication-factor' 0 must be at least 1"},
      {[](Config& c) { c.read_quorum = 0; },
       "'read-quorum' 0 must be at least 1"},
      {[](Config& c) { c.write_quorum = -2; },
       "'write-quorum' -2 must be at least 1"},
      {[](Config& c) { c.read_quorum = 4; },
       "'read-quorum' 4 is larger than 'replication-factor' 3"},
      {[](Config& c) { c.write_quorum = 4; },
       "'write-quorum' 4 is larger than 'replication-factor' 3"},
      {[](Config& c) { c.replicas.pop_back(); },
       "'replication-factor' 3 is larger than the number of replicas (2)"},
      {[](Config& c) { c.tokens_per_replica = 0; },
       "'tokens-per-replica' 0 is out of range (1..4096)"},
      {[](Config& c) { c.tokens_per_replica = 4097; },
       "'tokens-per-replica' 4097 is out of range (1..4096)"},
  };
  for (const Case& k : cases) {
    Config c = ValidConfig();
    k.mutate(c);
    Status proxy = ValidateForProxy(c);
    Status replica = ValidateForReplica(c);
    EXPECT_FALSE(proxy.ok()) << k.message;
    EXPECT_EQ(proxy.message().find(k.message), 0u) << proxy.message();
    EXPECT_EQ(replica.message(), proxy.message());
    EXPECT_EQ(proxy.code(), Status::Code::kInvalidArgument);
  }
}

TEST(ValidateTest, QuorumsMayEqualTheReplicationFactor) {
  Config c = ValidConfig();
  c.read_quorum = 3;
  c.write_quorum = 3;
  EXPECT_TRUE(ValidateForProxy(c).ok());
  c.replication_factor = 1;
  c.read_quorum = 1;
  c.write_quorum = 1;
  EXPECT_TRUE(ValidateForReplica(c).ok());
}

TEST(ValidateTest, ProxyNeedsAProxyId) {
  Config c = ValidConfig();
  c.proxy_id = -1;
  EXPECT_EQ(ValidateForProxy(c).message(), "'proxy-id' is missing");
  EXPECT_TRUE(ValidateForReplica(c).ok());  // a replica does not need one
  c.proxy_id = 65536;
  EXPECT_EQ(ValidateForProxy(c).message(),
            "'proxy-id' 65536 is out of range (0..65535)");
  c.proxy_id = 0;
  EXPECT_TRUE(ValidateForProxy(c).ok());
}

TEST(ValidateTest, ReplicaNeedsAReplicaIdThatNamesALine) {
  Config c = ValidConfig();
  c.replica_id = "";
  EXPECT_EQ(ValidateForReplica(c).message(), "'replica-id' is missing");
  EXPECT_TRUE(ValidateForProxy(c).ok());  // a proxy does not need one
  c.replica_id = "r9";
  EXPECT_EQ(ValidateForReplica(c).message(),
            "'replica-id' r9 does not name a 'replica' line");
}

TEST_F(ConfigTest, LoadedFileValidates) {
  Write("cluster-desc.conf",
        "replica r1 127.0.0.1:7001\nreplica r2 127.0.0.1:7002\n"
        "replica r3 127.0.0.1:7003\nreplication-factor 3\n"
        "read-quorum 2\nwrite-quorum 2\n");
  Result<Config> c =
      Load("include cluster-desc.conf\nproxy-id 1\n", {"replica-id r3"});
  ASSERT_TRUE(c.ok()) << c.status().message();
  Status s = ValidateForProxy(*c);
  EXPECT_TRUE(s.ok()) << s.message();
  s = ValidateForReplica(*c);
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST(FindReplicaTest, FindsByExactId) {
  const Config c = ValidConfig();
  ASSERT_NE(FindReplica(c, "r2"), nullptr);
  EXPECT_EQ(FindReplica(c, "r2")->port, 7002);
  EXPECT_EQ(FindReplica(c, "R2"), nullptr);
  EXPECT_EQ(FindReplica(c, "r"), nullptr);
  EXPECT_EQ(FindReplica(Config(), "r1"), nullptr);
}

TEST(ReplicaIdsTest, ListsIdsInFileOrder) {
  const Config c = ValidConfig();
  std::vector<std::string> ids = ReplicaIds(c);
  ASSERT_EQ(ids.size(), c.replicas.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], c.replicas[i].id);
  EXPECT_TRUE(ReplicaIds(Config()).empty());
}

}  // namespace
}  // namespace leaderless::cluster
