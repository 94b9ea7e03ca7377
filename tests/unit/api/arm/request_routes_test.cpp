// The ARM schedule-request surface over every seed flow: admin eligibility, self activation
// (with PUT retries), scheduled activation, approval, cancel, validate, deactivation, extend.
#include <set>
#include <string>

#include "arm_test_base.h"
#include "gmock/gmock.h"

namespace pim::testing {
namespace {

using ::testing::HasSubstr;

class ArmRequestTest : public ArmTest {};

TEST_F(ArmRequestTest, AdminAssignEligibilityIsProvisionedWithTheExactShape) {
  const std::string name = "7e7e7e7e-0000-4000-8000-000000000001";
  auto r = Put(User(owner_), kSub, "roleEligibilityScheduleRequests", name,
               Body(dana_, RoleId(kSub, role::kContributor), "AdminAssign", ForDuration("P365D")));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const auto v = Json(r);
  EXPECT_EQ(Keys(v), (std::set<std::string>{"properties", "name", "id", "type"}));
  EXPECT_EQ(Str(v.at("name")), name);
  EXPECT_EQ(Str(v.at("id")),
            Cat(kSub, "/providers/Microsoft.Authorization/RoleEligibilityScheduleRequests/", name));
  EXPECT_EQ(Str(v.at("type")), "Microsoft.Authorization/RoleEligibilityScheduleRequests");
  const auto& p = v.at("properties");
  EXPECT_EQ(Keys(p), (std::set<std::string>{
                         "targetRoleEligibilityScheduleId",
                         "targetRoleEligibilityScheduleInstanceId", "scope", "roleDefinitionId",
                         "principalId", "principalType", "requestType", "status", "approvalId",
                         "scheduleInfo", "ticketInfo", "justification", "requestorId", "createdOn",
                         "condition", "conditionVersion", "expandedProperties"}));
  EXPECT_EQ(Str(p.at("status")), "Provisioned");
  EXPECT_EQ(Str(p.at("requestType")), "AdminAssign");
  EXPECT_EQ(Str(p.at("scope")), kSub);
  EXPECT_EQ(Str(p.at("roleDefinitionId")), RoleId(kSub, role::kContributor));
  EXPECT_EQ(Str(p.at("principalId")), dana_.str());
  EXPECT_EQ(Str(p.at("principalType")), "User");
  EXPECT_EQ(Str(p.at("requestorId")), owner_.str());
  EXPECT_EQ(Str(p.at("createdOn")), "2026-01-05T09:00:00Z");
  EXPECT_EQ(Str(p.at("justification")), "Deploy hotfix");
  EXPECT_TRUE(p.at("approvalId").is_null());
  EXPECT_TRUE(IsGuid(Str(p.at("targetRoleEligibilityScheduleId"))));
  EXPECT_EQ(Str(p.at("scheduleInfo").at("startDateTime")), "2026-01-05T09:00:00Z");
  EXPECT_EQ(
      p.at("scheduleInfo").at("expiration"),
      boost::json::parse(R"({"type": "AfterDuration", "endDateTime": null, "duration": "P365D"})"));
  EXPECT_EQ(p.at("ticketInfo"),
            boost::json::parse(R"({"ticketNumber": null, "ticketSystem": null})"));
  EXPECT_EQ(
      p.at("expandedProperties"),
      boost::json::parse(Cat(
          R"({"scope": {"id": ")", kSub,
          R"(", "displayName": "Dev subscription", "type": "subscription"},)",
          R"("roleDefinition": {"id": ")", RoleId(kSub, role::kContributor),
          R"(", "displayName": "Contributor", "type": "BuiltInRole"},)", R"("principal": {"id": ")",
          dana_.str(), R"(", "displayName": "Dana Example", "email": null, "type": "User"}})")));
}

