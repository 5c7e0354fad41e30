#pragma once

#include <cstddef>
#include <cstdint>

namespace leaderless::replica {

// Paces a replica's writes while LevelDB's compaction falls behind, so that
// its level-0 backlog stays below LevelDB's stop trigger (12 tables). At
// that trigger every write waits for a whole level-0 compaction: with
// values of kilobytes, seconds, past the proxy's request timeout, and on
// two replicas at once (they take the same writes), so clients would see
// NOQUORUM. Paced, writes slow down instead: their replies wait a few
// milliseconds more, and compaction gets the time it needs.
//
// Below `from_tables` level-0 tables nothing is paced, and the pacer
// measures the rate writes are taken at, in bytes a second. From there on,
// writes may go on at the rate of the last second before pacing began (at
// least kMinBytesPerSecond), halved for every level-0 table above
// `from_tables`: each table compaction has not caught up with makes the
// next one come twice as slowly. The next batch waits at most kMaxWaitMs
// after the last one was written; what a larger batch owes past that, the
// batches after it owe.
//
// Pure logic on loop time: the caller asks ReadyAtMs() before writing a
// batch and reports each batch written.
class WritePacer {
 public:
  static constexpr uint64_t kMaxWaitMs = 200;
  // The rate pacing starts from when fewer bytes than this arrived in the
  // second before (say, a replica restarted with a backlog).
  static constexpr uint64_t kMinBytesPerSecond = 4 << 20;

  explicit WritePacer(int from_tables) : from_tables_(from_tables) {}

  // A batch of `bytes` whose write began at `started_ms` was written at
  // `now_ms`, with `level0` level-0 tables held.
  void Wrote(size_t bytes, int level0, uint64_t started_ms, uint64_t now_ms);

  // Loop time before which the next batch should not be written.
  uint64_t ReadyAtMs() const { return ready_at_ms_; }

  // Whether writes are paced now.
  bool pacing() const { return pacing_; }

 private:
  int from_tables_;
  bool pacing_ = false;
  // Bytes written in the second that began at second_start_ms_, and in the
  // last second before it without pacing.
  uint64_t second_start_ms_ = 0;
  uint64_t bytes_this_second_ = 0;
  bool paced_this_second_ = false;
  uint64_t unpaced_bytes_last_second_ = 0;
  uint64_t base_bytes_per_second_ = 0;  // the rate pacing started from
  uint64_t ready_at_ms_ = 0;
  // Bytes written whose wait is still to come: below a millisecond's worth
  // (so that small batches are paced too), or past kMaxWaitMs.
  double owed_bytes_ = 0;
};

}  // namespace leaderless::replica
