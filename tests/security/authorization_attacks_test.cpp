// Attacks on authorisation and input handling, by signed-in users with MFA: each is refused
// with the surface's error and changes nothing.
#include "absl/strings/str_cat.h"
#include "security/security_fixture.h"

namespace pim::testing {
namespace {

constexpr char kGroups[] = "/v1.0/identityGovernance/privilegedAccess/group";

std::string Activation(const PrincipalId& who, const PrincipalId& group) {
  return absl::StrCat(
      R"({"accessId":"member","principalId":")", who.str(), R"(","groupId":")", group.str(),
      R"(","action":"selfActivate","justification":"INC-1",)"
      R"("scheduleInfo":{"expiration":{"type":"afterDuration","duration":"PT1H"}}})");
}

class AuthorizationAttackTest : public SecurityTest {
 protected:
  void SetUp() override {
    SecurityTest::SetUp();
    ben_ = AddAccount("Ben Builder", "ben@contoso.test");
    cara_ = AddAccount("Cara Approver", "cara@contoso.test");
    mallory_ = AddAccount("Mallory Mole", "mallory@contoso.test");
    ops_ = AddGroup("Ops");
    admins_ = AddGroup("Tenant Admins", /*assignable=*/true);
    // Ben may activate Ops membership after approval by Ben or Cara: Ben must still never
    // approve himself.
    const Target ops_member = GroupTarget(ops_, GroupAccess::kMember);
    ASSERT_TRUE(MakeEligible(ben_, ops_member).ok());
    Policy policy = engine_->EffectivePolicy(ops_member);
    policy.approval.is_approval_required = true;
    policy.approval.stages.at(0).primary_approvers = {
        ApproverRef{ApproverKind::kUser, ben_.str(), "Ben"},
        ApproverRef{ApproverKind::kUser, cara_.str(), "Cara"}};
    ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
    // Mallory owns a plain group; the role-assignable group holds Global Administrator.
    team_ = AddGroup("Mallory's team");
    ASSERT_TRUE(engine_
                    ->AddMembership(Caller::System(),
                                    DirectMembership{team_, mallory_, GroupAccess::kOwner})
                    .ok());
    ASSERT_TRUE(MakeActive(admins_, GA()).ok());
    ben_token_ = MfaToken(ben_, "ben%40contoso.test");
    mallory_token_ = MfaToken(mallory_, "mallory%40contoso.test");
  }

  std::string MfaToken(const PrincipalId& who, const std::string& user_name) {
    const auto [key, recovery] = EnrolTotp(who);
    return SignIn(user_name, CodeAt(key, clock_.Now()));
  }

  // Ben's pending activation of Ops; its id.
  std::string Pending() {
    const auto r = Send("POST", absl::StrCat(kGroups, "/assignmentScheduleRequests"), ben_token_,
                        Activation(ben_, ops_));
    EXPECT_EQ(r.status, 201) << r.body;
    const auto v = boost::json::parse(r.body);
    EXPECT_EQ(v.at("status").as_string(), "PendingApproval");
    return std::string(v.at("id").as_string());
  }

  PrincipalId ben_, cara_, mallory_, ops_, admins_, team_;
  std::string ben_token_, mallory_token_;
};

TEST_F(AuthorizationAttackTest, SelfApproval) {
  const std::string id = Pending();
  const Snapshot before = Take();
  for (const std::string& path :
       {absl::StrCat(kGroups, "/assignmentApprovals/", id, "/stages/", id),
        absl::StrCat(kGroups, "/assignmentApprovals/", id, "/steps/", id)}) {
    const auto r = Send("PATCH", path, ben_token_, R"({"reviewResult":"Approve"})");
    EXPECT_TRUE(r.status == 403 || r.status == 404) << r.status << " " << r.body;
  }
  ExpectUnchanged(before);
  EXPECT_EQ(engine_->GetRequest(RequestId(id))->status, RequestStatus::kPendingApproval);
}

TEST_F(AuthorizationAttackTest, ActivatingAnotherPrincipalsEligibility) {
  const Snapshot before = Take();
  const auto r = Send("POST", absl::StrCat(kGroups, "/assignmentScheduleRequests"), mallory_token_,
                      Activation(ben_, ops_));
  EXPECT_EQ(r.status, 403) << r.body;
  ExpectUnchanged(before);
}

