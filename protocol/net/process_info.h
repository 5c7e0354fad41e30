#pragma once

#include <cstdint>
#include <string>

namespace leaderless::net {

// Facts about this process and its host, for INFO.

// The process id.
int64_t ProcessId();

// "sysname release machine" as uname(2) gives them, "unknown" if it fails.
std::string OsName();

// Resident set size in bytes; 0 if it cannot be read.
uint64_t ResidentSetBytes();

// CPU time this process used, split as a timeval; zero if unknown.
struct CpuTime {
  int64_t sec = 0;
  int64_t usec = 0;
};
struct CpuUsage {
  CpuTime system;
  CpuTime user;
};
CpuUsage ProcessCpuUsage();

}  // namespace leaderless::net
