#include "proxy/key_command.h"

namespace leaderless::proxy {

OwnedArgv::OwnedArgv(Argv argv) : strings_(argv.begin(), argv.end()) {
  views_.assign(strings_.begin(), strings_.end());
}

void RunKeyCommand(KeyContext context, Argv argv, KeyRange keys,
                   KeyLocks::Mode mode, KeyCommandFn fn) {
  if (context.held) {
    KeyCall call{context.coordinator, context.reply, argv, context.held};
    return fn(call);
  }
  if (auto leases = context.locks.TryAcquire(
          KeysOf<std::string_view>(argv, keys), mode)) {
    KeyCall call{context.coordinator, context.reply, argv,
                 std::make_shared<KeyLocks::Leases>(std::move(*leases))};
    return fn(call);
  }
  auto owned = std::make_shared<OwnedArgv>(argv);
  context.locks.Acquire(
      KeysOf<std::string>(argv, keys),
      [context, owned, fn](KeyLocks::Leases leases) {
        if (context.stopping) return;
        // Granted from another command's callback: the ops are this one's.
        Coordinator::OwnerScope owner(context.coordinator,
                                      context.reply.session_id());
        KeyCall call{context.coordinator, context.reply, owned->view(),
                     std::make_shared<KeyLocks::Leases>(std::move(leases))};
        fn(call);
      },
      mode);
}

}  // namespace leaderless::proxy
