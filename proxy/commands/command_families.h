#pragma once

#include "protocol/resp/command_table.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {

// Families registered by AddStringCommands and AddKeyspaceCommands
// (proxy_server.h), each in the file named after it.
void AddCounterCommands(CommandTable& table);
void AddRangeCommands(CommandTable& table);
void AddExpireCommands(CommandTable& table);

}  // namespace leaderless::proxy
