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
