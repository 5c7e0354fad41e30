#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/net/link_budget.h"
#include "protocol/net/loop.h"

struct redisAsyncContext;  // hiredis, used only in peer_link.cc
struct uv_timer_s;         // libuv's, allocated in the .cc

namespace leaderless::net {

// A reply from a peer, copied out of hiredis (whose replies live only
// during their callback).
struct PeerReply {
  enum class Type { kStatus, kError, kInteger, kBulk, kNil, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;  // status, error or bulk text
  std::vector<PeerReply> elements;
};

// The text of each element of an array reply ("" for elements that are not
// strings), for the parsers of cluster/replica_protocol.h. Views into
// `array`.
inline std::vector<std::string_view> ElementStrings(const PeerReply& array) {
  std::vector<std::string_view> out;
  out.reserve(array.elements.size());
  for (const PeerReply& e : array.elements) out.push_back(e.str);
  return out;
}

struct PeerLinkOptions {
  // Requests accepted and not yet answered (sent, or waiting to be); Send()
  // refuses past this, so a slow peer cannot make our memory grow without
  // bound.
  size_t max_in_flight = 16384;
  // Bytes sent and not yet answered, both ways: each request's own bytes
  // plus the largest reply it may bring back (Send()'s `reply_bytes`).
  // Requests beyond this wait on the link until replies make room, their
  // flows taking turns (link_budget.h); one larger than the whole budget
  // goes alone. So neither the peer nor the link ever holds more than this
  // (or one such request) for us, as far as callers size the replies.
  size_t max_in_flight_bytes = 32 << 20;
  // Bytes of requests waiting for room; Send() refuses past this.
  size_t max_waiting_bytes = 64 << 20;
  uint64_t min_reconnect_ms = 50;    // first retry after a failure
  uint64_t max_reconnect_ms = 1000;  // backoff doubles up to this
  // A new connection counts as up only once the peer answers a PING within
  // this time: a hung peer whose kernel still accepts connections is not up.
  uint64_t probe_timeout_ms = 1000;
  // The peer hangs when this many request timeouts, each in a different
  // probe_timeout_ms window and with no reply at all in the window before
  // it, pass in a row: the connection is dropped and probed again. A busy
  // peer that still answers something is never dropped for being slow, and
  // a burst of timeouts expiring together counts once.
  int max_consecutive_timeouts = 3;
  // RESP-formatted commands sent first on every new connection, in this
  // order and before the probe (e.g. AUTH, then an introduction). An error
  // reply to any of them refuses the connection: the link does not come up,
  // the listener's OnPeerRefused gets the first error's text, and the link
  // tries again later, with backoff.
  std::vector<std::string> hello;
};

// A pipelined hiredis connection to one peer (a replica), reconnecting by
// itself with backoff. It is up only after the peer answered a probe
// (PING) on the new connection, and goes down on disconnect or when the
// caller reports repeated timeouts. Requests sent go out in the order their
// flows allow (Send) and replies come back in that order; callers match
// them by the op id they gave.
//
// Heap-allocated (owns a uv timer); Close() it, and it frees itself once
// its handles are closed. Loop thread only.
class PeerLink {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // Exactly once per accepted Send(): the reply, or nullptr when the
    // connection failed before the reply came.
    // The reply may be moved from.
    virtual void OnPeerReply(uint64_t op_id, int peer, PeerReply* reply) = 0;
    // The connection came up (true) or went down (false).
    virtual void OnPeerState(int peer, bool connected) = 0;
    // The peer answered a hello command (PeerLinkOptions::hello) of a new
    // connection with `error`: the connection is dropped without coming up.
    // Once per refused connection.
    virtual void OnPeerRefused(int /*peer*/, std::string_view /*error*/) {}
    // Asked when a request that waited for room could go: false drops it
    // unsent (OnPeerReply then gets nullptr), e.g. when nobody waits for
    // its reply any more.
    virtual bool StillWanted(uint64_t /*op_id*/) { return true; }
  };

  // Starts connecting at once. `peer` is the caller's index for this peer.
  static PeerLink* Create(Loop& loop, int peer, std::string host, int port,
                          Listener* listener, PeerLinkOptions options = {});

  PeerLink(const PeerLink&) = delete;
  PeerLink& operator=(const PeerLink&) = delete;

  // Sends a RESP-formatted command whose reply is at most `reply_bytes`
  // long, now or, when the link's byte budget is spent, once replies make
  // room (see PeerLinkOptions), after the requests of `flow` sent before
  // it. False, and no callback ever, when the link is not connected or
  // Accepts() says no.
  bool Send(std::string_view command, uint64_t op_id, size_t reply_bytes,
            uint64_t flow = 0);

  // Whether Send() of a command of `bytes` would be accepted now: the link
  // is connected, and has fewer than max_in_flight requests outstanding
  // and room for `bytes` among those waiting. A "no" from a connected (so:
  // full) link counts in refused().
  bool Accepts(size_t bytes);

  // The caller gave up waiting for a reply to its request `op_id` here.
  // Enough of these in a row (no reply between) drop the connection; one
  // for a request still waiting for room in the budget (never sent) says
  // nothing of the peer and does not count.
  void NoteTimeout(uint64_t op_id);

  bool connected() const { return connected_; }
  // Requests sent and not yet answered.
  size_t in_flight() const { return in_flight_; }
  // Requests accepted that wait for budget room.
  size_t waiting() const { return budget_.waiting(); }
  // Sends refused because the link was full (not because it was down).
  uint64_t refused() const { return refused_; }
  int peer() const { return peer_; }
  const std::string& address() const { return address_; }

  // Disconnects (outstanding requests get their nullptr reply) and frees the
  // link once its handles are closed. Idempotent.
  void Close();

 private:
  PeerLink(Loop& loop, int peer, std::string host, int port, Listener* listener,
           PeerLinkOptions options);
  ~PeerLink();
  void Connect();
  void Drop();
  void Lost();
  void ScheduleReconnect();
  void OnProbeReply(bool answered);
  void OnHelloRefused(std::string_view error);
  // Hands `command` to hiredis; false if it refused it.
  bool SendNow(std::string_view command, uint64_t op_id, size_t cost);
  // Sends the waiting requests that fit, dropping those no longer wanted.
  void SendWaiting();
  // The link went down: every waiting request gets its nullptr reply.
  void FailWaiting();

  static void OnConnect(const redisAsyncContext* ac, int status) noexcept;
  static void OnDisconnect(const redisAsyncContext* ac, int status) noexcept;
  static void OnReply(redisAsyncContext* ac, void* reply,
                      void* privdata) noexcept;

  uv_loop_s* loop_;
  int peer_;
  std::string host_;
  int port_;
  std::string address_;
  Listener* listener_;
  PeerLinkOptions options_;
  std::unique_ptr<uv_timer_s> timer_;
  redisAsyncContext* ac_ = nullptr;  // owned by hiredis once attached
  bool connected_ = false;
  bool closing_ = false;
  bool hello_refused_ = false;  // on the current connection
  size_t in_flight_ = 0;
  LinkBudget budget_;
  bool sending_waiting_ = false;  // inside SendWaiting()
  uint64_t refused_ = 0;
  uint64_t backoff_ms_ = 0;
  int consecutive_timeouts_ = 0;
  uint64_t last_reply_ms_ = 0;    // loop time of the last reply (or connect)
  uint64_t last_timeout_ms_ = 0;  // loop time of the last counted timeout
};

}  // namespace leaderless::net
