// Extension and renewal of time-bound assignments: the 14-day extension window, the 30-day
// renewal window and the purge after it, who approves (Global / Privileged Role
// Administrators, and a group's owners), the admin variants that need no approval, and the
// expiry notices.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine_fixture.h"
#include "gmock/gmock.h"
#include "pim/engine/timer_queue.h"

namespace pim::testing {
namespace {

absl::Duration Days(int n) { return absl::Hours(24 * n); }

class ExtendRenewTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = AddUser("alice");
    carol_ = AddUser("carol");
  }

  // A user holding Privileged Role Administrator actively, made by the system.
  PrincipalId AddPrivilegedRoleAdministrator(const std::string& name = "pra") {
    const PrincipalId admin = AddUser(name);
    auto r = MakeActive(admin, PRA());
    EXPECT_TRUE(r.ok()) << r.status();
    return admin;
  }

  // `who` becomes eligible for `target` until `end`; returns the schedule id.
  ScheduleId EligibleUntil(const PrincipalId& who, const Target& target, absl::Time end) {
    auto r = MakeEligible(who, target, Until(end));
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok() || !r->target_schedule) return ScheduleId("");
    return *r->target_schedule;
  }

  absl::StatusOr<ScheduleRequest> SelfExtend(const PrincipalId& who, const Target& target,
                                             Expiration expiration,
                                             ScheduleKind kind = ScheduleKind::kEligibility) {
    return Self(RequestAction::kSelfExtend, who, target, expiration, std::nullopt, kind);
  }
  absl::StatusOr<ScheduleRequest> SelfRenew(const PrincipalId& who, const Target& target,
                                            Expiration expiration,
                                            ScheduleKind kind = ScheduleKind::kEligibility) {
    return Self(RequestAction::kSelfRenew, who, target, expiration, std::nullopt, kind);
  }
  absl::StatusOr<ScheduleRequest> Approve(const PrincipalId& who, const RequestId& id) {
    return engine_->Decide(User(who), id, /*approve=*/true, "still needed");
  }

  std::optional<absl::Time> EndOf(const ScheduleId& id) {
    const auto s = engine_->GetSchedule(id);
    EXPECT_TRUE(s.has_value()) << id.str();
    return s ? s->End() : std::nullopt;
  }
  std::optional<ScheduleState> StateOf(const ScheduleId& id) {
    const auto s = engine_->GetSchedule(id);
    if (!s) return std::nullopt;
    return s->state;
  }

  // The times of the expiry notices recorded for schedule `id`, oldest first.
  std::vector<absl::Time> ExpiryNoticesOf(const ScheduleId& id) {
    return RecordTimes("schedule.expiryNotice", id);
  }
  // The times of the change records named `event` that touched schedule `id`, oldest first.
  std::vector<absl::Time> RecordTimes(std::string_view event, const ScheduleId& id) {
    std::vector<absl::Time> at;
    Revision after = 0;
    while (true) {
      auto records = store_->ReadChanges(after, 1000);
      EXPECT_TRUE(records.ok()) << records.status();
      if (!records.ok() || records->empty()) break;
      for (const ChangeRecord& record : *records) {
        after = record.revision;
        if (record.event != event) continue;
        for (const Mutation& m : record.mutations) {
          if (m.kind == EntityKind::kSchedule && m.key == id.str()) at.push_back(record.at);
        }
      }
    }
    return at;
  }

  PrincipalId alice_;
  PrincipalId carol_;
};

// ---- selfExtend ----

TEST_F(ExtendRenewTest, SelfExtendIsRejectedMoreThanFourteenDaysBeforeTheEnd) {
  AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(30);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  EXPECT_ERROR(SelfExtend(alice_, Helpdesk(), Until(end + Days(30))),
               absl::StatusCode::kFailedPrecondition, code::kExtendWindow);
  clock_.SetTime(end - Days(14) - absl::Nanoseconds(1));
  EXPECT_ERROR(SelfExtend(alice_, Helpdesk(), Until(end + Days(30))),
               absl::StatusCode::kFailedPrecondition, code::kExtendWindow);
  EXPECT_EQ(EndOf(id), end);
}

