// Commands about the server: answered by the proxy, some with the cluster's
// view (INFO's # Cluster section).

#include "proxy/proxy_server.h"

namespace leaderless::proxy {

void AddServerCommands(resp::CommandTable<CommandFn>&) {}

}  // namespace leaderless::proxy
