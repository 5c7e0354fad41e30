// The only file that talks to hiredis. Life of a link:
//
//   Connect() ─ redisAsyncConnect, timer armed ─▶ OnConnect ─▶ [hello] PING
//       ▲                                                        │ answer
//       │                                                        ▼
//   reconnect timer ◀─ ScheduleReconnect ◀─ Lost() ◀─ Drop()   connected_
//                                              ▲          ▲      │
//                         OnDisconnect / failed connect   │      │
//                 timer fires before the probe answers ───┘      │
//                 repeated request timeouts (NoteTimeout) ───────┘
//                 a hello refused (an error reply) ───────┘
//
// hiredis frees a context itself after a failed connect or a disconnect, so
// ac_ is forgotten there and a fresh context is made on the next attempt.
// hiredis is driven by our own event adapter (Poller below), not the libuv
// adapter Debian ships with hiredis 0.14: that one restarts its uv_poll on
// every queued command, which costs two epoll_ctl calls per request, and it
// ignores poll errors, so a refused connect never calls back. Ours writes
// queued commands once per loop iteration from a uv_prepare callback and
// watches for writability only when the socket buffer is full.
// Every request sent carries a heap ticket as privdata; hiredis calls its
// callback exactly once (with nullptr on disconnect), which frees it.
//
// The byte budget (link_budget.h): requests that do not fit wait in
// budget_ and go as replies come back; one nobody wants any more by then
// (Listener::StillWanted) is dropped unsent. On disconnect the waiting ones
// get their nullptr reply too.

#include "protocol/net/peer_link.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <uv.h>

#include <algorithm>
#include <memory>

namespace leaderless::net {
namespace {

struct Ticket {
  enum class Kind { kRequest, kProbe, kHello };
  PeerLink* link;
  uint64_t op_id;
  size_t cost;  // budget bytes (request and reply), 0 for the probe and hello
  Kind kind = Kind::kRequest;
};

// Sends one of the link's own commands (the hello, the probe). If hiredis
// does not take it, its callback never runs and the connect timer drops
// the connection.
void SendOwn(redisAsyncContext* ac, PeerLink* link, Ticket::Kind kind,
             std::string_view command, redisCallbackFn* callback) {
  auto ticket = std::make_unique<Ticket>(Ticket{link, 0, 0, kind});
  if (redisAsyncFormattedCommand(ac, callback, ticket.get(), command.data(),
                                 command.size()) == REDIS_OK) {
    ticket.release();  // owned by hiredis until the callback
  }
}

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

// The event adapter between one hiredis context and the loop. hiredis calls
// the hooks; Cleanup (when hiredis frees the context) closes both handles
// and the Poller frees itself after the second close callback.
struct Poller {
  uv_poll_t poll;
  uv_prepare_t flusher;
  redisAsyncContext* ac;  // nullptr once hiredis freed it
  int events = 0;         // what `poll` watches
  bool in_flush = false;
  int open_handles = 2;

  static Poller* Of(void* data) { return static_cast<Poller*>(data); }

  void Watch(int want) {
    if (want == events || ac == nullptr) return;
    events = want;
    if (events != 0) {
      uv_poll_start(&poll, events, &Poller::OnPoll);
    } else {
      uv_poll_stop(&poll);
    }
  }

  static void AddRead(void* d) { Of(d)->Watch(Of(d)->events | UV_READABLE); }
  static void DelRead(void* d) { Of(d)->Watch(Of(d)->events & ~UV_READABLE); }
  static void DelWrite(void* d) { Of(d)->Watch(Of(d)->events & ~UV_WRITABLE); }

  static void AddWrite(void* d) {
    Poller* p = Of(d);
    bool connected = (p->ac->c.flags & REDIS_CONNECTED) != 0;
    if (connected && !p->in_flush) {
      // Batch: everything queued this iteration goes out in one write.
      uv_prepare_start(&p->flusher, &Poller::OnFlush);
    } else {
      // Connecting (writability means connected), or the socket is full.
      p->Watch(p->events | UV_WRITABLE);
    }
  }

  static void OnFlush(uv_prepare_t* h) noexcept {
    Poller* p = static_cast<Poller*>(h->data);
    uv_prepare_stop(h);
    if (p->ac == nullptr) return;
    p->in_flush = true;
    redisAsyncHandleWrite(p->ac);
    p->in_flush = false;
  }

  static void OnPoll(uv_poll_t* h, int status, int events) noexcept {
    Poller* p = static_cast<Poller*>(h->data);
    if (p->ac == nullptr) return;
    if (status < 0) {
      // libuv stopped the watcher on a socket error. Let hiredis find the
      // error itself: a failing connect on write, a broken link on read.
      p->events = 0;
      if (p->ac->c.flags & REDIS_CONNECTED) {
        redisAsyncHandleRead(p->ac);
      } else {
        redisAsyncHandleWrite(p->ac);
      }
      return;
    }
    if (events & UV_READABLE) redisAsyncHandleRead(p->ac);
    if (p->ac != nullptr && (events & UV_WRITABLE)) {
      redisAsyncHandleWrite(p->ac);
    }
  }

