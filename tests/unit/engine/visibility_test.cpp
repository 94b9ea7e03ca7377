// Who may read which requests, schedules and approvals (visibility.h): principals their own,
// administrators of a target everything about it, tenant-wide readers everything, approvers a
// pending request only while they may decide it, and nobody the approval of their own request.
#include <string>

#include "approval_helpers.h"
#include "engine_fixture.h"

namespace pim::testing {
namespace {

class VisibilityTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    dana_ = AddUser("dana");
    sam_ = AddUser("sam");
    approver_ = AddUser("approver");
    owner_ = AddUser("owner");
    group_ = AddGroup("ops");
    ASSERT_TRUE(
        engine_->AddMembership(Caller::System(), {group_, owner_, GroupAccess::kOwner}).ok());
    auto eligibility = MakeEligible(dana_, Member());
    ASSERT_TRUE(eligibility.ok()) << eligibility.status();
    eligibility_request_ = eligibility->id;
    eligibility_ = *eligibility->target_schedule;
    ASSERT_TRUE(RequireApproval(*engine_, Member(), {Stage({UserApprover(approver_)})}).ok());
    auto pending = Activate(dana_, Member());
    ASSERT_TRUE(pending.ok()) << pending.status();
    ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
    pending_ = pending->id;
  }

  Target Member() const { return GroupTarget(group_, GroupAccess::kMember); }

  // `who` holding directory role `role` permanently at "/".
  PrincipalId WithRole(std::string_view role) {
    const PrincipalId who = AddUser(std::string(role));
    EXPECT_TRUE(MakeActive(who, DirectoryRoleTarget(role, "/")).ok());
    return who;
  }

  ScheduleRequest Request(const RequestId& id) {
    auto r = engine_->GetRequest(id);
    EXPECT_TRUE(r.has_value());
    return r.value_or(ScheduleRequest{});
  }
  Schedule Sched(const ScheduleId& id) {
    auto s = engine_->GetSchedule(id);
    EXPECT_TRUE(s.has_value());
    return s.value_or(Schedule{});
  }
  bool SeesRequest(const PrincipalId& who, const RequestId& id) {
    return engine_->MaySee(User(who), Request(id));
  }
  bool SeesSchedule(const PrincipalId& who, const ScheduleId& id) {
    return engine_->MaySee(User(who), Sched(id));
  }
  bool SeesApproval(const PrincipalId& who, const RequestId& id) {
    return engine_->MaySeeApproval(User(who), Request(id));
  }

  PrincipalId dana_;
  PrincipalId sam_;
  PrincipalId approver_;
  PrincipalId owner_;
  PrincipalId group_;
  RequestId eligibility_request_;
  ScheduleId eligibility_;
  RequestId pending_;
};

TEST_F(VisibilityTest, PrincipalSeesOwnRequestsAndSchedulesAndAStrangerSeesNone) {
  EXPECT_TRUE(SeesRequest(dana_, pending_));
  EXPECT_TRUE(SeesRequest(dana_, eligibility_request_));  // made for her by an administrator
  EXPECT_TRUE(SeesSchedule(dana_, eligibility_));
  EXPECT_FALSE(SeesRequest(sam_, pending_));
  EXPECT_FALSE(SeesRequest(sam_, eligibility_request_));
  EXPECT_FALSE(SeesSchedule(sam_, eligibility_));
  EXPECT_FALSE(engine_->MayReadAll(User(sam_)));
}

TEST_F(VisibilityTest, RequesterSeesTheRequestsTheyCreatedForOthers) {
  auto made = Admin(RequestAction::kAdminAssign, ScheduleKind::kEligibility, sam_, Member(),
                    Permanent(), std::nullopt, User(owner_));
  ASSERT_TRUE(made.ok()) << made.status();
  // The owner made it; once they no longer own the group (another owner takes over) they still
  // see the request they created, but not the schedule it made.
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {group_, AddUser("next owner"), GroupAccess::kOwner})
          .ok());
  ASSERT_TRUE(
      engine_->RemoveMembership(Caller::System(), {group_, owner_, GroupAccess::kOwner}).ok());
  EXPECT_TRUE(SeesRequest(owner_, made->id));
  EXPECT_FALSE(SeesSchedule(owner_, *made->target_schedule));
  EXPECT_TRUE(SeesSchedule(sam_, *made->target_schedule));
}

