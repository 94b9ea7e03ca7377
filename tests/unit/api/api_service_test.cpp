// The dispatcher and pim's own API: authentication, error formats per surface, the revision
// header, check, watch and the test clock.
#include "pim/api/api_service.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "unit/api/api_fixture.h"
#include "unit/api/fake_authenticator.h"

namespace pim::api {
namespace {

using pim::testing::T0;

using pim::testing::kAdminToken;
using pim::testing::kUserToken;

class ApiServiceTest : public pim::testing::ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    admin_ = AddUser("admin");
    user_ = AddUser("user");
    ASSERT_TRUE(MakeActive(admin_, GA()).ok());
    auth_ = std::make_unique<pim::testing::FakeAuthenticator>(
        std::map<std::string, std::string>{{kAdminToken, admin_.str()}, {kUserToken, user_.str()}},
        clock_);
  }

  // A service with the test clock enabled, or not.
  ApiService Service(bool test_clock = false) {
    return ApiService(*engine_, *store_, clock_, *auth_, ApiOptions{},
                      test_clock ? &clock_ : nullptr);
  }

  HttpResponse Send(ApiService& service, std::string method, std::string target,
                    std::string body = "", const char* token = kUserToken) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.base_url = std::string(pim::testing::kBaseUrl);
    r.request_id = "req-42";
    if (token != nullptr) r.headers.emplace_back("authorization", std::string("Bearer ") + token);
    r.headers.emplace_back("client-request-id", "mine-7");
    return service.Handle(r);
  }

  PrincipalId admin_;
  PrincipalId user_;
  std::unique_ptr<pim::testing::FakeAuthenticator> auth_;
};

TEST_F(ApiServiceTest, WithoutATokenGraphPathsAnswer401InGraphFormat) {
  ApiService service = Service();
  const HttpResponse r = Send(service, "GET", "/v1.0/me", "", nullptr);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.Header("WWW-Authenticate"), "Bearer");
  const auto body = Json(r);
  EXPECT_EQ(body.at("error").at("code"), "InvalidAuthenticationToken");
  EXPECT_EQ(body.at("error").at("innerError").at("request-id"), "req-42");
  EXPECT_EQ(body.at("error").at("innerError").at("client-request-id"), "mine-7");
}

TEST_F(ApiServiceTest, WithoutATokenArmPathsAnswer401InArmFormat) {
  ApiService service = Service();
  const HttpResponse r =
      Send(service, "GET",
           "/subscriptions/s/providers/Microsoft.Authorization/roleEligibilitySchedules"
           "?api-version=2020-10-01",
           "", nullptr);
  EXPECT_EQ(r.status, 401);
  const auto body = Json(r);
  EXPECT_EQ(body.at("error").at("code"), "InvalidAuthenticationToken");
  EXPECT_FALSE(body.at("error").as_object().contains("innerError"));
}

TEST_F(ApiServiceTest, EveryResponseCarriesIdsAndTheRevision) {
  ApiService service = Service();
  const HttpResponse r = Send(service, "GET", "/v1.0/me");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("request-id"), "req-42");
  EXPECT_EQ(r.Header("client-request-id"), "mine-7");
  EXPECT_EQ(r.Header("X-Pim-Revision"), absl::StrCat(engine_->revision()));
}

TEST_F(ApiServiceTest, AClientRequestIdThatIsNotAPrintableTokenIsReplacedByOurs) {
  ApiService service = Service();
  HttpRequest r;
  r.method = "GET";
  r.target = "/v1.0/nothing";
  r.request_id = "req-42";
  r.headers = {{"authorization", std::string("Bearer ") + kUserToken},
               {"client-request-id", "bad\xff id"}};
  const HttpResponse response = service.Handle(r);
  EXPECT_EQ(response.Header("client-request-id"), "req-42");
  EXPECT_EQ(Json(response).at("error").at("innerError").at("client-request-id"), "req-42");
}

TEST_F(ApiServiceTest, AMalformedTargetIsABadRequest) {
  ApiService service = Service();
  const HttpResponse r = Send(service, "GET", "/v1.0/%zz");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorCode(r), "BadRequest");
}