  static void Cleanup(void* d) {
    Poller* p = Of(d);
    p->ac = nullptr;
    for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&p->poll),
                           reinterpret_cast<uv_handle_t*>(&p->flusher)}) {
      uv_close(h, [](uv_handle_t* handle) {
        Poller* self = static_cast<Poller*>(handle->data);
        if (--self->open_handles == 0) delete self;
      });
    }
  }

  // Hooks `ac` to `loop`. False if its socket cannot be watched.
  static bool Attach(redisAsyncContext* ac, uv_loop_t* loop) {
    auto* p = new Poller{};
    p->ac = ac;
    p->poll.data = p;
    p->flusher.data = p;
    if (uv_poll_init(loop, &p->poll, ac->c.fd) != 0) {
      delete p;
      return false;
    }
    uv_prepare_init(loop, &p->flusher);
    ac->ev.data = p;
    ac->ev.addRead = &Poller::AddRead;
    ac->ev.delRead = &Poller::DelRead;
    ac->ev.addWrite = &Poller::AddWrite;
    ac->ev.delWrite = &Poller::DelWrite;
    ac->ev.cleanup = &Poller::Cleanup;
    return true;
  }
};

}  // namespace

PeerLink::PeerLink(Loop& loop, int peer, std::string host, int port,
                   Listener* listener, PeerLinkOptions options)
    : loop_(loop.uv()),
      peer_(peer),
      host_(std::move(host)),
      port_(port),
      address_(host_ + ":" + std::to_string(port)),
      listener_(listener),
      options_(options),
      timer_(new uv_timer_t),
      budget_(options.max_in_flight_bytes) {
  uv_timer_init(loop_, timer_.get());
  timer_->data = this;
}

// Runs in the timer's close callback: libuv no longer holds it.
PeerLink::~PeerLink() = default;

PeerLink* PeerLink::Create(Loop& loop, int peer, std::string host, int port,
                           Listener* listener, PeerLinkOptions options) {
  auto* link =
      new PeerLink(loop, peer, std::move(host), port, listener, options);
  link->Connect();
  return link;
}

