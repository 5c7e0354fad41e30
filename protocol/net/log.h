#pragma once

#include <string>

namespace leaderless::net {

// Process-wide log in Redis's shape: "pid:role dd Mon yyyy hh:mm:ss.mmm *
// message". Writes to stderr until OpenLog() names a file.
void SetLogRole(char role);  // 'P' proxy, 'R' replica
// Opens `path` for appending ("" keeps stderr). False if it cannot.
bool OpenLog(const std::string& path);
void Log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace leaderless::net
