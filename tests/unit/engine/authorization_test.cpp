// Who may manage which assignments (the assignment page's rules), and self-service limits.
#include "engine_fixture.h"

namespace pim::testing {
namespace {

class AuthorizationTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    target_user_ = AddUser("target");
  }
  // `admin` holding `role` permanently at "/".
  PrincipalId AdminWith(std::string_view role) {
    const PrincipalId admin = AddUser(std::string(role));
    EXPECT_TRUE(MakeActive(admin, DirectoryRoleTarget(role, "/")).ok());
    return admin;
  }
  absl::Status AssignAs(const PrincipalId& admin, const Target& target) {
    return Admin(RequestAction::kAdminAssign, ScheduleKind::kEligibility, target_user_, target,
                 Permanent(), std::nullopt, User(admin))
        .status();
  }
  PrincipalId target_user_;
};

TEST_F(AuthorizationTest, DirectoryRolesAreManagedByPrivilegedRoleOrGlobalAdministrators) {
  EXPECT_ERROR(AssignAs(AdminWith(role::kHelpdeskAdministrator), Helpdesk()),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(AssignAs(AdminWith(role::kUserAdministrator), Helpdesk()),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_TRUE(AssignAs(AdminWith(role::kPrivilegedRoleAdministrator), Helpdesk()).ok());
  EXPECT_TRUE(AssignAs(AdminWith(role::kGlobalAdministrator), PRA()).ok());
}

TEST_F(AuthorizationTest, AdministrativeUnitScopedAdministratorCannotManageDirectoryRoles) {
  ASSERT_TRUE(
      engine_->RegisterScope(Caller::System(), {"/administrativeUnits/au1", {}, "", "AU 1"}).ok());
  const PrincipalId scoped = AddUser("scoped");
  ASSERT_TRUE(MakeActive(scoped, DirectoryRoleTarget(role::kPrivilegedRoleAdministrator,
                                                     "/administrativeUnits/au1"))
                  .ok());
  EXPECT_ERROR(AssignAs(scoped, Helpdesk()), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
}

TEST_F(AuthorizationTest, RoleAssignableGroupsNeedPrivilegedRoleAdministratorOrOwner) {
  const PrincipalId group = AddGroup("tier0", /*assignable=*/true);
  const Target member = GroupTarget(group, GroupAccess::kMember);
  EXPECT_ERROR(AssignAs(AdminWith(role::kGroupsAdministrator), member),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_TRUE(AssignAs(AdminWith(role::kPrivilegedRoleAdministrator), member).ok());

  const PrincipalId owner = AddUser("owner");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, owner, GroupAccess::kOwner}).ok());
  EXPECT_TRUE(AssignAs(owner, GroupTarget(group, GroupAccess::kOwner)).ok());
}

TEST_F(AuthorizationTest, OtherGroupsAreManagedByGroupAdministratorRolesOrOwner) {
  for (const std::string_view role :
       {role::kDirectoryWriters, role::kGroupsAdministrator, role::kIdentityGovernanceAdministrator,
        role::kUserAdministrator}) {
    const PrincipalId group = AddGroup(absl::StrCat("team-", std::string(role)));
    EXPECT_TRUE(AssignAs(AdminWith(role), GroupTarget(group, GroupAccess::kMember)).ok()) << role;
  }
  const PrincipalId group = AddGroup("team");
  EXPECT_ERROR(
      AssignAs(AdminWith(role::kHelpdeskAdministrator), GroupTarget(group, GroupAccess::kMember)),
      absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  const PrincipalId owner = AddUser("owner");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, owner, GroupAccess::kOwner}).ok());
  EXPECT_TRUE(AssignAs(owner, GroupTarget(group, GroupAccess::kMember)).ok());
}

