// Self-activation of eligible assignments: eligibility, policy rules, timing, conflicts.
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

}  // namespace
}  // namespace pim::testing
