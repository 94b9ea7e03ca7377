// Directory administration: who may create, change and delete users, groups, service principals
// and memberships (Entra's delegation), the protection of privileged principals, the lock-out
// rule for the last Global Administrator, and WriteDirectoryObject's all-or-nothing writes.
#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "engine_fixture.h"

namespace pim::testing {
namespace {

constexpr auto kDenied = absl::StatusCode::kPermissionDenied;

class DirectoryAdminTest : public EngineTest {
 protected:
  // A user holding `role` permanently and actively at "/".
  PrincipalId AdminWith(std::string_view role) {
    const PrincipalId admin = AddUser(std::string(role));
    EXPECT_TRUE(MakeActive(admin, DirectoryRoleTarget(role, "/")).ok());
    return admin;
  }
  Caller As(std::string_view role) { return User(AdminWith(role)); }

  std::optional<Principal> Find(const PrincipalId& id) {
    std::optional<Principal> p;
    engine_->Read([&](const State& s) {
      if (const Principal* found = s.FindPrincipal(id.str())) p = *found;
    });
    return p;
  }
  Principal Get(const PrincipalId& id) {
    const std::optional<Principal> p = Find(id);
    EXPECT_TRUE(p.has_value()) << id;
    return p.value_or(Principal{});
  }
  bool HasMembership(const PrincipalId& group, const PrincipalId& who,
                     GroupAccess access = GroupAccess::kMember) {
    bool found = false;
    engine_->Read([&](const State& s) {
      found = s.FindMembership(DirectMembership{group, who, access}.Key()) != nullptr;
    });
    return found;
  }

  Principal NewPrincipal(PrincipalKind kind, const std::string& name, bool assignable = false) {
    Principal p;
    p.id = PrincipalId(NewId());
    p.kind = kind;
    p.display_name = name;
    p.is_assignable_to_role = assignable;
    return p;
  }
  absl::Status Rename(const Caller& caller, const PrincipalId& id, const std::string& name) {
    Principal p = Get(id);
    p.display_name = name;
    return engine_->PutPrincipal(caller, p);
  }
  absl::Status SetEnabled(const Caller& caller, const PrincipalId& id, bool enabled) {
    Principal p = Get(id);
    p.enabled = enabled;
    return engine_->PutPrincipal(caller, p);
  }
  absl::Status Add(const Caller& caller, const PrincipalId& group, const PrincipalId& who,
                   GroupAccess access = GroupAccess::kMember) {
    return engine_->AddMembership(caller, DirectMembership{group, who, access});
  }
  absl::Status Remove(const Caller& caller, const PrincipalId& group, const PrincipalId& who,
                      GroupAccess access = GroupAccess::kMember) {
    return engine_->RemoveMembership(caller, DirectMembership{group, who, access});
  }