TEST_F(AuthorizationTest, ResourceRolesNeedOwnerOrUserAccessAdministratorAtOrAboveTheScope) {
  const std::string sub = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
  const std::string rg = sub + "/resourcegroups/app";
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {sub, {}, "", "Sub"}).ok());
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {rg, {}, "", "RG"}).ok());

  const PrincipalId owner = AddUser("owner");
  ASSERT_TRUE(MakeActive(owner, ResourceRoleTarget(role::kOwner, sub)).ok());
  EXPECT_TRUE(AssignAs(owner, ResourceRoleTarget(role::kReader, rg)).ok());

  const PrincipalId uaa = AddUser("uaa");
  ASSERT_TRUE(MakeActive(uaa, ResourceRoleTarget(role::kUserAccessAdministrator, rg)).ok());
  EXPECT_TRUE(AssignAs(uaa, ResourceRoleTarget(role::kContributor, rg)).ok());
  EXPECT_ERROR(AssignAs(uaa, ResourceRoleTarget(role::kContributor, sub)),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);

  const PrincipalId contributor = AddUser("contributor");
  ASSERT_TRUE(MakeActive(contributor, ResourceRoleTarget(role::kContributor, sub)).ok());
  EXPECT_ERROR(AssignAs(contributor, ResourceRoleTarget(role::kReader, rg)),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
}