TEST_F(ArmRequestTest, RoleDefinitionIdMayBeABareGuidOrAFullIdAtAnotherScope) {
  auto r = Put(User(owner_), kRg, "roleEligibilityScheduleRequests", NewId(),
               Body(dana_, role::kReader, "adminassign", ForDuration("P30D")));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Json(r).at("properties").at("roleDefinitionId")), RoleId(kRg, role::kReader));
  r = Put(User(owner_), kRg, "roleEligibilityScheduleRequests", NewId(),
          Body(dana_, RoleId("/", role::kContributor), "AdminAssign", ForDuration("P30D")));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Json(r).at("properties").at("scope")), kRg);
}

TEST_F(ArmRequestTest, SelfActivateIsProvisionedAndARetriedPutReturnsTheSameRequest) {
  const std::string eligibility = EligibleOverArm(dana_);
  clock_.Advance(absl::Minutes(1));
  const std::string name = NewId();
  const std::string body =
      Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT8H"),
           "2026-01-05T09:01:00.000Z",
           Cat(R"(, "linkedRoleEligibilityScheduleId": ")", eligibility, R"(")"));
  auto first = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", name, body);
  ASSERT_EQ(first.status, 201) << first.body;
  const auto v = Json(first);
  EXPECT_EQ(Str(v.at("properties").at("status")), "Provisioned");
  EXPECT_EQ(Str(v.at("properties").at("requestType")), "SelfActivate");
  EXPECT_EQ(Str(v.at("properties").at("linkedRoleEligibilityScheduleId")), eligibility);
  EXPECT_EQ(Str(v.at("type")), "Microsoft.Authorization/RoleAssignmentScheduleRequests");
  EXPECT_TRUE(Holds(dana_, Contributor(kRg)));

  auto retry = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", name, body);
  EXPECT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(Json(retry), v);

  std::string other = body;
  other.replace(other.find("Deploy hotfix"), 13, "Something else");
  auto conflict = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", name, other);
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_EQ(ErrorCode(conflict), "RoleAssignmentRequestExists");
  EXPECT_EQ(Str(Json(conflict).at("error").at("message")),
            Cat("A role assignment request with Id: ", name, " already exists"));
}

TEST_F(ArmRequestTest, ActivatingWithoutEligibilityFailsThePolicy) {
  auto r = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", NewId(),
               Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H")));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "RoleAssignmentRequestPolicyValidationFailed");
  EXPECT_EQ(Str(Json(r).at("error").at("message")),
            R"(The following policy rules failed: ["EligibilityRule"])");
}

// The catalogue's errors over ARM, with their messages (reference 5.3): nothing to deactivate,
// an activation that exists, and an authentication context the token lacks.
TEST_F(ArmRequestTest, CatalogueErrorsCarryTheirCodesAndMessages) {
  auto r = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", NewId(),
               Body(dana_, RoleId(kSub, role::kContributor), "SelfDeactivate", "null", ""));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "RoleAssignmentDoesNotExist");
  EXPECT_EQ(Str(Json(r).at("error").at("message")), "The Role assignment does not exist.");

  EligibleOverArm(dana_);
  const std::string body =
      Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H"));
  Policy policy = engine_->EffectivePolicy(Contributor());
  policy.authentication_context.is_enabled = true;
  policy.authentication_context.claim_value = "c1";
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  r = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", NewId(), body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "RoleAssignmentRequestAcrsValidationFailed");
  EXPECT_EQ(Str(Json(r).at("error").at("message")),
            "&claims=%7B%22access_token%22%3A%7B%22acrs%22%3A%7B%22essential%22%3Atrue%2C%20"
            "%22value%22%3A%22c1%22%7D%7D%7D");
  policy.authentication_context.is_enabled = false;
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  ASSERT_EQ(Put(User(dana_), kSub, "roleAssignmentScheduleRequests", NewId(), body).status, 201);
  r = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", NewId(), body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "RoleAssignmentExists");
  EXPECT_EQ(Str(Json(r).at("error").at("message")), "The Role assignment already exists.");
}

