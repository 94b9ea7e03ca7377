// Notifications as HTTPS POSTs of a JSON payload, one per event. Every call carries
//   X-Pim-Event-Id:   the event's idempotency key (receivers drop repeats),
//   X-Pim-Timestamp:  Unix seconds when this attempt was sent,
//   X-Pim-Signature:  "v1=" + hex HMAC-SHA256(secret, timestamp + "." + body),
// so a receiver that checks the signature and refuses timestamps older than a few minutes
// rejects both forgeries and replays. The "slack" format posts Slack's {"text": ...} instead.
// 2xx is delivered; 408, 429 and 5xx are retried; any other status is refused for good.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "pim/notify/channel.h"

namespace pim::notify {

struct WebhookOptions {
  std::string name;    // the channel's name, e.g. "webhook:siem"
  std::string url;     // https://, or http:// to a loopback address
  std::string secret;  // HMAC key; never logged
  enum class Format { kPim, kSlack } format = Format::kPim;
  std::string ca_file;  // extra CA bundle for a private receiver; empty = system store
  absl::Duration timeout = absl::Seconds(10);
};

// The payload of `n` in pim's stable webhook format (docs/notifications.md).
[[nodiscard]] std::string WebhookPayload(const Notification& n);
// The same event as a Slack-compatible {"text": ...} message.
[[nodiscard]] std::string SlackPayload(const Notification& n);
// "v1=" + lowercase hex HMAC-SHA256(secret, timestamp + "." + body).
[[nodiscard]] std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                                           const std::string& body);

class WebhookChannel final : public Channel {
 public:
  explicit WebhookChannel(WebhookOptions options);
  [[nodiscard]] const std::string& name() const override { return options_.name; }
  [[nodiscard]] std::vector<Outgoing> Render(const Notification& n) const override;
  [[nodiscard]] SendResult Send(const Outgoing& message) override;

 private:
  const WebhookOptions options_;
};

}  // namespace pim::notify
