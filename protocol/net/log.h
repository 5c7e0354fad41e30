#pragma once

#include <cstdint>
#include <string>

namespace leaderless::net {

// Process-wide log in Redis's shape: "pid:role dd Mon yyyy hh:mm:ss.mmm *
// message". Writes to stderr until OpenLog() names a file.
void SetLogRole(char role);  // 'P' proxy, 'R' replica
// Opens `path` for appending ("" keeps stderr). False if it cannot.
bool OpenLog(const std::string& path);
void Log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

// Lets a log line through at most once a second (the first always), for
// events that can repeat on every request; the caller counts them all.
class LogThrottle {
 public:
  // `now_ms` from any clock that does not go back.
  bool Allow(uint64_t now_ms) {
    if (started_ && now_ms < next_ms_) return false;
    started_ = true;
    next_ms_ = now_ms + 1000;
    return true;
  }

 private:
  bool started_ = false;
  uint64_t next_ms_ = 0;
};

}  // namespace leaderless::net