TEST_F(ArmRequestTest, AFutureStartMakesAScheduledActivation) {
  EligibleOverArm(dana_);
  const std::string name = NewId();
  auto r = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", name,
               Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT2H"),
                    "2026-01-05T10:00:00.000Z"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Json(r).at("properties").at("status")), "Granted");

  auto schedules = Get(User(dana_), Url(kSub, "roleAssignmentSchedules", "$filter=asTarget()"));
  ASSERT_EQ(schedules.status, 200) << schedules.body;
  ASSERT_EQ(Json(schedules).at("value").as_array().size(), 1U);
  EXPECT_EQ(Str(Json(schedules).at("value").at(0).at("properties").at("status")), "Granted");
  auto instances =
      Get(User(dana_), Url(kSub, "roleAssignmentScheduleInstances", "$filter=asTarget()"));
  EXPECT_TRUE(Json(instances).at("value").as_array().empty()) << instances.body;

  clock_.Advance(absl::Hours(1));
  auto later = Get(User(dana_), Url(kSub, Cat("roleAssignmentScheduleRequests/", name)));
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(Str(Json(later).at("properties").at("status")), "Provisioned");
  instances = Get(User(dana_), Url(kSub, "roleAssignmentScheduleInstances", "$filter=asTarget()"));
  const auto listed = Json(instances);
  const auto& value = listed.at("value");
  ASSERT_EQ(value.as_array().size(), 1U) << instances.body;
  const auto& p = value.at(0).at("properties");
  EXPECT_EQ(Str(p.at("assignmentType")), "Activated");
  EXPECT_EQ(Str(p.at("memberType")), "Direct");
  EXPECT_EQ(Str(p.at("startDateTime")), "2026-01-05T10:00:00Z");
  EXPECT_EQ(Str(p.at("endDateTime")), "2026-01-05T12:00:00Z");
  EXPECT_THAT(Str(value.at(0).at("id")), HasSubstr("/RoleAssignmentScheduleInstances/"));
}

TEST_F(ArmRequestTest, PendingApprovalIsProvisionedOnceApproved) {
  const PrincipalId approver = AddUser("Avery Approver");
  ASSERT_TRUE(RequireApproval(*engine_, Contributor(), {Stage({UserApprover(approver)})}).ok());
  EligibleOverArm(dana_);
  const std::string name = NewId();
  auto r = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", name,
               Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H")));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Json(r).at("properties").at("status")), "PendingApproval");
  EXPECT_EQ(Str(Json(r).at("properties").at("approvalId")), name);

  auto mine =
      Get(User(approver), Url(kSub, "roleAssignmentScheduleRequests", "$filter=asApprover()"));
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(Json(mine).at("value").as_array().size(), 1U) << mine.body;
  auto none =
      Get(User(owner_), Url(kSub, "roleAssignmentScheduleRequests", "$filter=asApprover()"));
  EXPECT_TRUE(Json(none).at("value").as_array().empty()) << none.body;

  ASSERT_TRUE(engine_->Decide(User(approver), RequestId(name), true, "ok").ok());
  auto after = Get(User(dana_), Url(kSub, Cat("roleAssignmentScheduleRequests/", name)));
  EXPECT_EQ(Str(Json(after).at("properties").at("status")), "Provisioned");
  EXPECT_TRUE(Holds(dana_, Contributor()));
}