TEST_F(VisibilityTest, AdministratorOfTheTargetSeesEverythingAboutIt) {
  EXPECT_TRUE(SeesRequest(owner_, pending_));
  EXPECT_TRUE(SeesSchedule(owner_, eligibility_));
  EXPECT_TRUE(SeesApproval(owner_, pending_));
  EXPECT_FALSE(engine_->MayReadAll(User(owner_)));
  // An owner of another group is nobody here.
  const PrincipalId other_owner = AddUser("other owner");
  const PrincipalId other = AddGroup("other");
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {other, other_owner, GroupAccess::kOwner}).ok());
  EXPECT_FALSE(SeesRequest(other_owner, pending_));
  EXPECT_FALSE(SeesSchedule(other_owner, eligibility_));
  // A Groups Administrator manages this (not role-assignable) group, so sees it.
  EXPECT_TRUE(SeesSchedule(WithRole(role::kGroupsAdministrator), eligibility_));
}

TEST_F(VisibilityTest, TenantWideReadersSeeEverything) {
  for (const std::string_view role :
       {role::kGlobalAdministrator, role::kPrivilegedRoleAdministrator,
        role::kSecurityAdministrator, role::kSecurityReader, role::kGlobalReader}) {
    const PrincipalId reader = WithRole(role);
    EXPECT_TRUE(engine_->MayReadAll(User(reader))) << role;
    EXPECT_TRUE(SeesRequest(reader, pending_)) << role;
    EXPECT_TRUE(SeesSchedule(reader, eligibility_)) << role;
    EXPECT_TRUE(SeesApproval(reader, pending_)) << role;
  }
  EXPECT_TRUE(engine_->MayReadAll(Caller::System()));
  // Other administrator roles are not readers of everything (nor of this group: they do not
  // manage groups).
  for (const std::string_view role : {role::kHelpdeskAdministrator, role::kExchangeAdministrator}) {
    const PrincipalId admin = WithRole(role);
    EXPECT_FALSE(engine_->MayReadAll(User(admin))) << role;
    EXPECT_FALSE(SeesRequest(admin, pending_)) << role;
  }
}

TEST_F(VisibilityTest, AnEligibleReaderRoleReadsNothingUntilActivated) {
  const PrincipalId reader = AddUser("eligible reader");
  ASSERT_TRUE(MakeEligible(reader, DirectoryRoleTarget(role::kSecurityReader, "/")).ok());
  EXPECT_FALSE(engine_->MayReadAll(User(reader)));
  EXPECT_FALSE(SeesRequest(reader, pending_));
  ASSERT_TRUE(Activate(reader, DirectoryRoleTarget(role::kSecurityReader, "/")).ok());
  EXPECT_TRUE(engine_->MayReadAll(User(reader)));
  EXPECT_TRUE(SeesRequest(reader, pending_));
}

TEST_F(VisibilityTest, ApproverSeesAPendingRequestOnlyWhileTheyMayDecideIt) {
  EXPECT_TRUE(SeesRequest(approver_, pending_));
  EXPECT_TRUE(SeesApproval(approver_, pending_));
  // Not the eligibility it rests on.
  EXPECT_FALSE(SeesSchedule(approver_, eligibility_));
  ASSERT_TRUE(engine_->Decide(User(approver_), pending_, true, "ok").ok());
  EXPECT_FALSE(SeesRequest(approver_, pending_));
  // The approval stays readable to the approver who decided it: their record of it.
  EXPECT_TRUE(SeesApproval(approver_, pending_));
}