TEST_F(ApiServiceTest, CheckAnswersEachItemAtTheCurrentRevision) {
  ApiService service = Service();
  const std::string body = absl::StrCat(
      R"({"minRevision":1,"checks":[{"principalId":")", admin_.str(),
      R"(","roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10"},{"principalId":")",
      user_.str(), R"(","roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10",)",
      R"("directoryScopeId":"/"}]})");
  const HttpResponse r = Send(service, "POST", "/pim/v1/check", body, kAdminToken);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto v = Json(r);
  EXPECT_EQ(v.at("revision").as_int64(), engine_->revision());
  const auto& results = v.at("results").as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].at("allowed"), true);
  EXPECT_TRUE(results[0].at("grantedBy").is_string());
  EXPECT_TRUE(results[0].at("until").is_null());  // permanent
  EXPECT_EQ(results[1].at("allowed"), false);
  EXPECT_TRUE(results[1].at("grantedBy").is_null());
}

TEST_F(ApiServiceTest, CheckReportsTheEndOfTimeBoundAccess) {
  ApiService service = Service();
  ASSERT_TRUE(MakeEligible(user_, Helpdesk()).ok());
  ASSERT_TRUE(Activate(user_, Helpdesk(), absl::Hours(2)).ok());
  const HttpResponse r =
      Send(service, "POST", "/pim/v1/check",
           absl::StrCat(R"({"checks":[{"principalId":")", user_.str(), R"(","roleDefinitionId":")",
                        std::string(role::kHelpdeskAdministrator), R"("}]})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("results").at(0).at("until").as_string(),
            FormatDateTime(T0() + absl::Hours(2)));
}

// The answer is written as text: keys in a fixed order, access through a group's assignment,
// and a standing membership as its own grant.
TEST_F(ApiServiceTest, CheckAnswerTextIsExact) {
  ApiService service = Service();
  const PrincipalId group = AddGroup("Helpdesk group", /*assignable=*/true);
  ASSERT_TRUE(MakeActive(group, Helpdesk()).ok());
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, user_, GroupAccess::kMember}).ok());
  const std::string body =
      absl::StrCat(R"({"checks":[{"principalId":")", user_.str(), R"(","roleDefinitionId":")",
                   std::string(role::kHelpdeskAdministrator), R"("},{"principalId":")", user_.str(),
                   R"(","groupId":")", group.str(), R"("},{"principalId":")", user_.str(),
                   R"(","groupId":")", group.str(), R"(","accessId":"owner"}]})");
  const HttpResponse r = Send(service, "POST", "/pim/v1/check", body, kAdminToken);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string helpdesk_schedule;
  for (const Schedule& s : engine_->SchedulesOf(group)) helpdesk_schedule = s.id.str();
  EXPECT_EQ(r.body,
            absl::StrCat(R"({"revision":)", engine_->revision(),
                         R"(,"results":[{"allowed":true,"grantedBy":")", helpdesk_schedule,
                         R"(","viaGroupId":")", group.str(),
                         R"(","until":null},{"allowed":true,"grantedBy":"membership:)",
                         DirectMembership{group, user_, GroupAccess::kMember}.Key(),
                         R"(","viaGroupId":null,"until":null},)",
                         R"({"allowed":false,"grantedBy":null,"viaGroupId":null,"until":null}]})"));
}

