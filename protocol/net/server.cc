// Data flow of a client connection:
//
//   socket ──read──▶ in_ (one growable buffer; AllocCb lends its free tail)
//                     │ RequestParser views requests in place
//                     ▼
//               RequestHandler::OnRequest ──▶ Reply() now, or Defer() and
//                     │                       Server::Complete() later
//                     ▼
//               pending_ (FIFO: replies in request order)
//                     │ ready replies at the head move to out_
//                     │ (counted against the output buffer limit from
//                     │ the first byte a deferred reply gathers)
//                     ▼
//               out_ ──prepare phase──▶ writing_ ──uv_write──▶ socket
//
// Writes happen once per loop iteration, in a uv_prepare callback, so all
// the replies produced by one iteration leave in one write. A session stops
// reading and running requests while too many replies are pending
// (max_pending_replies) or waiting to be written (output_pause_bytes).

#include "protocol/net/server.h"

#include <strings.h>
#include <uv.h>

#include <algorithm>
#include <cstring>

#include "protocol/net/log.h"
#include "protocol/resp/reply_writer.h"

namespace leaderless::net {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// Buffers that grew past this for one big request or reply are given back
// once empty, so a single large value does not pin memory.
constexpr size_t kShrinkAbove = 4 * 1024 * 1024;

// A browser tricked into posting to a Redis port sends these as its first
// words; Redis closes such connections without a reply.
bool IsCrossProtocolAttack(std::string_view cmd) {
  return (cmd.size() == 4 && strncasecmp(cmd.data(), "post", 4) == 0) ||
         (cmd.size() == 5 && strncasecmp(cmd.data(), "host:", 5) == 0);
}

std::string AddressOf(const sockaddr_storage& addr) {
  char ip[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (addr.ss_family == AF_INET) {
    auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    uv_ip4_name(a, ip, sizeof(ip));
    port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    uv_ip6_name(a, ip, sizeof(ip));
    port = ntohs(a->sin6_port);
  }
  return std::string(ip) + ":" + std::to_string(port);
}

}  // namespace

// ---- Session --------------------------------------------------------------

Session::Session(Server* server, uint64_t id)
    : server_(server),
      id_(id),
      tcp_(new uv_tcp_t),
      write_req_(new uv_write_t),
      parser_(server->limits_.parser),
      query_buffer_limit_(server->limits_.query_buffer_limit),
      output_buffer_limit_(server->limits_.output_buffer_limit) {
  uv_tcp_init(server->loop_, tcp_.get());
  tcp_->data = this;
}

// Runs in the close callback: libuv no longer holds the handle, and a
// pending write was cancelled before it.
Session::~Session() = default;

void Session::Start() {
  uv_tcp_nodelay(tcp_.get(), 1);
  sockaddr_storage addr{};
  int len = sizeof(addr);
  if (uv_tcp_getpeername(tcp_.get(), reinterpret_cast<sockaddr*>(&addr),
                         &len) == 0) {
    peer_address_ = AddressOf(addr);
  }
  server_->handler_->OnSessionOpened(*this);
  UpdateReading();
}

void Session::Close() {
  if (closing_) return;
  closing_ = true;
  server_->handler_->OnSessionClosed(*this);
  server_->Forget(this);
  uv_close(reinterpret_cast<uv_handle_t*>(tcp_.get()), [](uv_handle_t* h) {
    auto* s = static_cast<Session*>(h->data);
    Server* server = s->server_;
    delete s;
    --server->live_sessions_;
    server->MaybeFree();
  });
}

std::string& Session::Reply() {
  server_->MarkDirty(this);
  CountImmediateReply();
  if (pending_.empty()) return out_;
  uncounted_reply_ = next_seq_;
  pending_.push_back({next_seq_++, true, 0, {}});
  return pending_.back().data;
}

ReplySlot Session::Defer() {
  pending_.push_back({next_seq_, false, 0, {}});
  return {id_, next_seq_++};
}

void Session::CountImmediateReply() {
  if (!uncounted_reply_) return;
  const uint64_t seq = *std::exchange(uncounted_reply_, std::nullopt);
  if (pending_.empty() || seq < pending_.front().seq) return;  // in out_
  Pending& p = pending_[seq - pending_.front().seq];
  pending_bytes_ += p.data.size() - p.bytes;
  p.bytes = p.data.size();
  CheckOutputLimit();
}

bool Session::ChargeReply(uint64_t seq, int64_t delta) {
  CountImmediateReply();
  if (closing() || pending_.empty() || seq < pending_.front().seq) {
    return false;
  }
  Pending& p = pending_[seq - pending_.front().seq];
  const auto bytes = static_cast<size_t>(
      std::max<int64_t>(0, static_cast<int64_t>(p.bytes) + delta));
  pending_bytes_ = pending_bytes_ - p.bytes + bytes;
  p.bytes = bytes;
  CheckOutputLimit();
  return !closing();
}

void Session::CheckOutputLimit() {
  if (output_buffer_limit_ == 0 || closing() ||
      BufferedOutput() <= output_buffer_limit_) {
    return;
  }
  Log("Client id=%llu addr=%s scheduled to be closed ASAP for overcoming of "
      "output buffer limits.",
      static_cast<unsigned long long>(id_), peer_address_.c_str());
  CloseAsap();
}

bool Session::ChargeQuery(int64_t delta) {
  query_charged_ = static_cast<size_t>(
      std::max<int64_t>(0, static_cast<int64_t>(query_charged_) + delta));
  if (!closing() && delta > 0 && QueryBytes() > query_buffer_limit_) {
    Log("Closing client that reached max query buffer length: id=%llu "
        "addr=%s (%zu bytes of requests kept outside the query buffer)",
        static_cast<unsigned long long>(id_), peer_address_.c_str(),
        query_charged_);
    CloseAsap();
  }
  return !closing();
}

size_t Session::QueryBytes() const {
  return in_end_ - in_begin_ + parser_.held_bytes() + query_charged_;
}

void Session::CloseAsap() {
  if (closing()) return;
  close_asap_ = true;
  UpdateReading();  // stops reading
  server_->MarkDirty(this);
}

void Session::CloseAfterReplies() {
  close_after_replies_ = true;
  server_->MarkDirty(this);
}

void Session::set_buffer_limits(size_t query_buffer_limit,
                                size_t output_buffer_limit) {
  query_buffer_limit_ = query_buffer_limit;
  output_buffer_limit_ = output_buffer_limit;
}

void Session::Complete(uint64_t seq, std::string&& reply) {
  CountImmediateReply();
  if (closing() || pending_.empty() || seq < pending_.front().seq) return;
  Pending& p = pending_[seq - pending_.front().seq];
  pending_bytes_ = pending_bytes_ - p.bytes + reply.size();
  p.bytes = reply.size();
  p.done = true;
  p.data = std::move(reply);
  MoveReadyToOutput();
  server_->MarkDirty(this);
  CheckOutputLimit();
  // Fewer replies outstanding may let a paused client be read again.
  if (!reading_) ProcessInput();
}

void Session::MoveReadyToOutput() {
  while (!pending_.empty() && pending_.front().done) {
    out_.append(pending_.front().data);
    pending_bytes_ -= pending_.front().bytes;
    pending_.pop_front();
  }
}

void Session::UpdateReading() {
  if (closing_) return;
  size_t max = server_->limits_.max_pending_replies;
  bool want = !close_after_replies_ && !close_asap_ && !OutputPaused() &&
              (reading_ ? pending_.size() < max : pending_.size() <= max / 2);
  if (want == reading_) return;
  reading_ = want;
  auto* stream = reinterpret_cast<uv_stream_t*>(tcp_.get());
  if (want) {
    if (uv_read_start(stream, &Session::AllocCb, &Session::ReadCb) != 0) {
      Close();
    }
  } else {
    uv_read_stop(stream);
  }
}

void Session::AllocCb(uv_handle_t* h, size_t, uv_buf_t* buf) noexcept {
  auto* s = static_cast<Session*>(h->data);
  std::vector<char>& in = s->in_;
  if (in.size() - s->in_end_ < kReadChunk && s->in_begin_ > 0) {
    // Compact: only between requests' bytes, never inside a view in use.
    std::memmove(in.data(), in.data() + s->in_begin_,
                 s->in_end_ - s->in_begin_);
    s->in_end_ -= s->in_begin_;
    s->in_begin_ = 0;
  }
  if (in.size() - s->in_end_ < kReadChunk) {
    in.resize(std::max(in.size() * 2, s->in_end_ + kReadChunk));
  }
  *buf = uv_buf_init(in.data() + s->in_end_,
                     static_cast<unsigned>(in.size() - s->in_end_));
}

void Session::ReadCb(uv_stream_t* stream, ssize_t nread,
                     const uv_buf_t*) noexcept {
  static_cast<Session*>(stream->data)->OnRead(nread);
}

void Session::OnRead(ssize_t nread) {
  if (nread < 0) {
    Close();  // EOF or error: the client is gone
    return;
  }
  in_end_ += static_cast<size_t>(nread);
  ProcessInput();
  if (!closing_ && QueryBytes() > query_buffer_limit_) {
    Close();  // as Redis: past the query buffer limit, close without reply
  }
}

void Session::ProcessInput() {
  if (processing_) return;  // a reply completed from inside OnRequest
  processing_ = true;
  const size_t max_pending = server_->limits_.max_pending_replies;
  while (!closing() && !close_after_replies_ && in_begin_ < in_end_ &&
         pending_.size() < max_pending && !OutputPaused()) {
    std::string_view input(in_.data() + in_begin_, in_end_ - in_begin_);
    resp::ParseStatus status = parser_.Parse(input);
    if (status == resp::ParseStatus::kError) {
      resp::ReplyWriter(&Reply()).Error("ERR " + parser_.error());
      CloseAfterReplies();
      break;
    }
    size_t consumed = parser_.consumed();
    if (status == resp::ParseStatus::kNeedMore) {
      in_begin_ += consumed;
      break;
    }
    if (status == resp::ParseStatus::kRefused) {
      resp::ReplyWriter(&Reply()).Error("ERR " + parser_.error());
      in_begin_ += consumed;
      continue;
    }
    const auto& argv = parser_.argv();
    if (IsCrossProtocolAttack(argv[0])) {
      Close();
      break;
    }
    server_->handler_->OnRequest(*this, argv);
    in_begin_ += consumed;
    // Now, not at the next flush: one read can hold thousands of requests,
    // and a client that does not read must not make the proxy buffer all
    // their replies first. Past the limit, closing() ends the loop.
    CountImmediateReply();
    CheckOutputLimit();
  }
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
    if (in_.size() > kShrinkAbove) std::vector<char>().swap(in_);
  }
  processing_ = false;
  UpdateReading();
}

