// Lock-out protection: the last active Global Administrator, the last active Privileged Role
// Administrator and a group's last active owner cannot be removed or deactivated by any
// command; a scheduled expiry is never blocked, and the change log raises an alert instead.
#include <algorithm>

#include "engine_fixture.h"

namespace pim::testing {
namespace {

class LastAdminTest : public EngineTest {
 protected:
  bool LogHas(const std::string& event) {
    auto changes = store_->ReadChanges(0, 100000);
    EXPECT_TRUE(changes.ok());
    return std::any_of(changes->begin(), changes->end(),
                       [&](const ChangeRecord& r) { return r.event == event; });
  }
  // A new user made eligible for `ownership` and activated for `d`.
  PrincipalId ActivatedOwner(const Target& ownership, absl::Duration d) {
    const PrincipalId owner = AddUser("owner");
    EXPECT_TRUE(MakeEligible(owner, ownership).ok());
    EXPECT_TRUE(Activate(owner, ownership, d).ok());
    return owner;
  }
  absl::StatusOr<ScheduleRequest> Remove(const PrincipalId& who, const Target& t,
                                         ScheduleKind kind = ScheduleKind::kAssignment) {
    return Admin(RequestAction::kAdminRemove, kind, who, t, Expiration{});
  }
};

TEST_F(LastAdminTest, RemovingTheLastActiveGlobalAdministratorIsRefused) {
  const PrincipalId root = AddUser("root");
  ASSERT_TRUE(MakeActive(root, GA()).ok());
  clock_.Advance(absl::Minutes(10));
  EXPECT_ERROR(Remove(root, GA()), absl::StatusCode::kFailedPrecondition, code::kLastAdministrator);
  EXPECT_TRUE(Holds(root, GA()));
}

TEST_F(LastAdminTest, RemovingOneOfTwoGlobalAdministratorsIsAllowed) {
  const PrincipalId a = AddUser("a");
  const PrincipalId b = AddUser("b");
  ASSERT_TRUE(MakeActive(a, GA()).ok());
  ASSERT_TRUE(MakeActive(b, GA()).ok());
  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(Remove(a, GA()).ok());
  EXPECT_FALSE(Holds(a, GA()));
  EXPECT_ERROR(Remove(b, GA()), absl::StatusCode::kFailedPrecondition, code::kLastAdministrator);
}

TEST_F(LastAdminTest, RemovingTheLastPrivilegedRoleAdministratorIsRefused) {
  const PrincipalId pra = AddUser("pra");
  ASSERT_TRUE(MakeActive(pra, PRA()).ok());
  clock_.Advance(absl::Minutes(10));
  EXPECT_ERROR(Remove(pra, PRA()), absl::StatusCode::kFailedPrecondition, code::kLastAdministrator);
  EXPECT_TRUE(Holds(pra, PRA()));
}

TEST_F(LastAdminTest, DeactivatingTheLastActivatedGlobalAdministratorIsRefused) {
  const PrincipalId a = AddUser("a");
  ASSERT_TRUE(MakeEligible(a, GA()).ok());
  ASSERT_TRUE(Activate(a, GA()).ok());
  clock_.Advance(absl::Minutes(10));
  EXPECT_ERROR(Deactivate(a, GA()), absl::StatusCode::kFailedPrecondition,
               code::kLastAdministrator);
  EXPECT_TRUE(Holds(a, GA()));
}

TEST_F(LastAdminTest, ScheduledExpiryIsNeverBlockedAndRaisesAnAlert) {
  const PrincipalId a = AddUser("a");
  ASSERT_TRUE(MakeActive(a, GA(), For(absl::Hours(1))).ok());
  clock_.Advance(absl::Hours(1));
  EXPECT_FALSE(Holds(a, GA()));
  EXPECT_TRUE(LogHas("alert.noActiveGlobalAdministrator"));
}

TEST_F(LastAdminTest, EndDateOnTheLastPermanentGlobalAdministratorIsRefused) {
  const PrincipalId a = AddUser("a");
  ASSERT_TRUE(MakeActive(a, GA()).ok());
  EXPECT_ERROR(
      Admin(RequestAction::kAdminUpdate, ScheduleKind::kAssignment, a, GA(), For(absl::Hours(48))),
      absl::StatusCode::kFailedPrecondition, code::kLastAdministrator);
  EXPECT_FALSE(engine_->Check(a.str(), GA()).until.has_value());

  const PrincipalId b = AddUser("b");
  ASSERT_TRUE(MakeActive(b, GA()).ok());
  EXPECT_TRUE(
      Admin(RequestAction::kAdminUpdate, ScheduleKind::kAssignment, a, GA(), For(absl::Hours(48)))
          .ok());
}

TEST_F(LastAdminTest, RemovingThePermanentGlobalAdministratorLeavingTimeBoundOnesAlerts) {
  const PrincipalId permanent = AddUser("permanent");
  const PrincipalId temporary = AddUser("temporary");
  ASSERT_TRUE(MakeActive(permanent, GA()).ok());
  ASSERT_TRUE(MakeActive(temporary, GA(), For(absl::Hours(48))).ok());
  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(Remove(permanent, GA()).ok());
  EXPECT_TRUE(LogHas("alert.onlyTimeBoundGlobalAdministrators"));
}

TEST_F(LastAdminTest, DisablingTheLastGlobalAdministratorIsRefused) {
  const PrincipalId a = AddUser("a");
  ASSERT_TRUE(MakeActive(a, GA()).ok());
  Principal disabled = *[&] {
    std::optional<Principal> p;
    engine_->Read([&](const State& s) { p = *s.FindPrincipal(a.str()); });
    return p;
  }();
  disabled.enabled = false;
  EXPECT_ERROR(engine_->PutPrincipal(Caller::System(), disabled),
               absl::StatusCode::kFailedPrecondition, code::kLastAdministrator);
  EXPECT_TRUE(Holds(a, GA()));
}

TEST_F(LastAdminTest, RemovingTheLastMemberOfAGlobalAdministratorGroupIsRefused) {
  const PrincipalId group = AddGroup("tier0", /*assignable=*/true);
  const PrincipalId a = AddUser("a");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, a, GroupAccess::kMember}).ok());
  ASSERT_TRUE(MakeActive(group, GA()).ok());
  EXPECT_TRUE(Holds(a, GA()));
  EXPECT_ERROR(engine_->RemoveMembership(Caller::System(), {group, a, GroupAccess::kMember}),
               absl::StatusCode::kFailedPrecondition, code::kLastAdministrator);
}

