#include "proxy/later_reply.h"

#include "protocol/resp/reply_writer.h"

namespace leaderless::proxy {

void LaterReply::Error(std::string_view message) const {
  std::string out;
  resp::ReplyWriter(&out, protocol_).Error(message);
  Send(std::move(out));
}

}  // namespace leaderless::proxy
