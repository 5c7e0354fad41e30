#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "protocol/net/server.h"

namespace leaderless::proxy {

// Where a reply goes that is not written to the connection directly: that
// of a command EXEC runs, or of a request held behind an EXEC
// (transaction.cc).
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  // The reply of the transaction's command number `index` (0 for a held
  // request).
  virtual void Fill(size_t index, std::string&& reply) = 0;
  // See LaterReply::Charge().
  virtual bool Charge(int64_t delta) = 0;
};

// A reply the command will write later, once its quorum ops are done. Holds
// no pointer to the session, which may close meanwhile.
class LaterReply {
 public:
  LaterReply(net::Server* server, net::Session& session)
      : server_(server),
        slot_(session.Defer()),
        protocol_(session.protocol()) {}
  // The reply of command `index` of a transaction EXEC runs for `session`.
  LaterReply(std::shared_ptr<ReplySink> sink, size_t index,
             const net::Session& session)
      : slot_{session.id(), 0},
        protocol_(session.protocol()),
        sink_(std::move(sink)),
        index_(index) {}

  int protocol() const { return protocol_; }
  // The id of the client's session.
  uint64_t session_id() const { return slot_.session_id; }
  // Sends `reply`, a complete RESP reply.
  void Send(std::string&& reply) const {
    if (sink_) return sink_->Fill(index_, std::move(reply));
    server_->Complete(slot_, std::move(reply));
  }
  void Error(std::string_view message) const;
  // Counts `delta` bytes gathered for this reply (negative: gives them
  // back) against the client's output buffer limit
  // (net::Server::ChargeReply). False once the client is gone or past its
  // limit: stop gathering, nobody will read the reply.
  bool Charge(int64_t delta) const {
    if (sink_) return sink_->Charge(delta);
    return server_->ChargeReply(slot_, delta);
  }

 private:
  net::Server* server_ = nullptr;
  net::ReplySlot slot_;  // inside EXEC: the session's id only
  int protocol_;
  std::shared_ptr<ReplySink> sink_;  // set inside EXEC
  size_t index_ = 0;
};

}  // namespace leaderless::proxy