TEST_F(ArmRequestTest, CancelAnswers200WithAnEmptyBody) {
  const PrincipalId approver = AddUser("Avery Approver");
  ASSERT_TRUE(RequireApproval(*engine_, Contributor(), {Stage({UserApprover(approver)})}).ok());
  EligibleOverArm(dana_);
  const std::string name = NewId();
  ASSERT_EQ(Put(User(dana_), kSub, "roleAssignmentScheduleRequests", name,
                Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H")))
                .status,
            201);
  auto cancel = Call(*arm_, User(dana_), "POST",
                     Url(kSub, Cat("roleAssignmentScheduleRequests/", name, "/cancel")));
  EXPECT_EQ(cancel.status, 200);
  EXPECT_TRUE(cancel.body.empty()) << cancel.body;
  auto after = Get(User(dana_), Url(kSub, Cat("roleAssignmentScheduleRequests/", name)));
  EXPECT_EQ(Str(Json(after).at("properties").at("status")), "Canceled");

  auto again = Call(*arm_, User(dana_), "POST",
                    Url(kSub, Cat("roleAssignmentScheduleRequests/", name, "/cancel")));
  EXPECT_EQ(again.status, 400) << again.body;
  EXPECT_EQ(ErrorCode(again), "RoleAssignmentRequestNotCancelable");
  auto unknown = Call(*arm_, User(dana_), "POST",
                      Url(kSub, Cat("roleAssignmentScheduleRequests/", NewId(), "/cancel")));
  EXPECT_EQ(unknown.status, 404) << unknown.body;
}

TEST_F(ArmRequestTest, ValidateReturnsTheWouldBeRequestAndChangesNothing) {
  EligibleOverArm(dana_);
  const Revision before = engine_->revision();
  const std::string name = NewId();
  const std::string body =
      Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H"));
  auto r = Call(*arm_, User(dana_), "POST",
                Url(kSub, Cat("roleAssignmentScheduleRequests/", name, "/validate")), body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(Json(r).at("properties").at("status")), "Granted");
  EXPECT_EQ(Str(Json(r).at("name")), name);
  EXPECT_EQ(engine_->revision(), before);
  EXPECT_FALSE(Holds(dana_, Contributor()));
  EXPECT_EQ(Get(User(dana_), Url(kSub, Cat("roleAssignmentScheduleRequests/", name))).status, 404);
  EXPECT_EQ(Put(User(dana_), kSub, "roleAssignmentScheduleRequests", name, body).status, 201);

  auto invalid =
      Call(*arm_, User(dana_), "POST",
           Url(kSub, Cat("roleAssignmentScheduleRequests/", NewId(), "/validate")),
           Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H")));
  EXPECT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_EQ(ErrorCode(invalid), "RoleAssignmentExists");
}

// Validation of a request that would need an approval answers PendingEvaluation, and still
// stores nothing: no pending request blocks the real one.
TEST_F(ArmRequestTest, ValidateOfARequestNeedingApprovalIsPendingEvaluation) {
  const PrincipalId approver = AddUser("Avery Approver");
  ASSERT_TRUE(RequireApproval(*engine_, Contributor(), {Stage({UserApprover(approver)})}).ok());
  EligibleOverArm(dana_);
  const Revision before = engine_->revision();
  const std::size_t requests = engine_->RequestsOf(dana_).size();
  const std::string body =
      Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H"));
  auto r = Call(*arm_, User(dana_), "POST",
                Url(kSub, Cat("roleAssignmentScheduleRequests/", NewId(), "/validate")), body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(Json(r).at("properties").at("status")), "PendingEvaluation");
  EXPECT_EQ(engine_->revision(), before);
  EXPECT_EQ(engine_->RequestsOf(dana_).size(), requests);
  auto real = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", NewId(), body);
  ASSERT_EQ(real.status, 201) << real.body;
  EXPECT_EQ(Str(Json(real).at("properties").at("status")), "PendingApproval");
}

TEST_F(ArmRequestTest, SelfDeactivateWithinFiveMinutesIsTooShortAndLaterRevokes) {
  EligibleOverArm(dana_);
  ASSERT_EQ(Put(User(dana_), kSub, "roleAssignmentScheduleRequests", NewId(),
                Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H")))
                .status,
            201);
  const std::string deactivate =
      Cat(R"({"properties": {"principalId": ")", dana_.str(), R"(", "roleDefinitionId": ")",
          RoleId(kSub, role::kContributor), R"(", "requestType": "SelfDeactivate"}})");
  clock_.Advance(absl::Minutes(2));
  auto early = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", NewId(), deactivate);
  EXPECT_EQ(early.status, 400) << early.body;
  EXPECT_EQ(ErrorCode(early), "ActiveDurationTooShort");

  clock_.Advance(absl::Minutes(4));
  auto later = Put(User(dana_), kSub, "roleAssignmentScheduleRequests", NewId(), deactivate);
  ASSERT_EQ(later.status, 201) << later.body;
  EXPECT_EQ(Str(Json(later).at("properties").at("status")), "Revoked");
  EXPECT_TRUE(Json(later).at("properties").at("scheduleInfo").is_null());
  EXPECT_FALSE(Holds(dana_, Contributor()));
}

