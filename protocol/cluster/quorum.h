#pragma once

#include <string>

#include "protocol/cluster/record.h"

namespace leaderless::cluster {

// Counts the answers of one quorum request sent to `sent` replicas that
// needs `needed` successes. Pure bookkeeping: the caller decides what a
// success is (an ack for a write, an answer for a read).
class QuorumTracker {
 public:
  enum class Outcome {
    kPending,  // more answers may still decide it
    kReached,  // `needed` successes
    kFailed,   // so many failures that `needed` can no longer be reached
  };

  // Requires: 1 <= needed <= sent.
  QuorumTracker(int sent, int needed) : sent_(sent), needed_(needed) {}

  void AddSuccess() { ++successes_; }
  void AddFailure() { ++failures_; }

  Outcome outcome() const {
    if (successes_ >= needed_) return Outcome::kReached;
    if (sent_ - failures_ < needed_) return Outcome::kFailed;
    return Outcome::kPending;
  }
  bool all_answered() const { return successes_ + failures_ >= sent_; }
  int successes() const { return successes_; }
  int needed() const { return needed_; }

 private:
  int sent_;
  int needed_;
  int successes_ = 0;
  int failures_ = 0;
};

// Keeps the newest of the encoded records replicas answered (to a read, or
// as the record they held before a write), by CompareRecords' order, so the
// choice does not depend on which answer came first. Copies nothing: the
// winning string is moved in.
class NewestRecord {
 public:
  // Takes `encoded` if it is greater than the newest so far, and returns
  // its rank (RankOf). Corruption if it is not a record (it is then
  // ignored). An answer equal to the newest, the usual case when replicas
  // agree, costs a comparison: its digest is the newest's, hashed once.
  Result<RecordRank> Offer(std::string&& encoded);

  bool empty() const { return encoded_.empty(); }
  // The newest encoded record, or "" if none was offered.
  const std::string& encoded() const { return encoded_; }
  // The newest version offered; zero if none.
  const Version& version() const { return rank_.version; }
  // The newest record's rank (RankOf); zero if none was offered.
  const RecordRank& rank() const { return rank_; }
  std::string&& Take() { return std::move(encoded_); }

 private:
  std::string encoded_;
  RecordRank rank_;
};

}  // namespace leaderless::cluster