TEST_F(AuthorizationTest, APrincipalMayOnlyActivateItsOwnEligibility) {
  const PrincipalId alice = AddUser("alice");
  const PrincipalId mallory = AddUser("mallory");
  ASSERT_TRUE(MakeEligible(alice, Helpdesk()).ok());
  RequestInput in;
  in.action = RequestAction::kSelfActivate;
  in.principal = alice;
  in.target = Helpdesk();
  in.schedule_info.expiration = For(absl::Hours(1));
  in.justification = "x";
  EXPECT_ERROR(engine_->Submit(User(mallory), in), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
  EXPECT_ERROR(engine_->Submit(Caller::System(), in), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
  EXPECT_FALSE(Holds(alice, Helpdesk()));
}

TEST_F(AuthorizationTest, SelfActionsOnAnotherPrincipalsAssignmentsAreRefused) {
  const PrincipalId alice = AddUser("alice");
  const PrincipalId mallory = AddUser("mallory");
  ASSERT_TRUE(MakeEligible(alice, Helpdesk(), For(absl::Hours(24 * 10))).ok());
  ASSERT_TRUE(Activate(alice, Helpdesk()).ok());
  clock_.Advance(absl::Minutes(10));
  const Revision before = engine_->revision();
  auto as_mallory = [&](RequestAction action, ScheduleKind kind) {
    RequestInput in;
    in.kind = kind;
    in.action = action;
    in.principal = alice;
    in.target = Helpdesk();
    in.schedule_info.expiration = For(absl::Hours(24 * 30));
    in.justification = "not mine";
    return engine_->Submit(User(mallory), in);
  };
  EXPECT_ERROR(as_mallory(RequestAction::kSelfDeactivate, ScheduleKind::kAssignment),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(as_mallory(RequestAction::kSelfExtend, ScheduleKind::kEligibility),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(as_mallory(RequestAction::kSelfRenew, ScheduleKind::kEligibility),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(as_mallory(RequestAction::kSelfActivate, ScheduleKind::kAssignment),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_EQ(engine_->revision(), before);
  EXPECT_TRUE(Holds(alice, Helpdesk()));
  EXPECT_FALSE(Holds(mallory, Helpdesk()));
}

TEST_F(AuthorizationTest, OnlyActiveGlobalOrPrivilegedRoleAdministratorsAssignDirectoryRoles) {
  for (const std::string_view role :
       {role::kGroupsAdministrator, role::kUserAdministrator, role::kSecurityAdministrator,
        role::kSecurityReader, role::kGlobalReader, role::kIdentityGovernanceAdministrator,
        role::kDirectoryWriters, role::kHelpdeskAdministrator, role::kExchangeAdministrator}) {
    const PrincipalId admin = AdminWith(role);
    for (const Target& target : {GA(), PRA(), Helpdesk()}) {
      SCOPED_TRACE(absl::StrCat(std::string(role), " assigning ", target.Key()));
      EXPECT_ERROR(AssignAs(admin, target), absl::StatusCode::kPermissionDenied,
                   code::kAuthorizationFailed);
    }
  }
  // Being eligible for Privileged Role Administrator is not enough; holding it is.
  const PrincipalId pra = AddUser("eligible pra");
  ASSERT_TRUE(MakeEligible(pra, PRA()).ok());
  EXPECT_ERROR(AssignAs(pra, Helpdesk()), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
  ASSERT_TRUE(Activate(pra, PRA()).ok());
  EXPECT_TRUE(AssignAs(pra, Helpdesk()).ok());
  EXPECT_TRUE(Holds(pra, PRA()));
}

TEST_F(AuthorizationTest, OwnerOfARoleAssignableGroupCannotGiveItOrAnyoneADirectoryRole) {
  const PrincipalId group = AddGroup("tier0", /*assignable=*/true);
  const PrincipalId owner = AddUser("owner");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, owner, GroupAccess::kOwner}).ok());
  for (const Target& target : {GA(), PRA(), Helpdesk()}) {
    SCOPED_TRACE(target.Key());
    EXPECT_ERROR(Admin(RequestAction::kAdminAssign, ScheduleKind::kEligibility, group, target,
                       Permanent(), std::nullopt, User(owner)),
                 absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
    EXPECT_ERROR(Admin(RequestAction::kAdminAssign, ScheduleKind::kAssignment, owner, target,
                       Permanent(), std::nullopt, User(owner)),
                 absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  }
  EXPECT_FALSE(Holds(owner, GA()));
}

// The assignment page: "For role-assignable groups, you need to be at least a Privileged Role
// Administrator role or be an Owner of the group. For non-role-assignable groups, you need to be
// at least a Directory Writer, Groups Administrator, or Identity Governance Administrator, User
// Administrator role, or be an Owner of the group."
TEST_F(AuthorizationTest, GroupAdministratorRolesCannotManageRoleAssignableGroups) {
  const PrincipalId group = AddGroup("tier0", /*assignable=*/true);
  for (const std::string_view role :
       {role::kDirectoryWriters, role::kGroupsAdministrator, role::kIdentityGovernanceAdministrator,
        role::kUserAdministrator}) {
    const PrincipalId admin = AdminWith(role);
    for (const GroupAccess access : {GroupAccess::kMember, GroupAccess::kOwner}) {
      SCOPED_TRACE(role);
      EXPECT_ERROR(AssignAs(admin, GroupTarget(group, access)), absl::StatusCode::kPermissionDenied,
                   code::kAuthorizationFailed);
      EXPECT_ERROR(Admin(RequestAction::kAdminAssign, ScheduleKind::kAssignment, admin,
                         GroupTarget(group, access), Permanent(), std::nullopt, User(admin)),
                   absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
    }
  }
  EXPECT_TRUE(
      AssignAs(AdminWith(role::kGlobalAdministrator), GroupTarget(group, GroupAccess::kMember))
          .ok());
}

TEST_F(AuthorizationTest, ActiveOwnerOfARoleAssignableGroupManagesItsAssignments) {
  const PrincipalId group = AddGroup("tier0", /*assignable=*/true);
  const PrincipalId owner = AddUser("owner");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, owner, GroupAccess::kOwner}).ok());
  const Target member = GroupTarget(group, GroupAccess::kMember);
  EXPECT_TRUE(AssignAs(owner, member).ok());
  const PrincipalId other = AddUser("other");
  EXPECT_TRUE(Admin(RequestAction::kAdminAssign, ScheduleKind::kAssignment, other, member,
                    For(absl::Hours(8)), std::nullopt, User(owner))
                  .ok());
  EXPECT_TRUE(Holds(other, member));
  // No group may be an active member of a role-assignable group, whoever asks.
  const PrincipalId nested = AddGroup("nested");
  EXPECT_ERROR(Admin(RequestAction::kAdminAssign, ScheduleKind::kAssignment, nested, member,
                     Permanent(), std::nullopt, User(owner)),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
}

TEST_F(AuthorizationTest, OwnershipMustBeActiveAndOfThatGroup) {
  const PrincipalId group = AddGroup("team");
  const PrincipalId other_group = AddGroup("other team");
  const PrincipalId owner = AddUser("owner");
  const Target ownership = GroupTarget(group, GroupAccess::kOwner);
  ASSERT_TRUE(MakeEligible(owner, ownership).ok());
  // Eligible for ownership is not ownership.
  EXPECT_ERROR(AssignAs(owner, GroupTarget(group, GroupAccess::kMember)),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  ASSERT_TRUE(Activate(owner, ownership).ok());
  EXPECT_TRUE(AssignAs(owner, GroupTarget(group, GroupAccess::kMember)).ok());
  // Owning one group says nothing about another.
  EXPECT_ERROR(AssignAs(owner, GroupTarget(other_group, GroupAccess::kMember)),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  Policy policy = engine_->EffectivePolicy(GroupTarget(other_group, GroupAccess::kMember));
  policy.activation_enablement.multi_factor_authentication = false;
  EXPECT_ERROR(engine_->UpdatePolicy(User(owner), policy), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
  // The activated ownership ends, and with it the right.
  clock_.Advance(absl::Hours(2));
  EXPECT_ERROR(AssignAs(owner, GroupTarget(group, GroupAccess::kOwner)),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
}

// Owners are users or service principals, as in Entra. A group that owned a group would make
// each of its members an owner, and so able to manage the group's assignments: refused on
// every path that makes an owner.
TEST_F(AuthorizationTest, AGroupCannotOwnAGroup) {
  const PrincipalId group = AddGroup("tier0", /*assignable=*/true);
  const PrincipalId owners = AddGroup("owners");
  const Target ownership = GroupTarget(group, GroupAccess::kOwner);
  EXPECT_ERROR(engine_->AddMembership(Caller::System(), {group, owners, GroupAccess::kOwner}),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
  EXPECT_ERROR(MakeEligible(owners, ownership), absl::StatusCode::kInvalidArgument,
               code::kBadRequest);
  EXPECT_ERROR(MakeActive(owners, ownership, For(absl::Hours(8))),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
  // A member of `owners` therefore gains nothing over `group`.
  const PrincipalId member = AddUser("member");
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {owners, member, GroupAccess::kMember}).ok());
  EXPECT_ERROR(AssignAs(member, GroupTarget(group, GroupAccess::kMember)),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_FALSE(Holds(member, ownership));
  // A group may still be a member of an ordinary group, and a user its owner.
  const PrincipalId team = AddGroup("team");
  EXPECT_TRUE(engine_->AddMembership(Caller::System(), {team, owners, GroupAccess::kMember}).ok());
  EXPECT_TRUE(MakeEligible(member, ownership).ok());
}

// "Role assignments for administrators should be scoped at directory level": a Groups
// Administrator of an administrative unit manages no group's assignments.
TEST_F(AuthorizationTest, AdministrativeUnitScopedGroupsAdministratorCannotManageGroups) {
  ASSERT_TRUE(
      engine_->RegisterScope(Caller::System(), {"/administrativeUnits/au1", {}, "", "AU 1"}).ok());
  const PrincipalId scoped = AddUser("scoped");
  ASSERT_TRUE(MakeActive(scoped, DirectoryRoleTarget(role::kGroupsAdministrator,
                                                     "/administrativeUnits/au1"))
                  .ok());
  const PrincipalId team = AddGroup("team");
  EXPECT_ERROR(AssignAs(scoped, GroupTarget(team, GroupAccess::kMember)),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_TRUE(
      AssignAs(AdminWith(role::kGroupsAdministrator), GroupTarget(team, GroupAccess::kMember))
          .ok());
}

// Updating and removing a group's assignments need the same right as making them.
TEST_F(AuthorizationTest, UpdatingOrRemovingAGroupsAssignmentsNeedsTheRightToManageIt) {
  const PrincipalId team = AddGroup("team");
  const Target member = GroupTarget(team, GroupAccess::kMember);
  ASSERT_TRUE(MakeEligible(target_user_, member, For(absl::Hours(24 * 30))).ok());
  clock_.Advance(absl::Minutes(10));
  const PrincipalId helpdesk = AdminWith(role::kHelpdeskAdministrator);
  for (const RequestAction action : {RequestAction::kAdminUpdate, RequestAction::kAdminRemove}) {
    EXPECT_ERROR(Admin(action, ScheduleKind::kEligibility, target_user_, member,
                       For(absl::Hours(24 * 60)), std::nullopt, User(helpdesk)),
                 absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  }
  const PrincipalId groups_admin = AdminWith(role::kGroupsAdministrator);
  EXPECT_TRUE(Admin(RequestAction::kAdminUpdate, ScheduleKind::kEligibility, target_user_, member,
                    For(absl::Hours(24 * 60)), std::nullopt, User(groups_admin))
                  .ok());
  EXPECT_TRUE(Admin(RequestAction::kAdminRemove, ScheduleKind::kEligibility, target_user_, member,
                    Expiration{}, std::nullopt, User(groups_admin))
                  .ok());
}

// Entra routes a directory role's approval to its administrators when no approver is listed;
// groups and Azure resources have no default approvers.
TEST_F(AuthorizationTest, GroupsAndResourceRolesHaveNoDefaultApprovers) {
  const PrincipalId team = AddGroup("team");
  const std::string sub = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {sub, {}, "", "Sub"}).ok());
  ApprovalStageSettings no_one;
  for (const Target& target :
       {GroupTarget(team, GroupAccess::kMember), ResourceRoleTarget(role::kContributor, sub)}) {
    Policy policy = engine_->EffectivePolicy(target);
    policy.approval.is_approval_required = true;
    policy.approval.mode = ApprovalMode::kSingleStage;
    policy.approval.stages = {no_one};
    EXPECT_ERROR(engine_->UpdatePolicy(Caller::System(), policy),
                 absl::StatusCode::kInvalidArgument, code::kInvalidPolicy);
  }
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  policy.approval.is_approval_required = true;
  policy.approval.mode = ApprovalMode::kSingleStage;
  policy.approval.stages = {no_one};
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  const PrincipalId pra = AdminWith(role::kPrivilegedRoleAdministrator);
  ASSERT_TRUE(MakeEligible(target_user_, Helpdesk()).ok());
  auto pending = Activate(target_user_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->status, RequestStatus::kPendingApproval);
  EXPECT_TRUE(engine_->Decide(User(pra), pending->id, true, "ok").ok());
  EXPECT_TRUE(Holds(target_user_, Helpdesk()));
}

TEST_F(AuthorizationTest, PolicyChangesNeedTheRightToManageTheTarget) {
  Policy p = engine_->EffectivePolicy(Helpdesk());
  p.activation_expiration.maximum_duration = absl::Hours(2);
  EXPECT_ERROR(engine_->UpdatePolicy(User(AdminWith(role::kHelpdeskAdministrator)), p),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  auto updated = engine_->UpdatePolicy(User(AdminWith(role::kPrivilegedRoleAdministrator)), p);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(engine_->EffectivePolicy(Helpdesk()).activation_expiration.maximum_duration,
            absl::Hours(2));
}

TEST_F(AuthorizationTest, PolicyActivationMaximumMustBeBetweenThirtyMinutesAndADay) {
  Policy p = engine_->EffectivePolicy(Helpdesk());
  p.activation_expiration.maximum_duration = absl::Minutes(29);
  EXPECT_ERROR(engine_->UpdatePolicy(Caller::System(), p), absl::StatusCode::kInvalidArgument,
               code::kInvalidPolicy);
  p.activation_expiration.maximum_duration = absl::Hours(25);
  EXPECT_ERROR(engine_->UpdatePolicy(Caller::System(), p), absl::StatusCode::kInvalidArgument,
               code::kInvalidPolicy);
  EXPECT_EQ(engine_->EffectivePolicy(Helpdesk()).activation_expiration.maximum_duration,
            absl::Hours(8));
}

// An activation is always time-bound: no policy lets one be asked for without an end.
TEST_F(AuthorizationTest, PolicyCannotSwitchOffTheActivationsExpiration) {
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  policy.activation_expiration.is_expiration_required = false;
  EXPECT_ERROR(engine_->UpdatePolicy(Caller::System(), policy), absl::StatusCode::kInvalidArgument,
               code::kInvalidPolicy);
  EXPECT_TRUE(engine_->EffectivePolicy(Helpdesk()).activation_expiration.is_expiration_required);
  const PrincipalId user = AddUser("user");
  ASSERT_TRUE(MakeEligible(user, Helpdesk()).ok());
  EXPECT_ERROR(Self(RequestAction::kSelfActivate, user, Helpdesk(), Permanent()),
               absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
}

// Data stored before today's rules held (written straight into the store, as an older pimd
// could have): a policy whose activations need no end, and an owner eligibility held by a
// group. Neither gives what the rules now refuse.
TEST_F(AuthorizationTest, DataStoredBeforeTheRulesGivesNothingTheyRefuse) {
  const PrincipalId user = AddUser("user");
  ASSERT_TRUE(MakeEligible(user, Helpdesk()).ok());
  const PrincipalId team = AddGroup("team");
  const PrincipalId owners = AddGroup("owners");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {owners, user, GroupAccess::kMember}).ok());
  Policy lax = engine_->EffectivePolicy(Helpdesk());
  lax.activation_expiration.is_expiration_required = false;
  Schedule legacy;
  legacy.id = ScheduleId(NewId());
  legacy.kind = ScheduleKind::kEligibility;
  legacy.principal = owners;
  legacy.target = GroupTarget(team, GroupAccess::kOwner);
  legacy.start = clock_.Now();
  legacy.expiration = Permanent();
  legacy.state = ScheduleState::kActive;
  legacy.created_using = RequestId(NewId());
  legacy.created = legacy.modified = clock_.Now();
  ChangeRecord record;
  record.revision = engine_->revision() + 1;
  record.at = clock_.Now();
  record.actor = PrincipalId("system");
  record.event = "legacy";
  for (const Entity& e : {Entity(lax), Entity(legacy)}) {
    record.mutations.push_back(Mutation{KindOf(e), KeyOf(e), std::nullopt, e});
  }
  ASSERT_TRUE(store_->Commit(std::span<const ChangeRecord>(&record, 1)).ok());
  Open();

  // The activation still needs an end, whatever the stored flag says.
  EXPECT_TRUE(engine_->EffectivePolicy(Helpdesk()).activation_expiration.is_expiration_required);
  auto forever = Self(RequestAction::kSelfActivate, user, Helpdesk(), Permanent());
  EXPECT_ERROR(forever, absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
  auto unspecified = Self(RequestAction::kSelfActivate, user, Helpdesk(), Expiration{});
  ASSERT_TRUE(unspecified.ok()) << unspecified.status();
  EXPECT_EQ(engine_->Check(user.str(), Helpdesk()).until, clock_.Now() + absl::Hours(8));
  // The group's owner eligibility makes none of its members an owner.
  auto own = Self(RequestAction::kSelfActivate, user, GroupTarget(team, GroupAccess::kOwner));
  EXPECT_ERROR(own, absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
  EXPECT_NE(own.status().message().find("EligibilityRule"), std::string_view::npos);
}

TEST_F(AuthorizationTest, DirectoryChangesNeedAGlobalAdministrator) {
  Principal p;
  p.id = PrincipalId(NewId());
  p.kind = PrincipalKind::kUser;
  p.display_name = "new";
  EXPECT_ERROR(engine_->PutPrincipal(User(AdminWith(role::kPrivilegedRoleAdministrator)), p),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
  EXPECT_TRUE(engine_->PutPrincipal(User(AdminWith(role::kGlobalAdministrator)), p).ok());
}

}  // namespace
}  // namespace pim::testing
