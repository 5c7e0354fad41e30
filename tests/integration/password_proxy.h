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

// `argv` as a client sends it: a RESP multibulk.
std::string EncodeCommand(const std::vector<std::string>& argv);

}  // namespace leaderless::test
