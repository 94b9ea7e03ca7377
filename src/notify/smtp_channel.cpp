#include "pim/notify/smtp_channel.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "notify/curl_easy.h"
#include "pim/domain/iso8601.h"

namespace pim::notify {
namespace {

// A header value on one line: CR and LF become spaces (no header injection from names).
std::string OneLine(std::string_view value) {
  std::string out(value);
  std::replace(out.begin(), out.end(), '\r', ' ');
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

bool IsAscii(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 2047 for non-ASCII header text.
std::string EncodedWord(const std::string& text) {
  if (IsAscii(text)) return std::string(text);
  return absl::StrCat("=?utf-8?B?", absl::Base64Escape(text), "?=");
}

// Base64 in lines of 76 characters, CRLF-terminated (RFC 2045).
std::string Base64Lines(const std::string& data) {
  const std::string encoded = absl::Base64Escape(data);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) {
    absl::StrAppend(&out, encoded.substr(i, 76), "\r\n");
  }
  return out;
}

std::string HtmlEscape(const std::string& text) {
  return absl::StrReplaceAll(
      text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}, {"'", "&#39;"}});
}

}  // namespace

EmailContent ComposeEmail(const Notification& n, const std::string& portal_url) {
  const std::string who = n.principal_name.empty() ? n.principal : n.principal_name;
  const std::string what = n.target_name.empty() ? n.target : n.target_name;
  EmailContent c;
  switch (n.type) {
    case EventType::kEligibleAssigned:
      c.subject = absl::StrCat("PIM: ", who, " is eligible for ", what);
      break;
    case EventType::kActiveAssigned:
      c.subject = absl::StrCat("PIM: ", who, " was assigned ", what);
      break;
    case EventType::kActivated:
      c.subject = absl::StrCat("PIM: ", who, " activated ", what);
      break;
    case EventType::kApprovalRequested:
      c.subject = absl::StrCat("PIM: approval needed: ", who, " requests ", what);
      break;
    case EventType::kApproved:
      c.subject = absl::StrCat("PIM: request for ", what, " approved");
      break;
    case EventType::kDenied:
      c.subject = absl::StrCat("PIM: request for ", what, " denied");
      break;
    case EventType::kCanceled:
      c.subject = absl::StrCat("PIM: request by ", who, " for ", what, " canceled");
      break;
    case EventType::kApprovalTimedOut:
      c.subject = absl::StrCat("PIM: request for ", what, " expired without a decision");
      break;
    case EventType::kExpiringSoon:
      c.subject = absl::StrCat("PIM: ", what, " for ", who, " ends soon");
      break;
    case EventType::kExpired:
      c.subject = absl::StrCat("PIM: ", what, " for ", who, " has ended");
      break;
    case EventType::kExtensionRequested:
      c.subject = absl::StrCat("PIM: approval needed: ", who, " requests an extension of ", what);
      break;
    case EventType::kRenewalRequested:
      c.subject = absl::StrCat("PIM: approval needed: ", who, " requests a renewal of ", what);
      break;
    case EventType::kAlert:
      c.subject = absl::StrCat("PIM alert: ", n.summary);
      break;
  }
  std::vector<std::pair<std::string, std::string>> facts;
  auto fact = [&](std::string label, const std::string& value) {
    if (!value.empty()) facts.emplace_back(std::move(label), value);
  };
  fact("Event", std::string(kEventTypeNames.Name(n.type)));
  fact("Who", who);
  fact("Role or group", what);
  fact("Scope", n.scope);
  fact("Reason", n.justification);
  fact("Ticket", n.ticket);
  if (n.start) fact("Starts", FormatDateTime(*n.start));
  if (n.end) fact("Ends", FormatDateTime(*n.end));
  fact("Request", n.request_id);
  fact("Details", n.summary);
  fact("Changed at", FormatDateTime(n.at));
  fact("Portal", portal_url);

  c.text = absl::StrCat(c.subject, "\n\n");
  c.html = absl::StrCat("<!doctype html><html><body><h1>", HtmlEscape(c.subject), "</h1><table>");
  for (const auto& [label, value] : facts) {
    absl::StrAppend(&c.text, label, ": ", value, "\n");
    absl::StrAppend(&c.html, "<tr><th align=\"left\">", HtmlEscape(label), "</th><td>",
                    HtmlEscape(value), "</td></tr>");
  }
  absl::StrAppend(&c.text, "\nEvent id: ", n.id, "\n");
  absl::StrAppend(&c.html, "</table><p>Event id: ", HtmlEscape(n.id), "</p></body></html>");
  return c;
}