TEST_F(VisibilityTest, NobodySeesTheApprovalOfTheirOwnRequest) {
  EXPECT_FALSE(SeesApproval(dana_, pending_));
  EXPECT_FALSE(SeesApproval(sam_, pending_));
  // Not even an administrator who requested for themselves.
  const PrincipalId pra = WithRole(role::kPrivilegedRoleAdministrator);
  ASSERT_TRUE(MakeEligible(pra, Member()).ok());
  auto own = Activate(pra, Member());
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->status, RequestStatus::kPendingApproval);
  EXPECT_TRUE(SeesRequest(pra, own->id));
  EXPECT_FALSE(SeesApproval(pra, own->id));
  EXPECT_TRUE(SeesApproval(pra, pending_));
  // A request that needed no approval has none to see.
  EXPECT_FALSE(engine_->MaySeeApproval(Caller::System(), Request(eligibility_request_)));
}

TEST_F(VisibilityTest, ActiveGroupMembersSeeTheGroupsSchedulesButNotItsRequests) {
  const PrincipalId team = AddGroup("helpdesk team", /*assignable=*/true);
  auto team_eligibility = MakeEligible(team, Helpdesk());
  ASSERT_TRUE(team_eligibility.ok()) << team_eligibility.status();
  const ScheduleId schedule = *team_eligibility->target_schedule;
  EXPECT_FALSE(SeesSchedule(sam_, schedule));
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {team, sam_, GroupAccess::kMember}).ok());
  EXPECT_TRUE(SeesSchedule(sam_, schedule));
  EXPECT_FALSE(SeesRequest(sam_, team_eligibility->id));
  // An owner of the group is not a member: ownership grants no access through it.
  const PrincipalId team_owner = AddUser("team owner");
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {team, team_owner, GroupAccess::kOwner}).ok());
  EXPECT_FALSE(SeesSchedule(team_owner, schedule));
}

TEST_F(VisibilityTest, ResourceRoleHoldersReadAtAndBelowTheirScope) {
  const std::string sub = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
  const std::string rg = sub + "/resourcegroups/app";
  const std::string other = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d002";
  for (const std::string& scope : {sub, rg, other}) {
    ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {scope, {}, "", scope}).ok());
  }
  auto at_rg = MakeEligible(dana_, ResourceRoleTarget(role::kContributor, rg));
  ASSERT_TRUE(at_rg.ok()) << at_rg.status();
  const PrincipalId reader = AddUser("reader");
  ASSERT_TRUE(MakeActive(reader, ResourceRoleTarget(role::kReader, sub)).ok());
  const PrincipalId elsewhere = AddUser("elsewhere");
  ASSERT_TRUE(MakeActive(elsewhere, ResourceRoleTarget(role::kOwner, other)).ok());
  EXPECT_TRUE(SeesSchedule(reader, *at_rg->target_schedule));
  EXPECT_TRUE(SeesRequest(reader, at_rg->id));
  EXPECT_FALSE(SeesSchedule(elsewhere, *at_rg->target_schedule));
  EXPECT_FALSE(SeesRequest(elsewhere, at_rg->id));
  // A resource role says nothing about groups or directory roles.
  EXPECT_FALSE(SeesSchedule(reader, eligibility_));
}

TEST_F(VisibilityTest, ReadAsGivesOneCallerViewOfTheState) {
  int visible = 0;
  int total = 0;
  engine_->ReadAs(User(sam_), [&](const State& state, const Visibility& v) {
    EXPECT_EQ(v.caller().id, sam_);
    for (const auto& [id, r] : state.requests()) {
      ++total;
      visible += v.MaySee(r) ? 1 : 0;
    }
  });
  EXPECT_GE(total, 2);
  EXPECT_EQ(visible, 0);
  engine_->ReadAs(User(dana_), [&](const State& state, const Visibility& v) {
    visible = 0;
    for (const auto& [id, r] : state.requests()) visible += v.MaySee(r) ? 1 : 0;
  });
  EXPECT_EQ(visible, 2);
}

}  // namespace
}  // namespace pim::testing
