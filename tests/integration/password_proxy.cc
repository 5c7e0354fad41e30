#include "tests/integration/password_proxy.h"

namespace leaderless::test {
namespace {

constexpr int kStartAttempts = 3;
// Side proxies take ids above the cluster's own (1, 2...), each its own:
// replicas refuse a second live proxy with an id in use.
constexpr int kFirstSideProxyId = 9000;

// Whether the proxy on `port` serves (after AUTH `password`, unless empty)
// and sees `replicas` up.
bool ServesReplicas(int port, const std::string& password, int replicas) {
  auto client = RedisClient::Connect(port, Millis(2000));
  if (!client) return false;
  if (!password.empty() &&
      client->Command({"AUTH", password}) != Reply::Status("OK")) {
    return false;
  }
  const Reply info = client->Command({"INFO", "cluster"});
  return info.str.find("replicas_up:" + std::to_string(replicas) + "\r\n") !=
         std::string::npos;
}

}  // namespace

::testing::AssertionResult SideProxy::Start(
    const Cluster& cluster, const std::vector<std::string>& overrides,
    const std::string& password) {
  static int next_id = kFirstSideProxyId;
  const int id = next_id++;
  const std::string log =
      cluster.dir() + "/side-proxy" + std::to_string(id) + ".log";
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    port_ = PickFreePort();
    std::vector<std::string> argv = {LEADERLESS_PROXY_BIN,
                                     cluster.dir() + "/proxy0.conf",
                                     "--port",
                                     std::to_string(port_),
                                     "--proxy-id",
                                     std::to_string(id)};
    argv.insert(argv.end(), overrides.begin(), overrides.end());
    process_ = Process::Start(argv, log);
    if (!process_) continue;
    bool serves = false;
    WaitUntil([&] {
      serves = ServesReplicas(port_, password, cluster.options().replicas);
      return serves || !process_->Running();
    });
    if (serves) return ::testing::AssertionSuccess();
    // Exited (its port may have been taken meanwhile): try another port.
    if (process_->Running()) break;
  }
  return ::testing::AssertionFailure()
         << "the side proxy did not start; see " << log << ":\n"
         << ReadLogTail(log);
}

std::string EncodeCommand(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& arg : argv) {
    out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  }
  return out;
}

}  // namespace leaderless::test
