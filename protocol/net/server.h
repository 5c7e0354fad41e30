#pragma once

#include <sys/types.h>

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
#include "protocol/net/timer.h"
#include "protocol/resp/request_parser.h"

// libuv's types, allocated in the .cc: only protocol/net looks inside.
struct uv_buf_t;
struct uv_handle_s;
struct uv_prepare_s;
struct uv_stream_s;
struct uv_tcp_s;
struct uv_write_s;

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
  // A session with this many bytes of replies waiting to be sent runs no
  // more of its requests, and is not read from, until they fall below it
  // (0: never). Only the replies of requests already run (at most
  // max_pending_replies) then add to it, and a peer that reads slowly is
  // slowed down, not dropped.
  size_t output_pause_bytes = 0;
  // A session paused so, from which not one byte could be written for this
  // long, is closed: its peer does not read its replies (0: never).
  uint64_t output_stall_ms = 0;
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
  // A client connected (within maxclients), before its first request is
  // read. The handler may answer and close it at once (protected mode).
  virtual void OnSessionOpened(Session& /*session*/) {}
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

  // This session's query and output buffer limits (output 0: none); its
  // server's until set. A handler tightens them for a client that is not
  // logged in yet. They apply from the next byte read and reply queued.
  void set_buffer_limits(size_t query_buffer_limit, size_t output_buffer_limit);

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
  ~Session();
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
  bool OutputPaused() const;
  // Whether the session has been paused on output with nothing written for
  // output_stall_ms; called periodically, at `now_ms` of loop time.
  bool Stalled(uint64_t now_ms);

  static void AllocCb(uv_handle_s* h, size_t suggested, uv_buf_t* buf) noexcept;
  static void ReadCb(uv_stream_s* s, ssize_t nread, const uv_buf_t*) noexcept;
  static void WriteCb(uv_write_s* req, int status) noexcept;

  Server* server_;
  uint64_t id_;
  std::unique_ptr<uv_tcp_s> tcp_;
  std::unique_ptr<uv_write_s> write_req_;
  std::string peer_address_;
  resp::RequestParser parser_;
  size_t query_buffer_limit_;
  size_t output_buffer_limit_;  // 0: none
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
  // While paused on output: since when nothing was written, and the bytes
  // of the write in flight left unwritten then.
  bool stall_watched_ = false;
  uint64_t stall_since_ms_ = 0;
  size_t stall_unwritten_ = 0;

  // The output buffer limit counts out_, writing_ and pending_bytes_, the
  // sum of pending_'s `bytes`. A reply written with Reply() into pending_
  // is counted once written: this is its seq, until it is.
  std::optional<uint64_t> uncounted_reply_;
  size_t query_charged_ = 0;  // ChargeQuery()
};

// A TCP server that speaks RESP to its clients. One per process and loop;
// heap-allocated (owns uv handles) and freed by Close()'s callbacks.
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
  Server(Loop& loop, RequestHandler* handler, ServerLimits limits);
  ~Server();
  void OnConnection();
  void MarkDirty(Session* s);
  void FlushDirty();
  void Forget(Session* s);
  void CloseStalled();
  void MaybeFree();

  uv_loop_s* loop_;
  RequestHandler* handler_;
  ServerLimits limits_;
  std::unique_ptr<uv_tcp_s> listener_;
  // Writes pending output before the loop blocks.
  std::unique_ptr<uv_prepare_s> flusher_;
  Timer* stall_timer_ = nullptr;  // with output_stall_ms; frees itself
  int port_ = 0;
  int open_handles_ = 0;
  size_t live_sessions_ = 0;  // including closing ones
  bool closing_ = false;
  uint64_t next_session_id_ = 1;
  std::unordered_map<uint64_t, Session*> sessions_;
  std::vector<uint64_t> dirty_;  // sessions with output to write
};

}  // namespace leaderless::net