TEST_F(ApiServiceTest, ACheckAheadOfThisServerIsRetriedLaterNotWaitedFor) {
  ApiService service = Service();
  const HttpResponse r = Send(service, "POST", "/pim/v1/check",
                              absl::StrCat(R"({"minRevision":)", engine_->revision() + 1,
                                           R"(,"checks":[{"principalId":"p","groupId":"g"}]})"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(ErrorCode(r), "ServiceUnavailable");
  EXPECT_EQ(r.Header("Retry-After"), "1");
}

TEST_F(ApiServiceTest, MalformedChecksAreRefusedWholesale) {
  ApiService service = Service();
  std::string many = R"({"checks":[)";
  for (int i = 0; i < 1001; ++i) {
    absl::StrAppend(&many, i ? "," : "", R"({"principalId":"p","groupId":"g"})");
  }
  many += "]}";
  for (const std::string& body :
       {std::string("not json"), std::string("[]"), std::string(R"({"checks":[]})"),
        std::string(R"({"checks":[{"groupId":"g"}]})"),
        std::string(R"({"checks":[{"principalId":"p","groupId":"g","roleDefinitionId":"r"}]})"),
        std::string(R"({"checks":[{"principalId":"p","groupId":"g","accessId":"admin"}]})"),
        std::string(R"({"checks":[{"principalId":"p","roleDefinitionId":"r","scope":"/x/y"}]})"),
        std::string(R"({"checks":[{"principalId":7,"groupId":"g"}]})"),
        std::string(R"({"minRevision":-1,"checks":[{"principalId":"p","groupId":"g"}]})"), many}) {
    const HttpResponse r = Send(service, "POST", "/pim/v1/check", body);
    EXPECT_EQ(r.status, 400) << body.substr(0, 80) << " -> " << r.body;
    EXPECT_EQ(ErrorCode(r), "BadRequest") << body.substr(0, 80);
  }
  EXPECT_EQ(Send(service, "GET", "/pim/v1/check").status, 400);
}

TEST_F(ApiServiceTest, OnlyAccessReadersMayCheckOthersOrWatch) {
  ApiService service = Service();
  const std::string about_admin =
      absl::StrCat(R"({"checks":[{"principalId":")", admin_.str(), R"(","roleDefinitionId":")",
                   std::string(role::kGlobalAdministrator), R"("}]})");
  HttpResponse r = Send(service, "POST", "/pim/v1/check", about_admin);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ErrorCode(r), "AuthorizationFailed");
  r = Send(service, "GET", "/pim/v1/watch");
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(r.stream_after.has_value());
  // A Security Reader may.
  ASSERT_TRUE(MakeActive(user_, DirectoryRoleTarget(role::kSecurityReader)).ok());
  EXPECT_EQ(Send(service, "POST", "/pim/v1/check", about_admin).status, 200);
  EXPECT_EQ(Send(service, "GET", "/pim/v1/watch").status, 200);
}

TEST_F(ApiServiceTest, WatchStartsWhereTheClientSays) {
  ApiService service = Service();
  HttpResponse r = Send(service, "GET", "/pim/v1/watch?since=3", "", kAdminToken);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "text/event-stream");
  EXPECT_EQ(r.stream_after, 3);
  r = Send(service, "GET", "/pim/v1/watch", "", kAdminToken);
  EXPECT_EQ(r.stream_after, engine_->revision());
  for (const char* bad : {"/pim/v1/watch?since=-1", "/pim/v1/watch?since=abc",
                          "/pim/v1/watch?from=1", "/pim/v1/watch?$top=1"}) {
    r = Send(service, "GET", bad, "", kAdminToken);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_FALSE(r.stream_after.has_value()) << bad;
  }
}

TEST_F(ApiServiceTest, LastEventIdWinsOverSince) {
  ApiService service = Service();
  HttpRequest r;
  r.method = "GET";
  r.target = "/pim/v1/watch?since=1";
  r.headers = {{"authorization", std::string("Bearer ") + kAdminToken}, {"last-event-id", "5"}};
  EXPECT_EQ(service.Handle(r).stream_after, 5);
}

TEST_F(ApiServiceTest, WatchFeedFormatsEventsAndTellsLaggardsToResync) {
  WatchFeed feed(*engine_, *store_, /*max_backlog=*/3);
  const Revision before = engine_->revision();
  const PrincipalId added = AddUser("watched");
  auto batch = feed.Next(before, 10);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_FALSE(batch->resync);
  EXPECT_EQ(batch->last, engine_->revision());
  EXPECT_TRUE(absl::StartsWith(batch->text, absl::StrCat("id: ", before + 1, "\nevent: change\n")))
      << batch->text;
  EXPECT_TRUE(absl::StrContains(batch->text, added.str()));
  EXPECT_TRUE(absl::StrContains(batch->text, R"("op":"put")"));
  // Caught up: nothing to send.
  batch = feed.Next(engine_->revision(), 10);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->text.empty());
  // Too far behind, or ahead of this server: resynchronise.
  for (const Revision from : {Revision{0}, engine_->revision() + 1}) {
    batch = feed.Next(from, 10);
    ASSERT_TRUE(batch.ok());
    EXPECT_TRUE(batch->resync) << from;
    EXPECT_TRUE(absl::StartsWith(batch->text, "event: resync\n")) << batch->text;
  }
}