TEST_F(ExtendRenewTest, SelfExtendWithinTheWindowIsApprovedByAPrivilegedRoleAdministrator) {
  const PrincipalId pra = AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(30);
  const absl::Time new_end = end + Days(60);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end - Days(14));

  auto pending = SelfExtend(alice_, Helpdesk(), Until(new_end));
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->status, RequestStatus::kPendingApproval);
  EXPECT_EQ(pending->target_schedule, id);
  ASSERT_TRUE(pending->approval.has_value());
  ASSERT_EQ(pending->approval->stages.size(), 1u);
  EXPECT_THAT(pending->approval->stages[0].approvers,
              ::testing::UnorderedElementsAre(
                  ApproverRef{ApproverKind::kDirectoryRoleHolders,
                              std::string(role::kGlobalAdministrator), ""},
                  ApproverRef{ApproverKind::kDirectoryRoleHolders,
                              std::string(role::kPrivilegedRoleAdministrator), ""}));
  EXPECT_EQ(EndOf(id), end);  // nothing changes before the approval

  // The requester cannot approve; neither can someone who is no administrator.
  EXPECT_ERROR(Approve(alice_, pending->id), absl::StatusCode::kPermissionDenied,
               code::kNotAnApprover);
  EXPECT_ERROR(Approve(carol_, pending->id), absl::StatusCode::kPermissionDenied,
               code::kNotAnApprover);

  auto approved = Approve(pra, pending->id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_EQ(EndOf(id), new_end);

  // Past the old end the eligibility still works.
  clock_.SetTime(end + absl::Hours(1));
  EXPECT_EQ(StateOf(id), ScheduleState::kActive);
  auto activation = Activate(alice_, Helpdesk());
  ASSERT_TRUE(activation.ok()) << activation.status();
  EXPECT_EQ(activation->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ExtendRenewTest, SelfExtendCanBeApprovedByAGlobalAdministrator) {
  const PrincipalId ga = AddUser("ga");
  ASSERT_TRUE(MakeActive(ga, GA()).ok());
  const absl::Time end = T0() + Days(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  auto pending = SelfExtend(alice_, Helpdesk(), Until(end + Days(30)));
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
  auto approved = Approve(ga, pending->id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_EQ(EndOf(id), end + Days(30));
}

TEST_F(ExtendRenewTest, SelfExtendOfAnActiveAssignmentIsApprovedAndKeepsAccess) {
  const PrincipalId pra = AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  auto assigned = MakeActive(alice_, Helpdesk(), Until(end));
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  auto pending = SelfExtend(alice_, Helpdesk(), Until(end + Days(30)), ScheduleKind::kAssignment);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
  ASSERT_TRUE(Approve(pra, pending->id).ok());
  clock_.SetTime(end + Days(1));
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ExtendRenewTest, SelfExtendWithOnlyTheRequesterAsAdministratorHasNoApprovers) {
  ASSERT_TRUE(MakeActive(alice_, PRA()).ok());
  const absl::Time end = T0() + Days(10);
  EligibleUntil(alice_, Helpdesk(), end);
  EXPECT_ERROR(SelfExtend(alice_, Helpdesk(), Until(end + Days(30))),
               absl::StatusCode::kFailedPrecondition, code::kNoApprovers);
}

TEST_F(ExtendRenewTest, SecondSelfExtendWhileOneIsPendingIsRejected) {
  AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  EligibleUntil(alice_, Helpdesk(), end);
  ASSERT_TRUE(SelfExtend(alice_, Helpdesk(), Until(end + Days(30))).ok());
  EXPECT_ERROR(SelfExtend(alice_, Helpdesk(), Until(end + Days(40))),
               absl::StatusCode::kAlreadyExists, code::kPendingRequestExists);
}

TEST_F(ExtendRenewTest, UndecidedExtensionTimesOutAfterTwentyFourHours) {
  const PrincipalId pra = AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  auto pending = SelfExtend(alice_, Helpdesk(), Until(end + Days(30)));
  ASSERT_TRUE(pending.ok()) << pending.status();
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(engine_->GetRequest(pending->id)->status, RequestStatus::kTimedOut);
  EXPECT_ERROR(Approve(pra, pending->id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_EQ(EndOf(id), end);
}

TEST_F(ExtendRenewTest, RequesterCancelsAPendingExtension) {
  const PrincipalId pra = AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  auto pending = SelfExtend(alice_, Helpdesk(), Until(end + Days(30)));
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_ERROR(engine_->Cancel(User(pra), pending->id), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
  auto canceled = engine_->Cancel(User(alice_), pending->id);
  ASSERT_TRUE(canceled.ok()) << canceled.status();
  EXPECT_EQ(canceled->status, RequestStatus::kCanceled);
  EXPECT_ERROR(Approve(pra, pending->id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_EQ(EndOf(id), end);
}

TEST_F(ExtendRenewTest, ExtensionApprovedAfterTheOldEndFails) {
  const PrincipalId pra = AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + absl::Hours(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  auto pending = SelfExtend(alice_, Helpdesk(), Until(end + Days(30)));
  ASSERT_TRUE(pending.ok()) << pending.status();
  clock_.SetTime(end + absl::Hours(1));
  auto r = Approve(pra, pending->id);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kFailed);
  EXPECT_EQ(StateOf(id), ScheduleState::kExpired);
}

TEST_F(ExtendRenewTest, SelfExtendOfAPermanentAssignmentIsBadRequest) {
  AddPrivilegedRoleAdministrator();
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk(), Permanent()).ok());
  EXPECT_ERROR(SelfExtend(alice_, Helpdesk(), Until(T0() + Days(30))),
               absl::StatusCode::kInvalidArgument, code::kBadRequest);
}

TEST_F(ExtendRenewTest, SelfExtendOfSomethingNotHeldIsNotFound) {
  AddPrivilegedRoleAdministrator();
  EXPECT_ERROR(SelfExtend(alice_, Helpdesk(), Until(T0() + Days(30))), absl::StatusCode::kNotFound,
               code::kRoleAssignmentDoesNotExist);
}

TEST_F(ExtendRenewTest, SelfExtendOfAnotherPrincipalsAssignmentIsNotAllowed) {
  AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  EligibleUntil(alice_, Helpdesk(), end);
  RequestInput in;
  in.kind = ScheduleKind::kEligibility;
  in.action = RequestAction::kSelfExtend;
  in.principal = alice_;
  in.target = Helpdesk();
  in.schedule_info.expiration = Until(end + Days(30));
  in.justification = "for alice";
  EXPECT_ERROR(engine_->Submit(User(carol_), in), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
}

TEST_F(ExtendRenewTest, EligibilityInheritedThroughAGroupCannotBeSelfExtended) {
  AddPrivilegedRoleAdministrator();
  const PrincipalId group = AddGroup("helpdesk team", /*assignable=*/true);
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, alice_, GroupAccess::kMember}).ok());
  EligibleUntil(group, Helpdesk(), T0() + Days(10));
  EXPECT_ERROR(SelfExtend(alice_, Helpdesk(), Until(T0() + Days(40))), absl::StatusCode::kNotFound,
               code::kRoleAssignmentDoesNotExist);
}

// ---- selfRenew ----

TEST_F(ExtendRenewTest, SelfRenewBeforeTheEndIsRejectedAsExisting) {
  AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  EligibleUntil(alice_, Helpdesk(), end);
  EXPECT_ERROR(SelfRenew(alice_, Helpdesk(), Until(end + Days(90))),
               absl::StatusCode::kAlreadyExists, code::kRoleAssignmentExists);
  clock_.SetTime(end - absl::Nanoseconds(1));
  EXPECT_ERROR(SelfRenew(alice_, Helpdesk(), Until(end + Days(90))),
               absl::StatusCode::kAlreadyExists, code::kRoleAssignmentExists);
}

TEST_F(ExtendRenewTest, ExpiredEligibilityIsKeptAndRenewedAfterApproval) {
  const PrincipalId pra = AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end);
  EXPECT_EQ(StateOf(id), ScheduleState::kExpired);
  EXPECT_ERROR(Activate(alice_, Helpdesk()), absl::StatusCode::kInvalidArgument,
               code::kPolicyValidationFailed);

  clock_.SetTime(end + Days(3));
  const absl::Time new_end = clock_.Now() + Days(90);
  auto pending = SelfRenew(alice_, Helpdesk(), Until(new_end));
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->status, RequestStatus::kPendingApproval);
  EXPECT_EQ(pending->target_schedule, id);
  EXPECT_EQ(StateOf(id), ScheduleState::kExpired);
  EXPECT_ERROR(Approve(alice_, pending->id), absl::StatusCode::kPermissionDenied,
               code::kNotAnApprover);

  auto approved = Approve(pra, pending->id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_EQ(approved->target_schedule, id);
  EXPECT_EQ(StateOf(id), ScheduleState::kActive);
  EXPECT_EQ(EndOf(id), new_end);

  auto activation = Activate(alice_, Helpdesk());
  ASSERT_TRUE(activation.ok()) << activation.status();
  EXPECT_TRUE(Holds(alice_, Helpdesk()));

  // Renewed, it is no longer purged when the old renewal window closes.
  clock_.SetTime(end + Days(31));
  EXPECT_EQ(StateOf(id), ScheduleState::kActive);
}

TEST_F(ExtendRenewTest, ExpiredActiveAssignmentIsActiveAgainAfterApprovedRenewal) {
  const PrincipalId pra = AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  auto assigned = MakeActive(alice_, Helpdesk(), Until(end));
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
  clock_.SetTime(end);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_EQ(StateOf(*assigned->target_schedule), ScheduleState::kExpired);

  clock_.SetTime(end + Days(1));
  auto pending =
      SelfRenew(alice_, Helpdesk(), Until(clock_.Now() + Days(30)), ScheduleKind::kAssignment);
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  auto approved = Approve(pra, pending->id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ExtendRenewTest, SelfRenewIsPossibleUntilJustBeforeThirtyDaysAfterTheEnd) {
  const PrincipalId pra = AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end + Days(30) - absl::Nanoseconds(1));
  EXPECT_EQ(StateOf(id), ScheduleState::kExpired);
  auto pending = SelfRenew(alice_, Helpdesk(), Until(clock_.Now() + Days(60)));
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->status, RequestStatus::kPendingApproval);
  auto approved = Approve(pra, pending->id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  clock_.SetTime(end + Days(31));
  EXPECT_EQ(StateOf(id), ScheduleState::kActive);
}

// The renewal window is [end, end + 30 days): at exactly 30 days the schedule is purged.
TEST_F(ExtendRenewTest, SelfRenewExactlyThirtyDaysAfterTheEndIsTooLate) {
  AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end + Days(30) - absl::Nanoseconds(1));
  auto pending = SelfRenew(alice_, Helpdesk(), Until(clock_.Now() + Days(60)));
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->status, RequestStatus::kPendingApproval);
  ASSERT_TRUE(engine_->Cancel(User(alice_), pending->id).ok());
  clock_.SetTime(end + Days(30));
  EXPECT_ERROR(SelfRenew(alice_, Helpdesk(), Until(clock_.Now() + Days(60))),
               absl::StatusCode::kNotFound, code::kRoleAssignmentDoesNotExist);
}

TEST_F(ExtendRenewTest, ExpiredScheduleIsPurgedThirtyDaysAfterTheEnd) {
  AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end + Days(30) - absl::Nanoseconds(1));
  EXPECT_TRUE(engine_->GetSchedule(id).has_value());
  clock_.SetTime(end + Days(30) + absl::Seconds(1));
  EXPECT_FALSE(engine_->GetSchedule(id).has_value());
  EXPECT_ERROR(SelfRenew(alice_, Helpdesk(), Until(clock_.Now() + Days(60))),
               absl::StatusCode::kNotFound, code::kRoleAssignmentDoesNotExist);
  EXPECT_ERROR(Admin(RequestAction::kAdminRenew, ScheduleKind::kEligibility, alice_, Helpdesk(),
                     Until(clock_.Now() + Days(60))),
               absl::StatusCode::kNotFound, code::kRoleAssignmentDoesNotExist);
}

