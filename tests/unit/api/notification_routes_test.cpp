// /pim/v1/notifications/deadLetters through the dispatcher: who may list and replay, and the
// answers for unknown or malformed ids.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "pim/api/api_service.h"
#include "pim/store/sqlite_delivery_store.h"
#include "unit/api/api_fixture.h"
#include "unit/api/fake_authenticator.h"

namespace pim::api {
namespace {

using pim::testing::kAdminToken;
using pim::testing::kReaderToken;
using pim::testing::kUserToken;

class NotificationRoutesTest : public pim::testing::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = AddUser("admin");
    user_ = AddUser("user");
    reader_ = AddUser("reader");
    ASSERT_TRUE(MakeActive(admin_, GA()).ok());
    ASSERT_TRUE(MakeActive(reader_, DirectoryRoleTarget(role::kSecurityReader)).ok());
    auth_ = std::make_unique<pim::testing::FakeAuthenticator>(
        std::map<std::string, std::string>{
            {kAdminToken, admin_.str()}, {kUserToken, user_.str()}, {kReaderToken, reader_.str()}},
        clock_);
    auto deliveries = SqliteDeliveryStore::Open(":memory:");
    ASSERT_TRUE(deliveries.ok()) << deliveries.status();
    deliveries_ = std::move(*deliveries);
    service_ = std::make_unique<ApiService>(*engine_, *store_, clock_, *auth_, ApiOptions{},
                                            nullptr, nullptr, nullptr, nullptr, deliveries_.get());
    // One message the "email" channel gave up on.
    ASSERT_TRUE(deliveries_
                    ->Enqueue("email", 7,
                              {notify::Outgoing{"7.0/dan@example.com", "dan@example.com", "MIME"}})
                    .ok());
    auto head = deliveries_->Head("email");
    ASSERT_TRUE(head.ok() && head->has_value());
    ASSERT_TRUE(
        deliveries_->Bury("email", (*head)->seq, "smtp: 550 no such mailbox", clock_.Now()).ok());
  }

  HttpResponse Send(std::string method, std::string target, const char* token) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.base_url = std::string(pim::testing::kBaseUrl);
    r.headers.emplace_back("authorization", std::string("Bearer ") + token);
    return service_->Handle(r);
  }

  std::int64_t DeadLetterId() {
    auto dead = deliveries_->DeadLetters();
    EXPECT_TRUE(dead.ok() && dead->size() == 1);
    return dead.ok() && !dead->empty() ? (*dead)[0].id : 0;
  }

  PrincipalId admin_, user_, reader_;
  std::unique_ptr<pim::testing::FakeAuthenticator> auth_;
  std::unique_ptr<SqliteDeliveryStore> deliveries_;
  std::unique_ptr<ApiService> service_;
};

TEST_F(NotificationRoutesTest, ReadersListDeadLettersPlainUsersDoNot) {
  HttpResponse r = Send("GET", "/pim/v1/notifications/deadLetters", kUserToken);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ErrorCode(r), "AuthorizationFailed");
  r = Send("GET", "/pim/v1/notifications/deadLetters", kReaderToken);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto value = Json(r).at("value").as_array();
  ASSERT_EQ(value.size(), 1U);
  EXPECT_EQ(value[0].at("channel").as_string(), "email");
  EXPECT_EQ(value[0].at("key").as_string(), "7.0/dan@example.com");
  EXPECT_EQ(value[0].at("recipient").as_string(), "dan@example.com");
  EXPECT_EQ(value[0].at("error").as_string(), "smtp: 550 no such mailbox");
  EXPECT_EQ(value[0].at("attempts").as_int64(), 1);
  EXPECT_FALSE(value[0].as_object().contains("body"));  // the message itself stays private
}

TEST_F(NotificationRoutesTest, OnlyAdministratorsReplay) {
  const std::string replay =
      absl::StrCat("/pim/v1/notifications/deadLetters/", DeadLetterId(), "/replay");
  EXPECT_EQ(Send("POST", replay, kReaderToken).status, 403);
  EXPECT_EQ(Send("POST", replay, kUserToken).status, 403);
  EXPECT_TRUE(deliveries_->DeadLetters()->size() == 1);  // nothing changed

  HttpResponse r = Send("POST", replay, kAdminToken);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(deliveries_->DeadLetters()->empty());
  auto head = deliveries_->Head("email");
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->message.key, "7.0/dan@example.com");
  EXPECT_EQ((*head)->attempts, 0);

  r = Send("POST", replay, kAdminToken);  // already replayed
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorCode(r), "ObjectNotFound");
}

TEST_F(NotificationRoutesTest, MalformedRequestsAreRefused) {
  EXPECT_EQ(Send("POST", "/pim/v1/notifications/deadLetters/abc/replay", kAdminToken).status, 400);
  EXPECT_EQ(Send("POST", "/pim/v1/notifications/deadLetters/-1/replay", kAdminToken).status, 400);
  EXPECT_EQ(
      Send("GET", absl::StrCat("/pim/v1/notifications/deadLetters/", DeadLetterId(), "/replay"),
           kAdminToken)
          .status,
      400);
  EXPECT_EQ(Send("DELETE", "/pim/v1/notifications/deadLetters", kAdminToken).status, 400);
  EXPECT_EQ(Send("GET", "/pim/v1/notifications/other", kAdminToken).status, 404);
  EXPECT_EQ(deliveries_->DeadLetters()->size(), 1U);
}

}  // namespace
}  // namespace pim::api
