// Self-activation of eligible assignments: eligibility, policy rules, timing, conflicts.
#include "approval_helpers.h"
#include "engine_fixture.h"

namespace pim::testing {
namespace {

class ActivationTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = AddUser("alice");
    ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  }
  PrincipalId alice_;
};

TEST_F(ActivationTest, EligibleUserActivatesAndHoldsRoleUntilExactEnd) {
  auto r = Activate(alice_, Helpdesk(), absl::Hours(2));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(r->target_schedule.has_value());
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
  const auto answer = engine_->Check(alice_.str(), Helpdesk());
  ASSERT_TRUE(answer.until.has_value());
  EXPECT_EQ(*answer.until, T0() + absl::Hours(2));

  clock_.Advance(absl::Hours(2) - absl::Nanoseconds(1));
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
  clock_.Advance(absl::Nanoseconds(1));
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_FALSE(engine_->GetSchedule(*r->target_schedule).has_value());
}

TEST_F(ActivationTest, WithoutEligibilityFailsEligibilityRule) {
  const PrincipalId bob = AddUser("bob");
  auto r = Activate(bob, Helpdesk());
  EXPECT_ERROR(r, absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
  EXPECT_NE(r.status().message().find("EligibilityRule"), std::string_view::npos);
  EXPECT_FALSE(Holds(bob, Helpdesk()));
}

TEST_F(ActivationTest, ShorterThanFiveMinutesIsRejected) {
  EXPECT_ERROR(Activate(alice_, Helpdesk(), absl::Minutes(4)), absl::StatusCode::kInvalidArgument,
               code::kActiveDurationTooShort);
  EXPECT_TRUE(Activate(alice_, Helpdesk(), absl::Minutes(5)).ok());
}

TEST_F(ActivationTest, LongerThanPolicyMaximumFailsExpirationRule) {
  auto r = Activate(alice_, Helpdesk(), absl::Hours(8) + absl::Minutes(1));
  EXPECT_ERROR(r, absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
  EXPECT_NE(r.status().message().find("ExpirationRule"), std::string_view::npos);
  EXPECT_TRUE(Activate(alice_, Helpdesk(), absl::Hours(8)).ok());
}

TEST_F(ActivationTest, DefaultPolicyRequiresMfaAndJustification) {
  RequestInput in;
  in.action = RequestAction::kSelfActivate;
  in.principal = alice_;
  in.target = Helpdesk();
  in.schedule_info.expiration = For(absl::Hours(1));
  auto r = engine_->Submit(Caller::User(alice_.str()), in);  // no MFA, no justification
  EXPECT_ERROR(r, absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
  EXPECT_EQ(r.status().message(),
            "The following policy rules failed: [\"MfaRule\",\"JustificationRule\"]");
}

TEST_F(ActivationTest, ActivatingWhatIsAlreadyActiveIsAConflict) {
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  EXPECT_ERROR(Activate(alice_, Helpdesk()), absl::StatusCode::kAlreadyExists,
               code::kRoleAssignmentExists);
}

TEST_F(ActivationTest, DeactivateWithinFiveMinutesIsRejected) {
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  clock_.Advance(absl::Minutes(4));
  EXPECT_ERROR(Deactivate(alice_, Helpdesk()), absl::StatusCode::kInvalidArgument,
               code::kActiveDurationTooShort);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
  clock_.Advance(absl::Minutes(1));
  auto r = Deactivate(alice_, Helpdesk());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kRevoked);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(ActivationTest, FutureStartIsGrantedAndStartsAtExactTime) {
  const absl::Time start = T0() + absl::Hours(3);
  auto r = Activate(alice_, Helpdesk(), absl::Hours(1), start);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kGranted);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  clock_.SetTime(start - absl::Nanoseconds(1));
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  clock_.SetTime(start);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
  EXPECT_EQ(engine_->GetRequest(r->id)->status, RequestStatus::kProvisioned);
  clock_.SetTime(start + absl::Hours(1));
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(ActivationTest, CannotOutliveEligibility) {
  const PrincipalId bob = AddUser("bob");
  ASSERT_TRUE(MakeEligible(bob, Helpdesk(), Until(T0() + absl::Hours(2))).ok());
  auto r = Activate(bob, Helpdesk(), absl::Hours(8));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(engine_->Check(bob.str(), Helpdesk()).until, T0() + absl::Hours(2));
  clock_.Advance(absl::Hours(2));
  EXPECT_FALSE(Holds(bob, Helpdesk()));
}

TEST_F(ActivationTest, AnEndedActivationCanBeActivatedAgainAtOnce) {
  ASSERT_TRUE(Activate(alice_, Helpdesk(), absl::Hours(1)).ok());
  clock_.Advance(absl::Hours(1));
  ASSERT_FALSE(Holds(alice_, Helpdesk()));
  auto again = Activate(alice_, Helpdesk(), absl::Hours(1));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

// "Can't be assigned for a duration of less than five minutes", whoever assigns, eligible or
// active, on every kind of target; measured from the start, and from now for a future start.
TEST_F(ActivationTest, AdminAssignmentsShorterThanFiveMinutesAreRejected) {
  const PrincipalId team = AddGroup("team");
  const PrincipalId bob = AddUser("bob");
  for (const Target& target : {Helpdesk(), GroupTarget(team, GroupAccess::kMember)}) {
    for (const ScheduleKind kind : {ScheduleKind::kEligibility, ScheduleKind::kAssignment}) {
      auto assign = [&](Expiration e, std::optional<absl::Time> start = std::nullopt) {
        return Admin(RequestAction::kAdminAssign, kind, bob, target, e, start);
      };
      EXPECT_ERROR(assign(For(absl::Minutes(4))), absl::StatusCode::kInvalidArgument,
                   code::kActiveDurationTooShort);
      EXPECT_ERROR(assign(Until(clock_.Now() + absl::Minutes(4))),
                   absl::StatusCode::kInvalidArgument, code::kActiveDurationTooShort);
      // Ten minutes from now, but starting in seven: three minutes long.
      EXPECT_ERROR(assign(Until(clock_.Now() + absl::Minutes(10)), clock_.Now() + absl::Minutes(7)),
                   absl::StatusCode::kInvalidArgument, code::kActiveDurationTooShort);
      EXPECT_FALSE(engine_->Check(bob.str(), target).allowed);
      auto five = assign(For(absl::Minutes(5)));
      EXPECT_TRUE(five.ok()) << five.status();
    }
  }
}

// The "Permanently" choice depends on the target's admin expiration rules: with expiration
// required, no permanent assignment and none longer than the maximum; unspecified means the
// maximum.
TEST_F(ActivationTest, AdminExpirationRulesBoundEligibilitiesAndAssignments) {
  const PrincipalId team = AddGroup("team");
  const Target member = GroupTarget(team, GroupAccess::kMember);
  Policy policy = engine_->EffectivePolicy(member);
  policy.eligibility_expiration = {true, absl::Hours(24 * 90)};
  policy.assignment_expiration = {true, absl::Hours(24 * 30)};
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  const PrincipalId bob = AddUser("bob");
  for (const auto& [kind, maximum] : {std::pair{ScheduleKind::kEligibility, absl::Hours(24 * 90)},
                                      std::pair{ScheduleKind::kAssignment, absl::Hours(24 * 30)}}) {
    for (const Expiration& refused : {Permanent(), For(maximum + absl::Seconds(1))}) {
      auto r = Admin(RequestAction::kAdminAssign, kind, bob, member, refused);
      EXPECT_ERROR(r, absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
      EXPECT_NE(r.status().message().find("ExpirationRule"), std::string_view::npos);
    }
    auto r = Admin(RequestAction::kAdminAssign, kind, bob, member, Expiration{});
    ASSERT_TRUE(r.ok()) << r.status();
    const auto schedule = engine_->GetSchedule(*r->target_schedule);
    ASSERT_TRUE(schedule.has_value());
    EXPECT_EQ(schedule->End(), clock_.Now() + maximum);
  }
  // Another group's policy is untouched: permanent is still allowed there.
  EXPECT_TRUE(MakeEligible(bob, GroupTarget(AddGroup("other"), GroupAccess::kMember)).ok());
}

// A policy that names an authentication context: activating needs a token whose `acrs` claim
// has it; without, the error carries the claims challenge to send the user back with.
TEST_F(ActivationTest, AuthenticationContextIsRequiredWhenThePolicyNamesOne) {
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  policy.authentication_context.is_enabled = true;
  policy.authentication_context.claim_value = "c1";
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  const RequestInput in = SelfInput(RequestAction::kSelfActivate, alice_, Helpdesk());
  Caller caller = User(alice_);
  caller.authentication_contexts = {"c2"};
  auto refused = engine_->Submit(caller, in);
  EXPECT_ERROR(refused, absl::StatusCode::kInvalidArgument, code::kAcrsValidationFailed);
  EXPECT_NE(refused.status().message().find("%22value%22%3A%22c1%22"), std::string_view::npos)
      << refused.status();
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  caller.authentication_contexts = {"c2", "c1"};
  auto granted = engine_->Submit(caller, in);
  ASSERT_TRUE(granted.ok()) << granted.status();
  EXPECT_EQ(granted->status, RequestStatus::kProvisioned);
}

// The approval rule's own "requestor justification required" needs a justification even when
// the enablement rule does not ask for one.
TEST_F(ActivationTest, ApprovalRuleCanRequireAJustification) {
  const PrincipalId bob = AddUser("bob");
  ASSERT_TRUE(RequireApproval(*engine_, Helpdesk(), {Stage({UserApprover(bob)})}).ok());
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  policy.activation_enablement.justification = false;
  policy.approval.is_requestor_justification_required = true;
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  RequestInput in = SelfInput(RequestAction::kSelfActivate, alice_, Helpdesk());
  in.justification = "  ";
  auto r = engine_->Submit(User(alice_), in);
  EXPECT_ERROR(r, absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
  EXPECT_NE(r.status().message().find("JustificationRule"), std::string_view::npos);
  policy.approval.is_requestor_justification_required = false;
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  auto pending = engine_->Submit(User(alice_), in);
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->status, RequestStatus::kPendingApproval);
}

}  // namespace
}  // namespace pim::testing