TEST_F(ExtendRenewTest, SelfRenewOfAPermanentAssignmentIsRejectedAsExisting) {
  AddPrivilegedRoleAdministrator();
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk(), Permanent()).ok());
  clock_.Advance(Days(400));
  EXPECT_ERROR(SelfRenew(alice_, Helpdesk(), Until(clock_.Now() + Days(60))),
               absl::StatusCode::kAlreadyExists, code::kRoleAssignmentExists);
}

// ---- Groups ----

TEST_F(ExtendRenewTest, GroupOwnerApprovesAMembersExtension) {
  const PrincipalId group = AddGroup("project x");
  const PrincipalId owner = AddUser("owner");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, owner, GroupAccess::kOwner}).ok());
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, carol_, GroupAccess::kMember}).ok());
  const Target member = GroupTarget(group, GroupAccess::kMember);
  const absl::Time end = T0() + Days(30);
  const ScheduleId id = EligibleUntil(alice_, member, end);
  clock_.SetTime(end - Days(14));

  // No Global or Privileged Role Administrator exists: the owner alone can approve.
  auto pending = SelfExtend(alice_, member, Until(end + Days(30)));
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
  EXPECT_ERROR(Approve(carol_, pending->id), absl::StatusCode::kPermissionDenied,
               code::kNotAnApprover);
  EXPECT_ERROR(Approve(alice_, pending->id), absl::StatusCode::kPermissionDenied,
               code::kNotAnApprover);
  auto approved = Approve(owner, pending->id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_EQ(EndOf(id), end + Days(30));
}

