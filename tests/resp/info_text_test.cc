#include "protocol/resp/info_text.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace leaderless::resp {
namespace {

TEST(InfoTextTest, SectionsAreSeparatedByAnEmptyLine) {
  std::string out;
  AppendInfoSection(&out, "Server");
  AppendInfoField(&out, "role", "replica");
  AppendInfoField(&out, "tcp_port", 7001);
  AppendInfoSection(&out, "Clients");
  AppendInfoField(&out, "connected_clients", uint64_t{18446744073709551615u});
  AppendInfoField(&out, "offset", int64_t{-3});
  EXPECT_EQ(out,
            "# Server\r\nrole:replica\r\ntcp_port:7001\r\n"
            "\r\n# Clients\r\nconnected_clients:18446744073709551615\r\n"
            "offset:-3\r\n");
}

}  // namespace
}  // namespace leaderless::resp
