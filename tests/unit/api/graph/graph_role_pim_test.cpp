// Directory-role PIM over Graph: /roleManagement/directory requests, schedules, instances and
// roleAssignmentApprovals (reference 2.1-2.4).
#include "gtest/gtest.h"
#include "unit/api/graph/graph_pim_fixture.h"

namespace pim::testing {
namespace {

class GraphRolePimTest : public GraphPimTest {
 protected:
  void SetUp() override {
    GraphPimTest::SetUp();
    user_ = AddUser("Dana");
    admin_ = AddUser("Root");
    ASSERT_TRUE(MakeActive(admin_, GA()).ok());
    ASSERT_TRUE(MakeEligible(user_, Helpdesk()).ok());
  }

  static std::string RoleBody(const PrincipalId& who, std::string_view action,
                              std::string_view schedule) {
    std::string body = Cat(R"({"action":")", action, R"(","principalId":")", who.str(),
                           R"(","roleDefinitionId":")", role::kHelpdeskAdministrator,
                           R"(","directoryScopeId":"/","justification":"INC-7")");
    if (!schedule.empty()) body += Cat(R"(,"scheduleInfo":)", schedule);
    return body + "}";
  }

  PrincipalId user_;
  PrincipalId admin_;
};

// An administrative-unit scope keeps Graph's spelling on the wire, in requests and schedules
// alike, and filters match it.
TEST_F(GraphRolePimTest, AdministrativeUnitScopesAreSpelledAsGraphSpellsThem) {
  const std::string unit = "/administrativeUnits/4f4f4f4f-0000-4000-8000-000000000a01";
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {unit, {}, "", "Sales"}).ok());
  const std::string body =
      Cat(R"({"action":"adminAssign","principalId":")", user_.str(), R"(","roleDefinitionId":")",
          role::kUserAdministrator, R"(","directoryScopeId":")", unit,
          R"(","justification":"AU admin","scheduleInfo":{"expiration":{"type":"noExpiration"}}})");
  const auto created = Post(User(admin_), R("/roleEligibilityScheduleRequests"), body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Str(Json(created), "directoryScopeId"), unit);
  const auto listed = Get(
      User(admin_), R(Cat("/roleEligibilitySchedules?$filter=directoryScopeId eq '", unit, "'")));
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(Value(Json(listed)).size(), 1u) << listed.body;
  EXPECT_EQ(Str(Value(Json(listed))[0], "directoryScopeId"), unit);

  // $expand=directoryScope gives the administrative unit (null for the tenant, "/"), and
  // appScope is null: pim has no application scopes.
  const auto expanded =
      Get(User(admin_),
          R("/roleEligibilitySchedules?$expand=directoryScope,appScope&$filter=principalId eq '" +
            user_.str() + "'"));
  ASSERT_EQ(expanded.status, 200) << expanded.body;
  const boost::json::value page = Json(expanded);
  ASSERT_EQ(Value(page).size(), 2u) << expanded.body;
  int units = 0;
  for (const boost::json::value& s : Value(page)) {
    EXPECT_TRUE(s.at("appScope").is_null()) << s;
    if (Str(s, "directoryScopeId") == "/") {
      EXPECT_TRUE(s.at("directoryScope").is_null()) << s;
      continue;
    }
    ++units;
    EXPECT_EQ(Str(s.at("directoryScope"), "@odata.type"), "#microsoft.graph.administrativeUnit");
    EXPECT_EQ(Str(s.at("directoryScope"), "id"), "4f4f4f4f-0000-4000-8000-000000000a01");
    EXPECT_EQ(Str(s.at("directoryScope"), "displayName"), "Sales");
  }
  EXPECT_EQ(units, 1);
  // Groups have neither.
  EXPECT_EQ(Get(User(admin_), G("/eligibilitySchedules?$expand=directoryScope&$filter=principalId "
                                "eq '" +
                                user_.str() + "'"))
                .status,
            400);
}