TEST_F(AuthorizationAttackTest, AGroupOwnerCannotEscalateIntoARoleAssignableGroupOrARole) {
  const std::string schedule =
      R"("scheduleInfo":{"expiration":{"type":"afterDuration","duration":"PT8H"}})";
  // Her ownership is real: she manages her own group's members.
  const auto own =
      Send("POST", absl::StrCat("/v1.0/groups/", team_.str(), "/members/$ref"), mallory_token_,
           absl::StrCat(R"({"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/)",
                        ben_.str(), "\"}"));
  ASSERT_EQ(own.status, 204) << own.body;
  const Snapshot before_escalation = Take();
  // Eligible or active membership of the group that holds Global Administrator...
  for (const char* collection : {"/eligibilityScheduleRequests", "/assignmentScheduleRequests"}) {
    const auto r =
        Send("POST", absl::StrCat(kGroups, collection), mallory_token_,
             absl::StrCat(R"({"accessId":"member","principalId":")", mallory_.str(),
                          R"(","groupId":")", admins_.str(),
                          R"(","action":"adminAssign","justification":"x",)", schedule, "}"));
    EXPECT_EQ(r.status, 403) << collection << " " << r.body;
  }
  // ...a direct membership...
  const auto member =
      Send("POST", absl::StrCat("/v1.0/groups/", admins_.str(), "/members/$ref"), mallory_token_,
           absl::StrCat(R"({"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/)",
                        mallory_.str(), "\"}"));
  EXPECT_EQ(member.status, 403) << member.body;
  // ...or the role itself.
  const auto role =
      Send("POST", "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests", mallory_token_,
           absl::StrCat(R"({"action":"adminAssign","principalId":")", mallory_.str(),
                        R"(","roleDefinitionId":")", std::string(role::kGlobalAdministrator),
                        R"(","directoryScopeId":"/","justification":"x",)", schedule, "}"));
  EXPECT_EQ(role.status, 403) << role.body;
  // ...nor by putting her own group into it.
  const auto nested =
      Send("POST", absl::StrCat("/v1.0/groups/", admins_.str(), "/members/$ref"), mallory_token_,
           absl::StrCat(R"({"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/)",
                        team_.str(), "\"}"));
  EXPECT_EQ(nested.status, 400) << nested.body;  // no group may be in a role-assignable one
  EXPECT_EQ(ErrorCodeOf(nested), "Request_BadRequest");
  ExpectUnchanged(before_escalation);
  EXPECT_FALSE(Holds(mallory_, GA()));
}

TEST_F(AuthorizationAttackTest, ReadingAnotherUsersRequests) {
  const std::string id = Pending();
  const Snapshot before = Take();
  const auto one =
      Send("GET", absl::StrCat(kGroups, "/assignmentScheduleRequests/", id), mallory_token_);
  EXPECT_EQ(one.status, 404) << one.body;
  const auto listed =
      Send("GET",
           absl::StrCat(kGroups, "/assignmentScheduleRequests?$filter=principalId%20eq%20'",
                        ben_.str(), "'"),
           mallory_token_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_TRUE(boost::json::parse(listed.body).at("value").as_array().empty());
  // Ben sees his own.
  EXPECT_EQ(
      Send("GET", absl::StrCat(kGroups, "/assignmentScheduleRequests/", id), ben_token_).status,
      200);
  ExpectUnchanged(before);
}

TEST_F(AuthorizationAttackTest, InjectionThroughFilter) {
  Pending();
  const Snapshot before = Take();
  for (const char* filter :
       {"principalId%20eq%20'x'%20or%201%20eq%201",
        "principalId%20eq%20'x''%20or%20''1''%20eq%20''1", "principalId%20eq%20'x')%20or%20(true",
        "1;DROP%20TABLE%20changes", "principalId%20eq%20%00", "startswith(principalId,'",
        "not%20not%20not%20not"}) {
    const auto r =
        Send("GET", absl::StrCat(kGroups, "/assignmentScheduleRequests?$filter=", filter),
             mallory_token_);
    if (r.status == 200) {
      EXPECT_TRUE(boost::json::parse(r.body).at("value").as_array().empty()) << filter;
    } else {
      EXPECT_EQ(r.status, 400) << filter << " " << r.body;
    }
  }
  ExpectUnchanged(before);
}

TEST_F(AuthorizationAttackTest, OversizedAndDeeplyNestedJson) {
  const Snapshot before = Take();
  const std::string path = absl::StrCat(kGroups, "/assignmentScheduleRequests");
  const std::string nested = std::string(100'000, '[') + std::string(100'000, ']');
  const auto deep = Send("POST", path, ben_token_, nested);
  EXPECT_EQ(deep.status, 400) << deep.body.substr(0, 200);
  std::string huge = Activation(ben_, ops_);
  huge.replace(huge.find("INC-1"), 5, std::string(2'000'000, 'A'));
  const auto big = Send("POST", path, ben_token_, huge);
  EXPECT_EQ(big.status, 400) << big.body.substr(0, 200);
  EXPECT_EQ(big.body.find(std::string(100, 'A')), std::string::npos);
  ExpectUnchanged(before);
}

}  // namespace
}  // namespace pim::testing