TEST_F(LastAdminTest, RemovingTheOnlyEligibleGlobalAdministratorAssignmentIsRefused) {
  const PrincipalId a = AddUser("a");
  ASSERT_TRUE(MakeEligible(a, GA()).ok());
  clock_.Advance(absl::Minutes(10));
  EXPECT_ERROR(Remove(a, GA(), ScheduleKind::kEligibility), absl::StatusCode::kFailedPrecondition,
               code::kLastAdministrator);
  const PrincipalId b = AddUser("b");
  ASSERT_TRUE(MakeActive(b, GA()).ok());
  EXPECT_TRUE(Remove(a, GA(), ScheduleKind::kEligibility).ok());
}

TEST_F(LastAdminTest, RemovalWithinFiveMinutesOfAssignmentIsRejected) {
  const PrincipalId a = AddUser("a");
  const PrincipalId b = AddUser("b");
  ASSERT_TRUE(MakeActive(a, GA()).ok());
  ASSERT_TRUE(MakeActive(b, Helpdesk()).ok());
  clock_.Advance(absl::Minutes(4));
  EXPECT_ERROR(Remove(b, Helpdesk()), absl::StatusCode::kInvalidArgument,
               code::kActiveDurationTooShort);
  clock_.Advance(absl::Minutes(1));
  EXPECT_TRUE(Remove(b, Helpdesk()).ok());
}

