#pragma once

#include <uv.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "protocol/cluster/status.h"
#include "protocol/net/loop.h"
#include "protocol/resp/request_parser.h"

namespace leaderless::net {

class Server;
class Session;

struct ServerLimits {
  size_t max_clients = 10000;                 // maxclients
  size_t query_buffer_limit = 1ULL << 30;     // client-query-buffer-limit
  size_t output_buffer_limit = 256ULL << 20;  // 0 = unlimited
  // A client with this many requests awaiting their replies is not read
  // from until half of them are answered: it bounds what one pipelining
  // client can have in flight.
  size_t max_pending_replies = 1024;
  resp::ParserLimits parser;
};

// Where a reply that is not ready yet will go. Holds no pointer: the
// session may be gone by the time the reply is ready.
struct ReplySlot {
  uint64_t session_id = 0;
  uint64_t seq = 0;
};

// Per-session state of the server's user (auth, client name...).
class SessionState {
 public:
  virtual ~SessionState() = default;
};

// What a server does with requests, called on the loop thread.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // One parsed request; argv views are valid only during the call. Reply at
  // once with session.Reply(), or later through session.Defer().
  virtual void OnRequest(Session& session,
                         std::span<const std::string_view> argv) = 0;
  // The session is closing; it must not be used after this returns.
  virtual void OnSessionClosed(Session& /*session*/) {}
};

// One client connection: an input buffer the parser reads in place, and a
// FIFO of replies so pipelined requests are answered in order even when
// later ones finish first. Its output buffer limit (client-output-buffer-
// limit normal's hard limit) counts the replies being written, those ready
// behind one that is not, and what deferred replies gathered so far
// (Server::ChargeReply); past it, the session closes as Redis closes such
// a client: at the next flush, without writing more, and logged.
class Session {
 public:
  uint64_t id() const { return id_; }

  // The buffer to append a complete reply to, now. Requires: called at most
  // once per request, and the reply appended before returning to the loop.
  std::string& Reply();

  // Reserves the next reply position, to fill with Server::Complete().
  ReplySlot Defer();

  // Counts `delta` bytes (negative: gives them back) that the server's user
  // keeps for this client outside the query buffer (requests copied out of
  // it, e.g. a MULTI queue) against client-query-buffer-limit. False when
  // the session is closing, which passing the limit makes it do (logged,
  // without a reply, as Redis closes such a client).
  bool ChargeQuery(int64_t delta);

  // Closing, or scheduled to close: its requests are not run any more and
  // nothing more is written to it.
  bool closing() const { return closing_ || close_asap_; }

  // Answer what is queued, then close (QUIT, protocol errors). Requests
  // after this one are not executed.
  void CloseAfterReplies();

  int protocol() const { return protocol_; }
  void set_protocol(int p) { protocol_ = p; }
  SessionState* state() const { return state_.get(); }
  void set_state(std::unique_ptr<SessionState> s) { state_ = std::move(s); }
  const std::string& peer_address() const { return peer_address_; }
  resp::RequestParser& parser() { return parser_; }

 private:
  friend class Server;
  struct Pending {
    uint64_t seq;
    bool done = false;
    size_t bytes = 0;  // counted in pending_bytes_: charges, then data
    std::string data;
  };

  Session(Server* server, uint64_t id);
  void Start();
  void Close();
  void OnRead(ssize_t nread);
  void ProcessInput();
  void Complete(uint64_t seq, std::string&& reply);
  bool ChargeReply(uint64_t seq, int64_t delta);
  // Counts a reply written with Reply() into pending_ once it is written.
  void CountImmediateReply();
  // Past client-output-buffer-limit: schedules the close, as Redis does.
  void CheckOutputLimit();
  // Stops reading and running requests; Flush() closes without writing.
  void CloseAsap();
  // What counts against client-query-buffer-limit.
  size_t QueryBytes() const;
  void MoveReadyToOutput();
  void Flush();
  void OnWritten(int status);
  void UpdateReading();
  size_t BufferedOutput() const;

  static void AllocCb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) noexcept;
  static void ReadCb(uv_stream_t* s, ssize_t nread, const uv_buf_t*) noexcept;
  static void WriteCb(uv_write_t* req, int status) noexcept;

  Server* server_;
  uint64_t id_;
  uv_tcp_t tcp_;
  uv_write_t write_req_;
  std::string peer_address_;
  resp::RequestParser parser_;
  int protocol_ = 2;
  std::unique_ptr<SessionState> state_;

  std::vector<char> in_;  // bytes [in_begin_, in_end_) are unconsumed
  size_t in_begin_ = 0;
  size_t in_end_ = 0;

  std::deque<Pending> pending_;  // replies not yet in out_, in order
  uint64_t next_seq_ = 0;
  size_t pending_bytes_ = 0;
  std::string out_;      // ready to write
  std::string writing_;  // handed to uv_write, kept alive until WriteCb
  bool write_in_flight_ = false;
  bool reading_ = false;
  bool closing_ = false;
  bool close_after_replies_ = false;
  bool close_asap_ = false;  // a limit was passed: closes at the next flush
  bool in_dirty_list_ = false;
  bool processing_ = false;  // inside ProcessInput: no re-entry

  // The output buffer limit counts out_, writing_ and pending_bytes_, the
  // sum of pending_'s `bytes`. A reply written with Reply() into pending_
  // is counted once written: this is its seq, until it is.
  std::optional<uint64_t> uncounted_reply_;
  size_t query_charged_ = 0;  // ChargeQuery()
};

// A TCP server that speaks RESP to its clients. One per process and loop;
// heap-allocated (embeds uv handles) and freed by Close()'s callbacks.
class Server {
 public:
  // Listens on bind:port (port 0 picks a free one).
  static cluster::Result<Server*> Create(Loop& loop, const std::string& bind,
                                         int port, RequestHandler* handler,
                                         ServerLimits limits);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Fills a deferred reply; a no-op if the session has closed since.
  void Complete(const ReplySlot& slot, std::string&& reply);
  // Counts `delta` bytes (negative: gives them back) gathered for the
  // deferred reply `slot` (the results a multi-key command keeps until it
  // can write its reply) against client-output-buffer-limit; Complete()
  // then counts the reply instead. False if the session is gone or
  // closing, which passing the limit makes it do: the caller stops
  // gathering.
  bool ChargeReply(const ReplySlot& slot, int64_t delta);
  Session* Find(uint64_t session_id) const;

  int port() const { return port_; }
  size_t session_count() const { return sessions_.size(); }
  uint64_t total_connections() const { return next_session_id_ - 1; }

  // Stops listening and closes every session. The server frees itself once
  // its handles are closed; the caller then runs the loop to completion.
  void Close();

 private:
  friend class Session;
  Server(uv_loop_t* loop, RequestHandler* handler, ServerLimits limits);
  void OnConnection();
  void MarkDirty(Session* s);
  void FlushDirty();
  void Forget(Session* s);
  void MaybeFree();

  uv_loop_t* loop_;
  RequestHandler* handler_;
  ServerLimits limits_;
  uv_tcp_t listener_;
  uv_prepare_t flusher_;  // writes pending output before the loop blocks
  int port_ = 0;
  int open_handles_ = 0;
  size_t live_sessions_ = 0;  // including closing ones
  bool closing_ = false;
  uint64_t next_session_id_ = 1;
  std::unordered_map<uint64_t, Session*> sessions_;
  std::vector<uint64_t> dirty_;  // sessions with output to write
};

}  // namespace leaderless::net
