#pragma once

#include <string_view>
#include <vector>

#include "proxy/client_state.h"
#include "proxy/command_set.h"

namespace leaderless::proxy {

class ProxyServer;

// Answers `error` for a request refused before it ran (unknown command,
// arity, NOAUTH). Inside MULTI the refusal also dooms the transaction, as
// in Redis: EXEC will answer EXECABORT; a refused EXEC itself discards the
// transaction and answers EXECABORT with the reason.
void RefuseCommand(net::Session& session, ClientState& client, Argv argv,
                   std::string_view error);

// The transaction layer, for a request of a client inside MULTI or while
// its EXEC runs (ClientState::InTransaction()). A client's requests run in
// order, as in Redis: while its EXEC runs, the requests it pipelined after
// EXEC are held (with their places in the reply order) and run once the
// EXEC has answered, so that they see what the transaction did to the
// connection (HELLO, CLIENT SETNAME, AUTH) as well as to the keys. Inside
// MULTI the request is resolved and admitted (ProxyServer::Admit()), then
// copied into the client's queue and answered +QUEUED, except the commands
// Redis runs inside it (MULTI EXEC DISCARD WATCH UNWATCH QUIT RESET).
//
// The copies (queued commands, held requests) count against the client's
// query buffer limit, as Redis counts a MULTI queue in a client's memory:
// a client past it is closed without a reply, as Redis closes a client
// past client-query-buffer-limit (or evicts one past maxmemory-clients),
// and its transaction is dropped.
void TransactionRequest(ProxyServer& proxy, net::Session& session,
                        ClientState& client, Argv argv);

// EXEC: takes the turns of every key of `multi`'s commands, runs them one
// after the other, each once the one before has replied, and answers one
// array of their replies. Other commands of this proxy on those keys wait
// until the last command is done. The queue's bytes count against the
// client's query buffer limit until then.
void RunTransaction(ProxyServer& proxy, net::Session& session,
                    MultiState multi);

// Ends the client's MULTI without running it (DISCARD, RESET, a refused or
// doomed EXEC), giving its queue's bytes back to the query buffer limit.
void DiscardMulti(net::Session& session, ClientState& client);

}  // namespace leaderless::proxy
