// Effective access: group transitivity, scope inheritance and reduced-scope activation.
#include <algorithm>

#include "engine_fixture.h"

namespace pim::testing {
namespace {

constexpr char kSub[] = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
constexpr char kRg[] = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/resourcegroups/app";
constexpr char kVm[] =
    "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/resourcegroups/app/providers/"
    "microsoft.compute/virtualmachines/vm1";
constexpr char kOtherRg[] =
    "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/resourcegroups/other";

class AccessTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    ASSERT_TRUE(engine_
                    ->RegisterScope(
                        Caller::System(),
                        {"/providers/Microsoft.Management/managementGroups/root-mg", {}, "", "MG"})
                    .ok());
    ASSERT_TRUE(
        engine_
            ->RegisterScope(
                Caller::System(),
                {kSub, {}, "/providers/microsoft.management/managementgroups/root-mg", "Sub"})
            .ok());
    for (const char* scope : {kRg, kVm, kOtherRg}) {
      ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {scope, {}, "", scope}).ok()) << scope;
    }
    alice_ = AddUser("alice");
  }
  PrincipalId alice_;
};

TEST_F(AccessTest, ActiveAssignmentAtAScopeAppliesBelowItOnly) {
  ASSERT_TRUE(MakeActive(alice_, ResourceRoleTarget(role::kReader, kRg)).ok());
  EXPECT_TRUE(Holds(alice_, ResourceRoleTarget(role::kReader, kRg)));
  EXPECT_TRUE(Holds(alice_, ResourceRoleTarget(role::kReader, kVm)));
  EXPECT_FALSE(Holds(alice_, ResourceRoleTarget(role::kReader, kSub)));
  EXPECT_FALSE(Holds(alice_, ResourceRoleTarget(role::kReader, kOtherRg)));
  EXPECT_FALSE(Holds(alice_, ResourceRoleTarget(role::kContributor, kRg)));
}

TEST_F(AccessTest, ManagementGroupAssignmentReachesSubscriptionsUnderIt) {
  ASSERT_TRUE(MakeActive(alice_, ResourceRoleTarget(
                                     role::kReader,
                                     "/providers/microsoft.management/managementgroups/root-mg"))
                  .ok());
  EXPECT_TRUE(Holds(alice_, ResourceRoleTarget(role::kReader, kVm)));
}

TEST_F(AccessTest, ActivationAtAReducedScopeGrantsOnlyThatScope) {
  ASSERT_TRUE(MakeEligible(alice_, ResourceRoleTarget(role::kContributor, kSub)).ok());
  auto r = Activate(alice_, ResourceRoleTarget(role::kContributor, kRg));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(Holds(alice_, ResourceRoleTarget(role::kContributor, kVm)));
  EXPECT_FALSE(Holds(alice_, ResourceRoleTarget(role::kContributor, kSub)));
}

TEST_F(AccessTest, ActivationAboveTheEligibleScopeFails) {
  ASSERT_TRUE(MakeEligible(alice_, ResourceRoleTarget(role::kContributor, kRg)).ok());
  EXPECT_ERROR(Activate(alice_, ResourceRoleTarget(role::kContributor, kSub)),
               absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
}

TEST_F(AccessTest, UnregisteredScopeIsRejected) {
  EXPECT_ERROR(
      MakeEligible(alice_, ResourceRoleTarget(role::kContributor, "/subscriptions/unknown")),
      absl::StatusCode::kNotFound, code::kScopeNotFound);
}

TEST_F(AccessTest, MemberOfAnEligibleGroupCanActivateTheRole) {
  const PrincipalId group = AddGroup("helpdesk-team", /*assignable=*/true);
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, alice_, GroupAccess::kMember}).ok());
  ASSERT_TRUE(MakeEligible(group, Helpdesk()).ok());
  auto r = Activate(alice_, Helpdesk());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
  // Only for themselves: the group and other members are not active.
  EXPECT_FALSE(Holds(group, Helpdesk()));
}

TEST_F(AccessTest, LeavingTheGroupEndsActivationsThatRestedOnIt) {
  const PrincipalId group = AddGroup("helpdesk-team", /*assignable=*/true);
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, alice_, GroupAccess::kMember}).ok());
  ASSERT_TRUE(MakeEligible(group, Helpdesk()).ok());
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  ASSERT_TRUE(
      engine_->RemoveMembership(Caller::System(), {group, alice_, GroupAccess::kMember}).ok());
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(AccessTest, ActivatingGroupMembershipGrantsAllTheGroupsRolesInOneRequest) {
  const PrincipalId group = AddGroup("tier0-office", /*assignable=*/true);
  const Target exchange = DirectoryRoleTarget(role::kExchangeAdministrator, "/");
  ASSERT_TRUE(MakeActive(group, Helpdesk()).ok());
  ASSERT_TRUE(MakeActive(group, exchange).ok());
  ASSERT_TRUE(MakeEligible(alice_, GroupTarget(group, GroupAccess::kMember)).ok());
  EXPECT_FALSE(Holds(alice_, Helpdesk()));

  ASSERT_TRUE(Activate(alice_, GroupTarget(group, GroupAccess::kMember), absl::Hours(1)).ok());
  const auto answer = engine_->Check(alice_.str(), exchange);
  EXPECT_TRUE(answer.allowed);
  EXPECT_EQ(answer.via_group.str(), group.str());
  EXPECT_EQ(answer.until, T0() + absl::Hours(1));
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
  const auto grants = engine_->GrantsOf(alice_.str());
  EXPECT_EQ(grants.size(), 3u);  // the membership itself and both roles

  clock_.Advance(absl::Hours(1));
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_FALSE(Holds(alice_, exchange));
}