TEST_F(ArmRequestTest, SelfExtendNearTheEndGoesToTheOwnerAndSelfRenewAfterIt) {
  EligibleOverArm(dana_, kSub, "P10D");
  const std::string extend =
      Body(dana_, RoleId(kSub, role::kContributor), "SelfExtend", ForDuration("P30D"), "");
  auto r = Put(User(dana_), kSub, "roleEligibilityScheduleRequests", NewId(), extend);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Json(r).at("properties").at("status")), "PendingApproval");
  auto owner_view =
      Get(User(owner_), Url(kSub, "roleEligibilityScheduleRequests", "$filter=asApprover()"));
  EXPECT_EQ(Json(owner_view).at("value").as_array().size(), 1U) << owner_view.body;

  // After the end: renew instead.
  const PrincipalId erin = AddUser("Erin");
  EligibleOverArm(erin, kSub, "P1D");
  clock_.Advance(absl::Hours(25));
  auto early =
      Put(User(erin), kSub, "roleEligibilityScheduleRequests", NewId(),
          Body(erin, RoleId(kSub, role::kContributor), "SelfExtend", ForDuration("P30D"), ""));
  EXPECT_EQ(early.status, 400) << early.body;
  auto renew =
      Put(User(erin), kSub, "roleEligibilityScheduleRequests", NewId(),
          Body(erin, RoleId(kSub, role::kContributor), "SelfRenew", ForDuration("P30D"), ""));
  ASSERT_EQ(renew.status, 201) << renew.body;
  EXPECT_EQ(Str(Json(renew).at("properties").at("status")), "PendingApproval");
  EXPECT_EQ(Str(Json(renew).at("properties").at("requestType")), "SelfRenew");
}

TEST_F(ArmRequestTest, RequestListsFilterByFunctionAndProperty) {
  EligibleOverArm(dana_);
  const PrincipalId erin = AddUser("Erin");
  EligibleOverArm(erin, kRg);
  auto mine = Get(User(dana_), Url(kSub, "roleEligibilityScheduleRequests", "$filter=asTarget()"));
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(Json(mine).at("value").as_array().size(), 1U);
  EXPECT_TRUE(Json(mine).at("nextLink").is_null());

  auto all = Get(User(owner_), Url(kSub, "roleEligibilityScheduleRequests"));
  EXPECT_EQ(Json(all).at("value").as_array().size(), 2U) << all.body;
  auto requested =
      Get(User(owner_), Url(kSub, "roleEligibilityScheduleRequests",
                            "$filter=asRequestor()%20and%20status%20eq%20'Provisioned'"));
  EXPECT_EQ(Json(requested).at("value").as_array().size(), 2U) << requested.body;
  auto by_principal = Get(User(owner_), Url(kSub, "roleEligibilityScheduleRequests",
                                            Cat("$filter=principalId%20eq%20'", erin.str(), "'")));
  EXPECT_EQ(Json(by_principal).at("value").as_array().size(), 1U) << by_principal.body;
  auto by_role = Get(User(owner_), Url(kSub, "roleEligibilityScheduleRequests",
                                       Cat("$filter=roleDefinitionId%20eq%20'", role::kContributor,
                                           "'%20and%20requestorId%20eq%20'", owner_.str(), "'")));
  EXPECT_EQ(Json(by_role).at("value").as_array().size(), 2U) << by_role.body;

  // Dana may not read Erin's requests: she holds no role at the scope.
  auto dana_all = Get(User(dana_), Url(kSub, "roleEligibilityScheduleRequests"));
  EXPECT_EQ(Json(dana_all).at("value").as_array().size(), 1U) << dana_all.body;
}

