// A leaderless-proxy started beside a Cluster, with settings of its own
// (a password, another bind address, protected mode off...). The cluster's
// own readiness checks send PING and INFO without AUTH, so a
// password-protected proxy cannot be one of its proxies: this one is started
// from the cluster's proxy0.conf with overrides, and polled with AUTH when it
// has a password.

#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"

namespace leaderless::test {

class SideProxy {
 public:
  // Starts a proxy for the started `cluster` (its files and replicas) on a
  // free port and a proxy-id of its own, with `overrides` ("--directive",
  // "value"...), and waits until it sees every replica up, logging in with
  // `password` first if it is not empty.
  ::testing::AssertionResult Start(const Cluster& cluster,
                                   const std::vector<std::string>& overrides,
                                   const std::string& password = "");
  int port() const { return port_; }
  pid_t pid() const { return process_->pid(); }

 private:
  std::unique_ptr<Process> process_;
  int port_ = 0;
};

// A SideProxy with `requirepass`.
class PasswordProxy : public SideProxy {
 public:
  ::testing::AssertionResult Start(const Cluster& cluster,
                                   const std::string& password) {
    return SideProxy::Start(cluster, {"--requirepass", password}, password);
  }
};

// The password of the PasswordProxy of these tests.
inline constexpr char kPassword[] = "s3cret";

// A suite whose tests share one cluster and one PasswordProxy over it
// (password kPassword): tests that only talk to proxies.
class PasswordClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = std::make_unique<Cluster>();
    locked_ = std::make_unique<PasswordProxy>();
    started_ = cluster_->Start();
    if (started_) started_ = locked_->Start(*cluster_, kPassword);
  }
  static void TearDownTestSuite() {
    locked_.reset();
    cluster_.reset();
  }

  void SetUp() override { ASSERT_TRUE(started_); }

  static inline std::unique_ptr<Cluster> cluster_;
  static inline std::unique_ptr<PasswordProxy> locked_;
  static inline ::testing::AssertionResult started_ =
      ::testing::AssertionFailure();
};

// `argv` as a client sends it: a RESP multibulk.
std::string EncodeCommand(const std::vector<std::string>& argv);

}  // namespace leaderless::test
