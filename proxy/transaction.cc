// MULTI ... EXEC inside one proxy.
//
//   MULTI ──▶ each command is resolved (an unknown command or a wrong
//   arity is refused at once and dooms the transaction), copied into
//   ClientState::multi and answered +QUEUED
//   EXEC ──▶ reserves its reply ──▶ takes the turns of every key of every
//   queued command (key_locks.h) ──▶ runs the commands one at a time, each
//   once the one before has replied, their replies captured (ExecStep)
//   ──▶ one array of the replies ──▶ releases the keys
//
// Holding every key for the whole run keeps the proxy's other clients off
// them until the transaction is done. The transaction's own commands run
// under those turns (EXEC hands them to its key commands) rather than queue
// behind their own transaction, which would never end. Running them one by
// one keeps Redis's order: each sees the writes of those before it. That
// is all a transaction gives: another proxy may write the keys meanwhile,
// and a command that fails (a quorum error) puts its error in the array
// while the others still run.

#include "proxy/transaction.h"

#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "proxy/args.h"
#include "proxy/key_command.h"
#include "proxy/proxy_server.h"

namespace leaderless::proxy {
namespace {

// Run even inside MULTI, as Redis does.
bool RunsInsideMulti(std::string_view name) {
  for (std::string_view now :
       {"multi", "exec", "discard", "watch", "unwatch", "quit", "reset"}) {
    if (name == now) return true;
  }
  return false;
}

std::vector<std::string_view> Views(const std::vector<std::string>& argv) {
  return {argv.begin(), argv.end()};
}

// What a copy of `argv` holds: its bytes and a string per argument.
size_t CopyBytes(Argv argv) {
  size_t bytes = sizeof(QueuedCommand);
  for (std::string_view arg : argv) bytes += sizeof(std::string) + arg.size();
  return bytes;
}

// The reply of a held request, to its reserved place.
class SlotSink : public ReplySink {
 public:
  explicit SlotSink(LaterReply reply) : reply_(std::move(reply)) {}
  void Fill(size_t, std::string&& reply) override {
    reply_.Send(std::move(reply));
  }
  bool Charge(int64_t delta) override { return reply_.Charge(delta); }

 private:
  const LaterReply reply_;
};

// Calls `run()` with the replies of the request it runs going to `index`
// of `sink` rather than to the connection (see ExecStep); a reply written
// at once is filled in when `run` returns.
template <typename RunFn>
void Redirected(ClientState& client, const std::shared_ptr<ReplySink>& sink,
                size_t index, RunFn&& run) {
  ExecStep step{.later = sink, .index = index};
  ExecStep* outer = std::exchange(client.exec, &step);
  run();
  client.exec = outer;
  if (!step.now.empty()) sink->Fill(index, std::move(step.now));
}

// Runs `command`, admitted, where its reply may be redirected: a command on
// keys answers to ProxyServer::Later() and runs under `keys` if set.
void RunAdmitted(ProxyServer& proxy, net::Session& session,
                 const ResolvedCommand& command, Argv argv,
                 std::shared_ptr<KeyLocks::Leases> keys = nullptr) {
  if (!command.on_keys) return command.handler(proxy, session, argv);
  proxy.RunOnKeys(command, argv, proxy.Later(session), std::move(keys));
}

// Inside MULTI: copies the command into the client's queue, answers
// +QUEUED and returns true. False when the command runs now: outside MULTI,
// and for the commands Redis runs inside it.
bool QueueInTransaction(net::Session& session, ClientState& client,
                        const ResolvedCommand& command, Argv argv) {
  if (!client.multi || RunsInsideMulti(command.name)) return false;
  const size_t bytes = CopyBytes(argv);
  // Past the limit the client is closing: nothing more to queue or answer.
  if (!session.ChargeQuery(static_cast<int64_t>(bytes))) return true;
  client.multi->bytes += bytes;
  client.multi->queued.push_back(
      {command, std::vector<std::string>(argv.begin(), argv.end())});
  ReplyNow(session).SimpleString("QUEUED");
  return true;
}

// A request that is not held: admitted, then queued inside MULTI or run.
void AdmitAndRun(ProxyServer& proxy, net::Session& session, ClientState& client,
                 Argv argv) {
  ResolvedCommand command;
  if (!proxy.Admit(session, client, argv, &command)) return;
  if (QueueInTransaction(session, client, command, argv)) return;
  RunAdmitted(proxy, session, command, argv);
}

// Runs the requests held while the client's EXEC ran, until one of them is
// an EXEC that has to wait in turn. Requests arriving meanwhile are held
// behind them.
void RunHeld(ProxyServer& proxy, net::Session& session, ClientState& client) {
  if (client.draining) return;  // an outer RunHeld goes on
  client.draining = true;
  while (!client.exec_running && !client.held.empty()) {
    HeldRequest request = std::move(client.held.front());
    client.held.pop_front();
    (void)session.ChargeQuery(-static_cast<int64_t>(request.bytes));
    Redirected(client, request.reply, 0, [&] {
      AdmitAndRun(proxy, session, client, Views(request.argv));
    });
    if (ArgIs(request.argv[0], "quit")) {
      // The connection closes after QUIT's reply: the requests after it
      // are not run, and their places are filled with nothing.
      for (HeldRequest& rest : client.held) {
        rest.reply->Fill(0, {});
        (void)session.ChargeQuery(-static_cast<int64_t>(rest.bytes));
      }
      client.held.clear();
    }
  }
  client.draining = false;
}

// The run of one EXEC. Owned by the key grant and by the replies of its
// command in flight; gone once the last reply is in.
class ExecRun : public ReplySink, public std::enable_shared_from_this<ExecRun> {
 public:
  ExecRun(ProxyServer& proxy, net::Session& session, MultiState multi)
      : proxy_(proxy),
        session_id_(session.id()),
        reply_(proxy.Later(session)),
        queued_(std::move(multi.queued)),
        queued_bytes_(multi.bytes),
        replies_(queued_.size()) {}

