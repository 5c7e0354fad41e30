#include "proxy/command_set.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace leaderless::proxy {
namespace {

void Handler(ProxyServer&, net::Session&, Argv) {}
void Other(ProxyServer&, net::Session&, Argv) {}

class CommandSetTest : public ::testing::Test {
 protected:
  CommandSetTest() {
    commands_.table().Add("get", 2, &Handler);
    commands_.AddContainer("client", -2, nullptr, {});
    commands_.AddSubcommand({"client|setname", 3, &Other, {}});
    commands_.AddSubcommand({"client|id", 2, &Handler, {}});
    commands_.AddContainer("command", -1, &Other, {});
    commands_.AddSubcommand({"command|count", 2, &Handler, {}});
  }

  // The resolved name, or "error: <message>".
  std::string Resolve(std::vector<std::string_view> argv) {
    ResolvedCommand command;
    std::string error;
    if (!commands_.Resolve(argv, &command, &error)) return "error: " + error;
    return std::string(command.name);
  }

  CommandSet commands_;
};

TEST_F(CommandSetTest, ResolvesCommandsAndSubcommandsInAnyCase) {
  EXPECT_EQ(Resolve({"GET", "k"}), "get");
  EXPECT_EQ(Resolve({"Client", "SetName", "x"}), "client|setname");
  EXPECT_EQ(Resolve({"client", "id"}), "client|id");
  // A container whose arity allows it alone runs its own handler.
  EXPECT_EQ(Resolve({"COMMAND"}), "command");
  EXPECT_EQ(Resolve({"command", "COUNT"}), "command|count");
}

TEST_F(CommandSetTest, RedisErrors) {
  EXPECT_EQ(
      Resolve({"nope", "a"}),
      "error: ERR unknown command 'nope', with args beginning with: 'a' ");
  EXPECT_EQ(Resolve({"client"}),
            "error: ERR wrong number of arguments for 'client' command");
  EXPECT_EQ(Resolve({"client", "setname"}),
            "error: ERR wrong number of arguments for 'client|setname' "
            "command");
  EXPECT_EQ(Resolve({"cLiEnt", "kill", "x"}),
            "error: ERR unknown subcommand 'kill'. Try CLIENT HELP.");
  const std::string long_name(200, 'x');
  EXPECT_EQ(Resolve({"client", long_name}), "error: ERR unknown subcommand '" +
                                                long_name.substr(0, 128) +
                                                "'. Try CLIENT HELP.");
}

TEST_F(CommandSetTest, SubcommandsInTheOrderAdded) {
  const std::vector<Subcommand>& subs = commands_.SubcommandsOf("client");
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_EQ(subs[0].name, "client|setname");
  EXPECT_EQ(subs[1].name, "client|id");
  EXPECT_TRUE(commands_.SubcommandsOf("get").empty());
  EXPECT_TRUE(commands_.SubcommandsOf("nosuch").empty());
}

TEST(HasFlag, FindsExactFlags) {
  const resp::CommandMeta meta{.flags = {"fast", "no_auth"}, .categories = {}};
  EXPECT_TRUE(HasFlag(meta, "no_auth"));
  EXPECT_FALSE(HasFlag(meta, "no"));
}

}  // namespace
}  // namespace leaderless::proxy
