#include "pim/notify/notification_config.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "pim/domain/outbound_url.h"

namespace pim::notify {
namespace {

absl::Status Bad(const std::string& key, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("notifications: ", key, " ", std::string(why)));
}

absl::Status OnlyKeys(const boost::json::object& o, const std::string& where,
                      std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : o) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) return Bad(absl::StrCat(where, std::string(key)), "is not a known setting");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Text(const boost::json::object& o, const std::string& where,
                                 std::string_view key, bool required) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    if (required) return Bad(absl::StrCat(where, std::string(key)), "is required");
    return std::string();
  }
  if (!v->is_string() || v->as_string().empty()) {
    return Bad(absl::StrCat(where, std::string(key)), "must be a non-empty string");
  }
  return std::string(v->as_string());
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return absl::StrCat(base_dir, "/", path);
}

// The secret in `path`, without its trailing line break.
absl::StatusOr<std::string> ReadSecret(const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Bad(key, absl::StrCat("names a file that cannot be read: ", path));
  std::ostringstream text;
  text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Bad(key, absl::StrCat("names an empty file: ", path));
  return secret;
}

absl::StatusOr<SmtpOptions> ParseEmail(const boost::json::object& o, const std::string& base_dir) {
  const std::string w = "email.";
  if (auto s = OnlyKeys(
          o, w, {"url", "starttls", "from", "username", "passwordFile", "caFile", "portalUrl"});
      !s.ok()) {
    return s;
  }
  SmtpOptions e;
  auto url = Text(o, w, "url", true);
  if (!url.ok()) return url.status();
  e.url = *url;
  if (const auto* v = o.if_contains("starttls")) {
    if (!v->is_bool()) return Bad("email.starttls", "must be true or false");
    e.starttls = v->as_bool();
  }
  auto parsed = ParseOutboundUrl(e.url, "notifications: email.url");
  if (!parsed.ok()) return parsed.status();
  if (parsed->scheme != "smtp" && parsed->scheme != "smtps") {
    return Bad("email.url", "must be smtp:// or smtps://");
  }
  if (parsed->scheme == "smtps" && e.starttls) {
    return Bad("email.starttls", "applies to smtp:// only (smtps:// is TLS from the start)");
  }
  if (parsed->scheme == "smtp" && !e.starttls && !parsed->loopback) {
    return Bad("email.url",
               "sends mail in clear text to a host that is not loopback; use smtps:// or "
               "\"starttls\": true");
  }
  auto from = Text(o, w, "from", true);
  if (!from.ok()) return from.status();
  e.from = *from;
  if (e.from.find('@') == std::string::npos) return Bad("email.from", "must be an e-mail address");
  auto username = Text(o, w, "username", false);
  if (!username.ok()) return username.status();
  e.username = *username;
  auto password_file = Text(o, w, "passwordFile", false);
  if (!password_file.ok()) return password_file.status();
  if (!password_file->empty()) {
    if (e.username.empty()) return Bad("email.passwordFile", "needs a username");
    auto password = ReadSecret("email.passwordFile", Resolve(base_dir, *password_file));
    if (!password.ok()) return password.status();
    e.password = *password;
  }
  auto ca = Text(o, w, "caFile", false);
  if (!ca.ok()) return ca.status();
  e.ca_file = Resolve(base_dir, *ca);
  auto portal = Text(o, w, "portalUrl", false);
  if (!portal.ok()) return portal.status();
  e.portal_url = *portal;
  return e;
}

