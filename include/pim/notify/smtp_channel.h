// Notifications as e-mail over SMTP (libcurl): one message per recipient per event, plain text
// and HTML (multipart/alternative), with a Message-ID and an X-Pim-Event-Id header derived from
// the idempotency key so a mail system can drop repeats. `smtps://` is TLS from the first byte;
// `smtp://` with `starttls` requires STARTTLS; plain `smtp://` is for a relay on loopback only.
// A 5xx answer is permanent (dead letter), except a refused login (the relay's settings, not
// the message); anything else that fails is retried.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "pim/notify/channel.h"
#include "pim/notify/notification.h"

namespace pim::notify {

struct SmtpOptions {
  std::string name = "email";
  std::string url;         // smtp://host:port or smtps://host:port
  bool starttls = false;   // smtp:// only: require STARTTLS
  std::string from;        // envelope and header sender, e.g. pim@example.com
  std::string username;    // empty: no authentication
  std::string password;    // never logged
  std::string ca_file;     // extra CA bundle; empty = system store
  std::string portal_url;  // linked from the messages when set
  absl::Duration timeout = absl::Seconds(30);
};

// The subject, plain-text and HTML bodies of the e-mail for `n`.
struct EmailContent {
  std::string subject;
  std::string text;
  std::string html;
};
[[nodiscard]] EmailContent ComposeEmail(const Notification& n, const std::string& portal_url);

// The complete RFC 5322 message for `n` to `recipient` (CRLF line ends; header values
// stripped of line breaks; non-ASCII subjects RFC 2047-encoded; bodies base64).
[[nodiscard]] std::string RenderEmail(const Notification& n, const std::string& from,
                                      const std::string& recipient, const std::string& key,
                                      const std::string& portal_url);

class SmtpChannel final : public Channel {
 public:
  explicit SmtpChannel(SmtpOptions options);
  ~SmtpChannel() override;
  [[nodiscard]] const std::string& name() const override { return options_.name; }
  [[nodiscard]] std::vector<Outgoing> Render(const Notification& n) const override;
  [[nodiscard]] SendResult Send(const Outgoing& message) override;

 private:
  struct Connection;  // the libcurl handle, kept between sends so the connection is reused
  const SmtpOptions options_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace pim::notify