void PeerLink::Connect() {
  redisAsyncContext* ac = redisAsyncConnect(host_.c_str(), port_);
  if (ac == nullptr || ac->err || !Poller::Attach(ac, loop_)) {
    if (ac) redisAsyncFree(ac);
    ScheduleReconnect();
    return;
  }
  ac->data = this;
  ac_ = ac;
  // hiredis frees its reply buffer whenever it runs empty with more than
  // 16 KiB spare, and grows it again from nothing on the next read: under
  // load, a large allocation per socket read. A link keeps up to this much.
  constexpr size_t kReaderKeepBytes = 256 * 1024;
  ac->c.reader->maxbuf = kReaderKeepBytes;
  redisAsyncSetConnectCallback(ac, &PeerLink::OnConnect);
  redisAsyncSetDisconnectCallback(ac, &PeerLink::OnDisconnect);
  // Bounds the connect and the probe together.
  uv_timer_start(
      timer_.get(),
      [](uv_timer_t* t) { static_cast<PeerLink*>(t->data)->Drop(); },
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
  link->hello_refused_ = false;
  for (const std::string& hello : link->options_.hello) {
    SendOwn(link->ac_, link, Ticket::Kind::kHello, hello, &PeerLink::OnReply);
  }
  static constexpr std::string_view kPing = "*1\r\n$4\r\nPING\r\n";
  SendOwn(link->ac_, link, Ticket::Kind::kProbe, kPing, &PeerLink::OnReply);
}

void PeerLink::OnHelloRefused(std::string_view error) {
  // A refused AUTH is followed by a NOAUTH for each later hello: the first
  // error is the reason.
  if (ac_ == nullptr || closing_ || hello_refused_) return;
  hello_refused_ = true;
  // Dropped from the timer, not from inside hiredis's reply callback.
  uv_timer_start(
      timer_.get(),
      [](uv_timer_t* t) { static_cast<PeerLink*>(t->data)->Drop(); }, 0, 0);
  listener_->OnPeerRefused(peer_, error);
}

void PeerLink::OnProbeReply(bool answered) {
  if (!answered || hello_refused_ || connected_ || ac_ == nullptr) return;
  last_reply_ms_ = uv_now(loop_);
  uv_timer_stop(timer_.get());
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

void PeerLink::NoteTimeout(uint64_t op_id) {
  if (!connected_ || budget_.Waits(op_id)) return;
  const uint64_t now = uv_now(loop_);
  const uint64_t window = options_.probe_timeout_ms;
  // A peer that answered anything in the last window is busy, not hung;
  // and timeouts expiring together (one large command's) count once.
  if (now - last_reply_ms_ < window) return;
  if (consecutive_timeouts_ > 0 && now - last_timeout_ms_ < window) return;
  last_timeout_ms_ = now;
  if (++consecutive_timeouts_ >= options_.max_consecutive_timeouts) Drop();
}

void PeerLink::Lost() {
  bool was_connected = connected_;
  connected_ = false;
  FailWaiting();
  if (was_connected) listener_->OnPeerState(peer_, false);
  if (closing_) {
    uv_close(reinterpret_cast<uv_handle_t*>(timer_.get()),
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
      timer_.get(),
      [](uv_timer_t* t) { static_cast<PeerLink*>(t->data)->Connect(); },
      backoff_ms_, 0);
}

bool PeerLink::Accepts(size_t bytes) {
  // ac_ is gone while a closing link runs its callbacks, which may send.
  if (!connected_ || ac_ == nullptr) return false;
  bool room = in_flight_ + budget_.waiting() < options_.max_in_flight &&
              (budget_.waiting() == 0 ||
               budget_.waiting_bytes() + bytes <= options_.max_waiting_bytes);
  if (!room) ++refused_;
  return room;
}

bool PeerLink::Send(std::string_view command, uint64_t op_id,
                    size_t reply_bytes, uint64_t flow) {
  if (!Accepts(command.size())) return false;
  const size_t cost = command.size() + reply_bytes;
  if (budget_.CanSendNow(cost)) return SendNow(command, op_id, cost);
  budget_.Wait(flow, {std::string(command), op_id, cost});
  return true;
}

bool PeerLink::SendNow(std::string_view command, uint64_t op_id, size_t cost) {
  auto ticket = std::make_unique<Ticket>(Ticket{this, op_id, cost});
  if (redisAsyncFormattedCommand(ac_, &PeerLink::OnReply, ticket.get(),
                                 command.data(), command.size()) != REDIS_OK) {
    return false;  // the callback will never run: the ticket dies here
  }
  ticket.release();  // now owned by hiredis until OnReply
  ++in_flight_;
  budget_.Sent(cost);
  return true;
}

void PeerLink::SendWaiting() {
  if (sending_waiting_) return;  // a reply callback below sends no deeper
  sending_waiting_ = true;
  auto wanted = [this](uint64_t op_id) {
    return listener_->StillWanted(op_id);
  };
  while (connected_ && ac_ != nullptr) {
    std::optional<LinkBudget::Turn> turn = budget_.Next(wanted);
    if (!turn) break;
    const LinkBudget::Request& r = turn->request;
    if (!turn->wanted || !SendNow(r.command, r.op_id, r.cost)) {
      listener_->OnPeerReply(r.op_id, peer_, nullptr);
    }
  }
  sending_waiting_ = false;
}

void PeerLink::FailWaiting() {
  for (const LinkBudget::Request& r : budget_.TakeAll()) {
    listener_->OnPeerReply(r.op_id, peer_, nullptr);
  }
}

void PeerLink::OnReply(redisAsyncContext*, void* reply,
                       void* privdata) noexcept {
  std::unique_ptr<Ticket> ticket(static_cast<Ticket*>(privdata));
  PeerLink* link = ticket->link;
  auto* r = static_cast<const redisReply*>(reply);
  if (ticket->kind == Ticket::Kind::kHello) {
    if (r != nullptr && r->type == REDIS_REPLY_ERROR) {
      link->OnHelloRefused(std::string_view(r->str, r->len));
    }
    return;
  }
  if (ticket->kind == Ticket::Kind::kProbe) {
    // Only PONG: a peer answering errors (e.g. too many clients) is not up.
    link->OnProbeReply(r != nullptr && r->type == REDIS_REPLY_STATUS &&
                       std::string_view(r->str, r->len) == "PONG");
    return;
  }
  --link->in_flight_;
  link->budget_.Answered(ticket->cost);
  if (reply == nullptr) {
    link->listener_->OnPeerReply(ticket->op_id, link->peer_, nullptr);
    return;
  }
  link->consecutive_timeouts_ = 0;
  link->last_reply_ms_ = uv_now(link->loop_);
  PeerReply copy = CopyReply(static_cast<const redisReply*>(reply));
  // Moved from by the listener if it wants the strings.
  link->listener_->OnPeerReply(ticket->op_id, link->peer_, &copy);
  link->SendWaiting();
}

void PeerLink::Close() {
  if (closing_) return;
  closing_ = true;
  uv_timer_stop(timer_.get());
  Drop();
}

}  // namespace leaderless::net
