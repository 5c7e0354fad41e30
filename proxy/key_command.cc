#include "proxy/key_command.h"

namespace leaderless::proxy {
namespace {

// The proxy's key turns. One ProxyServer runs per process, on one loop.
KeyLocks& Locks() {
  static KeyLocks locks;
  return locks;
}

// Coordinator::Close() (the proxy is stopping) drops the callbacks of the
// ops in flight, releasing their keys: the commands waiting behind them must
// not start ops on the closed coordinator, which then has no replica links.
bool Stopping(ProxyServer& proxy) {
  return proxy.coordinator().Replicas().empty();
}

template <typename Key>
std::vector<Key> KeysOf(Argv argv, KeyRange range) {
  int last =
      range.last < 0 ? static_cast<int>(argv.size()) + range.last : range.last;
  std::vector<Key> keys;
  for (int i = range.first; i <= last; i += range.step) {
    keys.emplace_back(argv[i]);
  }
  return keys;
}

}  // namespace

OwnedArgv::OwnedArgv(Argv argv) : strings_(argv.begin(), argv.end()) {
  views_.assign(strings_.begin(), strings_.end());
}

void RunKeyCommand(ProxyServer& proxy, net::Session& session, Argv argv,
                   KeyRange keys, KeyCommandFn fn) {
  LaterReply reply = proxy.Later(session);
  if (auto leases = Locks().TryAcquire(KeysOf<std::string_view>(argv, keys))) {
    KeyCall call{proxy, reply, argv,
                 std::make_shared<KeyLocks::Leases>(std::move(*leases))};
    fn(call);
    return;
  }
  auto owned = std::make_shared<OwnedArgv>(argv);
  Locks().Acquire(KeysOf<std::string>(argv, keys),
                  [&proxy, reply, owned, fn](KeyLocks::Leases leases) {
                    if (Stopping(proxy)) return;
                    KeyCall call{
                        proxy, reply, owned->view(),
                        std::make_shared<KeyLocks::Leases>(std::move(leases))};
                    fn(call);
                  });
}

}  // namespace leaderless::proxy
