#pragma once

#include <functional>
#include <memory>
#include <string>

#include "protocol/cluster/config.h"
#include "protocol/cluster/status.h"
#include "protocol/net/loop.h"

namespace leaderless::net {

// What a process runs on its loop: the proxy's or the replica's server.
class Service {
 public:
  virtual ~Service() = default;
  // Starts serving. On an error the process stops it and exits.
  virtual cluster::Status Start() = 0;
  // Closes what Start() opened, so the loop can run out. Called once, on
  // SIGINT or SIGTERM or after a failed Start() or Fatal().
  virtual void Stop() = 0;

  // Ends the process, from the loop once it runs: logs `message`, stops
  // the service as a stop signal does, and exits with code 1 and the
  // message on stderr. Later calls are ignored.
  using FatalFn = std::function<void(const std::string& message)>;
  void set_fatal(FatalFn fatal) { fatal_ = std::move(fatal); }
  void Fatal(const std::string& message) {
    if (fatal_) fatal_(message);
  }

 private:
  FatalFn fatal_;
};

// What differs between the processes' start-up.
struct ProcessSpec {
  std::string name;  // "leaderless-proxy": in usage and error messages
  char log_role;     // 'P' or 'R', see SetLogRole()
  // Checks the loaded configuration for this role.
  cluster::Status (*validate)(const cluster::Config& config);
  // Builds the service on `loop`. `config` outlives it. An error ends the
  // process before the loop runs.
  std::function<cluster::Result<std::unique_ptr<Service>>(
      const cluster::Config& config, Loop& loop)>
      make;
};

// The whole of main() for `leaderless-<role> FILE [--directive value ...]`:
// loads and checks the configuration, sets up the log, starts the service,
// runs the loop until a stop signal has closed everything, and closes it.
// Returns the process's exit code (errors are on stderr).
int ProcessMain(int argc, char** argv, const ProcessSpec& spec);

}  // namespace leaderless::net
