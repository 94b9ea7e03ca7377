#include "pim/notify/notification_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "unit/store/temp_dir.h"

namespace pim::notify {
namespace {

using ::testing::HasSubstr;

class NotificationConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.path() + "/hook.secret") << "0123456789abcdef-secret\n";
    std::ofstream(dir_.path() + "/smtp.password") << "relay-password\n";
    std::ofstream(dir_.path() + "/short.secret") << "short";
  }
  absl::StatusOr<NotificationConfig> Load(std::string_view json) {
    return LoadNotificationConfig(json, dir_.path());
  }
  std::string Error(std::string_view json) {
    auto c = Load(json);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << json;
    return std::string(c.status().message());
  }
  pim::testing::TempDir dir_;
};

TEST_F(NotificationConfigTest, ReadsEveryChannelAndTheRetryPolicy) {
  auto c = Load(R"({
    "email": {"url": "smtp://mail.example.com:587", "starttls": true, "from": "pim@example.com",
              "username": "pim", "passwordFile": "smtp.password", "portalUrl": "https://pim"},
    "webhooks": [{"name": "soc", "url": "https://soc.example.com/hook", "secretFile": "hook.secret"},
                 {"name": "chat", "url": "http://127.0.0.1:9000/", "format": "slack"}],
    "retry": {"firstDelayMs": 200, "maxDelaySeconds": 2, "maxAttempts": 7}})");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_TRUE(c->email.has_value());
  EXPECT_TRUE(c->email->starttls);
  EXPECT_EQ(c->email->password, "relay-password");  // trailing newline dropped
  ASSERT_EQ(c->webhooks.size(), 2U);
  EXPECT_EQ(c->webhooks[0].name, "webhook:soc");
  EXPECT_EQ(c->webhooks[0].secret, "0123456789abcdef-secret");
  EXPECT_EQ(c->webhooks[1].format, WebhookOptions::Format::kSlack);
  EXPECT_EQ(c->retry.first_delay, absl::Milliseconds(200));
  EXPECT_EQ(c->retry.max_delay, absl::Seconds(2));
  EXPECT_EQ(c->retry.max_attempts, 7);
  EXPECT_TRUE(Load("{}").ok());
}

TEST_F(NotificationConfigTest, RefusesClearTextToTheNetwork) {
  EXPECT_THAT(Error(R"({"email": {"url": "smtp://mail.example.com", "from": "a@b"}})"),
              HasSubstr("clear text"));
  EXPECT_TRUE(Load(R"({"email": {"url": "smtp://127.0.0.1:2525", "from": "a@b"}})").ok());
  EXPECT_TRUE(Load(R"({"email": {"url": "smtps://mail.example.com", "from": "a@b"}})").ok());
  EXPECT_THAT(Error(R"({"webhooks": [{"name": "x", "url": "http://hooks.example.com/",
                                      "secretFile": "hook.secret"}]})"),
              HasSubstr("webhooks[0].url must be https://"));
  EXPECT_THAT(Error(R"({"webhooks": [{"name": "x", "url": "http://127.0.0.1.evil.example/",
                                      "secretFile": "hook.secret"}]})"),
              HasSubstr("webhooks[0].url"));
}

TEST_F(NotificationConfigTest, NamesWhatIsWrong) {
  EXPECT_THAT(Error("[]"), HasSubstr("not a JSON object"));
  EXPECT_THAT(Error(R"({"emial": {}})"), HasSubstr("emial is not a known setting"));
  EXPECT_THAT(Error(R"({"email": {"from": "a@b"}})"), HasSubstr("email.url is required"));
  EXPECT_THAT(Error(R"({"email": {"url": "https://x", "from": "a@b"}})"),
              HasSubstr("smtp:// or smtps://"));
  EXPECT_THAT(Error(R"({"email": {"url": "smtps://x", "starttls": true, "from": "a@b"}})"),
              HasSubstr("email.starttls"));
  EXPECT_THAT(Error(R"({"email": {"url": "smtps://x", "from": "nobody"}})"),
              HasSubstr("email.from"));
  EXPECT_THAT(Error(R"({"webhooks": [{"name": "x", "url": "https://h/"}]})"),
              HasSubstr("webhooks[0].secretFile is required"));
  EXPECT_THAT(Error(R"({"webhooks": [{"name": "x", "url": "https://h/",
                                      "secretFile": "short.secret"}]})"),
              HasSubstr("at least 16 bytes"));
  EXPECT_THAT(Error(R"({"webhooks": [{"name": "x", "url": "https://h/",
                                      "secretFile": "missing.secret"}]})"),
              HasSubstr("cannot be read"));
  EXPECT_THAT(Error(R"({"webhooks": [
                  {"name": "x", "url": "https://h/", "secretFile": "hook.secret"},
                  {"name": "x", "url": "https://i/", "secretFile": "hook.secret"}]})"),
              HasSubstr("webhooks[1].name is used twice"));
  EXPECT_THAT(Error(R"({"retry": {"maxAttempts": 0}})"), HasSubstr("retry.maxAttempts"));
  EXPECT_THAT(Error(R"({"retry": {"firstDelayMs": 5000, "maxDelaySeconds": 1}})"),
              HasSubstr("below firstDelayMs"));
}

TEST_F(NotificationConfigTest, SecretsNeverAppearInErrors) {
  const std::string e = Error(R"({"webhooks": [{"name": "x", "url": "ftp://h/",
                                                "secretFile": "hook.secret"}]})");
  EXPECT_THAT(e, ::testing::Not(HasSubstr("0123456789abcdef")));
}

}  // namespace
}  // namespace pim::notify
