#include "pim/notify/webhook_channel.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "notify/curl_easy.h"
#include "pim/domain/iso8601.h"

namespace pim::notify {
namespace {

boost::json::value TimeOrNull(const std::optional<absl::Time>& t) {
  if (!t) return nullptr;
  return boost::json::string(FormatDateTime(*t));
}

boost::json::value TextOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return boost::json::string(s);
}

std::string Sentence(const Notification& n) {
  const std::string who = n.principal_name.empty() ? n.principal : n.principal_name;
  const std::string what = n.target_name.empty() ? n.target : n.target_name;
  const std::string where = n.scope.empty() || n.scope == "/" ? "" : absl::StrCat(" at ", n.scope);
  switch (n.type) {
    case EventType::kEligibleAssigned:
      return absl::StrCat(who, " was made eligible for ", what, where);
    case EventType::kActiveAssigned:
      return absl::StrCat(who, " was assigned ", what, where);
    case EventType::kActivated:
      return absl::StrCat(who, " activated ", what, where);
    case EventType::kApprovalRequested:
      return absl::StrCat(who, " requests approval to activate ", what, where);
    case EventType::kApproved:
      return absl::StrCat("The request of ", who, " for ", what, where, " was approved");
    case EventType::kDenied:
      return absl::StrCat("The request of ", who, " for ", what, where, " was denied");
    case EventType::kCanceled:
      return absl::StrCat("The request of ", who, " for ", what, where, " was canceled");
    case EventType::kApprovalTimedOut:
      return absl::StrCat("The request of ", who, " for ", what, where,
                          " expired without a decision");
    case EventType::kExpiringSoon:
      return absl::StrCat("The assignment of ", who, " to ", what, where, " ends soon");
    case EventType::kExpired:
      return absl::StrCat("The assignment of ", who, " to ", what, where, " has ended");
    case EventType::kExtensionRequested:
      return absl::StrCat(who, " requests an extension of ", what, where);
    case EventType::kRenewalRequested:
      return absl::StrCat(who, " requests a renewal of ", what, where);
    case EventType::kAlert:
      return absl::StrCat("Alert: ", n.summary);
  }
  return n.summary;
}

}  // namespace

std::string WebhookPayload(const Notification& n) {
  boost::json::array recipients;
  for (const std::string& r : n.recipients) recipients.emplace_back(r);
  boost::json::object o;
  o["id"] = n.id;
  o["type"] = std::string(kEventTypeNames.Name(n.type));
  o["critical"] = n.critical;
  o["time"] = FormatDateTime(n.at);
  o["revision"] = n.revision;
  o["actor"] = TextOrNull(n.actor);
  o["principal"] = boost::json::object{{"id", TextOrNull(n.principal)},
                                       {"displayName", TextOrNull(n.principal_name)}};
  o["target"] = boost::json::object{{"key", TextOrNull(n.target)},
                                    {"displayName", TextOrNull(n.target_name)},
                                    {"scope", TextOrNull(n.scope)}};
  o["requestId"] = TextOrNull(n.request_id);
  o["scheduleId"] = TextOrNull(n.schedule_id);
  o["justification"] = TextOrNull(n.justification);
  o["ticket"] = TextOrNull(n.ticket);
  o["startDateTime"] = TimeOrNull(n.start);
  o["endDateTime"] = TimeOrNull(n.end);
  o["summary"] = Sentence(n);
  o["recipients"] = std::move(recipients);
  return boost::json::serialize(o);
}

std::string SlackPayload(const Notification& n) {
  std::string text = absl::StrCat(n.critical ? ":rotating_light: " : "", Sentence(n), ".");
  if (!n.justification.empty()) absl::StrAppend(&text, "\nReason: ", n.justification);
  if (n.end) absl::StrAppend(&text, "\nEnds: ", FormatDateTime(*n.end));
  return boost::json::serialize(boost::json::object{{"text", text}});
}

std::string WebhookSignature(const std::string& secret, const std::string& timestamp,
                             const std::string& body) {
  const std::string signed_text = absl::StrCat(timestamp, ".", body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac.data(),
       &length);
  return absl::StrCat("v1=", absl::BytesToHexString(
                                 std::string(reinterpret_cast<const char*>(mac.data()), length)));
}

WebhookChannel::WebhookChannel(WebhookOptions options) : options_(std::move(options)) {}

std::vector<Outgoing> WebhookChannel::Render(const Notification& n) const {
  Outgoing m;
  m.key = n.id;
  m.body = options_.format == WebhookOptions::Format::kSlack ? SlackPayload(n) : WebhookPayload(n);
  return {std::move(m)};
}

SendResult WebhookChannel::Send(const Outgoing& message) {
  internal::CurlHandle curl(curl_easy_init());
  if (!curl) return SendResult::Retry("libcurl could not start a transfer");
  const std::string timestamp = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  internal::CurlList headers;
  const bool listed =
      internal::Append(headers, "Content-Type: application/json") &&
      internal::Append(headers, absl::StrCat("X-Pim-Event-Id: ", message.key)) &&
      internal::Append(headers, absl::StrCat("X-Pim-Timestamp: ", timestamp)) &&
      internal::Append(headers,
                       absl::StrCat("X-Pim-Signature: ",
                                    WebhookSignature(options_.secret, timestamp, message.body))) &&
      internal::Append(headers, "Expect:");
  if (!listed) return SendResult::Retry("out of memory");
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, message.body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(message.body.size()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  // The response body is not needed; discard it.
  curl_easy_setopt(
      h, CURLOPT_WRITEFUNCTION,
      +[](char*, std::size_t size, std::size_t n, void*) { return size * n; });
  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) return SendResult::Retry(curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return SendResult::Sent();
  const std::string error = absl::StrCat("receiver answered HTTP ", status);
  if (status == 408 || status == 429 || status >= 500) return SendResult::Retry(error);
  return SendResult::Reject(error);
}

}  // namespace pim::notify
