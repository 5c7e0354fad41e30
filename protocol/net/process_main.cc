#include "protocol/net/process_main.h"

#include <cstdio>

#include "protocol/net/log.h"
#include "protocol/net/signals.h"

namespace leaderless::net {
namespace {

int Fail(const ProcessSpec& spec, const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", spec.name.c_str(), message.c_str());
  return 1;
}

// The configuration from the command line: FILE, then overrides.
cluster::Result<cluster::Config> LoadFromArgs(int argc, char** argv,
                                              const ProcessSpec& spec) {
  if (argc < 2) {
    return cluster::Status::InvalidArgument("usage: " + spec.name +
                                            " FILE [--directive value ...]");
  }
  auto overrides = cluster::ParseOverrideArgs(argc - 2, argv + 2);
  if (!overrides.ok()) return overrides.status();
  auto config = cluster::LoadConfig(argv[1], overrides.value());
  if (!config.ok()) return config.status();
  cluster::Status valid = spec.validate(config.value());
  if (!valid.ok()) return valid;
  return config;
}

// Runs `service` until SIGINT, SIGTERM or its Fatal() stops it and the
// loop runs out.
int Serve(const ProcessSpec& spec, Loop& loop, Service& service) {
  StopSignals* signals = nullptr;
  bool stopping = false;
  auto stop = [&] {
    if (stopping) return;
    stopping = true;
    service.Stop();
    if (signals) signals->Close();
  };
  std::string fatal;
  service.set_fatal([&](const std::string& message) {
    if (stopping) return;
    fatal = message;
    Log("%s", message.c_str());
    stop();
  });
  cluster::Status started = service.Start();
  if (!started.ok()) {
    stop();
    loop.RunUntilClosed();
    return Fail(spec, started.message());
  }
  if (stopping) {  // Fatal() during Start()
    loop.RunUntilClosed();
    return Fail(spec, fatal);
  }
  signals = StopSignals::Create(loop, [&] {
    Log("shutting down");
    stop();
  });
  loop.RunUntilClosed();
  return fatal.empty() ? 0 : Fail(spec, fatal);
}

}  // namespace

int ProcessMain(int argc, char** argv, const ProcessSpec& spec) {
  auto config = LoadFromArgs(argc, argv, spec);
  if (!config.ok()) return Fail(spec, config.status().message());
  SetLogRole(spec.log_role);
  if (!OpenLog(config->logfile))
    return Fail(spec, "cannot open logfile " + config->logfile);
  auto loop = Loop::Create();
  if (!loop.ok()) return Fail(spec, loop.status().message());
  auto service = spec.make(config.value(), *loop.value());
  if (!service.ok()) return Fail(spec, service.status().message());
  return Serve(spec, *loop.value(), *service.value());
}

}  // namespace leaderless::net