absl::StatusOr<WebhookOptions> ParseWebhook(const boost::json::value& v, std::size_t index,
                                            const std::string& base_dir) {
  const std::string w = absl::StrCat("webhooks[", index, "].");
  if (!v.is_object()) return Bad(absl::StrCat("webhooks[", index, "]"), "must be an object");
  const auto& o = v.as_object();
  if (auto s = OnlyKeys(o, w, {"name", "url", "secretFile", "format", "caFile"}); !s.ok()) {
    return s;
  }
  WebhookOptions h;
  auto name = Text(o, w, "name", true);
  if (!name.ok()) return name.status();
  h.name = absl::StrCat("webhook:", *name);
  auto url = Text(o, w, "url", true);
  if (!url.ok()) return url.status();
  h.url = *url;
  auto parsed = ParseOutboundUrl(h.url, absl::StrCat("notifications: ", w, "url"));
  if (!parsed.ok()) return parsed.status();
  if (parsed->scheme != "https" && !(parsed->scheme == "http" && parsed->loopback)) {
    return Bad(absl::StrCat(w, "url"),
               "must be https:// (http:// only to 127.0.0.1, [::1] or localhost)");
  }
  auto format = Text(o, w, "format", false);
  if (!format.ok()) return format.status();
  if (format->empty() || *format == "pim") {
    h.format = WebhookOptions::Format::kPim;
  } else if (*format == "slack") {
    h.format = WebhookOptions::Format::kSlack;
  } else {
    return Bad(absl::StrCat(w, "format"), "must be \"pim\" or \"slack\"");
  }
  auto secret_file = Text(o, w, "secretFile", h.format == WebhookOptions::Format::kPim);
  if (!secret_file.ok()) return secret_file.status();
  if (!secret_file->empty()) {
    auto secret = ReadSecret(absl::StrCat(w, "secretFile"), Resolve(base_dir, *secret_file));
    if (!secret.ok()) return secret.status();
    if (secret->size() < 16) {
      return Bad(absl::StrCat(w, "secretFile"), "must hold a secret of at least 16 bytes");
    }
    h.secret = *secret;
  }
  auto ca = Text(o, w, "caFile", false);
  if (!ca.ok()) return ca.status();
  h.ca_file = Resolve(base_dir, *ca);
  return h;
}

absl::StatusOr<RetryPolicy> ParseRetry(const boost::json::object& o) {
  if (auto s = OnlyKeys(o, "retry.", {"firstDelayMs", "maxDelaySeconds", "maxAttempts"}); !s.ok()) {
    return s;
  }
  RetryPolicy r;
  auto number = [&](std::string_view key, std::int64_t lo,
                    std::int64_t hi) -> absl::StatusOr<std::optional<std::int64_t>> {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::optional<std::int64_t>();
    if (!v->is_int64() || v->as_int64() < lo || v->as_int64() > hi) {
      return Bad(absl::StrCat("retry.", std::string(key)),
                 absl::StrCat("must be an integer from ", lo, " to ", hi));
    }
    return std::optional<std::int64_t>(v->as_int64());
  };
  auto first = number("firstDelayMs", 10, 600'000);
  if (!first.ok()) return first.status();
  if (*first) r.first_delay = absl::Milliseconds(**first);
  auto max_delay = number("maxDelaySeconds", 1, 86'400);
  if (!max_delay.ok()) return max_delay.status();
  if (*max_delay) r.max_delay = absl::Seconds(**max_delay);
  auto attempts = number("maxAttempts", 1, 1000);
  if (!attempts.ok()) return attempts.status();
  if (*attempts) r.max_attempts = static_cast<int>(**attempts);
  if (r.max_delay < r.first_delay) return Bad("retry.maxDelaySeconds", "is below firstDelayMs");
  return r;
}

}  // namespace

absl::StatusOr<NotificationConfig> LoadNotificationConfig(std::string_view json,
                                                          const std::string& base_dir) {
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(json, ec);
  if (ec || !root.is_object()) {
    return absl::InvalidArgumentError("notifications: the file is not a JSON object");
  }
  const auto& o = root.as_object();
  if (auto s = OnlyKeys(o, "", {"email", "webhooks", "retry"}); !s.ok()) return s;
  NotificationConfig config;
  if (const auto* e = o.if_contains("email")) {
    if (!e->is_object()) return Bad("email", "must be an object");
    auto email = ParseEmail(e->as_object(), base_dir);
    if (!email.ok()) return email.status();
    config.email = std::move(*email);
  }
  if (const auto* hooks = o.if_contains("webhooks")) {
    if (!hooks->is_array()) return Bad("webhooks", "must be an array");
    std::set<std::string> names;
    for (std::size_t i = 0; i < hooks->as_array().size(); ++i) {
      auto hook = ParseWebhook(hooks->as_array()[i], i, base_dir);
      if (!hook.ok()) return hook.status();
      if (!names.insert(hook->name).second) {
        return Bad(absl::StrCat("webhooks[", i, "].name"), "is used twice");
      }
      config.webhooks.push_back(std::move(*hook));
    }
  }
  if (const auto* r = o.if_contains("retry")) {
    if (!r->is_object()) return Bad("retry", "must be an object");
    auto retry = ParseRetry(r->as_object());
    if (!retry.ok()) return retry.status();
    config.retry = *retry;
  }
  return config;
}

}  // namespace pim::notify
