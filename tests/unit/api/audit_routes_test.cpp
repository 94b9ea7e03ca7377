// GET /pim/v1/audit/entries and /pim/v1/audit/keys through the dispatcher: who may read, the
// request origin recorded on every change, filters, formats and bad parameters.
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pim/api/api_service.h"
#include "pim/audit/audit_log.h"
#include "pim/audit/audit_verifier.h"
#include "pim/identity/signing_key_ring.h"
#include "unit/api/api_fixture.h"
#include "unit/api/fake_authenticator.h"
#include "unit/store/temp_dir.h"

namespace pim::api {
namespace {

using pim::testing::kAdminToken;
using pim::testing::kReaderToken;
using pim::testing::kUserToken;

class AuditRoutesTest : public pim::testing::ApiTest {
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
    auto ring = identity::SigningKeyRing::Open(dir_.File("audit-keys"), clock_.Now());
    ASSERT_TRUE(ring.ok()) << ring.status();
    keys_ = std::make_unique<identity::SigningKeyRing>(*std::move(ring));
    log_ = std::make_unique<audit::AuditLog>(*store_, *keys_, clock_, audit::AuditOptions{});
    service_ = std::make_unique<ApiService>(*engine_, *store_, clock_, *auth_, ApiOptions{},
                                            nullptr, nullptr, nullptr, log_.get());
  }

  HttpResponse Send(std::string method, std::string target, const char* token,
                    std::string body = "") {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.base_url = std::string(pim::testing::kBaseUrl);
    r.request_id = "req-42";
    r.remote_address = "198.51.100.23";
    if (token != nullptr) r.headers.emplace_back("authorization", std::string("Bearer ") + token);
    r.headers.emplace_back("client-request-id", "client-corr-7");
    if (!r.body.empty()) r.headers.emplace_back("content-type", "application/json");
    return service_->Handle(r);
  }
  static std::vector<std::string> EntryLines(const std::string& body) {
    std::vector<std::string> out;
    for (const std::string& line : std::vector<std::string>(absl::StrSplit(body, '\n'))) {
      if (line.find("\"type\":\"entry\"") != std::string::npos) out.push_back(line);
    }
    return out;
  }

  pim::testing::TempDir dir_;
  PrincipalId admin_;
  PrincipalId user_;
  PrincipalId reader_;
  std::unique_ptr<pim::testing::FakeAuthenticator> auth_;
  std::unique_ptr<identity::SigningKeyRing> keys_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<ApiService> service_;
};

TEST_F(AuditRoutesTest, APlainUserIsRefusedAndAnAuditorMayRead) {
  HttpResponse r = Send("GET", "/pim/v1/audit/entries", kUserToken);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ErrorCode(r), "AuthorizationFailed");
  r = Send("GET", "/pim/v1/audit/entries", kReaderToken);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(EntryLines(r.body).size(), static_cast<std::size_t>(engine_->revision()));
  EXPECT_EQ(Send("GET", "/pim/v1/audit/entries", kAdminToken).status, 200);
  // Global Reader too.
  ASSERT_TRUE(MakeActive(user_, DirectoryRoleTarget(role::kGlobalReader)).ok());
  EXPECT_EQ(Send("GET", "/pim/v1/audit/entries", kUserToken).status, 200);
  // Without a token: 401.
  EXPECT_EQ(Send("GET", "/pim/v1/audit/entries", nullptr).status, 401);
}

TEST_F(AuditRoutesTest, KeysArePublishedToAnyoneSignedInAndVerifyTheExport) {
  HttpResponse keys = Send("GET", "/pim/v1/audit/keys", kUserToken);
  ASSERT_EQ(keys.status, 200);
  auto trusted = identity::VerificationKey::ParseJwks(keys.body);
  ASSERT_TRUE(trusted.ok()) << trusted.status();
  ASSERT_EQ(trusted->size(), 1u);
  EXPECT_EQ((*trusted)[0].kid(), keys_->current().kid());
  EXPECT_EQ(Send("GET", "/pim/v1/audit/keys", nullptr).status, 401);

  const HttpResponse r = Send("GET", "/pim/v1/audit/entries", kReaderToken);
  std::istringstream in(r.body);
  const audit::VerificationReport report = audit::VerifyAuditExport(in, *trusted);
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.valid_checkpoints, report.checkpoints);
}