TEST_F(ArmRequestTest, InvalidBodiesAndNamesAreBadRequests) {
  auto not_guid = Put(User(owner_), kSub, "roleEligibilityScheduleRequests", "my-request",
                      Body(dana_, role::kReader, "AdminAssign", ForDuration("P1D")));
  EXPECT_EQ(not_guid.status, 400);
  EXPECT_EQ(ErrorCode(not_guid), "BadRequest");
  auto not_json = Put(User(owner_), kSub, "roleEligibilityScheduleRequests", NewId(), "{");
  EXPECT_EQ(not_json.status, 400);
  auto missing = Put(User(owner_), kSub, "roleEligibilityScheduleRequests", NewId(),
                     R"({"properties": {"roleDefinitionId": "x", "requestType": "AdminAssign"}})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(Str(Json(missing).at("error").at("message")), HasSubstr("properties.principalId"));
  auto bad_type = Put(User(owner_), kSub, "roleEligibilityScheduleRequests", NewId(),
                      Body(dana_, role::kReader, "Activate", ForDuration("P1D")));
  EXPECT_THAT(Str(Json(bad_type).at("error").at("message")), HasSubstr("requestType"));
  auto bad_duration = Put(User(owner_), kSub, "roleEligibilityScheduleRequests", NewId(),
                          Body(dana_, role::kReader, "AdminAssign", ForDuration("P1Y")));
  EXPECT_THAT(Str(Json(bad_duration).at("error").at("message")), HasSubstr("duration"));
  auto unknown = Put(
      User(owner_), kSub, "roleEligibilityScheduleRequests", NewId(),
      Body(dana_, role::kReader, "AdminAssign", ForDuration("P1D"), "", R"(, "colour": "blue")"));
  EXPECT_THAT(Str(Json(unknown).at("error").at("message")), HasSubstr("properties.colour"));
  auto wrong_json_type = Put(User(owner_), kSub, "roleEligibilityScheduleRequests", NewId(),
                             R"({"properties": {"principalId": 5}})");
  EXPECT_EQ(wrong_json_type.status, 400);
  auto not_object = Put(User(owner_), kSub, "roleEligibilityScheduleRequests", NewId(), "[]");
  EXPECT_EQ(not_object.status, 400);
}

TEST_F(ArmRequestTest, OnlyManagersMayAssign) {
  auto r = Put(User(dana_), kSub, "roleEligibilityScheduleRequests", NewId(),
               Body(dana_, role::kOwner, "AdminAssign", ForDuration("P1D")));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(ErrorCode(r), "AuthorizationFailed");
}

// Fuzz regression (arm_request_body_fuzzer): an unknown or repeated member name used to be
// echoed whole in the error message.
TEST_F(ArmRequestTest, ErrorMessagesQuoteAtMost64BytesOfAMemberName) {
  const std::string long_name(1000, 'k');
  auto unknown = Put(User(owner_), kSub, "roleEligibilityScheduleRequests", NewId(),
                     Body(dana_, role::kReader, "AdminAssign", ForDuration("P1D"), "",
                          Cat(R"(, ")", long_name, R"(": 1)")));
  ASSERT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(ErrorCode(unknown), "BadRequest");
  const std::string message(Str(Json(unknown).at("error").at("message")));
  EXPECT_LT(message.size(), 250U) << message;
  EXPECT_THAT(message, HasSubstr(Cat("properties.", std::string(64, 'k'))));

  const std::string upper_name(1000, 'K');  // the same member in another casing
  auto repeated =
      Put(User(owner_), kSub, "roleEligibilityScheduleRequests", NewId(),
          Cat(R"({"properties": {")", long_name, R"(": 1, ")", upper_name, R"(": 2}})"));
  ASSERT_EQ(repeated.status, 400) << repeated.body;
  EXPECT_LT(Str(Json(repeated).at("error").at("message")).size(), 250U) << repeated.body;
}

}  // namespace
}  // namespace pim::testing