// After retention deleted the head of the change log, a consumer still before the first
// retained record cannot be served the records it lacks: it resynchronises.
TEST_F(ApiServiceTest, WatchFeedTellsAConsumerBeforeTheRetainedLogToResync) {
  WatchFeed feed(*engine_, *store_);
  const Revision before = engine_->revision();
  AddUser("first");
  AddUser("second");
  ChangeLogAnchor anchor;
  anchor.revision = before + 1;
  anchor.chain_hash = std::string(64, 'a');
  ASSERT_TRUE(store_->DeleteChangesThrough(anchor).ok());
  for (const Revision from : {Revision{0}, before}) {
    auto batch = feed.Next(from, 10);
    ASSERT_TRUE(batch.ok()) << batch.status();
    EXPECT_TRUE(batch->resync) << from;
    EXPECT_EQ(batch->text,
              absl::StrCat("event: resync\ndata: {\"revision\":", before + 2, "}\n\n"));
  }
  // From the anchor on, the retained records stream as before.
  auto batch = feed.Next(before + 1, 10);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_FALSE(batch->resync);
  EXPECT_TRUE(absl::StartsWith(batch->text, absl::StrCat("id: ", before + 2, "\n"))) << batch->text;
  EXPECT_EQ(batch->last, before + 2);
}

TEST_F(ApiServiceTest, TheTestClockExistsOnlyInTestClockMode) {
  ApiService production = Service(/*test_clock=*/false);
  EXPECT_EQ(Send(production, "GET", "/pim/v1/test/clock").status, 404);
  EXPECT_EQ(Send(production, "POST", "/pim/v1/test/clock", R"({"advance":"PT1H"})").status, 404);
  EXPECT_EQ(clock_.Now(), T0());
}

TEST_F(ApiServiceTest, AdvancingTheTestClockFiresDueTimersBeforeAnswering) {
  ApiService service = Service(/*test_clock=*/true);
  ASSERT_TRUE(MakeEligible(user_, Helpdesk()).ok());
  ASSERT_TRUE(Activate(user_, Helpdesk(), absl::Hours(1)).ok());
  ASSERT_TRUE(Holds(user_, Helpdesk()));
  const HttpResponse r = Send(service, "POST", "/pim/v1/test/clock", R"({"advance":"PT1H"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("now").as_string(), FormatDateTime(T0() + absl::Hours(1)));
  EXPECT_FALSE(Holds(user_, Helpdesk()));
  const HttpResponse set =
      Send(service, "POST", "/pim/v1/test/clock", R"({"now":"2026-01-06T00:00:00Z"})");
  EXPECT_EQ(Json(set).at("now").as_string(),
            FormatDateTime(absl::FromCivil(absl::CivilDay(2026, 1, 6), absl::UTCTimeZone())));
}

TEST_F(ApiServiceTest, TheTestClockNeverMovesBackAndRefusesNonsense) {
  ApiService service = Service(/*test_clock=*/true);
  for (const char* body : {R"({"advance":"-PT1H"})", R"({"now":"2020-01-01T00:00:00Z"})",
                           R"({"now":"2027-01-01T00:00:00Z","advance":"PT1H"})", "{}",
                           R"({"advance":3600})", R"({"advance":"P1M"})", "nonsense"}) {
    const HttpResponse r = Send(service, "POST", "/pim/v1/test/clock", body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
  }
  EXPECT_EQ(clock_.Now(), T0());
}

TEST_F(ApiServiceTest, UnknownPimPathsAre404) {
  ApiService service = Service();
  EXPECT_EQ(Send(service, "GET", "/pim/v1/nothing").status, 404);
}

}  // namespace
}  // namespace pim::api
