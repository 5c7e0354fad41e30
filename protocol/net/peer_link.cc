// The only file that talks to hiredis. Life of a link:
//
//   Connect() ─ redisAsyncConnect, timer armed ─▶ OnConnect ─▶ PING probe
//       ▲                                                        │ answer
//       │                                                        ▼
//   reconnect timer ◀─ ScheduleReconnect ◀─ Lost() ◀─ Drop()   connected_
//                                              ▲          ▲      │
//                         OnDisconnect / failed connect   │      │
//                 timer fires before the probe answers ───┘      │
//                 repeated request timeouts (NoteTimeout) ───────┘
//
// hiredis frees a context itself after a failed connect or a disconnect, so
// ac_ is forgotten there and a fresh context is made on the next attempt.
// Debian's hiredis 0.14 libuv adapter ignores poll errors, so a refused
// connect may never call back: the probe timer covers that too.
// Every accepted Send() carries a heap ticket as privdata; hiredis calls its
// callback exactly once (with nullptr on disconnect), which frees it.

#include "protocol/net/peer_link.h"

#include <hiredis/adapters/libuv.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <memory>

namespace leaderless::net {
namespace {

struct Ticket {
  PeerLink* link;
  uint64_t op_id;
  bool probe;
};

PeerReply CopyReply(const redisReply* r) {
  PeerReply out;
  switch (r->type) {
    case REDIS_REPLY_STATUS:
      out.type = PeerReply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      out.type = PeerReply::Type::kError;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = PeerReply::Type::kInteger;
      out.integer = r->integer;
      return out;
    case REDIS_REPLY_STRING:
      out.type = PeerReply::Type::kBulk;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = PeerReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        out.elements.push_back(CopyReply(r->element[i]));
      }
      return out;
    default:
      out.type = PeerReply::Type::kNil;
      return out;
  }
  out.str.assign(r->str, r->len);
  return out;
}

}  // namespace

PeerLink::PeerLink(uv_loop_t* loop, int peer, std::string host, int port,
                   Listener* listener, PeerLinkOptions options)
    : loop_(loop),
      peer_(peer),
      host_(std::move(host)),
      port_(port),
      address_(host_ + ":" + std::to_string(port)),
      listener_(listener),
      options_(options) {
  uv_timer_init(loop, &timer_);
  timer_.data = this;
}

PeerLink* PeerLink::Create(uv_loop_t* loop, int peer, std::string host,
                           int port, Listener* listener,
                           PeerLinkOptions options) {
  auto* link =
      new PeerLink(loop, peer, std::move(host), port, listener, options);
  link->Connect();
  return link;
}

void PeerLink::Connect() {
  redisAsyncContext* ac = redisAsyncConnect(host_.c_str(), port_);
  if (ac == nullptr || ac->err || redisLibuvAttach(ac, loop_) != REDIS_OK) {
    if (ac) redisAsyncFree(ac);
    ScheduleReconnect();
    return;
  }
  ac->data = this;
  ac_ = ac;
  redisAsyncSetConnectCallback(ac, &PeerLink::OnConnect);
  redisAsyncSetDisconnectCallback(ac, &PeerLink::OnDisconnect);
  // Bounds the connect and the probe together.
  uv_timer_start(
      &timer_, [](uv_timer_t* t) { static_cast<PeerLink*>(t->data)->Drop(); },
      options_.probe_timeout_ms, 0);
}

void PeerLink::OnConnect(const redisAsyncContext* ac, int status) noexcept {
  auto* link = static_cast<PeerLink*>(ac->data);
  if (ac != link->ac_) return;
  if (status != REDIS_OK) {
    link->ac_ = nullptr;  // hiredis frees it after this callback
    link->Lost();
    return;
  }
  auto ticket = std::make_unique<Ticket>(Ticket{link, 0, true});
  static const char kPing[] = "*1\r\n$4\r\nPING\r\n";
  if (redisAsyncFormattedCommand(link->ac_, &PeerLink::OnReply, ticket.get(),
                                 kPing, sizeof(kPing) - 1) == REDIS_OK) {
    ticket.release();  // owned by hiredis until OnReply
  }
}

void PeerLink::OnProbeReply(bool answered) {
  if (!answered || connected_ || ac_ == nullptr) return;
  uv_timer_stop(&timer_);
  connected_ = true;
  backoff_ms_ = 0;
  consecutive_timeouts_ = 0;
  listener_->OnPeerState(peer_, true);
}

void PeerLink::OnDisconnect(const redisAsyncContext* ac, int) noexcept {
  auto* link = static_cast<PeerLink*>(ac->data);
  if (ac != link->ac_) return;
  link->ac_ = nullptr;  // hiredis frees it after this callback
  link->Lost();
}

void PeerLink::Drop() {
  if (ac_ != nullptr) {
    // Free runs every outstanding callback with nullptr now; forgetting ac_
    // first makes OnDisconnect a no-op.
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    redisAsyncFree(ac);
  }
  Lost();
}

void PeerLink::NoteTimeout() {
  if (connected_ && ++consecutive_timeouts_ >= options_.max_consecutive_timeouts) {
    Drop();
  }
}

void PeerLink::Lost() {
  bool was_connected = connected_;
  connected_ = false;
  if (was_connected) listener_->OnPeerState(peer_, false);
  if (closing_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_),
             [](uv_handle_t* h) { delete static_cast<PeerLink*>(h->data); });
    return;
  }
  ScheduleReconnect();
}

void PeerLink::ScheduleReconnect() {
  backoff_ms_ = backoff_ms_ == 0
                    ? options_.min_reconnect_ms
                    : std::min(backoff_ms_ * 2, options_.max_reconnect_ms);
  uv_timer_start(
      &timer_,
      [](uv_timer_t* t) { static_cast<PeerLink*>(t->data)->Connect(); },
      backoff_ms_, 0);
}

bool PeerLink::Send(std::string_view command, uint64_t op_id) {
  if (!connected_ || in_flight_ >= options_.max_in_flight) return false;
  auto ticket = std::make_unique<Ticket>(Ticket{this, op_id, false});
  if (redisAsyncFormattedCommand(ac_, &PeerLink::OnReply, ticket.get(),
                                 command.data(), command.size()) != REDIS_OK) {
    return false;  // the callback will never run: the ticket dies here
  }
  ticket.release();  // now owned by hiredis until OnReply
  ++in_flight_;
  return true;
}

void PeerLink::OnReply(redisAsyncContext*, void* reply,
                       void* privdata) noexcept {
  std::unique_ptr<Ticket> ticket(static_cast<Ticket*>(privdata));
  PeerLink* link = ticket->link;
  if (ticket->probe) {
    link->OnProbeReply(reply != nullptr);
    return;
  }
  --link->in_flight_;
  if (reply == nullptr) {
    link->listener_->OnPeerReply(ticket->op_id, link->peer_, nullptr);
    return;
  }
  link->consecutive_timeouts_ = 0;
  PeerReply copy = CopyReply(static_cast<const redisReply*>(reply));
  link->listener_->OnPeerReply(ticket->op_id, link->peer_, &copy);
}

void PeerLink::Close() {
  if (closing_) return;
  closing_ = true;
  uv_timer_stop(&timer_);
  Drop();
}

}  // namespace leaderless::net