TEST_F(ExtendRenewTest, GroupOwnerApprovesAMembersRenewal) {
  const PrincipalId group = AddGroup("project x");
  const PrincipalId owner = AddUser("owner");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, owner, GroupAccess::kOwner}).ok());
  const Target member = GroupTarget(group, GroupAccess::kMember);
  const absl::Time end = T0() + Days(5);
  auto assigned = MakeActive(alice_, member, Until(end));
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  clock_.SetTime(end + Days(2));
  EXPECT_FALSE(Holds(alice_, member));
  auto pending =
      SelfRenew(alice_, member, Until(clock_.Now() + Days(30)), ScheduleKind::kAssignment);
  ASSERT_TRUE(pending.ok()) << pending.status();
  auto approved = Approve(owner, pending->id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, member));
}

TEST_F(ExtendRenewTest, GroupTargetWithoutOwnerOrAdministratorHasNoApprovers) {
  const PrincipalId group = AddGroup("orphan");
  const Target member = GroupTarget(group, GroupAccess::kMember);
  const absl::Time end = T0() + Days(10);
  EligibleUntil(alice_, member, end);
  EXPECT_ERROR(SelfExtend(alice_, member, Until(end + Days(30))),
               absl::StatusCode::kFailedPrecondition, code::kNoApprovers);
}

