#pragma once

#include <concepts>
#include <string>
#include <string_view>

namespace leaderless::resp {

// The text INFO replies with, laid out as Redis does: "# Title" headers,
// "field:value" lines ending in CRLF, an empty line between sections.

// Starts a section: "# title", after an empty line unless `out` is empty.
void AppendInfoSection(std::string* out, std::string_view title);

// Appends "field:value\r\n".
void AppendInfoField(std::string* out, std::string_view field,
                     std::string_view value);

// Appends "field:value\r\n" with `value` in decimal.
template <std::integral T>
void AppendInfoField(std::string* out, std::string_view field, T value) {
  AppendInfoField(out, field, std::string_view(std::to_string(value)));
}

}  // namespace leaderless::resp