TEST_F(GraphRolePimTest, ListsMyEligibleRolesWithoutRequiredFilter) {
  const auto mine =
      Get(User(user_), R("/roleEligibilitySchedules/filterByCurrentUser(on='principal')"));
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(Value(Json(mine)).size(), 1u);
  const boost::json::value s = Value(Json(mine))[0];
  EXPECT_EQ(Str(s, "roleDefinitionId"), std::string(role::kHelpdeskAdministrator));
  EXPECT_EQ(Str(s, "directoryScopeId"), "/");
  EXPECT_EQ(Str(s, "appScopeId"), "<null>");
  EXPECT_EQ(Str(s, "memberType"), "Direct");
  EXPECT_EQ(Str(Json(mine), "@odata.context"),
            "https://pim.test:8443/v1.0/$metadata#roleManagement/directory/"
            "roleEligibilitySchedules");
  // Plain lists need no filter; the GA's active assignment is an instance, which the GA sees
  // and a plain user does not.
  const auto hidden = Get(User(user_), R("/roleAssignmentScheduleInstances"));
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_TRUE(Value(Json(hidden)).empty()) << hidden.body;
  const auto all = Get(User(admin_), R("/roleAssignmentScheduleInstances"));
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(Value(Json(all)).size(), 1u);
  const boost::json::value ga = Value(Json(all))[0];
  EXPECT_EQ(Str(ga, "principalId"), admin_.str());
  EXPECT_EQ(Str(ga, "assignmentType"), "Assigned");
  EXPECT_EQ(Str(ga, "endDateTime"), "<null>");
  EXPECT_EQ(Str(ga, "roleAssignmentOriginId"), Str(ga, "id"));
  EXPECT_EQ(Str(ga, "roleAssignmentScheduleId"), Str(ga, "id"));
}

// Reference 2.4 (observed): a selfActivate with a future start answers Granted, with
// completedDateTime at the start; at the start it is Provisioned.
TEST_F(GraphRolePimTest, FutureSelfActivationIsGrantedAndCompletesAtItsStart) {
  const auto r = Post(User(user_), R("/roleAssignmentScheduleRequests"),
                      RoleBody(user_, "selfActivate",
                               R"({"startDateTime":"2026-01-05T11:00:00Z",)"
                               R"("expiration":{"type":"AfterDuration","duration":"PT1H"}})"));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto v = Json(r);
  EXPECT_EQ(Str(v, "status"), "Granted");
  EXPECT_EQ(Str(v, "completedDateTime"), "2026-01-05T11:00:00Z");
  EXPECT_FALSE(Holds(user_, Helpdesk()));
  clock_.Advance(absl::Hours(2));
  EXPECT_TRUE(Holds(user_, Helpdesk()));
  EXPECT_EQ(
      Str(Json(Get(User(user_), R("/roleAssignmentScheduleRequests/" + Str(v, "id")))), "status"),
      "Provisioned");
}

// The catalogue's errors over Graph, with their messages (reference 5.3): every failed rule is
// named, and an activation that exists is RoleAssignmentExists.
TEST_F(GraphRolePimTest, CatalogueErrorsCarryTheirCodesAndMessages) {
  const std::string activation =
      Cat(R"({"action":"selfActivate","principalId":")", user_.str(), R"(","roleDefinitionId":")",
          role::kHelpdeskAdministrator,
          R"(","directoryScopeId":"/","scheduleInfo":{"expiration":{"type":"AfterDuration",)"
          R"("duration":"PT1H"}}})");
  // No MFA in the token, no justification: both rules are named.
  auto r = Post(Caller::User(user_.str()), R("/roleAssignmentScheduleRequests"), activation);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "RoleAssignmentRequestPolicyValidationFailed");
  EXPECT_EQ(ErrorMessage(r),
            R"(The following policy rules failed: ["MfaRule","JustificationRule"])");
  const std::string body = RoleBody(user_, "selfActivate",
                                    R"({"expiration":{"type":"AfterDuration","duration":"PT1H"}})");
  ASSERT_EQ(Post(User(user_), R("/roleAssignmentScheduleRequests"), body).status, 201);
  r = Post(User(user_), R("/roleAssignmentScheduleRequests"), body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "RoleAssignmentExists");
  EXPECT_EQ(ErrorMessage(r), "The Role assignment already exists.");
}