size_t Session::BufferedOutput() const {
  return out_.size() + writing_.size() + pending_bytes_;
}

bool Session::OutputPaused() const {
  const size_t pause = server_->limits_.output_pause_bytes;
  return pause != 0 && BufferedOutput() >= pause;
}

bool Session::Stalled(uint64_t now_ms) {
  // Paused with nothing being written: its bytes wait behind a reply not
  // ready yet (a write waiting for its fsync, say), not for the peer.
  if (!OutputPaused() || !write_in_flight_) {
    stall_watched_ = false;
    return false;
  }
  // The bytes of the write in flight that the socket has not taken yet.
  const size_t unwritten = uv_stream_get_write_queue_size(
      reinterpret_cast<uv_stream_t*>(tcp_.get()));
  if (!stall_watched_ || unwritten < stall_unwritten_) {
    stall_watched_ = true;  // paused just now, or some bytes went out
    stall_since_ms_ = now_ms;
    stall_unwritten_ = unwritten;
    return false;
  }
  return now_ms - stall_since_ms_ >= server_->limits_.output_stall_ms;
}

void Session::Flush() {
  if (closing_) return;
  CountImmediateReply();
  CheckOutputLimit();
  if (close_asap_) {
    Close();  // a client past a limit: drop it, not memory
    return;
  }
  if (!write_in_flight_ && !out_.empty()) {
    writing_.swap(out_);
    out_.clear();
    uv_buf_t buf =
        uv_buf_init(writing_.data(), static_cast<unsigned>(writing_.size()));
    write_req_->data = this;
    if (uv_write(write_req_.get(), reinterpret_cast<uv_stream_t*>(tcp_.get()),
                 &buf, 1, &Session::WriteCb) != 0) {
      Close();
      return;
    }
    write_in_flight_ = true;
  }
  if (close_after_replies_ && pending_.empty() && out_.empty() &&
      !write_in_flight_) {
    Close();
  }
}