// ---- adminExtend / adminRenew ----

TEST_F(ExtendRenewTest, AdminExtendProvisionsWithoutApproval) {
  const absl::Time end = T0() + Days(30);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end - Days(10));
  auto r = Admin(RequestAction::kAdminExtend, ScheduleKind::kEligibility, alice_, Helpdesk(),
                 Until(end + Days(60)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_FALSE(r->approval.has_value());
  EXPECT_EQ(r->target_schedule, id);
  EXPECT_EQ(EndOf(id), end + Days(60));
}

// Reference section 6: admins may adminExtend at any time without approval.
TEST_F(ExtendRenewTest, AdminExtendIsAllowedAtAnyTime) {
  const absl::Time end = T0() + Days(30);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  auto r = Admin(RequestAction::kAdminExtend, ScheduleKind::kEligibility, alice_, Helpdesk(),
                 Until(end + Days(60)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_EQ(EndOf(id), end + Days(60));
}

TEST_F(ExtendRenewTest, AdminExtendByANonAdministratorIsNotAllowed) {
  const absl::Time end = T0() + Days(10);
  EligibleUntil(alice_, Helpdesk(), end);
  EXPECT_ERROR(Admin(RequestAction::kAdminExtend, ScheduleKind::kEligibility, alice_, Helpdesk(),
                     Until(end + Days(60)), std::nullopt, User(carol_)),
               absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed);
}

TEST_F(ExtendRenewTest, AdminRenewWithinThirtyDaysProvisionsWithoutApproval) {
  const absl::Time end = T0() + Days(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end + Days(10));
  ASSERT_EQ(StateOf(id), ScheduleState::kExpired);
  const absl::Time new_end = clock_.Now() + Days(90);
  auto r = Admin(RequestAction::kAdminRenew, ScheduleKind::kEligibility, alice_, Helpdesk(),
                 Until(new_end));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_FALSE(r->approval.has_value());
  EXPECT_EQ(r->target_schedule, id);
  EXPECT_EQ(StateOf(id), ScheduleState::kActive);
  EXPECT_EQ(EndOf(id), new_end);
  auto activation = Activate(alice_, Helpdesk());
  ASSERT_TRUE(activation.ok()) << activation.status();
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

// "Can't be removed within five minutes of it being assigned": a renewal assigns again.
TEST_F(ExtendRenewTest, ARenewedAssignmentCannotBeRemovedWithinFiveMinutes) {
  const absl::Time end = T0() + Days(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end + Days(1));
  ASSERT_TRUE(Admin(RequestAction::kAdminRenew, ScheduleKind::kEligibility, alice_, Helpdesk(),
                    Until(clock_.Now() + Days(90)))
                  .ok());
  EXPECT_EQ(engine_->GetSchedule(id)->created, clock_.Now());
  clock_.Advance(absl::Minutes(4));
  EXPECT_ERROR(Admin(RequestAction::kAdminRemove, ScheduleKind::kEligibility, alice_, Helpdesk(),
                     Expiration{}),
               absl::StatusCode::kInvalidArgument, code::kActiveDurationTooShort);
  EXPECT_EQ(StateOf(id), ScheduleState::kActive);
  clock_.Advance(absl::Minutes(1));
  EXPECT_TRUE(Admin(RequestAction::kAdminRemove, ScheduleKind::kEligibility, alice_, Helpdesk(),
                    Expiration{})
                  .ok());
}

TEST_F(ExtendRenewTest, AdminRenewBeforeTheEndIsRejectedAsExisting) {
  const absl::Time end = T0() + Days(10);
  EligibleUntil(alice_, Helpdesk(), end);
  EXPECT_ERROR(Admin(RequestAction::kAdminRenew, ScheduleKind::kEligibility, alice_, Helpdesk(),
                     Until(end + Days(60))),
               absl::StatusCode::kAlreadyExists, code::kRoleAssignmentExists);
}

// ---- Expiry notices ----

TEST_F(ExtendRenewTest, ExpiryNoticesAreRecordedFourteenDaysAndOneDayBeforeTheEnd) {
  const absl::Time end = T0() + Days(20);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);

  clock_.SetTime(end - kExpiryNoticeFirst - absl::Nanoseconds(1));
  EXPECT_TRUE(ExpiryNoticesOf(id).empty());
  clock_.SetTime(end - Days(14));
  EXPECT_EQ(ExpiryNoticesOf(id), (std::vector<absl::Time>{end - Days(14)}));

  clock_.SetTime(end - Days(1) - absl::Nanoseconds(1));
  EXPECT_EQ(ExpiryNoticesOf(id).size(), 1u);
  clock_.SetTime(end - Days(1));
  EXPECT_EQ(ExpiryNoticesOf(id), (std::vector<absl::Time>{end - Days(14), end - Days(1)}));

  clock_.SetTime(end + Days(1));
  EXPECT_EQ(ExpiryNoticesOf(id).size(), 2u);
  // The last word comes at expiry itself.
  EXPECT_EQ(RecordTimes("schedule.expired", id), (std::vector<absl::Time>{end}));
}

TEST_F(ExtendRenewTest, ExpiryNoticesFireAtTheirTimesEvenAfterALongJump) {
  const absl::Time end = T0() + Days(20);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end + Days(2));
  EXPECT_EQ(ExpiryNoticesOf(id), (std::vector<absl::Time>{end - Days(14), end - Days(1)}));
}

TEST_F(ExtendRenewTest, AssignmentEndingWithinFourteenDaysGetsOnlyTheOneDayNotice) {
  const absl::Time end = T0() + Days(10);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end);
  EXPECT_EQ(ExpiryNoticesOf(id), (std::vector<absl::Time>{end - Days(1)}));
}

TEST_F(ExtendRenewTest, ExtensionReArmsExpiryNoticesForTheNewEnd) {
  const PrincipalId pra = AddPrivilegedRoleAdministrator();
  const absl::Time end = T0() + Days(20);
  const absl::Time new_end = end + Days(40);
  const ScheduleId id = EligibleUntil(alice_, Helpdesk(), end);
  clock_.SetTime(end - Days(14));
  ASSERT_EQ(ExpiryNoticesOf(id).size(), 1u);
  auto pending = SelfExtend(alice_, Helpdesk(), Until(new_end));
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_TRUE(Approve(pra, pending->id).ok());

  clock_.SetTime(new_end);
  EXPECT_EQ(ExpiryNoticesOf(id),
            (std::vector<absl::Time>{end - Days(14), new_end - Days(14), new_end - Days(1)}));
}

}  // namespace
}  // namespace pim::testing
