// A way out for notifications (e-mail, a webhook). A channel renders each notification into
// the messages it sends (none when it has nothing to say about it) and sends one message at a
// time; the ChannelWorker decides when, in order, and what happens after a failure.
#pragma once

#include <string>
#include <vector>

#include "pim/notify/delivery_store.h"
#include "pim/notify/notification.h"

namespace pim::notify {

struct SendResult {
  enum class Kind {
    kSent,
    kRetry,   // a transient failure (receiver down, 4xx SMTP, HTTP 429/5xx): try again later
    kReject,  // a permanent failure (SMTP 5xx for a recipient, HTTP 4xx): a dead letter now
  };
  Kind kind = Kind::kSent;
  std::string error;  // for the log and the dead-letter list; never message bodies or secrets

  static SendResult Sent() { return {}; }
  static SendResult Retry(std::string error) { return {Kind::kRetry, std::move(error)}; }
  static SendResult Reject(std::string error) { return {Kind::kReject, std::move(error)}; }
};

class Channel {
 public:
  virtual ~Channel() = default;
  // Unique among the configured channels; names the channel's cursor and outbox.
  [[nodiscard]] virtual const std::string& name() const = 0;
  // The messages for `n`, in order, each with a key unique within this channel.
  [[nodiscard]] virtual std::vector<Outgoing> Render(const Notification& n) const = 0;
  // Sends one message. Called from the channel's worker thread only.
  [[nodiscard]] virtual SendResult Send(const Outgoing& message) = 0;
};

}  // namespace pim::notify