void Session::WriteCb(uv_write_t* req, int status) noexcept {
  static_cast<Session*>(req->data)->OnWritten(status);
}

void Session::OnWritten(int status) {
  write_in_flight_ = false;
  stall_watched_ = false;  // a whole write went out: not stalled
  if (writing_.capacity() > kShrinkAbove) {
    std::string().swap(writing_);
  } else {
    writing_.clear();
  }
  if (status < 0) {
    Close();  // also UV_ECANCELED while closing: Close() is idempotent
    return;
  }
  Flush();
  // Less output waiting may let a session paused on it go on.
  if (!closing_ && !reading_) ProcessInput();
}

// ---- Server ---------------------------------------------------------------

Server::Server(Loop& loop, RequestHandler* handler, ServerLimits limits)
    : loop_(loop.uv()),
      handler_(handler),
      limits_(limits),
      listener_(new uv_tcp_t),
      flusher_(new uv_prepare_t) {
  uv_tcp_init(loop_, listener_.get());
  listener_->data = this;
  uv_prepare_init(loop_, flusher_.get());
  flusher_->data = this;
  open_handles_ = 2;
}

// Runs in the last close callback: libuv no longer holds the handles.
Server::~Server() = default;

cluster::Result<Server*> Server::Create(Loop& loop, const std::string& bind,
                                        int port, RequestHandler* handler,
                                        ServerLimits limits) {
  sockaddr_storage addr{};
  if (uv_ip4_addr(bind.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr)) &&
      uv_ip6_addr(bind.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr))) {
    return cluster::Status::InvalidArgument("bad bind address '" + bind + "'");
  }
  auto* server = new Server(loop, handler, limits);
  auto* stream = reinterpret_cast<uv_stream_t*>(server->listener_.get());
  int rc = uv_tcp_bind(server->listener_.get(),
                       reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0) {
    rc = uv_listen(stream, 511, [](uv_stream_t* s, int status) {
      if (status == 0) static_cast<Server*>(s->data)->OnConnection();
    });
  }
  if (rc != 0) {
    server->Close();
    return cluster::Status::IOError("cannot listen on " + bind + ":" +
                                    std::to_string(port) + ": " +
                                    uv_strerror(rc));
  }
  sockaddr_storage bound{};
  int len = sizeof(bound);
  uv_tcp_getsockname(server->listener_.get(),
                     reinterpret_cast<sockaddr*>(&bound), &len);
  server->port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  uv_prepare_start(server->flusher_.get(), [](uv_prepare_t* p) {
    static_cast<Server*>(p->data)->FlushDirty();
  });
  if (limits.output_pause_bytes != 0 && limits.output_stall_ms != 0) {
    // A stalled peer causes no event at all: look at sessions periodically.
    const uint64_t period = std::min<uint64_t>(limits.output_stall_ms, 1000);
    server->stall_timer_ =
        Timer::Create(loop, [server] { server->CloseStalled(); });
    server->stall_timer_->Start(period, period);
  }
  return server;
}

