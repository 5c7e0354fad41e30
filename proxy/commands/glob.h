#pragma once

#include <string_view>

namespace leaderless::proxy {

// Redis's glob-style match (util.c stringmatchlen), used by CONFIG GET and
// COMMAND LIST FILTERBY PATTERN: '*' matches any run of bytes, '?' one byte,
// "[abc]", "[^abc]" and "[a-z]" a class of bytes, '\' escapes the next
// byte; an unclosed '[' takes the rest of the pattern as its class. With
// `nocase`, ASCII letters match in either case. Time is O(pattern * text)
// at worst: a '*' only ever resumes from the latest one.
bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase);

}  // namespace leaderless::proxy
