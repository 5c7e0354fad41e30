#include "proxy/args.h"

#include <strings.h>

namespace leaderless::proxy {

bool ArgIs(std::string_view arg, std::string_view lowercase_name) {
  return arg.size() == lowercase_name.size() &&
         strncasecmp(arg.data(), lowercase_name.data(), arg.size()) == 0;
}

}  // namespace leaderless::proxy