  static Target Role(std::string_view role) { return DirectoryRoleTarget(role, "/"); }
};

// ---- Global Administrator ----

TEST_F(DirectoryAdminTest, GlobalAdministratorManagesEveryKindOfObject) {
  const Caller ga = As(role::kGlobalAdministrator);
  const Principal user = NewPrincipal(PrincipalKind::kUser, "u");
  const Principal tier0 = NewPrincipal(PrincipalKind::kGroup, "tier0", /*assignable=*/true);
  const Principal app = NewPrincipal(PrincipalKind::kServicePrincipal, "app");
  ASSERT_TRUE(engine_->PutPrincipal(ga, user).ok());
  ASSERT_TRUE(engine_->PutPrincipal(ga, tier0).ok());
  ASSERT_TRUE(engine_->PutPrincipal(ga, app).ok());
  ASSERT_TRUE(Add(ga, tier0.id, user.id).ok());
  ASSERT_TRUE(Add(ga, tier0.id, app.id, GroupAccess::kOwner).ok());
  EXPECT_TRUE(HasMembership(tier0.id, user.id));
  // The user now belongs to a role-assignable group; a Global Administrator may still change it.
  EXPECT_TRUE(Rename(ga, user.id, "renamed").ok());
  EXPECT_EQ(Get(user.id).display_name, "renamed");
  EXPECT_TRUE(engine_->DeletePrincipal(ga, user.id).ok());
  EXPECT_TRUE(engine_->DeletePrincipal(ga, tier0.id).ok());
  EXPECT_TRUE(engine_->DeletePrincipal(ga, app.id).ok());
  EXPECT_FALSE(Find(user.id).has_value());
  EXPECT_FALSE(Find(tier0.id).has_value());
  EXPECT_FALSE(Find(app.id).has_value());
}

TEST_F(DirectoryAdminTest, CallerWithoutAnAdministratorRoleChangesNothing) {
  const Caller nobody = User(AddUser("nobody"));
  const PrincipalId victim = AddUser("victim");
  const PrincipalId team = AddGroup("team");
  const Revision before = engine_->revision();
  EXPECT_ERROR(engine_->PutPrincipal(nobody, NewPrincipal(PrincipalKind::kUser, "x")), kDenied,
               code::kAuthorizationFailed);
  EXPECT_ERROR(Rename(nobody, victim, "pwned"), kDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(engine_->DeletePrincipal(nobody, victim), kDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(Add(nobody, team, victim), kDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(engine_->PutPrincipal(nobody, NewPrincipal(PrincipalKind::kServicePrincipal, "s")),
               kDenied, code::kAuthorizationFailed);
  EXPECT_EQ(engine_->revision(), before);
  EXPECT_EQ(Get(victim).display_name, "victim");
  EXPECT_FALSE(HasMembership(team, victim));
}

// ---- User Administrator ----

TEST_F(DirectoryAdminTest, UserAdministratorCreatesUpdatesDisablesAndDeletesUsers) {
  const Caller ua = As(role::kUserAdministrator);
  Principal user = NewPrincipal(PrincipalKind::kUser, "new hire");
  user.mail = "hire@contoso.test";
  ASSERT_TRUE(engine_->PutPrincipal(ua, user).ok());
  ASSERT_TRUE(Rename(ua, user.id, "New Hire").ok());
  ASSERT_TRUE(SetEnabled(ua, user.id, false).ok());
  EXPECT_EQ(Get(user.id).display_name, "New Hire");
  EXPECT_FALSE(Get(user.id).enabled);
  ASSERT_TRUE(engine_->DeletePrincipal(ua, user.id).ok());
  EXPECT_FALSE(Find(user.id).has_value());
}

TEST_F(DirectoryAdminTest, UserAdministratorCannotChangeAUserHoldingAPrivilegedRole) {
  const Caller ua = As(role::kUserAdministrator);
  const PrincipalId active_ga = AddUser("active ga");
  const PrincipalId eligible_ga = AddUser("eligible ga");
  const PrincipalId security = AddUser("security admin (eligible)");
  const PrincipalId reader = AddUser("global reader");
  ASSERT_TRUE(MakeActive(active_ga, GA()).ok());
  ASSERT_TRUE(MakeEligible(eligible_ga, GA()).ok());
  ASSERT_TRUE(MakeEligible(security, Role(role::kSecurityAdministrator)).ok());
  ASSERT_TRUE(MakeActive(reader, Role(role::kGlobalReader)).ok());
  const Revision before = engine_->revision();
  for (const PrincipalId& protected_user : {active_ga, eligible_ga, security, reader}) {
    EXPECT_ERROR(Rename(ua, protected_user, "changed"), kDenied, code::kAuthorizationFailed);
    EXPECT_ERROR(SetEnabled(ua, protected_user, false), kDenied, code::kAuthorizationFailed);
    EXPECT_ERROR(engine_->DeletePrincipal(ua, protected_user), kDenied, code::kAuthorizationFailed);
    EXPECT_TRUE(Get(protected_user).enabled);
  }
  EXPECT_EQ(engine_->revision(), before);
}

TEST_F(DirectoryAdminTest, UserAdministratorMayChangeHoldersOfTheUnprotectedRoles) {
  const Caller ua = As(role::kUserAdministrator);
  const PrincipalId helpdesk = AddUser("helpdesk");
  const PrincipalId other_ua = AddUser("other user admin");
  const PrincipalId groups = AddUser("groups admin");
  const PrincipalId readers = AddUser("directory reader");
  ASSERT_TRUE(MakeActive(helpdesk, Helpdesk()).ok());
  ASSERT_TRUE(MakeEligible(other_ua, Role(role::kUserAdministrator)).ok());
  ASSERT_TRUE(MakeActive(groups, Role(role::kGroupsAdministrator)).ok());
  ASSERT_TRUE(MakeActive(readers, Role(role::kDirectoryReaders)).ok());
  for (const PrincipalId& user : {helpdesk, other_ua, groups, readers}) {
    EXPECT_TRUE(Rename(ua, user, "renamed").ok()) << Get(user).display_name;
    EXPECT_EQ(Get(user).display_name, "renamed");
  }
  EXPECT_TRUE(engine_->DeletePrincipal(ua, readers).ok());
}

TEST_F(DirectoryAdminTest, AnExpiredPrivilegedRoleNoLongerProtects) {
  const Caller ua = As(role::kUserAdministrator);
  const PrincipalId former = AddUser("former security admin");
  ASSERT_TRUE(MakeActive(former, Role(role::kSecurityAdministrator), For(absl::Hours(1))).ok());
  EXPECT_ERROR(Rename(ua, former, "changed"), kDenied, code::kAuthorizationFailed);
  clock_.Advance(absl::Hours(2));
  EXPECT_TRUE(Rename(ua, former, "changed").ok());
}

TEST_F(DirectoryAdminTest, UserAdministratorCannotChangeMembersOrOwnersOfRoleAssignableGroups) {
  const Caller ua = As(role::kUserAdministrator);
  const PrincipalId tier0 = AddGroup("tier0", /*assignable=*/true);
  const PrincipalId direct = AddUser("direct member");
  const PrincipalId owner = AddUser("owner");
  const PrincipalId eligible = AddUser("eligible member");
  ASSERT_TRUE(Add(Caller::System(), tier0, direct).ok());
  ASSERT_TRUE(Add(Caller::System(), tier0, owner, GroupAccess::kOwner).ok());
  ASSERT_TRUE(MakeEligible(eligible, GroupTarget(tier0, GroupAccess::kMember)).ok());
  for (const PrincipalId& user : {direct, owner, eligible}) {
    EXPECT_ERROR(Rename(ua, user, "changed"), kDenied, code::kAuthorizationFailed);
    EXPECT_ERROR(engine_->DeletePrincipal(ua, user), kDenied, code::kAuthorizationFailed);
  }
  // A plain group does not protect its members.
  const PrincipalId team = AddGroup("team");
  const PrincipalId plain = AddUser("plain");
  ASSERT_TRUE(Add(Caller::System(), team, plain).ok());
  EXPECT_TRUE(Rename(ua, plain, "changed").ok());
}

TEST_F(DirectoryAdminTest, UserAdministratorManagesPlainGroupsButNotRoleAssignableOnes) {
  const Caller ua = As(role::kUserAdministrator);
  const Principal team = NewPrincipal(PrincipalKind::kGroup, "team");
  ASSERT_TRUE(engine_->PutPrincipal(ua, team).ok());
  const PrincipalId member = AddUser("member");
  EXPECT_TRUE(Add(ua, team.id, member).ok());
  EXPECT_TRUE(Add(ua, team.id, member, GroupAccess::kOwner).ok());
  EXPECT_TRUE(Remove(ua, team.id, member).ok());
  EXPECT_ERROR(engine_->PutPrincipal(ua, NewPrincipal(PrincipalKind::kGroup, "t0", true)), kDenied,
               code::kAuthorizationFailed);
  const PrincipalId tier0 = AddGroup("tier0", /*assignable=*/true);
  EXPECT_ERROR(Add(ua, tier0, member), kDenied, code::kAuthorizationFailed);
  EXPECT_FALSE(HasMembership(tier0, member));
  EXPECT_ERROR(engine_->PutPrincipal(ua, NewPrincipal(PrincipalKind::kServicePrincipal, "app")),
               kDenied, code::kAuthorizationFailed);
}

// ---- Groups Administrator ----

TEST_F(DirectoryAdminTest, GroupsAdministratorManagesGroupsThatAreNotRoleAssignable) {
  const Caller groups_admin = As(role::kGroupsAdministrator);
  const Principal team = NewPrincipal(PrincipalKind::kGroup, "team");
  ASSERT_TRUE(engine_->PutPrincipal(groups_admin, team).ok());
  ASSERT_TRUE(Rename(groups_admin, team.id, "Team").ok());
  const PrincipalId alice = AddUser("alice");
  ASSERT_TRUE(Add(groups_admin, team.id, alice).ok());
  ASSERT_TRUE(Add(groups_admin, team.id, alice, GroupAccess::kOwner).ok());
  // (Not the group's last owner: that one stays until another is added.)
  ASSERT_TRUE(Add(groups_admin, team.id, AddUser("bob"), GroupAccess::kOwner).ok());
  ASSERT_TRUE(Remove(groups_admin, team.id, alice, GroupAccess::kOwner).ok());
  EXPECT_TRUE(HasMembership(team.id, alice));
  EXPECT_FALSE(HasMembership(team.id, alice, GroupAccess::kOwner));
  ASSERT_TRUE(engine_->DeletePrincipal(groups_admin, team.id).ok());
  EXPECT_FALSE(Find(team.id).has_value());
}

TEST_F(DirectoryAdminTest, GroupsAdministratorCannotTouchRoleAssignableGroupsOrUsers) {
  const Caller groups_admin = As(role::kGroupsAdministrator);
  const Revision before = engine_->revision();
  EXPECT_ERROR(engine_->PutPrincipal(groups_admin, NewPrincipal(PrincipalKind::kGroup, "t0", true)),
               kDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(engine_->PutPrincipal(groups_admin, NewPrincipal(PrincipalKind::kUser, "u")),
               kDenied, code::kAuthorizationFailed);
  EXPECT_EQ(engine_->revision(), before);
  const PrincipalId tier0 = AddGroup("tier0", /*assignable=*/true);
  const PrincipalId alice = AddUser("alice");
  EXPECT_ERROR(Add(groups_admin, tier0, alice), kDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(Add(groups_admin, tier0, alice, GroupAccess::kOwner), kDenied,
               code::kAuthorizationFailed);
  EXPECT_ERROR(Rename(groups_admin, tier0, "renamed"), kDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(engine_->DeletePrincipal(groups_admin, tier0), kDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(Rename(groups_admin, alice, "renamed"), kDenied, code::kAuthorizationFailed);
  EXPECT_TRUE(Find(tier0).has_value());
}

// ---- Privileged Role Administrator ----

TEST_F(DirectoryAdminTest, RoleAssignableGroupsNeedAPrivilegedRoleAdministrator) {
  const Caller pra = As(role::kPrivilegedRoleAdministrator);
  const Principal tier0 = NewPrincipal(PrincipalKind::kGroup, "tier0", /*assignable=*/true);
  ASSERT_TRUE(engine_->PutPrincipal(pra, tier0).ok());
  const PrincipalId alice = AddUser("alice");
  ASSERT_TRUE(Add(pra, tier0.id, alice).ok());
  ASSERT_TRUE(Add(pra, tier0.id, alice, GroupAccess::kOwner).ok());
  ASSERT_TRUE(Add(pra, tier0.id, AddUser("bob"), GroupAccess::kOwner).ok());
  ASSERT_TRUE(Remove(pra, tier0.id, alice, GroupAccess::kOwner).ok());
  EXPECT_TRUE(HasMembership(tier0.id, alice));
  // It manages role-assignable groups, not the rest of the directory.
  EXPECT_ERROR(engine_->PutPrincipal(pra, NewPrincipal(PrincipalKind::kGroup, "plain")), kDenied,
               code::kAuthorizationFailed);
  EXPECT_ERROR(engine_->PutPrincipal(pra, NewPrincipal(PrincipalKind::kUser, "u")), kDenied,
               code::kAuthorizationFailed);
  ASSERT_TRUE(engine_->DeletePrincipal(pra, tier0.id).ok());
}

// ---- Application / Cloud Application Administrator ----

TEST_F(DirectoryAdminTest, ApplicationAdministratorsManageServicePrincipals) {
  for (const std::string_view role :
       {role::kApplicationAdministrator, role::kCloudApplicationAdministrator}) {
    const Caller admin = As(role);
    const Principal app = NewPrincipal(PrincipalKind::kServicePrincipal, "app");
    ASSERT_TRUE(engine_->PutPrincipal(admin, app).ok()) << role;
    ASSERT_TRUE(SetEnabled(admin, app.id, false).ok()) << role;
    EXPECT_FALSE(Get(app.id).enabled);
    ASSERT_TRUE(engine_->DeletePrincipal(admin, app.id).ok()) << role;
    EXPECT_ERROR(engine_->PutPrincipal(admin, NewPrincipal(PrincipalKind::kUser, "u")), kDenied,
                 code::kAuthorizationFailed);
    EXPECT_ERROR(engine_->PutPrincipal(admin, NewPrincipal(PrincipalKind::kGroup, "g")), kDenied,
                 code::kAuthorizationFailed);
  }
}

TEST_F(DirectoryAdminTest, ApplicationAdministratorCannotChangeAPrivilegedServicePrincipal) {
  const Caller admin = As(role::kApplicationAdministrator);
  const PrincipalId automation = AddPrincipal(PrincipalKind::kServicePrincipal, "automation");
  ASSERT_TRUE(MakeActive(automation, PRA()).ok());
  EXPECT_ERROR(Rename(admin, automation, "changed"), kDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(engine_->DeletePrincipal(admin, automation), kDenied, code::kAuthorizationFailed);
  EXPECT_TRUE(Find(automation).has_value());
}

// ---- Group owners ----

TEST_F(DirectoryAdminTest, GroupOwnerManagesTheMembersOfTheirGroupOnly) {
  const PrincipalId team = AddGroup("team");
  const PrincipalId other = AddGroup("other");
  const PrincipalId owner = AddUser("owner");
  const PrincipalId alice = AddUser("alice");
  ASSERT_TRUE(Add(Caller::System(), team, owner, GroupAccess::kOwner).ok());
  ASSERT_TRUE(Add(User(owner), team, alice).ok());
  EXPECT_TRUE(HasMembership(team, alice));
  ASSERT_TRUE(Remove(User(owner), team, alice).ok());
  EXPECT_FALSE(HasMembership(team, alice));
  // Owners are not theirs to change, nor other groups, nor the group itself.
  EXPECT_ERROR(Add(User(owner), team, alice, GroupAccess::kOwner), kDenied,
               code::kAuthorizationFailed);
  EXPECT_ERROR(Add(User(owner), other, alice), kDenied, code::kAuthorizationFailed);
  EXPECT_ERROR(Rename(User(owner), team, "mine"), kDenied, code::kAuthorizationFailed);
}

TEST_F(DirectoryAdminTest, ActivatedOwnershipCountsAndNoGroupIsAnOwner) {
  const PrincipalId team = AddGroup("team");
  const PrincipalId owner = AddUser("owner");
  const PrincipalId alice = AddUser("alice");
  ASSERT_TRUE(MakeActive(owner, GroupTarget(team, GroupAccess::kOwner), For(absl::Hours(2))).ok());
  EXPECT_TRUE(Add(User(owner), team, alice).ok());
  clock_.Advance(absl::Hours(3));
  EXPECT_ERROR(Remove(User(owner), team, alice), kDenied, code::kAuthorizationFailed);

  // Owners are users or service principals: a group is refused as one, so its members never
  // become owners through it.
  const PrincipalId owners_group = AddGroup("owners");
  const PrincipalId bob = AddUser("bob");
  ASSERT_TRUE(Add(Caller::System(), owners_group, bob).ok());
  EXPECT_ERROR(Add(Caller::System(), team, owners_group, GroupAccess::kOwner),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
  EXPECT_ERROR(Add(User(bob), team, AddUser("carol")), kDenied, code::kAuthorizationFailed);
}

TEST_F(DirectoryAdminTest, OwnerOfARoleAssignableGroupCannotChangeItsMembers) {
  const PrincipalId tier0 = AddGroup("tier0", /*assignable=*/true);
  const PrincipalId owner = AddUser("owner");
  ASSERT_TRUE(Add(Caller::System(), tier0, owner, GroupAccess::kOwner).ok());
  const PrincipalId alice = AddUser("alice");
  EXPECT_ERROR(Add(User(owner), tier0, alice), kDenied, code::kAuthorizationFailed);
  EXPECT_FALSE(HasMembership(tier0, alice));
}

// ---- Invariants ----

TEST_F(DirectoryAdminTest, IsAssignableToRoleCannotChangeEvenForAGlobalAdministrator) {
  const Caller ga = As(role::kGlobalAdministrator);
  const PrincipalId team = AddGroup("team");
  Principal p = Get(team);
  p.is_assignable_to_role = true;
  EXPECT_ERROR(engine_->WriteDirectoryObject(ga, {p, Get(team), {}}),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
  EXPECT_FALSE(Get(team).is_assignable_to_role);
}

TEST_F(DirectoryAdminTest, UserPrincipalNamesAreUniqueIgnoringCase) {
  Principal first = NewPrincipal(PrincipalKind::kUser, "first");
  first.mail = "Same@Contoso.test";
  ASSERT_TRUE(engine_->PutPrincipal(Caller::System(), first).ok());
  Principal second = NewPrincipal(PrincipalKind::kUser, "second");
  second.mail = "same@contoso.TEST";
  EXPECT_ERROR(engine_->PutPrincipal(Caller::System(), second), absl::StatusCode::kAlreadyExists,
               code::kObjectExists);
  EXPECT_FALSE(Find(second.id).has_value());
  // A group's mail is not a user principal name.
  Principal group = NewPrincipal(PrincipalKind::kGroup, "group");
  group.mail = "same@contoso.test";
  EXPECT_TRUE(engine_->PutPrincipal(Caller::System(), group).ok());
  // Changing only the case of one's own name is fine.
  first.mail = "same@contoso.test";
  EXPECT_TRUE(engine_->PutPrincipal(Caller::System(), first).ok());
}

// ---- The last Global Administrator ----

TEST_F(DirectoryAdminTest, TheLastActiveGlobalAdministratorCannotBeDeletedOrDisabled) {
  const PrincipalId root = AddUser("root");
  ASSERT_TRUE(MakeActive(root, GA()).ok());
  EXPECT_ERROR(engine_->DeletePrincipal(User(root), root), absl::StatusCode::kFailedPrecondition,
               code::kLastAdministrator);
  EXPECT_ERROR(engine_->DeletePrincipal(Caller::System(), root),
               absl::StatusCode::kFailedPrecondition, code::kLastAdministrator);
  Principal disabled = Get(root);
  disabled.enabled = false;
  EXPECT_ERROR(engine_->WriteDirectoryObject(User(root), {disabled, Get(root), {}}),
               absl::StatusCode::kFailedPrecondition, code::kLastAdministrator);
  EXPECT_TRUE(Get(root).enabled);
  EXPECT_TRUE(Holds(root, GA()));

  // With a second one, either may go.
  const PrincipalId second = AddUser("second");
  ASSERT_TRUE(MakeActive(second, GA()).ok());
  EXPECT_TRUE(engine_->DeletePrincipal(User(second), root).ok());
  EXPECT_FALSE(Find(root).has_value());
  EXPECT_ERROR(engine_->DeletePrincipal(User(second), second),
               absl::StatusCode::kFailedPrecondition, code::kLastAdministrator);
}

TEST_F(DirectoryAdminTest, DeletingTheGroupThatHoldsTheLastGlobalAdministratorIsRefused) {
  const PrincipalId tier0 = AddGroup("tier0", /*assignable=*/true);
  const PrincipalId root = AddUser("root");
  ASSERT_TRUE(Add(Caller::System(), tier0, root).ok());
  ASSERT_TRUE(MakeActive(tier0, GA()).ok());
  EXPECT_ERROR(engine_->DeletePrincipal(User(root), tier0), absl::StatusCode::kFailedPrecondition,
               code::kLastAdministrator);
  EXPECT_ERROR(engine_->DeletePrincipal(User(root), root), absl::StatusCode::kFailedPrecondition,
               code::kLastAdministrator);
  EXPECT_TRUE(Holds(root, GA()));
}

// ---- WriteDirectoryObject ----

TEST_F(DirectoryAdminTest, WriteCreatesOnlyWhenTheIdIsFree) {
  const Caller ua = As(role::kUserAdministrator);
  Principal user = NewPrincipal(PrincipalKind::kUser, "u");
  auto created = engine_->WriteDirectoryObject(ua, {user, std::nullopt, {}});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(*created, Engine::DirectoryOutcome::kCreated);
  user.display_name = "overwritten";
  EXPECT_ERROR(engine_->WriteDirectoryObject(ua, {user, std::nullopt, {}}),
               absl::StatusCode::kAlreadyExists, code::kObjectExists);
  EXPECT_EQ(Get(user.id).display_name, "u");
}

TEST_F(DirectoryAdminTest, WriteDetectsAConcurrentChangeAndADeletedObject) {
  const Caller ua = As(role::kUserAdministrator);
  const PrincipalId id = AddUser("original");
  const Principal read = Get(id);
  ASSERT_TRUE(Rename(Caller::System(), id, "changed meanwhile").ok());
  Principal mine = read;
  mine.enabled = false;
  const absl::Status raced = engine_->WriteDirectoryObject(ua, {mine, read, {}}).status();
  EXPECT_EQ(raced.code(), absl::StatusCode::kAborted) << raced;
  EXPECT_TRUE(Get(id).enabled);
  EXPECT_EQ(Get(id).display_name, "changed meanwhile");

  ASSERT_TRUE(engine_->DeletePrincipal(Caller::System(), id).ok());
  EXPECT_ERROR(engine_->WriteDirectoryObject(ua, {mine, read, {}}), absl::StatusCode::kNotFound,
               code::kObjectNotFound);
  EXPECT_FALSE(Find(id).has_value());
}

TEST_F(DirectoryAdminTest, WriteReportsUnchangedButStillAuthorises) {
  const PrincipalId id = AddUser("same");
  const Principal p = Get(id);
  const Caller ua = As(role::kUserAdministrator);
  const Caller helpdesk = As(role::kHelpdeskAdministrator);
  const Revision before = engine_->revision();
  auto same = engine_->WriteDirectoryObject(ua, {p, p, {}});
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(*same, Engine::DirectoryOutcome::kUnchanged);
  EXPECT_EQ(engine_->revision(), before);  // nothing was recorded
  // Helpdesk Administrators manage no directory objects, not even to leave one as it is.
  EXPECT_ERROR(engine_->WriteDirectoryObject(helpdesk, {p, p, {}}), kDenied,
               code::kAuthorizationFailed);
  EXPECT_EQ(engine_->revision(), before);
}

TEST_F(DirectoryAdminTest, WriteAddsMembershipsWithTheObjectAllOrNothing) {
  const Caller groups_admin = As(role::kGroupsAdministrator);
  const PrincipalId alice = AddUser("alice");
  const PrincipalId tier0 = AddGroup("tier0", /*assignable=*/true);
  Principal team = NewPrincipal(PrincipalKind::kGroup, "team");
  // The second membership is refused (a role-assignable group), so the group is not created.
  const Revision before = engine_->revision();
  EXPECT_ERROR(engine_->WriteDirectoryObject(
                   groups_admin, {team,
                                  std::nullopt,
                                  {DirectMembership{team.id, alice, GroupAccess::kMember},
                                   DirectMembership{tier0, team.id, GroupAccess::kMember}}}),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
  EXPECT_EQ(engine_->revision(), before);
  EXPECT_FALSE(Find(team.id).has_value());
  EXPECT_FALSE(HasMembership(team.id, alice));

  // An unknown member: nothing either.
  EXPECT_ERROR(
      engine_->WriteDirectoryObject(
          groups_admin, {team,
                         std::nullopt,
                         {DirectMembership{team.id, PrincipalId(NewId()), GroupAccess::kMember}}}),
      absl::StatusCode::kNotFound, code::kSubjectNotFound);
  EXPECT_FALSE(Find(team.id).has_value());

  auto created = engine_->WriteDirectoryObject(
      groups_admin, {team,
                     std::nullopt,
                     {DirectMembership{team.id, alice, GroupAccess::kMember},
                      DirectMembership{team.id, alice, GroupAccess::kOwner}}});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(*created, Engine::DirectoryOutcome::kCreated);
  EXPECT_TRUE(HasMembership(team.id, alice));
  EXPECT_TRUE(HasMembership(team.id, alice, GroupAccess::kOwner));

  // Writing the same again changes nothing; a new membership makes it an update.
  const Principal stored = Get(team.id);
  auto again = engine_->WriteDirectoryObject(
      groups_admin, {stored, stored, {DirectMembership{team.id, alice, GroupAccess::kMember}}});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, Engine::DirectoryOutcome::kUnchanged);
  const PrincipalId bob = AddUser("bob");
  auto more = engine_->WriteDirectoryObject(
      groups_admin, {stored, stored, {DirectMembership{team.id, bob, GroupAccess::kMember}}});
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_EQ(*more, Engine::DirectoryOutcome::kUpdated);
  EXPECT_TRUE(HasMembership(team.id, bob));
}

TEST_F(DirectoryAdminTest, WriteMembershipsMustNameTheWrittenObject) {
  const PrincipalId team = AddGroup("team");
  const PrincipalId alice = AddUser("alice");
  const PrincipalId bob = AddUser("bob");
  const Principal p = Get(alice);
  EXPECT_ERROR(engine_->WriteDirectoryObject(
                   Caller::System(), {p, p, {DirectMembership{team, bob, GroupAccess::kMember}}}),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
  EXPECT_FALSE(HasMembership(team, bob));
}

TEST_F(DirectoryAdminTest, WriteKeepsPimOnboarding) {
  const PrincipalId team = AddGroup("team");
  const PrincipalId alice = AddUser("alice");
  ASSERT_TRUE(MakeEligible(alice, GroupTarget(team, GroupAccess::kMember)).ok());
  const Principal onboarded = Get(team);
  ASSERT_TRUE(onboarded.pim_managed);
  Principal renamed = onboarded;
  renamed.display_name = "renamed";
  renamed.pim_managed = false;
  ASSERT_TRUE(engine_->WriteDirectoryObject(Caller::System(), {renamed, onboarded, {}}).ok());
  EXPECT_TRUE(Get(team).pim_managed);
  EXPECT_EQ(Get(team).display_name, "renamed");
}

TEST_F(DirectoryAdminTest, NewPrincipalIdsAreFreshLowercaseGuids) {
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    const PrincipalId id = engine_->NewPrincipalId();
    EXPECT_TRUE(IsGuid(id.str())) << id;
    EXPECT_EQ(id.str(), absl::AsciiStrToLower(id.str()));
    EXPECT_TRUE(seen.insert(id.str()).second);
  }
}

}  // namespace
}  // namespace pim::testing
