#include "protocol/net/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace leaderless::net {
namespace {

FILE* log_file = nullptr;
char log_role = '-';

}  // namespace

void SetLogRole(char role) { log_role = role; }

bool OpenLog(const std::string& path) {
  if (path.empty()) return true;
  FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) return false;
  log_file = f;
  return true;
}

void Log(const char* fmt, ...) {
  FILE* out = log_file ? log_file : stderr;
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm local;
  localtime_r(&tv.tv_sec, &local);
  char when[64];
  std::strftime(when, sizeof(when), "%d %b %Y %H:%M:%S", &local);
  std::fprintf(out, "%d:%c %s.%03d * ", static_cast<int>(getpid()), log_role,
               when, static_cast<int>(tv.tv_usec / 1000));
  va_list ap;
  va_start(ap, fmt);
  std::vfprintf(out, fmt, ap);
  va_end(ap);
  std::fputc('\n', out);
  std::fflush(out);
}

}  // namespace leaderless::net