// <{key}.{digest}@{the sender's domain}>: the same for every retry of one message (so a
// receiver drops a repeat), and unlike any other deployment's, whose events differ in time or
// content even where the keys ("{revision}.{n}/{recipient}") repeat.
std::string MessageId(const Notification& n, const std::string& from, const std::string& key,
                      const std::string& text) {
  std::uint64_t digest = 14695981039346656037ULL;  // FNV-1a: stable across processes
  for (const std::string_view part :
       {std::string_view(key), std::string_view(n.id), std::string_view(text)}) {
    for (const char c : part) {
      digest = (digest ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
  }
  digest ^= static_cast<std::uint64_t>(absl::ToUnixNanos(n.at));
  const std::size_t at = from.rfind('@');
  std::string domain = at == std::string::npos ? std::string() : OneLine(from.substr(at + 1));
  domain.erase(std::remove_if(domain.begin(), domain.end(),
                              [](char c) { return c == '<' || c == '>' || c == ' '; }),
               domain.end());
  if (domain.empty()) domain = "pim.notifications";
  return absl::StrCat("<", absl::WebSafeBase64Escape(key), ".", absl::Hex(digest, absl::kZeroPad16),
                      "@", domain, ">");
}

std::string RenderEmail(const Notification& n, const std::string& from,
                        const std::string& recipient, const std::string& key,
                        const std::string& portal_url) {
  const EmailContent c = ComposeEmail(n, portal_url);
  const std::string boundary = absl::StrCat("pim-", absl::WebSafeBase64Escape(key));
  const std::string message_id = MessageId(n, from, key, c.text);
  std::string m;
  absl::StrAppend(&m, "From: PIM <", OneLine(from), ">\r\n");
  absl::StrAppend(&m, "To: <", OneLine(recipient), ">\r\n");
  absl::StrAppend(&m, "Subject: ", EncodedWord(OneLine(c.subject)), "\r\n");
  absl::StrAppend(
      &m, "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", n.at, absl::UTCTimeZone()),
      "\r\n");
  absl::StrAppend(&m, "Message-ID: ", message_id, "\r\n");
  absl::StrAppend(&m, "X-Pim-Event-Id: ", OneLine(key), "\r\n");
  absl::StrAppend(&m, "X-Pim-Event-Type: ", std::string(kEventTypeNames.Name(n.type)), "\r\n");
  if (n.critical) absl::StrAppend(&m, "Importance: high\r\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\r\n");
  absl::StrAppend(&m, "Content-Type: multipart/alternative; boundary=\"", boundary, "\"\r\n\r\n");
  absl::StrAppend(&m, "--", boundary, "\r\n",
                  "Content-Type: text/plain; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n",
                  Base64Lines(c.text));
  absl::StrAppend(&m, "--", boundary, "\r\n",
                  "Content-Type: text/html; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n",
                  Base64Lines(c.html));
  absl::StrAppend(&m, "--", boundary, "--\r\n");
  return m;
}

struct SmtpChannel::Connection {
  internal::CurlHandle curl;
};

SmtpChannel::SmtpChannel(SmtpOptions options)
    : options_(std::move(options)), connection_(std::make_unique<Connection>()) {}

SmtpChannel::~SmtpChannel() = default;

std::vector<Outgoing> SmtpChannel::Render(const Notification& n) const {
  std::vector<Outgoing> out;
  for (const std::string& to : n.recipients) {
    Outgoing m;
    m.key = absl::StrCat(n.id, "/", to);
    m.recipient = to;
    m.body = RenderEmail(n, options_.from, to, m.key, options_.portal_url);
    out.push_back(std::move(m));
  }
  return out;
}

SendResult SmtpChannel::Send(const Outgoing& message) {
  if (!connection_->curl) connection_->curl.reset(curl_easy_init());
  CURL* h = connection_->curl.get();
  if (h == nullptr) return SendResult::Retry("libcurl could not start a transfer");
  curl_easy_reset(h);
  internal::CurlList recipients;
  if (!internal::Append(recipients, absl::StrCat("<", OneLine(message.recipient), ">"))) {
    return SendResult::Retry("out of memory");
  }
  struct Reader {
    std::string_view rest;
  } reader{message.body};
  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (options_.starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!options_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
  }
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  const std::string from = absl::StrCat("<", OneLine(options_.from), ">");
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.body.size()));
  curl_easy_setopt(h, CURLOPT_READDATA, &reader);
  curl_easy_setopt(
      h, CURLOPT_READFUNCTION, +[](char* buffer, std::size_t size, std::size_t n, void* data) {
        auto* r = static_cast<Reader*>(data);
        const std::size_t count = std::min(size * n, r->rest.size());
        std::memcpy(buffer, r->rest.data(), count);
        r->rest.remove_prefix(count);
        return count;
      });
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return SendResult::Sent();
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  // Start afresh next time: the connection may be half-closed.
  connection_->curl.reset();
  std::string error = absl::StrCat("smtp: ", curl_easy_strerror(rc));
  if (code != 0) absl::StrAppend(&error, " (server answered ", code, ")");
  // A refused login is the relay's configuration, not the message's fault: keep it queued.
  if (rc != CURLE_LOGIN_DENIED && code >= 500 && code < 600) return SendResult::Reject(error);
  return SendResult::Retry(error);
}

}  // namespace pim::notify
