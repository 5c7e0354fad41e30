#pragma once

#include "proxy/command_set.h"

namespace leaderless::proxy {

// Command families, each in the file named after it (proxy/commands/),
// registered by ProxyServer.
void AddConnectionCommands(
    CommandSet& commands);                     // PING ECHO QUIT SELECT RESET
void AddAuthCommand(CommandSet& commands);     // AUTH
void AddHelloCommand(CommandSet& commands);    // HELLO
void AddClientCommand(CommandSet& commands);   // CLIENT
void AddCommandCommand(CommandSet& commands);  // COMMAND
void AddServerCommands(CommandSet& commands);  // TIME
void AddInfoCommand(CommandSet& commands);     // INFO
void AddConfigCommand(CommandSet& commands);   // CONFIG
// MULTI EXEC DISCARD WATCH UNWATCH
void AddTransactionCommands(CommandSet& commands);
// RENAME RENAMENX COPY
void AddRenameCommands(CommandTable& table);
void AddStringCommands(CommandTable& table);
void AddKeyspaceCommands(CommandTable& table);
void AddScanCommands(CommandTable& table);   // SCAN KEYS DBSIZE RANDOMKEY
void AddFlushCommands(CommandTable& table);  // FLUSHALL FLUSHDB

// Families registered by AddStringCommands and AddKeyspaceCommands.
void AddCounterCommands(CommandTable& table);
void AddRangeCommands(CommandTable& table);
void AddExpireCommands(CommandTable& table);

}  // namespace leaderless::proxy
