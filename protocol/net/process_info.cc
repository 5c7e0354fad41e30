#include "protocol/net/process_info.h"

#include <uv.h>

namespace leaderless::net {
namespace {

CpuTime FromTimeval(const uv_timeval_t& t) { return {t.tv_sec, t.tv_usec}; }

}  // namespace

int64_t ProcessId() { return uv_os_getpid(); }

std::string OsName() {
  uv_utsname_t name;
  if (uv_os_uname(&name) != 0) return "unknown";
  return std::string(name.sysname) + " " + name.release + " " + name.machine;
}

uint64_t ResidentSetBytes() {
  size_t rss = 0;
  if (uv_resident_set_memory(&rss) != 0) rss = 0;
  return rss;
}

CpuUsage ProcessCpuUsage() {
  uv_rusage_t usage{};
  if (uv_getrusage(&usage) != 0) return {};
  return {FromTimeval(usage.ru_stime), FromTimeval(usage.ru_utime)};
}

}  // namespace leaderless::net
