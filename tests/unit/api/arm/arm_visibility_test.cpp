// Server-side authorisation of the ARM surface, by the engine's one visibility rule: a caller
// sees their own requests and schedules; Owners/User Access Administrators (and, as in Azure,
// any holder of a role at or above the scope) and tenant-wide readers see everything there;
// approvers see a pending request only while they may decide it. GET by id of something the
// caller may not see is the same 404 as for something that does not exist. Writes: principals
// act only on their own assignments, assignments need Owner or User Access Administrator, and
// activating needs a recent MFA.
#include <string>

#include "arm_test_base.h"
#include "gmock/gmock.h"

namespace pim::testing {
namespace {

class ArmVisibilityTest : public ArmTest {
 protected:
  void SetUp() override {
    ArmTest::SetUp();
    sam_ = AddUser("Sam Stranger");
    approver_ = AddUser("Avery Approver");
    eligibility_ = EligibleOverArm(dana_);
    ASSERT_TRUE(RequireApproval(*engine_, Contributor(), {Stage({UserApprover(approver_)})}).ok());
    pending_ = NewId();
    auto r =
        Put(User(dana_), kSub, "roleAssignmentScheduleRequests", pending_,
            Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H")));
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_EQ(Str(Json(r).at("properties").at("status")), "PendingApproval");
  }

  std::string RequestUrl(const std::string& name, std::string_view scope = kSub) {
    return Url(scope, Cat("roleAssignmentScheduleRequests/", name));
  }
  std::size_t Count(const PrincipalId& who, const std::string& target) {
    const auto r = Get(User(who), target);
    EXPECT_EQ(r.status, 200) << target << " " << r.body;
    const auto v = Json(r);
    return v.is_object() ? v.at("value").as_array().size() : 0;
  }

  PrincipalId sam_;
  PrincipalId approver_;
  std::string eligibility_;
  std::string pending_;
};

TEST_F(ArmVisibilityTest, GetByIdOfAnotherUsersRequestIsTheSame404AsAMissingOne) {
  const auto theirs = Get(User(sam_), RequestUrl(pending_));
  const std::string unknown = NewId();
  const auto missing = Get(User(sam_), RequestUrl(unknown));
  EXPECT_EQ(theirs.status, 404) << theirs.body;
  EXPECT_EQ(ErrorCode(theirs), "RoleAssignmentRequestNotFound");
  EXPECT_EQ(ErrorCode(missing), ErrorCode(theirs));
  EXPECT_EQ(
      Str(Json(theirs).at("error").at("message")),
      Cat("The role assignment schedule request '", pending_, "' does not exist at this scope."));
  // Also through a scope below, and on the eligibility request and schedule collections.
  EXPECT_EQ(Get(User(sam_), RequestUrl(pending_, kRg)).status, 404);
  EXPECT_EQ(Get(User(sam_), Url(kSub, Cat("roleEligibilitySchedules/", eligibility_))).status, 404);
  EXPECT_EQ(
      Get(User(sam_), Url(kSub, Cat("roleEligibilityScheduleInstances/", eligibility_))).status,
      404);
  // Dana, the Owner and the approver read it.
  for (const PrincipalId& who : {dana_, owner_, approver_}) {
    EXPECT_EQ(Get(User(who), RequestUrl(pending_)).status, 200) << who.str();
  }
}

TEST_F(ArmVisibilityTest, PlainUserListingAnotherUsersItemsGetsNothing) {
  const std::string by_dana = Cat("$filter=principalId%20eq%20'", dana_.str(), "'");
  EXPECT_EQ(Count(sam_, Url(kSub, "roleAssignmentScheduleRequests", by_dana)), 0U);
  EXPECT_EQ(Count(sam_, Url(kSub, "roleEligibilityScheduleRequests", by_dana)), 0U);
  EXPECT_EQ(Count(sam_, Url(kSub, "roleEligibilitySchedules", by_dana)), 0U);
  EXPECT_EQ(Count(sam_, Url(kSub, "roleAssignmentScheduleRequests")), 0U);
  EXPECT_EQ(Count(dana_, Url(kSub, "roleAssignmentScheduleRequests", by_dana)), 1U);
  EXPECT_EQ(Count(owner_, Url(kSub, "roleAssignmentScheduleRequests", by_dana)), 1U);
}

TEST_F(ArmVisibilityTest, TenantWideReadersAndResourceReadersSeeEverythingThere) {
  const PrincipalId security_reader = AddUser("Sec Reader");
  ASSERT_TRUE(MakeActive(security_reader, DirectoryRoleTarget(role::kSecurityReader, "/")).ok());
  const PrincipalId reader = AddUser("Rita Reader");
  ASSERT_TRUE(MakeActive(reader, ResourceRoleTarget(role::kReader, kSub)).ok());
  const PrincipalId rg_reader = AddUser("Rory RG Reader");
  ASSERT_TRUE(MakeActive(rg_reader, ResourceRoleTarget(role::kReader, kRg)).ok());
  for (const PrincipalId& who : {security_reader, reader}) {
    EXPECT_EQ(Get(User(who), RequestUrl(pending_)).status, 200);
    EXPECT_EQ(Count(who, Url(kSub, "roleEligibilitySchedules")), 1U);
  }
  // A role below the item's scope reads nothing of it.
  EXPECT_EQ(Get(User(rg_reader), RequestUrl(pending_)).status, 404);
  EXPECT_EQ(Count(rg_reader, Url(kSub, "roleEligibilitySchedules")), 0U);
}

TEST_F(ArmVisibilityTest, ApproverSeesThePendingRequestOnlyWhileTheyMayDecideIt) {
  const std::string as_approver =
      Url(kSub, "roleAssignmentScheduleRequests", "$filter=asApprover()");
  EXPECT_EQ(Count(approver_, as_approver), 1U);
  EXPECT_EQ(Count(dana_, as_approver), 0U);
  EXPECT_EQ(Count(sam_, as_approver), 0U);
  // Not the eligibility it rests on.
  EXPECT_EQ(Get(User(approver_), Url(kSub, Cat("roleEligibilitySchedules/", eligibility_))).status,
            404);
  ASSERT_TRUE(engine_->Decide(User(approver_), RequestId(pending_), true, "ok").ok());
  EXPECT_EQ(Count(approver_, as_approver), 0U);
  EXPECT_EQ(Get(User(approver_), RequestUrl(pending_)).status, 404);
  EXPECT_EQ(Get(User(dana_), RequestUrl(pending_)).status, 200);
}

TEST_F(ArmVisibilityTest, CancelOfSomeoneElsesRequestIsRefused) {
  const std::string cancel = Url(kSub, Cat("roleAssignmentScheduleRequests/", pending_, "/cancel"));
  const auto stranger = Call(*arm_, User(sam_), "POST", cancel);
  EXPECT_EQ(stranger.status, 404) << stranger.body;
  EXPECT_EQ(ErrorCode(stranger), "RoleAssignmentRequestNotFound");
  for (const PrincipalId& who : {owner_, approver_}) {
    const auto r = Call(*arm_, User(who), "POST", cancel);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(ErrorCode(r), "AuthorizationFailed");
  }
  EXPECT_EQ(Str(Json(Get(User(dana_), RequestUrl(pending_))).at("properties").at("status")),
            "PendingApproval");
}

TEST_F(ArmVisibilityTest, SelfRequestsForAnotherPrincipalAreForbidden) {
  for (const std::string_view type :
       {"SelfActivate", "SelfDeactivate", "SelfExtend", "SelfRenew"}) {
    const auto r = Put(User(sam_), kSub, "roleAssignmentScheduleRequests", NewId(),
                       Body(dana_, RoleId(kSub, role::kContributor), type, ForDuration("PT1H")));
    EXPECT_EQ(r.status, 403) << type << " " << r.body;
    EXPECT_EQ(ErrorCode(r), "AuthorizationFailed") << type;
  }
  EXPECT_FALSE(Holds(dana_, Contributor()));
}

TEST_F(ArmVisibilityTest, AssigningNeedsOwnerOrUserAccessAdministratorAtOrAboveTheScope) {
  const PrincipalId contributor = AddUser("Cody Contributor");
  ASSERT_TRUE(MakeActive(contributor, ResourceRoleTarget(role::kContributor, kSub)).ok());
  const PrincipalId rg_uaa = AddUser("Uma UAA");
  ASSERT_TRUE(MakeActive(rg_uaa, ResourceRoleTarget(role::kUserAccessAdministrator, kRg)).ok());
  const PrincipalId ga = AddUser("Gail GA");
  ASSERT_TRUE(MakeActive(ga, GA()).ok());
  for (const PrincipalId& who : {sam_, contributor, rg_uaa, ga}) {
    const auto r = Put(User(who), kSub, "roleEligibilityScheduleRequests", NewId(),
                       Body(sam_, RoleId(kSub, role::kReader), "AdminAssign", ForDuration("P1D")));
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(ErrorCode(r), "AuthorizationFailed");
  }
  const auto at_rg = Put(User(rg_uaa), kRg, "roleEligibilityScheduleRequests", NewId(),
                         Body(sam_, RoleId(kRg, role::kReader), "AdminAssign", ForDuration("P1D")));
  EXPECT_EQ(at_rg.status, 201) << at_rg.body;
}

TEST_F(ArmVisibilityTest, ActivatingWithStaleMfaFailsTheMfaRule) {
  const PrincipalId erin = AddUser("Erin");
  EligibleOverArm(erin, kRg);
  const Caller stale = Caller::User(erin.str()).WithMfa(clock_.Now() - absl::Minutes(61));
  const auto r =
      Call(*arm_, stale, "PUT", Url(kRg, Cat("roleAssignmentScheduleRequests/", NewId())),
           Body(erin, RoleId(kRg, role::kContributor), "SelfActivate", ForDuration("PT1H"), ""));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "RoleAssignmentRequestPolicyValidationFailed");
  EXPECT_EQ(Str(Json(r).at("error").at("message")),
            "The following policy rules failed: [\"MfaRule\"]");
  EXPECT_EQ(Count(erin, Url(kRg, "roleAssignmentScheduleRequests", "$filter=asTarget()")), 0U);
}

}  // namespace
}  // namespace pim::testing
