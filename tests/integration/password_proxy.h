// A leaderless-proxy with `requirepass`, started beside a Cluster. The
// cluster's own readiness checks send PING and INFO without AUTH, so a
// password-protected proxy cannot be one of its proxies: this one is started
// from the cluster's proxy0.conf with overrides, and polled with AUTH.

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/cluster_harness.h"

namespace leaderless::test {

class PasswordProxy {
 public:
  // Starts a proxy for the started `cluster` (its files and replicas) with
  // `password`, on a free port, and waits until it sees every replica up.
  ::testing::AssertionResult Start(const Cluster& cluster,
                                   const std::string& password);
  int port() const { return port_; }

 private:
  std::unique_ptr<Process> process_;
  int port_ = 0;
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