// ---- A group's last active owner ----

TEST_F(LastAdminTest, RemovingAGroupsLastStandingOwnerIsRefused) {
  const PrincipalId team = AddGroup("team");
  const PrincipalId a = AddUser("a");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {team, a, GroupAccess::kOwner}).ok());
  EXPECT_ERROR(engine_->RemoveMembership(Caller::System(), {team, a, GroupAccess::kOwner}),
               absl::StatusCode::kFailedPrecondition, code::kLastGroupOwner);
  EXPECT_TRUE(Holds(a, GroupTarget(team, GroupAccess::kOwner)));
  // With another active owner (here through PIM) it goes.
  const PrincipalId b = AddUser("b");
  ASSERT_TRUE(MakeActive(b, GroupTarget(team, GroupAccess::kOwner), For(absl::Hours(8))).ok());
  EXPECT_TRUE(engine_->RemoveMembership(Caller::System(), {team, a, GroupAccess::kOwner}).ok());
  // A group's members are not its owners: removing the last member is fine.
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {team, a, GroupAccess::kMember}).ok());
  EXPECT_TRUE(engine_->RemoveMembership(Caller::System(), {team, a, GroupAccess::kMember}).ok());
}

TEST_F(LastAdminTest, DeactivatingOrRemovingAGroupsLastActiveOwnerIsRefused) {
  const PrincipalId team = AddGroup("team");
  const Target ownership = GroupTarget(team, GroupAccess::kOwner);
  const PrincipalId a = ActivatedOwner(ownership, absl::Hours(2));
  clock_.Advance(absl::Minutes(10));
  EXPECT_ERROR(Deactivate(a, ownership), absl::StatusCode::kFailedPrecondition,
               code::kLastGroupOwner);
  EXPECT_ERROR(Remove(a, ownership), absl::StatusCode::kFailedPrecondition, code::kLastGroupOwner);
  EXPECT_TRUE(Holds(a, ownership));
  // An eligible owner is not an active one; a standing owner is.
  const PrincipalId b = AddUser("b");
  ASSERT_TRUE(MakeEligible(b, ownership).ok());
  EXPECT_ERROR(Deactivate(a, ownership), absl::StatusCode::kFailedPrecondition,
               code::kLastGroupOwner);
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {team, b, GroupAccess::kOwner}).ok());
  EXPECT_TRUE(Deactivate(a, ownership).ok());
  EXPECT_FALSE(Holds(a, ownership));
}

TEST_F(LastAdminTest, TheLastOwnersActivationEndsOnTimeWithAnAlert) {
  const PrincipalId team = AddGroup("team");
  const Target ownership = GroupTarget(team, GroupAccess::kOwner);
  const PrincipalId a = ActivatedOwner(ownership, absl::Hours(1));
  EXPECT_FALSE(LogHas("alert.groupWithoutOwner"));
  clock_.Advance(absl::Hours(1));
  EXPECT_FALSE(Holds(a, ownership));
  EXPECT_TRUE(LogHas("alert.groupWithoutOwner"));
}

TEST_F(LastAdminTest, OffboardingTheLastOwnerIsNotHeldUpButAlerts) {
  const PrincipalId team = AddGroup("team");
  const PrincipalId a = AddUser("a");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {team, a, GroupAccess::kOwner}).ok());
  EXPECT_FALSE(LogHas("alert.groupWithoutOwner"));
  EXPECT_TRUE(engine_->DeletePrincipal(Caller::System(), a).ok());
  EXPECT_TRUE(LogHas("alert.groupWithoutOwner"));
  const PrincipalId b = AddUser("b");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {team, b, GroupAccess::kOwner}).ok());
  // Nor is deleting the group itself.
  EXPECT_TRUE(engine_->DeletePrincipal(Caller::System(), team).ok());
}

}  // namespace
}  // namespace pim::testing