TEST_F(GraphRolePimTest, SelfActivateRoleReturnsRoleShape) {
  const auto r = Post(User(user_), R("/roleAssignmentScheduleRequests"),
                      RoleBody(user_, "selfActivate",
                               R"({"expiration":{"type":"AfterDuration","duration":"PT5H"}})"));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto v = Json(r);
  EXPECT_EQ(Str(v, "@odata.context"),
            "https://pim.test:8443/v1.0/$metadata#roleManagement/directory/"
            "roleAssignmentScheduleRequests/$entity");
  EXPECT_EQ(Str(v, "status"), "Provisioned");
  EXPECT_EQ(Str(v, "roleDefinitionId"), std::string(role::kHelpdeskAdministrator));
  EXPECT_EQ(Str(v, "directoryScopeId"), "/");
  EXPECT_EQ(Str(v, "appScopeId"), "<null>");
  EXPECT_FALSE(v.as_object().contains("groupId"));
  EXPECT_FALSE(v.as_object().contains("accessId"));
  EXPECT_EQ(Str(v.at("scheduleInfo").at("expiration"), "duration"), "PT5H");

  const auto mine =
      Get(User(user_), R("/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')"
                         "?$expand=roleDefinition($select=id,displayName),activatedUsing"));
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(Value(Json(mine)).size(), 1u);
  const boost::json::value inst = Value(Json(mine))[0];
  EXPECT_EQ(Str(inst, "assignmentType"), "Activated");
  EXPECT_EQ(Str(inst.at("roleDefinition"), "displayName"), "Helpdesk Administrator");
  EXPECT_EQ(Str(inst.at("activatedUsing"), "roleEligibilityScheduleId"),
            Str(inst.at("activatedUsing"), "id"));
  const auto bad =
      Get(User(user_), R("/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')"
                         "?$expand=group"));
  EXPECT_EQ(bad.status, 400);
}

TEST_F(GraphRolePimTest, AdminRemoveIsRevokedWithoutSchedule) {
  const auto r =
      Post(User(admin_), R("/roleEligibilityScheduleRequests"), RoleBody(user_, "AdminRemove", ""));
  // Removing within five minutes of the assignment is refused; later it is revoked.
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "ActiveDurationTooShort");
  clock_.Advance(absl::Minutes(6));
  const auto later =
      Post(User(admin_), R("/roleEligibilityScheduleRequests"), RoleBody(user_, "AdminRemove", ""));
  ASSERT_EQ(later.status, 201) << later.body;
  const auto v = Json(later);
  EXPECT_EQ(Str(v, "status"), "Revoked");
  EXPECT_EQ(Str(v, "action"), "adminRemove");
  EXPECT_EQ(Str(v, "scheduleInfo"), "<null>");
  EXPECT_EQ(Str(v, "targetScheduleId"), "<null>");
  EXPECT_EQ(Str(v, "completedDateTime"), "<null>");  // as observed on Graph (reference 0.4)
  EXPECT_TRUE(Value(Json(Get(User(user_), R("/roleEligibilityScheduleInstances")))).empty());
}

TEST_F(GraphRolePimTest, SelfExtendAndSelfRenewWaitForAdministrators) {
  const Target helpdesk = Helpdesk();
  const PrincipalId temp = AddUser("Temp");
  ASSERT_TRUE(MakeEligible(temp, helpdesk, Until(T0() + absl::Hours(24 * 7))).ok());
  const auto extend = Post(
      User(temp), R("/roleEligibilityScheduleRequests"),
      RoleBody(temp, "selfExtend",
               R"({"expiration":{"type":"afterDateTime","endDateTime":"2026-02-05T09:00:00Z"}})"));
  ASSERT_EQ(extend.status, 201) << extend.body;
  EXPECT_EQ(Str(Json(extend), "status"), "PendingApproval");
  EXPECT_EQ(Str(Json(extend), "action"), "selfExtend");
  // The Global Administrator approves it on the beta approvals resource.
  const std::string id = Str(Json(extend), "id");
  const auto pending = Get(User(admin_), R("/roleEligibilityScheduleRequests/"
                                           "filterByCurrentUser(on='approver')"));
  ASSERT_EQ(Value(Json(pending)).size(), 1u) << pending.body;
  // Cancel it, then renew after the end.
  ASSERT_EQ(Post(User(temp), R("/roleEligibilityScheduleRequests/" + id + "/cancel"), "").status,
            204);
  clock_.Advance(absl::Hours(24 * 8));
  const auto renew = Post(
      User(temp), R("/roleEligibilityScheduleRequests"),
      RoleBody(temp, "SelfRenew",
               R"({"expiration":{"type":"afterDateTime","endDateTime":"2026-03-05T09:00:00Z"}})"));
  ASSERT_EQ(renew.status, 201) << renew.body;
  EXPECT_EQ(Str(Json(renew), "status"), "PendingApproval");
  EXPECT_EQ(Str(Json(renew), "action"), "selfRenew");
}

