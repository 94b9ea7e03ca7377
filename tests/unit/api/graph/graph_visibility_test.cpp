// Server-side authorisation of Graph PIM reads and writes: a plain user sees only their own
// requests, schedules and instances; administrators of a target and tenant-wide readers see
// everything about it; approvers see a pending request only while they may decide it, and
// nobody sees the approval of their own request. What a caller may not see answers exactly
// like what does not exist. Writes: principals act only on their own assignments, and admin
// actions need the right to manage the target.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "unit/api/graph/graph_pim_fixture.h"

namespace pim::testing {
namespace {

using ::testing::HasSubstr;

class GraphVisibilityTest : public GraphPimTest {
 protected:
  void SetUp() override {
    GraphPimTest::SetUp();
    dana_ = AddUser("Dana");
    sam_ = AddUser("Sam");
    approver_ = AddUser("Alex");
    owner_ = AddUser("Olga");
    ops_ = AddGroup("Ops");
    ASSERT_TRUE(engine_->AddMembership(Caller::System(), {ops_, owner_, GroupAccess::kOwner}).ok());
    const Target member = GroupTarget(ops_, GroupAccess::kMember);
    auto eligibility = MakeEligible(dana_, member);
    ASSERT_TRUE(eligibility.ok()) << eligibility.status();
    group_eligibility_ = eligibility->target_schedule->str();
    Policy policy = engine_->EffectivePolicy(member);
    policy.approval.is_approval_required = true;
    policy.approval.stages.at(0).primary_approvers = {
        ApproverRef{ApproverKind::kUser, approver_.str(), "Alex"}};
    ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
    const auto pending =
        Post(User(dana_), G("/assignmentScheduleRequests"), GroupActivation(dana_, ops_));
    ASSERT_EQ(pending.status, 201) << pending.body;
    ASSERT_EQ(Str(Json(pending), "status"), "PendingApproval");
    pending_ = Str(Json(pending), "id");

    ASSERT_TRUE(MakeEligible(dana_, Helpdesk()).ok());
    const auto activated =
        Post(User(dana_), R("/roleAssignmentScheduleRequests"),
             RoleBody(dana_, role::kHelpdeskAdministrator, "selfActivate",
                      R"({"expiration":{"type":"afterDuration","duration":"PT2H"}})"));
    ASSERT_EQ(activated.status, 201) << activated.body;
    ASSERT_EQ(Str(Json(activated), "status"), "Provisioned");
    role_request_ = Str(Json(activated), "id");
    role_schedule_ = Str(Json(activated), "targetScheduleId");
  }

  static std::string RoleBody(const PrincipalId& who, std::string_view role_id,
                              std::string_view action, std::string_view schedule) {
    return Cat(R"({"action":")", action, R"(","principalId":")", who.str(),
               R"(","roleDefinitionId":")", role_id,
               R"(","directoryScopeId":"/","justification":"INC-7","scheduleInfo":)", schedule,
               "}");
  }
  static std::string GroupAdminAssign(const PrincipalId& who, const PrincipalId& group) {
    return Cat(R"({"accessId":"member","principalId":")", who.str(), R"(","groupId":")",
               group.str(), R"(","action":"adminAssign","justification":"on-call",)",
               R"("scheduleInfo":{"expiration":{"type":"noExpiration"}}})");
  }
  static std::string PrincipalFilter(const PrincipalId& who) {
    return Cat("$filter=principalId%20eq%20'", who.str(), "'");
  }
  // `who` holding directory role `role` permanently.
  PrincipalId WithRole(std::string_view role) {
    const PrincipalId who = AddUser(std::string(role));
    EXPECT_TRUE(MakeActive(who, DirectoryRoleTarget(role, "/")).ok());
    return who;
  }
  // The ids listed by GET `target` as `caller` (a 200 is asserted).
  std::vector<std::string> Ids(const PrincipalId& caller, const std::string& target) {
    const auto r = Get(User(caller), target);
    EXPECT_EQ(r.status, 200) << target << " " << r.body;
    std::vector<std::string> ids;
    const auto body = Json(r);
    for (const auto& item : Value(body)) ids.push_back(Str(item, "id"));
    return ids;
  }
  std::string PendingStatus() {
    return Str(Json(Get(User(dana_), G("/assignmentScheduleRequests/" + pending_))), "status");
  }

  PrincipalId dana_;
  PrincipalId sam_;
  PrincipalId approver_;
  PrincipalId owner_;
  PrincipalId ops_;
  std::string group_eligibility_;
  std::string pending_;
  std::string role_request_;
  std::string role_schedule_;
};

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(GraphVisibilityTest, PlainUserFilteringOnAnotherUsersGroupRequestsGetsNothing) {
  const std::string query = Cat("?", PrincipalFilter(dana_), "&$count=true");
  const auto theirs = Get(User(sam_), G("/assignmentScheduleRequests" + query));
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_THAT(Value(Json(theirs)), IsEmpty());
  EXPECT_EQ(Str(Json(theirs), "@odata.count"), "0");
  EXPECT_THAT(Ids(sam_, G("/eligibilityScheduleRequests?" + PrincipalFilter(dana_))), IsEmpty());
  EXPECT_THAT(
      Ids(sam_, G("/assignmentScheduleRequests?$filter=groupId%20eq%20'" + ops_.str() + "'")),
      IsEmpty());
  // The same query by Dana returns her request.
  const auto mine = Get(User(dana_), G("/assignmentScheduleRequests" + query));
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_EQ(Value(Json(mine)).size(), 1u);
  EXPECT_EQ(Str(Value(Json(mine))[0], "id"), pending_);
  EXPECT_EQ(Str(Json(mine), "@odata.count"), "1");
  // Beta answers the same.
  EXPECT_THAT(Ids(sam_, Cat("/beta/identityGovernance/privilegedAccess/group/"
                            "assignmentScheduleRequests?",
                            PrincipalFilter(dana_))),
              IsEmpty());
}

