#pragma once

#include <functional>
#include <string_view>

namespace leaderless::replica {

// Lets unordered containers of std::string be searched with a string_view
// (no temporary string per lookup on the hot path).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return std::hash<std::string_view>()(s);
  }
};

}  // namespace leaderless::replica