TEST_F(AuditRoutesTest, ChangesMadeThroughTheApiRecordTheirOrigin) {
  const std::string body =
      absl::StrCat(R"({"action":"adminAssign","principalId":")", user_.str(),
                   R"(","roleDefinitionId":")", std::string(role::kHelpdeskAdministrator),
                   R"(","directoryScopeId":"/","justification":"audit test",)"
                   R"("scheduleInfo":{"expiration":{"type":"NoExpiration"}}})");
  const HttpResponse created = Send(
      "POST", "/v1.0/roleManagement/directory/roleEligibilityScheduleRequests", kAdminToken, body);
  ASSERT_EQ(created.status, 201) << created.body;
  const HttpResponse r = Send(
      "GET", "/pim/v1/audit/entries?activity=Add%20eligible%20member%20to%20role", kReaderToken);
  ASSERT_EQ(r.status, 200);
  const std::vector<std::string> lines = EntryLines(r.body);
  ASSERT_EQ(lines.size(), 1u) << r.body;
  const auto entry = boost::json::parse(lines[0]).at("entry");
  EXPECT_EQ(entry.at("correlationId").as_string(), "client-corr-7");
  EXPECT_EQ(entry.at("clientAddress").as_string(), "198.51.100.23");
  EXPECT_EQ(entry.at("actor").at("id").as_string(), admin_.str());
  EXPECT_EQ(entry.at("justification").as_string(), "audit test");
  EXPECT_EQ(entry.at("activity").as_string(),
            "Add eligible member to role in PIM completed (permanent)");
  // Names are labels from the directory, next to the hashed entry.
  const auto labels = boost::json::parse(lines[0]).at("labels");
  EXPECT_EQ(labels.at("actorDisplayName").as_string(), "admin");
  EXPECT_EQ(labels.at("principalDisplayName").as_string(), "user");
}

TEST_F(AuditRoutesTest, FiltersPickEntries) {
  // By actor: the system made every change so far.
  HttpResponse r =
      Send("GET", absl::StrCat("/pim/v1/audit/entries?actor=", admin_.str()), kReaderToken);
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(EntryLines(r.body).empty());
  EXPECT_NE(r.body.find("\"filtered\":true"), std::string::npos);
  r = Send("GET", "/pim/v1/audit/entries?actor=system&activity=add%20user", kReaderToken);
  EXPECT_EQ(EntryLines(r.body).size(), 3u);
  // By target: the reader's role.
  r = Send("GET", absl::StrCat("/pim/v1/audit/entries?target=", reader_.str()), kReaderToken);
  const std::vector<std::string> about_reader = EntryLines(r.body);
  ASSERT_EQ(about_reader.size(), 2u);  // the user created, and its assignment
  EXPECT_NE(about_reader[1].find("Add member to role in PIM completed (permanent)"),
            std::string::npos);
  // Paging.
  r = Send("GET", "/pim/v1/audit/entries?limit=2", kReaderToken);
  EXPECT_EQ(EntryLines(r.body).size(), 2u);
  EXPECT_EQ(r.Header("X-Pim-Audit-Next-After"), "2");
  r = Send("GET", "/pim/v1/audit/entries?after=2&limit=10000", kReaderToken);
  EXPECT_EQ(EntryLines(r.body).size(), static_cast<std::size_t>(engine_->revision() - 2));
  EXPECT_EQ(r.Header("X-Pim-Audit-Next-After"), "");
  // A time range that holds nothing.
  r = Send("GET", "/pim/v1/audit/entries?from=2030-01-01T00:00:00Z", kReaderToken);
  EXPECT_TRUE(EntryLines(r.body).empty());
}

TEST_F(AuditRoutesTest, CsvIsQuotedAndCarriesTheHash) {
  RequestInput in;
  in.kind = ScheduleKind::kEligibility;
  in.action = RequestAction::kAdminAssign;
  in.principal = user_;
  in.target = Helpdesk();
  in.schedule_info = ScheduleInfo{std::nullopt, Permanent()};
  in.justification = "a, b \"c\"\nd";
  ASSERT_TRUE(engine_->Submit(Caller::System(), in).ok());
  const HttpResponse r =
      Send("GET", "/pim/v1/audit/entries?format=csv&activity=eligible", kReaderToken);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(r.body.find(",\"a, b \"\"c\"\"\nd\","), std::string::npos) << r.body;
  EXPECT_TRUE(absl::StrContains(r.body, ",PrevHash,Hash\r\n"));
}

TEST_F(AuditRoutesTest, BadParametersAre400AndChangeNothing) {
  const Revision before = engine_->revision();
  for (const char* query : {"format=xml", "from=yesterday", "to=2026-13-01T00:00:00Z", "limit=0",
                            "limit=10001", "after=-1", "after=x", "colour=blue", "$top=5",
                            "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"}) {
    const HttpResponse r = Send("GET", absl::StrCat("/pim/v1/audit/entries?", query), kReaderToken);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(ErrorCode(r), "BadRequest") << query;
  }
  EXPECT_EQ(Send("POST", "/pim/v1/audit/entries", kReaderToken, "{}").status, 400);
  EXPECT_EQ(engine_->revision(), before);
}

}  // namespace
}  // namespace pim::api