TEST_F(AccessTest, NestedGroupsPassResourceAccessToMembers) {
  const PrincipalId inner = AddGroup("inner");
  const PrincipalId outer = AddGroup("outer");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {inner, alice_, GroupAccess::kMember}).ok());
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {outer, inner, GroupAccess::kMember}).ok());
  ASSERT_TRUE(MakeActive(outer, ResourceRoleTarget(role::kReader, kSub)).ok());
  EXPECT_TRUE(Holds(alice_, ResourceRoleTarget(role::kReader, kVm)));
  const auto holders = engine_->HoldersOf(ResourceRoleTarget(role::kReader, kRg));
  EXPECT_NE(std::find(holders.begin(), holders.end(), alice_.str()), holders.end());
}

TEST_F(AccessTest, GroupOwnershipDoesNotPassTheGroupsRoles) {
  const PrincipalId group = AddGroup("tier0", /*assignable=*/true);
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, alice_, GroupAccess::kOwner}).ok());
  ASSERT_TRUE(MakeActive(group, Helpdesk()).ok());
  EXPECT_TRUE(Holds(alice_, GroupTarget(group, GroupAccess::kOwner)));
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(AccessTest, DisabledAccountHoldsNothing) {
  ASSERT_TRUE(MakeActive(alice_, Helpdesk()).ok());
  Principal p;
  engine_->Read([&](const State& s) { p = *s.FindPrincipal(alice_.str()); });
  p.enabled = false;
  ASSERT_TRUE(engine_->PutPrincipal(Caller::System(), p).ok());
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(AccessTest, NoGroupCanBeAnActiveMemberOfARoleAssignableGroup) {
  const PrincipalId assignable = AddGroup("tier0", /*assignable=*/true);
  const PrincipalId other = AddGroup("other");
  EXPECT_ERROR(engine_->AddMembership(Caller::System(), {assignable, other, GroupAccess::kMember}),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
  EXPECT_ERROR(MakeActive(other, GroupTarget(assignable, GroupAccess::kMember)),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
  // An eligible nested membership is allowed.
  EXPECT_TRUE(MakeEligible(other, GroupTarget(assignable, GroupAccess::kMember)).ok());
}

TEST_F(AccessTest, CheckAnswersCarryTheRevisionTheyReflect) {
  const Revision before = engine_->revision();
  ASSERT_TRUE(MakeActive(alice_, Helpdesk()).ok());
  const auto answer = engine_->Check(alice_.str(), Helpdesk());
  EXPECT_GT(answer.revision, before);
  EXPECT_EQ(answer.revision, engine_->revision());
}

}  // namespace
}  // namespace pim::testing

namespace pim::testing {
namespace {

TEST_F(AccessTest, AGroupIsOnboardedToPimByItsFirstRequestAndStaysSo) {
  const PrincipalId group = AddGroup("project");
  auto managed = [&] {
    bool result = false;
    engine_->Read([&](const State& s) { result = s.FindPrincipal(group.str())->pim_managed; });
    return result;
  };
  EXPECT_FALSE(managed());
  ASSERT_TRUE(MakeEligible(alice_, GroupTarget(group, GroupAccess::kMember)).ok());
  EXPECT_TRUE(managed());
  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(Admin(RequestAction::kAdminRemove, ScheduleKind::kEligibility, alice_,
                    GroupTarget(group, GroupAccess::kMember), Expiration{})
                  .ok());
  EXPECT_TRUE(managed());
}

}  // namespace
}  // namespace pim::testing

namespace pim::testing {
namespace {

// Managing privileged access groups: different groups carry different policies, e.g. stricter
// ones for partners than for employees, for the same role.
TEST_F(AccessTest, EachGroupHasItsOwnPolicy) {
  const PrincipalId employees = AddGroup("helpdesk-employees", /*assignable=*/true);
  const PrincipalId partners = AddGroup("helpdesk-partners", /*assignable=*/true);
  const PrincipalId approver = AddUser("approver");
  ASSERT_TRUE(MakeActive(employees, Helpdesk()).ok());
  ASSERT_TRUE(MakeActive(partners, Helpdesk()).ok());
  ASSERT_TRUE(MakeEligible(alice_, GroupTarget(employees, GroupAccess::kMember)).ok());
  ASSERT_TRUE(MakeEligible(alice_, GroupTarget(partners, GroupAccess::kMember)).ok());
  Policy strict = engine_->EffectivePolicy(GroupTarget(partners, GroupAccess::kMember));
  strict.approval.is_approval_required = true;
  strict.approval.stages.front().primary_approvers = {{ApproverKind::kUser, approver.str(), ""}};
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), strict).ok());

  auto via_partners = Activate(alice_, GroupTarget(partners, GroupAccess::kMember));
  ASSERT_TRUE(via_partners.ok()) << via_partners.status();
  EXPECT_EQ(via_partners->status, RequestStatus::kPendingApproval);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  auto via_employees = Activate(alice_, GroupTarget(employees, GroupAccess::kMember));
  ASSERT_TRUE(via_employees.ok()) << via_employees.status();
  EXPECT_EQ(via_employees->status, RequestStatus::kProvisioned);
  EXPECT_EQ(engine_->Check(alice_.str(), Helpdesk()).via_group.str(), employees.str());
  // The owner policy of the same group is untouched.
  EXPECT_FALSE(engine_->EffectivePolicy(GroupTarget(partners, GroupAccess::kOwner))
                   .approval.is_approval_required);
}

}  // namespace
}  // namespace pim::testing
