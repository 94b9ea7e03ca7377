// What receivers get: the webhook payload and signature, Slack text, and the e-mail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "boost/json/parse.hpp"
#include "pim/notify/smtp_channel.h"
#include "pim/notify/webhook_channel.h"

namespace pim::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Notification Sample() {
  Notification n;
  n.id = "42.0";
  n.revision = 42;
  n.type = EventType::kActivated;
  n.at = absl::FromUnixSeconds(1'767'603'600);  // 2026-01-05T09:00:00Z
  n.recipients = {"ada@example.com", "alice@example.com"};
  n.actor = "u-alice";
  n.principal = "u-alice";
  n.principal_name = "Alice\r\nBcc: evil@example.com";  // a hostile display name
  n.target = "directoryRole:helpdesk@/";
  n.target_name = "Helpdesk Administrator";
  n.scope = "/";
  n.request_id = "r-1";
  n.justification = "incident <INC-1> & more";
  n.end = n.at + absl::Hours(2);
  return n;
}

TEST(WebhookTest, PayloadHasTheStableFields) {
  const auto v = boost::json::parse(WebhookPayload(Sample())).as_object();
  EXPECT_EQ(v.at("id").as_string(), "42.0");
  EXPECT_EQ(v.at("type").as_string(), "activated");
  EXPECT_EQ(v.at("critical").as_bool(), false);
  EXPECT_EQ(v.at("time").as_string(), "2026-01-05T09:00:00Z");
  EXPECT_EQ(v.at("revision").as_int64(), 42);
  EXPECT_EQ(v.at("principal").at("id").as_string(), "u-alice");
  EXPECT_EQ(v.at("target").at("displayName").as_string(), "Helpdesk Administrator");
  EXPECT_EQ(v.at("requestId").as_string(), "r-1");
  EXPECT_TRUE(v.at("startDateTime").is_null());
  EXPECT_EQ(v.at("endDateTime").as_string(), "2026-01-05T11:00:00Z");
  EXPECT_EQ(v.at("recipients").as_array().size(), 2U);
}

TEST(WebhookTest, SignatureIsHmacSha256OfTimestampDotBody) {
  // Known answer computed independently (Python's hmac module).
  EXPECT_EQ(WebhookSignature("whsec-test", "1700000000", R"({"id":"7.0"})"),
            "v1=4220054d515969d5fbd80b13eb19de0c8c1fe9df67da3e2cfb364dc0c17ceea9");
  EXPECT_NE(WebhookSignature("whsec-test", "1700000001", R"({"id":"7.0"})"),
            WebhookSignature("whsec-test", "1700000000", R"({"id":"7.0"})"));
}

TEST(WebhookTest, SlackFormatIsText) {
  const auto v = boost::json::parse(SlackPayload(Sample())).as_object();
  EXPECT_THAT(std::string(v.at("text").as_string()), HasSubstr("activated Helpdesk Administrator"));
  EXPECT_THAT(std::string(v.at("text").as_string()), HasSubstr("Reason: incident"));
}

TEST(WebhookTest, OneCallPerEventKeyedByItsId) {
  WebhookOptions options;
  options.name = "webhook:soc";
  options.url = "https://127.0.0.1:1/";
  WebhookChannel channel(options);
  const auto out = channel.Render(Sample());
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].key, "42.0");
  EXPECT_TRUE(out[0].recipient.empty());
}

TEST(EmailTest, OneMessagePerRecipientWithStableIds) {
  SmtpOptions options;
  options.url = "smtp://127.0.0.1:1";
  options.from = "pim@example.com";
  SmtpChannel channel(options);
  const auto out = channel.Render(Sample());
  ASSERT_EQ(out.size(), 2U);
  EXPECT_EQ(out[0].key, "42.0/ada@example.com");
  EXPECT_EQ(out[1].recipient, "alice@example.com");
  EXPECT_EQ(channel.Render(Sample())[1].body, out[1].body);  // deterministic
}

TEST(EmailTest, HeadersCannotBeInjectedAndBodiesAreEscaped) {
  const std::string m = RenderEmail(Sample(), "pim@example.com", "ada@example.com",
                                    "42.0/ada@example.com", "https://pim.example.com");
  const std::vector<std::string> parts = absl::StrSplit(m, "\r\n\r\n");
  ASSERT_GE(parts.size(), 2U);
  const std::string& headers = parts[0];
  EXPECT_THAT(headers, Not(HasSubstr("\r\nBcc:")));
  EXPECT_THAT(headers, HasSubstr("Subject: PIM: Alice  Bcc: evil@example.com activated "
                                 "Helpdesk Administrator\r\n"));
  EXPECT_THAT(headers, HasSubstr("To: <ada@example.com>"));
  EXPECT_THAT(headers, HasSubstr("X-Pim-Event-Id: 42.0/ada@example.com"));
  EXPECT_THAT(headers, HasSubstr("Date: Mon, 05 Jan 2026 09:00:00 +0000"));
  EXPECT_THAT(headers, HasSubstr("multipart/alternative"));
  // Every line is CRLF-terminated and short enough for SMTP.
  for (const std::string& line : std::vector<std::string>(absl::StrSplit(m, "\r\n"))) {
    EXPECT_LE(line.size(), 998U);
    EXPECT_EQ(line.find('\n'), std::string::npos);
  }
  const EmailContent c = ComposeEmail(Sample(), "https://pim.example.com");
  EXPECT_THAT(c.html, HasSubstr("incident &lt;INC-1&gt; &amp; more"));
  EXPECT_THAT(c.html, Not(HasSubstr("<INC-1>")));
  EXPECT_THAT(c.text, HasSubstr("Reason: incident <INC-1> & more"));
  EXPECT_THAT(c.text, HasSubstr("Ends: 2026-01-05T11:00:00Z"));
  EXPECT_THAT(c.text, HasSubstr("Portal: https://pim.example.com"));
}

TEST(EmailTest, TheMessageIdIsStableForOneMessageAndDiffersBetweenEvents) {
  auto message_id = [](const std::string& mail) {
    const std::size_t at = mail.find("Message-ID: ");
    return mail.substr(at, mail.find("\r\n", at) - at);
  };
  const std::string key = "42.0/ada@example.com";
  const std::string first = message_id(
      RenderEmail(Sample(), "pim@contoso.com", "ada@example.com", key, "https://pim.example.com"));
  EXPECT_EQ(first, message_id(RenderEmail(Sample(), "pim@contoso.com", "ada@example.com", key,
                                          "https://pim.example.com")));  // a retry
  EXPECT_THAT(first, ::testing::EndsWith("@contoso.com>"));
  // Another deployment whose change log reached the same revision: the same key, another event.
  Notification other = Sample();
  other.at += absl::Seconds(1);
  EXPECT_NE(first, message_id(RenderEmail(other, "pim@contoso.com", "ada@example.com", key,
                                          "https://pim.example.com")));
}

TEST(EmailTest, NonAsciiSubjectsAreEncoded) {
  Notification n = Sample();
  n.principal_name = "Zoë";
  const std::string m = RenderEmail(n, "pim@example.com", "a@example.com", "k", "");
  std::string subject = "PIM: Zoë activated Helpdesk Administrator";
  EXPECT_THAT(m, HasSubstr(absl::StrCat("Subject: =?utf-8?B?", absl::Base64Escape(subject), "?=")));
}

}  // namespace
}  // namespace pim::notify
