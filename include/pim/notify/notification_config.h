// The --notifications file: which channels pimd delivers to. JSON:
//   {"email": {"url": "smtps://mail.example.com:465" | "smtp://host:587", "starttls": bool,
//              "from": "pim@example.com", "username": "...", "passwordFile": "...",
//              "caFile": "...", "portalUrl": "https://pim.example.com"},
//    "webhooks": [{"name": "soc", "url": "https://...", "secretFile": "...",
//                  "format": "pim" | "slack", "caFile": "..."}],
//    "retry": {"firstDelayMs": 1000, "maxDelaySeconds": 300, "maxAttempts": 20}}
// Every part is optional; unknown keys are refused. Clear-text SMTP (smtp:// without
// starttls) and http:// webhooks are accepted only towards a loopback host. Secrets come from
// files (relative paths against the config file's directory), never from the file itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "pim/notify/channel_worker.h"
#include "pim/notify/smtp_channel.h"
#include "pim/notify/webhook_channel.h"

namespace pim::notify {

struct NotificationConfig {
  std::optional<SmtpOptions> email;
  std::vector<WebhookOptions> webhooks;  // names "webhook:<name>", unique
  RetryPolicy retry;
};

// InvalidArgument naming the offending key for anything malformed or unsafe; NotFound /
// PermissionDenied-style errors name a secret file that cannot be read (not its content).
[[nodiscard]] absl::StatusOr<NotificationConfig> LoadNotificationConfig(
    std::string_view json, const std::string& base_dir);

}  // namespace pim::notify