void Server::OnConnection() {
  auto* session = new Session(this, next_session_id_++);
  ++live_sessions_;
  if (uv_accept(reinterpret_cast<uv_stream_t*>(listener_.get()),
                reinterpret_cast<uv_stream_t*>(session->tcp_.get())) != 0) {
    session->closing_ = true;  // never announced: close quietly
    uv_close(reinterpret_cast<uv_handle_t*>(session->tcp_.get()),
             [](uv_handle_t* h) {
               auto* s = static_cast<Session*>(h->data);
               --s->server_->live_sessions_;
               delete s;
             });
    return;
  }
  sessions_[session->id_] = session;
  if (sessions_.size() > limits_.max_clients) {
    resp::ReplyWriter(&session->Reply())
        .Error("ERR max number of clients reached");
    session->CloseAfterReplies();
    return;
  }
  session->Start();
}

void Server::Complete(const ReplySlot& slot, std::string&& reply) {
  if (Session* s = Find(slot.session_id))
    s->Complete(slot.seq, std::move(reply));
}

bool Server::ChargeReply(const ReplySlot& slot, int64_t delta) {
  Session* s = Find(slot.session_id);
  return s != nullptr && s->ChargeReply(slot.seq, delta);
}

Session* Server::Find(uint64_t session_id) const {
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ? nullptr : it->second;
}

void Server::MarkDirty(Session* s) {
  if (s->in_dirty_list_) return;
  s->in_dirty_list_ = true;
  dirty_.push_back(s->id_);
}

void Server::FlushDirty() {
  std::vector<uint64_t> ids;
  ids.swap(dirty_);
  for (uint64_t id : ids) {
    if (Session* s = Find(id)) {
      s->in_dirty_list_ = false;
      s->Flush();
    }
  }
  // Keep the vector's capacity for the next iteration.
  ids.clear();
  if (dirty_.empty()) dirty_.swap(ids);
}

void Server::Forget(Session* s) { sessions_.erase(s->id_); }

void Server::CloseStalled() {
  const uint64_t now = uv_now(loop_);
  std::vector<Session*> stalled;
  for (auto& [id, s] : sessions_) {
    if (s->Stalled(now)) stalled.push_back(s);
  }
  // Closing removes a session from sessions_: not while walking it.
  for (Session* s : stalled) {
    Log("closing the connection from %s: it has not read its replies for "
        "%llu ms",
        s->peer_address_.c_str(),
        static_cast<unsigned long long>(limits_.output_stall_ms));
    s->Close();
  }
}

void Server::Close() {
  if (closing_) return;
  closing_ = true;
  auto on_closed = [](uv_handle_t* h) {
    auto* server = static_cast<Server*>(h->data);
    --server->open_handles_;
    server->MaybeFree();
  };
  uv_close(reinterpret_cast<uv_handle_t*>(listener_.get()), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(flusher_.get()), on_closed);
  if (stall_timer_ != nullptr) stall_timer_->Close();
  stall_timer_ = nullptr;
  std::vector<Session*> all;
  for (auto& [id, s] : sessions_) all.push_back(s);
  for (Session* s : all) s->Close();
}

void Server::MaybeFree() {
  if (closing_ && open_handles_ == 0 && live_sessions_ == 0) delete this;
}

}  // namespace leaderless::net