TEST_F(GraphRolePimTest, RoleApprovalsOnBetaAndV1) {
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  policy.approval.is_approval_required = true;
  policy.approval.stages.at(0).primary_approvers = {
      ApproverRef{ApproverKind::kUser, admin_.str(), "Root"}};
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  const auto r = Post(User(user_), R("/roleAssignmentScheduleRequests"),
                      RoleBody(user_, "selfActivate",
                               R"({"expiration":{"type":"afterDuration","duration":"PT1H"}})"));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = Str(Json(r), "id");
  EXPECT_EQ(Str(Json(r), "status"), "PendingApproval");

  const auto v1 = Get(User(admin_), R("/roleAssignmentApprovals/" + id));
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(Str(Json(v1).at("steps").at(0), "assignedToMe"), "true");
  const auto steps =
      Get(User(admin_), "/beta/roleManagement/directory/roleAssignmentApprovals/" + id + "/steps");
  ASSERT_EQ(steps.status, 200) << steps.body;
  ASSERT_EQ(Value(Json(steps)).size(), 1u);
  const auto ok = Patch(
      User(admin_), "/beta/roleManagement/directory/roleAssignmentApprovals/" + id + "/steps/" + id,
      R"({"reviewResult":"Approve","justification":"ok"})");
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(Str(Json(Get(User(user_), R("/roleAssignmentScheduleRequests/" + id))), "status"),
            "Provisioned");
}

TEST_F(GraphRolePimTest, CreatedByIsNotSupportedForRoles) {
  const auto r =
      Get(User(user_), R("/roleAssignmentScheduleRequests/filterByCurrentUser(on='createdBy')"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorCode(r), "BadRequest");
}

TEST_F(GraphRolePimTest, UnknownDirectorySegmentIsBadRequest) {
  const auto r = Get(User(user_), R("/roleThings"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorMessage(r), "Resource not found for the segment 'roleThings'.");
}

TEST_F(GraphRolePimTest, AppScopesAreRefused) {
  std::string body = RoleBody(user_, "selfActivate", "");
  body.replace(body.find(R"("directoryScopeId":"/")"), 22, R"("appScopeId":"app-1")");
  const auto r = Post(User(user_), R("/roleAssignmentScheduleRequests"), body);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(ErrorMessage(r).find("appScopeId"), std::string::npos);
}

// Fuzz regression (graph_request_body_fuzzer): an unknown property or action used to be echoed
// whole in the error message; a 4 KB name came back as a 4 KB message.
TEST_F(GraphRolePimTest, ErrorMessagesQuoteAtMost64BytesOfClientText) {
  const std::string long_name(1000, 'j');
  const auto unknown = Post(User(admin_), R("/roleAssignmentScheduleRequests"),
                            Cat(R"({")", long_name, R"(": 1, "action": "adminAssign"})"));
  ASSERT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(ErrorCode(unknown), "BadRequest");
  const std::string message(Json(unknown).at("error").at("message").as_string());
  EXPECT_LT(message.size(), 250U) << message;
  EXPECT_NE(message.find(std::string(64, 'j') + "..."), std::string::npos) << message;

  const auto action = Post(User(admin_), R("/roleAssignmentScheduleRequests"),
                           RoleBody(user_, std::string(1000, 'x'), ""));
  ASSERT_EQ(action.status, 400) << action.body;
  EXPECT_LT(Json(action).at("error").at("message").as_string().size(), 250U) << action.body;

  // A multi-byte character is not cut in half: the answer stays valid UTF-8 JSON.
  const std::string accents = std::string(63, 'a') + "\u00e9\u00e9";
  const auto utf8 =
      Post(User(admin_), R("/roleAssignmentScheduleRequests"), Cat(R"({")", accents, R"(": 1})"));
  ASSERT_EQ(utf8.status, 400) << utf8.body;
  EXPECT_EQ(ErrorCode(utf8), "BadRequest");
}

}  // namespace
}  // namespace pim::testing