  void Start() {
    std::vector<std::string> keys;
    for (const QueuedCommand& q : queued_) {
      const resp::CommandMeta& meta = *q.command.meta;
      if (meta.first_key <= 0) continue;
      std::vector<std::string> own =
          KeysOf<std::string>(Views(q.argv), KeyRangeOf(meta));
      std::move(own.begin(), own.end(), std::back_inserter(keys));
    }
    proxy_.key_locks().Acquire(
        std::move(keys), [self = shared_from_this()](KeyLocks::Leases leases) {
          Coordinator::OwnerScope owner(self->proxy_.coordinator(),
                                        self->session_id_);
          self->keys_ = std::make_shared<KeyLocks::Leases>(std::move(leases));
          self->RunSteps();
        });
  }

  // The replies wait in replies_ until the last one is in: they count
  // against the client's output buffer limit meanwhile, through EXEC's slot.
  void Fill(size_t index, std::string&& reply) override {
    (void)Charge(static_cast<int64_t>(reply.size()));
    replies_[index] = std::move(reply);
    ++answered_;
    if (!running_) RunSteps();
  }
  bool Charge(int64_t delta) override { return reply_.Charge(delta); }

 private:
  // Runs commands while each replies before its function returns; a
  // command that replies later resumes the run from Fill().
  void RunSteps() {
    running_ = true;
    while (answered_ == started_ && started_ < queued_.size()) {
      net::Session* session = proxy_.server()->Find(session_id_);
      if (session == nullptr || session->closing() || proxy_.stopping()) {
        // The client is gone (or past a limit, or the proxy stopping):
        // nobody to answer, and the rest of the transaction is not run.
        running_ = false;
        keys_.reset();
        return;
      }
      RunStep(*session);
    }
    running_ = false;
    if (answered_ == queued_.size()) Finish();
  }

  void RunStep(net::Session& session) {
    const size_t index = started_++;
    const QueuedCommand& q = queued_[index];
    Redirected(proxy_.Client(session), shared_from_this(), index, [&] {
      RunAdmitted(proxy_, session, q.command, Views(q.argv), keys_);
    });
  }

  void Finish() {
    std::string out;
    resp::ReplyWriter(&out, reply_.protocol()).ArrayHeader(replies_.size());
    for (const std::string& reply : replies_) out += reply;
    reply_.Send(std::move(out));
    keys_.reset();
    EndExec();
  }

  void EndExec() {
    net::Session* session = proxy_.server()->Find(session_id_);
    // A client closing (past a limit) runs nothing more.
    if (session == nullptr || session->closing()) return;
    (void)session->ChargeQuery(-static_cast<int64_t>(queued_bytes_));
    ClientState& client = proxy_.Client(*session);
    client.exec_running = false;
    RunHeld(proxy_, *session, client);
  }

  ProxyServer& proxy_;
  const uint64_t session_id_;
  const LaterReply reply_;  // EXEC's own
  const std::vector<QueuedCommand> queued_;
  const size_t queued_bytes_;  // MultiState::bytes
  std::vector<std::string> replies_;
  std::shared_ptr<KeyLocks::Leases> keys_;  // every queued command's keys
  size_t started_ = 0;
  size_t answered_ = 0;
  bool running_ = false;  // inside RunSteps()
};

}  // namespace

void RefuseCommand(net::Session& session, ClientState& client, Argv argv,
                   std::string_view error) {
  if (!ArgIs(argv[0], "exec")) {
    if (client.multi) client.multi->aborted = true;
    return ReplyNow(session).Error(error);
  }
  DiscardMulti(session, client);
  // Redis's execCommandAbort quotes the refusal without its "ERR ", also
  // outside MULTI.
  if (error.starts_with("ERR ")) error.remove_prefix(4);
  ReplyNow(session).Error("EXECABORT Transaction discarded because of: " +
                          std::string(error));
}

void TransactionRequest(ProxyServer& proxy, net::Session& session,
                        ClientState& client, Argv argv) {
  if (!client.exec_running && !client.draining) {
    return AdmitAndRun(proxy, session, client, argv);
  }
  // Held behind the EXEC. Not proxy.Later(): this request is no step of the
  // running EXEC.
  const size_t bytes = CopyBytes(argv);
  if (!session.ChargeQuery(static_cast<int64_t>(bytes))) return;  // closing
  client.held.push_back(
      {std::vector<std::string>(argv.begin(), argv.end()),
       std::make_shared<SlotSink>(LaterReply(proxy.server(), session)), bytes});
}

void RunTransaction(ProxyServer& proxy, net::Session& session,
                    MultiState multi) {
  proxy.Client(session).exec_running = true;
  std::make_shared<ExecRun>(proxy, session, std::move(multi))->Start();
}

void DiscardMulti(net::Session& session, ClientState& client) {
  if (!client.multi) return;
  (void)session.ChargeQuery(-static_cast<int64_t>(client.multi->bytes));
  client.multi.reset();
}

}  // namespace leaderless::proxy