namespace pim::testing {
namespace {

class AdministrationTest : public SecurityTest {
 protected:
  void SetUp() override {
    SecurityTest::SetUp();
    ada_ = AddAccount("Ada Admin", "ada@contoso.test");
    ASSERT_TRUE(MakeActive(ada_, GA()).ok());
    mallory_ = AddAccount("Mallory Mole", "mallory@contoso.test");
    app_ = AddPrincipal(PrincipalKind::kServicePrincipal, "deploy-bot");
  }
  PrincipalId ada_, mallory_, app_;
};

TEST_F(AdministrationTest, OnlyAGlobalAdministratorRotatesTheSigningKeys) {
  const std::string before_kid = tokens_->CurrentKeyId();
  const std::string old_token = SignIn("ada%40contoso.test");
  const auto refused = Send("POST", "/pim/v1/signingKeys/rotate", SignIn("mallory%40contoso.test"));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(tokens_->CurrentKeyId(), before_kid);
  const auto rotated = Send("POST", "/pim/v1/signingKeys/rotate", old_token);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_NE(tokens_->CurrentKeyId(), before_kid);
  // Tokens of the old key still work until they expire; new ones use the new key.
  EXPECT_EQ(Send("GET", "/v1.0/me", old_token).status, 200);
  EXPECT_EQ(Send("GET", "/v1.0/me", SignIn("ada%40contoso.test")).status, 200);
}

TEST_F(AdministrationTest, ServicePrincipalSecretsAreForApplicationAdministrators) {
  const std::string path = "/pim/v1/servicePrincipals/" + app_.str() + "/secrets";
  const Snapshot before = Take();
  const auto refused = Send("POST", path, SignIn("mallory%40contoso.test"), R"({})");
  EXPECT_EQ(refused.status, 403) << refused.body;
  ExpectUnchanged(before);
  EXPECT_TRUE(accounts_->ListClientSecrets(app_)->empty());

  const std::string ada = SignIn("ada%40contoso.test");
  const auto created = Send("POST", path, ada, R"({"lifetime":"P30D"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Header("Cache-Control"), "no-store");
  const auto secret = boost::json::parse(created.body);
  const std::string text(secret.at("secretText").as_string());
  const std::string key_id(secret.at("keyId").as_string());
  // The secret signs the service principal in; the listing never shows it again.
  const auto token = Form("/oauth2/token", "grant_type=client_credentials&client_id=" + app_.str() +
                                               "&client_secret=" + text);
  EXPECT_EQ(token.status, 200) << token.body;
  const auto listed = Send("GET", path, ada);
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body.find(text), std::string::npos);
  EXPECT_NE(listed.body.find(key_id), std::string::npos);
  EXPECT_EQ(Send("DELETE", path + "/" + key_id, ada).status, 204);
  EXPECT_EQ(Form("/oauth2/token",
                 "grant_type=client_credentials&client_id=" + app_.str() + "&client_secret=" + text)
                .status,
            401);
  EXPECT_EQ(
      Send("POST", "/pim/v1/servicePrincipals/" + mallory_.str() + "/secrets", ada, "{}").status,
      404);
}

}  // namespace
}  // namespace pim::testing
