#include "proxy/key_command.h"

namespace leaderless::proxy {

// One ProxyServer runs per process, on one loop.
KeyLocks& ProxyKeyLocks() {
  static KeyLocks locks;
  return locks;
}

// Coordinator::Close() (the proxy is stopping) drops the callbacks of the
// ops in flight, releasing their keys: the commands waiting behind them must
// not start ops on the closed coordinator, which then has no replica links.
bool ProxyStopping(ProxyServer& proxy) {
  return proxy.coordinator().Replicas().empty();
}

OwnedArgv::OwnedArgv(Argv argv) : strings_(argv.begin(), argv.end()) {
  views_.assign(strings_.begin(), strings_.end());
}

void RunKeyCommand(ProxyServer& proxy, net::Session& session, Argv argv,
                   KeyRange keys, KeyCommandFn fn) {
  LaterReply reply = proxy.Later(session);
  // Inside EXEC the transaction already holds every key of its commands
  // (transaction.cc): waiting for a turn would wait for itself.
  if (const ExecStep* step = proxy.Client(session).exec; step && step->keys) {
    KeyCall call{proxy, reply, argv, step->keys};
    fn(call);
    return;
  }
  if (auto leases =
          ProxyKeyLocks().TryAcquire(KeysOf<std::string_view>(argv, keys))) {
    KeyCall call{proxy, reply, argv,
                 std::make_shared<KeyLocks::Leases>(std::move(*leases))};
    fn(call);
    return;
  }
  auto owned = std::make_shared<OwnedArgv>(argv);
  ProxyKeyLocks().Acquire(
      KeysOf<std::string>(argv, keys),
      [&proxy, reply, owned, fn](KeyLocks::Leases leases) {
        if (ProxyStopping(proxy)) return;
        KeyCall call{proxy, reply, owned->view(),
                     std::make_shared<KeyLocks::Leases>(std::move(leases))};
        fn(call);
      });
}

}  // namespace leaderless::proxy
