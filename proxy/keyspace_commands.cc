// Keyspace commands: expiry, existence and type of keys.

#include "proxy/proxy_server.h"

namespace leaderless::proxy {

void AddKeyspaceCommands(resp::CommandTable<CommandFn>&) {}

}  // namespace leaderless::proxy