TEST_F(GraphVisibilityTest, PlainUserFilteringOnAnotherUsersRoleRequestsGetsNothing) {
  EXPECT_THAT(Ids(sam_, R("/roleAssignmentScheduleRequests?" + PrincipalFilter(dana_))), IsEmpty());
  EXPECT_THAT(Ids(sam_, R("/roleEligibilityScheduleRequests?" + PrincipalFilter(dana_))),
              IsEmpty());
  // Role lists need no filter; unfiltered, a plain user still sees only their own.
  EXPECT_THAT(Ids(sam_, R("/roleAssignmentScheduleRequests")), IsEmpty());
  EXPECT_THAT(Ids(sam_, R("/roleAssignmentSchedules")), IsEmpty());
  EXPECT_THAT(Ids(sam_, R("/roleAssignmentScheduleInstances")), IsEmpty());
  EXPECT_THAT(Ids(dana_, R("/roleAssignmentScheduleRequests?" + PrincipalFilter(dana_))),
              ElementsAre(role_request_));
  EXPECT_THAT(Ids(dana_, R("/roleAssignmentSchedules")), ElementsAre(role_schedule_));
}

TEST_F(GraphVisibilityTest, GetByIdOfAnotherUsersItemIsIndistinguishableFromAMissingOne) {
  const std::string unknown = NewId();
  const auto theirs = Get(User(sam_), G("/assignmentScheduleRequests/" + pending_));
  const auto missing = Get(User(sam_), G("/assignmentScheduleRequests/" + unknown));
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(ErrorCode(theirs), "RoleAssignmentRequestNotFound");
  EXPECT_EQ(ErrorCode(theirs), ErrorCode(missing));
  EXPECT_EQ(ErrorMessage(theirs), "The request '" + pending_ + "' was not found.");
  EXPECT_EQ(ErrorMessage(missing), "The request '" + unknown + "' was not found.");
  EXPECT_TRUE(Json(theirs).at("error").as_object().contains("innerError"));

  const auto role = Get(User(sam_), R("/roleAssignmentScheduleRequests/" + role_request_));
  EXPECT_EQ(role.status, 404);
  EXPECT_EQ(ErrorCode(role), "RoleAssignmentRequestNotFound");
  for (const std::string& target :
       {G("/eligibilitySchedules/" + group_eligibility_),
        G("/eligibilityScheduleInstances/" + group_eligibility_),
        R("/roleAssignmentSchedules/" + role_schedule_),
        R("/roleAssignmentScheduleInstances/" + role_schedule_),
        Cat("/beta/roleManagement/directory/roleAssignmentScheduleRequests/", role_request_)}) {
    const auto r = Get(User(sam_), target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(ErrorCode(r),
              ErrorCode(Get(User(sam_), target.substr(0, target.rfind('/') + 1) + unknown)))
        << target;
  }
  // Dana reads her own.
  EXPECT_EQ(Get(User(dana_), G("/assignmentScheduleRequests/" + pending_)).status, 200);
  EXPECT_EQ(Get(User(dana_), R("/roleAssignmentSchedules/" + role_schedule_)).status, 200);
}

TEST_F(GraphVisibilityTest, AdministratorsOfTheTargetSeeEverythingAboutIt) {
  const std::string by_group = Cat("?$filter=groupId%20eq%20'", ops_.str(), "'");
  EXPECT_THAT(Ids(owner_, G("/assignmentScheduleRequests" + by_group)), ElementsAre(pending_));
  EXPECT_THAT(Ids(owner_, G("/eligibilitySchedules" + by_group)), ElementsAre(group_eligibility_));
  EXPECT_EQ(Get(User(owner_), G("/assignmentScheduleRequests/" + pending_)).status, 200);
  // Owning a group says nothing about directory roles.
  EXPECT_THAT(Ids(owner_, R("/roleAssignmentScheduleRequests")), IsEmpty());
  EXPECT_EQ(Get(User(owner_), R("/roleAssignmentScheduleRequests/" + role_request_)).status, 404);
  // A Privileged Role Administrator manages both.
  const PrincipalId pra = WithRole(role::kPrivilegedRoleAdministrator);
  EXPECT_THAT(Ids(pra, G("/assignmentScheduleRequests" + by_group)), ElementsAre(pending_));
  EXPECT_EQ(Get(User(pra), R("/roleAssignmentScheduleRequests/" + role_request_)).status, 200);
}

TEST_F(GraphVisibilityTest, TenantWideReadersSeeEverything) {
  for (const std::string_view role : {role::kSecurityReader, role::kGlobalReader,
                                      role::kSecurityAdministrator, role::kGlobalAdministrator}) {
    const PrincipalId reader = WithRole(role);
    EXPECT_THAT(Ids(reader, G("/assignmentScheduleRequests?" + PrincipalFilter(dana_))),
                ElementsAre(pending_))
        << role;
    EXPECT_THAT(Ids(reader, R("/roleAssignmentScheduleRequests?" + PrincipalFilter(dana_))),
                ElementsAre(role_request_))
        << role;
    EXPECT_EQ(Get(User(reader), R("/roleAssignmentScheduleInstances/" + role_schedule_)).status,
              200)
        << role;
  }
}

TEST_F(GraphVisibilityTest, CountAndPagesCoverOnlyVisibleItems) {
  options_.page_size = 2;
  graph_ = std::make_unique<api::GraphApi>(*engine_, options_);
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(absl::Seconds(1));
    ASSERT_TRUE(MakeEligible(AddUser("user" + std::to_string(i)), Helpdesk()).ok());
  }
  std::vector<std::string> mine;
  for (const std::string_view role :
       {role::kHelpdeskAdministrator, role::kExchangeAdministrator, role::kGroupsAdministrator}) {
    clock_.Advance(absl::Seconds(1));
    auto r = MakeEligible(sam_, DirectoryRoleTarget(role, "/"));
    ASSERT_TRUE(r.ok()) << r.status();
    mine.push_back(r->id.str());
  }
  const auto first = Get(User(sam_), R("/roleEligibilityScheduleRequests?$count=true"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Str(Json(first), "@odata.count"), "3");
  ASSERT_EQ(Value(Json(first)).size(), 2u);
  EXPECT_EQ(Str(Value(Json(first))[0], "id"), mine[0]);
  EXPECT_EQ(Str(Value(Json(first))[1], "id"), mine[1]);
  const std::string next = Str(Json(first), "@odata.nextLink");
  ASSERT_EQ(next.rfind(std::string(kBaseUrl), 0), 0u) << next;
  const auto second = Get(User(sam_), next.substr(kBaseUrl.size()));
  ASSERT_EQ(second.status, 200) << second.body;
  ASSERT_EQ(Value(Json(second)).size(), 1u);
  EXPECT_EQ(Str(Value(Json(second))[0], "id"), mine[2]);
  EXPECT_EQ(Str(Json(second), "@odata.nextLink"), "<missing>");
  // $top counts visible items too.
  const auto top = Get(User(sam_), R("/roleEligibilitySchedules?$top=1&$count=true"));
  ASSERT_EQ(top.status, 200) << top.body;
  EXPECT_EQ(Str(Json(top), "@odata.count"), "3");
  ASSERT_EQ(Value(Json(top)).size(), 1u);
  EXPECT_EQ(Str(Value(Json(top))[0], "principalId"), sam_.str());
}

TEST_F(GraphVisibilityTest, ApproverSeesThePendingRequestOnlyWhileTheyMayDecideIt) {
  const std::string approver_view =
      G("/assignmentScheduleRequests/filterByCurrentUser(on='approver')");
  EXPECT_THAT(Ids(approver_, approver_view), ElementsAre(pending_));
  EXPECT_THAT(Ids(dana_, approver_view), IsEmpty());   // her own request
  EXPECT_THAT(Ids(owner_, approver_view), IsEmpty());  // sees it, but is no approver
  EXPECT_THAT(Ids(sam_, approver_view), IsEmpty());

  // The request, but not the eligibility it rests on: that expands to null.
  const auto expanded = Get(User(approver_), G("/assignmentScheduleRequests/" + pending_ +
                                               "?$expand=activatedUsing,principal($select=id)"));
  ASSERT_EQ(expanded.status, 200) << expanded.body;
  EXPECT_TRUE(Json(expanded).at("activatedUsing").is_null()) << expanded.body;
  EXPECT_EQ(Str(Json(expanded).at("principal"), "id"), dana_.str());
  EXPECT_EQ(Get(User(approver_), G("/eligibilitySchedules/" + group_eligibility_)).status, 404);
  const auto hers =
      Get(User(dana_), G("/assignmentScheduleRequests/" + pending_ + "?$expand=activatedUsing"));
  ASSERT_EQ(hers.status, 200) << hers.body;
  EXPECT_EQ(Str(Json(hers).at("activatedUsing"), "id"), group_eligibility_);
  // The same in lists.
  const auto listed =
      Get(User(approver_), approver_view + "?$expand=activatedUsing&$select=id,status");
  ASSERT_EQ(Value(Json(listed)).size(), 1u) << listed.body;
  EXPECT_TRUE(Value(Json(listed))[0].at("activatedUsing").is_null());

  const std::string stage = G("/assignmentApprovals/" + pending_ + "/stages/" + pending_);
  ASSERT_EQ(
      Patch(User(approver_), stage, R"({"reviewResult":"Approve","justification":"ok"})").status,
      204);
  EXPECT_THAT(Ids(approver_, approver_view), IsEmpty());
  EXPECT_EQ(Get(User(approver_), G("/assignmentScheduleRequests/" + pending_)).status, 404);
  // The decided approval stays readable to them (their own record).
  EXPECT_EQ(Get(User(approver_), G("/assignmentApprovals/" + pending_)).status, 200);
}

TEST_F(GraphVisibilityTest, ApprovalsAreForApproversAndAdministratorsNeverTheRequester) {
  const std::string approval = G("/assignmentApprovals/" + pending_);
  const auto as_approver = Get(User(approver_), approval);
  ASSERT_EQ(as_approver.status, 200) << as_approver.body;
  EXPECT_EQ(Str(Json(as_approver).at("stages").at(0), "assignedToMe"), "true");
  const auto as_owner = Get(User(owner_), approval);
  ASSERT_EQ(as_owner.status, 200) << as_owner.body;
  EXPECT_EQ(Str(Json(as_owner).at("stages").at(0), "assignedToMe"), "false");
  EXPECT_EQ(Get(User(WithRole(role::kSecurityReader)), approval).status, 200);
  for (const PrincipalId& who : {dana_, sam_}) {
    const auto r = Get(User(who), approval);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(ErrorCode(r), "ApprovalNotFound");
    EXPECT_EQ(ErrorMessage(r), "The approval '" + pending_ + "' was not found.");
  }
  EXPECT_THAT(Ids(owner_, G("/assignmentApprovals/filterByCurrentUser(on='approver')")), IsEmpty());

  // Deciding: a stranger finds nothing; the requester (who knows the request) and an
  // administrator who is no approver are refused.
  const std::string stage = approval + "/stages/" + pending_;
  const std::string approve = R"({"reviewResult":"Approve","justification":"ok"})";
  const auto by_stranger = Patch(User(sam_), stage, approve);
  EXPECT_EQ(by_stranger.status, 404) << by_stranger.body;
  EXPECT_EQ(ErrorCode(by_stranger), "ApprovalNotFound");
  const auto by_requester = Patch(User(dana_), stage, approve);
  EXPECT_EQ(by_requester.status, 403) << by_requester.body;
  EXPECT_EQ(ErrorCode(by_requester), "NotAnApprover");
  const auto by_owner = Patch(User(owner_), stage, approve);
  EXPECT_EQ(by_owner.status, 403) << by_owner.body;
  EXPECT_EQ(ErrorCode(by_owner), "NotAnApprover");
  EXPECT_EQ(PendingStatus(), "PendingApproval");
}

TEST_F(GraphVisibilityTest, CancelOfSomeoneElsesRequestIsRefused) {
  const std::string cancel = G("/assignmentScheduleRequests/" + pending_ + "/cancel");
  const auto stranger = Post(User(sam_), cancel, "");
  EXPECT_EQ(stranger.status, 404) << stranger.body;
  EXPECT_EQ(ErrorCode(stranger), "RoleAssignmentRequestNotFound");
  for (const PrincipalId& who : {owner_, approver_}) {
    const auto r = Post(User(who), cancel, "");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(ErrorCode(r), "AuthorizationFailed");
  }
  EXPECT_EQ(PendingStatus(), "PendingApproval");
  EXPECT_EQ(Post(User(dana_), cancel, "").status, 204);
  EXPECT_EQ(PendingStatus(), "Canceled");
}

TEST_F(GraphVisibilityTest, SelfActionsForAnotherPrincipalAreForbidden) {
  const auto activate =
      Post(User(sam_), G("/assignmentScheduleRequests"), GroupActivation(dana_, ops_));
  EXPECT_EQ(activate.status, 403) << activate.body;
  EXPECT_EQ(ErrorCode(activate), "AuthorizationFailed");
  clock_.Advance(absl::Minutes(10));
  for (const std::string_view action : {"selfDeactivate", "selfExtend", "selfRenew"}) {
    const auto r = Post(User(sam_), R("/roleAssignmentScheduleRequests"),
                        RoleBody(dana_, role::kHelpdeskAdministrator, action,
                                 R"({"expiration":{"type":"afterDuration","duration":"PT1H"}})"));
    EXPECT_EQ(r.status, 403) << action << " " << r.body;
    EXPECT_EQ(ErrorCode(r), "AuthorizationFailed") << action;
  }
  // Dana's activation is untouched.
  EXPECT_EQ(Str(Json(Get(User(dana_), R("/roleAssignmentSchedules/" + role_schedule_))), "status"),
            "Provisioned");
}

TEST_F(GraphVisibilityTest, AdminActionsNeedTheRightToManageTheTarget) {
  const auto by_stranger =
      Post(User(sam_), G("/eligibilityScheduleRequests"), GroupAdminAssign(sam_, ops_));
  EXPECT_EQ(by_stranger.status, 403) << by_stranger.body;
  EXPECT_EQ(ErrorCode(by_stranger), "AuthorizationFailed");
  const auto by_owner =
      Post(User(owner_), G("/eligibilityScheduleRequests"), GroupAdminAssign(sam_, ops_));
  EXPECT_EQ(by_owner.status, 201) << by_owner.body;

  // A Groups Administrator manages ordinary groups but not role-assignable ones.
  const PrincipalId tier0 = AddGroup("Tier0", /*assignable=*/true);
  const PrincipalId groups_admin = WithRole(role::kGroupsAdministrator);
  const auto refused =
      Post(User(groups_admin), G("/eligibilityScheduleRequests"), GroupAdminAssign(sam_, tier0));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(Post(User(groups_admin), G("/eligibilityScheduleRequests"),
                 GroupAdminAssign(AddUser("Erin"), ops_))
                .status,
            201);

  // Directory roles: only Global and Privileged Role Administrators.
  const std::string permanent = R"({"expiration":{"type":"noExpiration"}})";
  for (const PrincipalId& who : {sam_, owner_, groups_admin, WithRole(role::kSecurityAdministrator),
                                 WithRole(role::kUserAdministrator)}) {
    const auto r = Post(User(who), R("/roleEligibilityScheduleRequests"),
                        RoleBody(sam_, role::kGlobalAdministrator, "adminAssign", permanent));
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(ErrorCode(r), "AuthorizationFailed");
  }
  EXPECT_THAT(Ids(sam_, R("/roleEligibilitySchedules/filterByCurrentUser(on='principal')")),
              IsEmpty());
  const auto by_pra = Post(User(WithRole(role::kPrivilegedRoleAdministrator)),
                           R("/roleEligibilityScheduleRequests"),
                           RoleBody(sam_, role::kHelpdeskAdministrator, "adminAssign", permanent));
  EXPECT_EQ(by_pra.status, 201) << by_pra.body;
  EXPECT_THAT(
      ErrorMessage(Post(User(sam_), R("/roleEligibilityScheduleRequests"),
                        RoleBody(sam_, role::kHelpdeskAdministrator, "adminRemove", permanent))),
      HasSubstr("not allowed to manage"));
}

}  // namespace
}  // namespace pim::testing
