#include "tests/integration/password_proxy.h"

namespace leaderless::test {
namespace {

constexpr int kStartAttempts = 3;

// Whether the proxy on `port` takes `password` and sees `replicas` up.
bool ServesWithPassword(int port, const std::string& password, int replicas) {
  auto client = RedisClient::Connect(port, Millis(2000));
  if (!client || client->Command({"AUTH", password}) != Reply::Status("OK")) {
    return false;
  }
  const Reply info = client->Command({"INFO", "cluster"});
  return info.str.find("replicas_up:" + std::to_string(replicas) + "\r\n") !=
         std::string::npos;
}

}  // namespace

::testing::AssertionResult PasswordProxy::Start(const Cluster& cluster,
                                                const std::string& password) {
  const std::string log = cluster.dir() + "/password-proxy.log";
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    port_ = PickFreePort();
    process_ =
        Process::Start({LEADERLESS_PROXY_BIN, cluster.dir() + "/proxy0.conf",
                        "--port", std::to_string(port_), "--proxy-id", "9000",
                        "--requirepass", password},
                       log);
    if (!process_) continue;
    bool serves = false;
    WaitUntil([&] {
      serves = ServesWithPassword(port_, password, cluster.options().replicas);
      return serves || !process_->Running();
    });
    if (serves) return ::testing::AssertionSuccess();
    // Exited (its port may have been taken meanwhile): try another port.
    if (process_->Running()) break;
  }
  return ::testing::AssertionFailure()
         << "the password-protected proxy did not start; see " << log;
}

std::string EncodeCommand(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& arg : argv) {
    out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  }
  return out;
}

}  // namespace leaderless::test
