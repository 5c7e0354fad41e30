#include "protocol/resp/info_text.h"

namespace leaderless::resp {

void AppendInfoSection(std::string* out, std::string_view title) {
  if (!out->empty()) out->append("\r\n");
  out->append("# ").append(title).append("\r\n");
}

void AppendInfoField(std::string* out, std::string_view field,
                     std::string_view value) {
  out->append(field).append(":").append(value).append("\r\n");
}

}  // namespace leaderless::resp
