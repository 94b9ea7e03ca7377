// MFA freshness (EngineOptions::mfa_max_age, one hour by default): where a policy requires MFA
// to activate, the requester's MFA must be recent, and so must the approver's to decide. A stale
// MFA fails the MfaRule exactly as a missing one does, and changes nothing.
#include <string>

#include "approval_helpers.h"
#include "engine_fixture.h"
#include "gmock/gmock.h"

namespace pim::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kMfaRule[] = "The following policy rules failed: [\"MfaRule\"]";

class MfaFreshnessTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = AddUser("alice");
    ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  }

  // alice's activation of Helpdesk with MFA performed at `mfa_at` (none when nullopt).
  absl::StatusOr<ScheduleRequest> ActivateWithMfaAt(std::optional<absl::Time> mfa_at) {
    RequestInput in;
    in.action = RequestAction::kSelfActivate;
    in.principal = alice_;
    in.target = Helpdesk();
    in.schedule_info.expiration = For(absl::Hours(1));
    in.justification = "incident INC-7";
    Caller caller = Caller::User(alice_.str());
    caller.mfa_at = mfa_at;
    return engine_->Submit(caller, in);
  }

  // Asserts `result` is the MfaRule failure with `canonical` and that nothing changed.
  template <typename Result>
  void ExpectMfaRuleFailure(const Result& result, absl::StatusCode canonical, Revision before) {
    EXPECT_ERROR(result, canonical, code::kPolicyValidationFailed);
    EXPECT_THAT(std::string(StatusOf(result).message()), HasSubstr(kMfaRule));
    EXPECT_EQ(engine_->revision(), before);
  }

  PrincipalId alice_;
};

TEST_F(MfaFreshnessTest, DefaultMaximumAgeIsOneHour) {
  EXPECT_EQ(EngineOptions{}.mfa_max_age, absl::Hours(1));
}

TEST_F(MfaFreshnessTest, MfaFiftyNineMinutesAgoActivates) {
  const absl::Time mfa = clock_.Now();
  clock_.Advance(absl::Minutes(59));
  auto r = ActivateWithMfaAt(mfa);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(MfaFreshnessTest, MfaExactlyOneHourAgoStillActivates) {
  const absl::Time mfa = clock_.Now();
  clock_.Advance(absl::Hours(1));
  EXPECT_TRUE(ActivateWithMfaAt(mfa).ok());
}

TEST_F(MfaFreshnessTest, MfaSixtyOneMinutesAgoIsRefusedAndChangesNothing) {
  const absl::Time mfa = clock_.Now();
  clock_.Advance(absl::Minutes(61));
  const Revision before = engine_->revision();
  ExpectMfaRuleFailure(ActivateWithMfaAt(mfa), absl::StatusCode::kInvalidArgument, before);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  // Only the eligibility request (made by the administrator) exists.
  EXPECT_EQ(engine_->RequestsOf(alice_).size(), 1U);
  EXPECT_EQ(engine_->SchedulesOf(alice_).size(), 1U);
}

TEST_F(MfaFreshnessTest, StaleMfaFailsLikeMissingMfaAndIsListedWithOtherRuleFailures) {
  const Revision before = engine_->revision();
  ExpectMfaRuleFailure(ActivateWithMfaAt(std::nullopt), absl::StatusCode::kInvalidArgument, before);
  // With the justification missing too, both rules are named.
  RequestInput in;
  in.action = RequestAction::kSelfActivate;
  in.principal = alice_;
  in.target = Helpdesk();
  in.schedule_info.expiration = For(absl::Hours(1));
  const absl::Time mfa = clock_.Now();
  clock_.Advance(absl::Hours(2));
  auto r = engine_->Submit(Caller::User(alice_.str()).WithMfa(mfa), in);
  EXPECT_ERROR(r, absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("MfaRule"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("JustificationRule"));
}

TEST_F(MfaFreshnessTest, MfaInTheFutureIsNotTrusted) {
  const Revision before = engine_->revision();
  ExpectMfaRuleFailure(ActivateWithMfaAt(clock_.Now() + absl::Minutes(1)),
                       absl::StatusCode::kInvalidArgument, before);
}

TEST_F(MfaFreshnessTest, ValidationOnlyRequestReportsStaleMfa) {
  const absl::Time mfa = clock_.Now();
  clock_.Advance(absl::Minutes(61));
  RequestInput in;
  in.action = RequestAction::kSelfActivate;
  in.principal = alice_;
  in.target = Helpdesk();
  in.schedule_info.expiration = For(absl::Hours(1));
  in.justification = "dry run";
  in.is_validation_only = true;
  EXPECT_ERROR(engine_->Submit(Caller::User(alice_.str()).WithMfa(mfa), in),
               absl::StatusCode::kInvalidArgument, code::kPolicyValidationFailed);
}

TEST_F(MfaFreshnessTest, PolicyWithoutMfaIgnoresItsAge) {
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  policy.activation_enablement.multi_factor_authentication = false;
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  EXPECT_TRUE(ActivateWithMfaAt(std::nullopt).ok());
}

TEST_F(MfaFreshnessTest, MaximumAgeIsConfigurable) {
  MemoryStore store;
  EngineOptions options;
  options.mfa_max_age = absl::Minutes(10);
  auto engine = Engine::Open(store, clock_, ids_, options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  Principal bob;
  bob.id = PrincipalId(NewId());
  bob.kind = PrincipalKind::kUser;
  bob.display_name = "bob";
  ASSERT_TRUE((*engine)->PutPrincipal(Caller::System(), bob).ok());
  RequestInput eligible;
  eligible.kind = ScheduleKind::kEligibility;
  eligible.principal = bob.id;
  eligible.target = Helpdesk();
  ASSERT_TRUE((*engine)->Submit(Caller::System(), eligible).ok());

  RequestInput in;
  in.action = RequestAction::kSelfActivate;
  in.principal = bob.id;
  in.target = Helpdesk();
  in.schedule_info.expiration = For(absl::Hours(1));
  in.justification = "x";
  const Caller eleven_minutes_ago =
      Caller::User(bob.id.str()).WithMfa(clock_.Now() - absl::Minutes(11));
  EXPECT_ERROR((*engine)->Submit(eleven_minutes_ago, in), absl::StatusCode::kInvalidArgument,
               code::kPolicyValidationFailed);
  const Caller nine_minutes_ago =
      Caller::User(bob.id.str()).WithMfa(clock_.Now() - absl::Minutes(9));
  EXPECT_TRUE((*engine)->Submit(nine_minutes_ago, in).ok());
}

// ---- Approving ----

class ApproverMfaTest : public MfaFreshnessTest {
 protected:
  void SetUp() override {
    MfaFreshnessTest::SetUp();
    approver_ = AddUser("approver");
    ASSERT_TRUE(RequireApproval(*engine_, Helpdesk(), {Stage({UserApprover(approver_)})}).ok());
    auto pending = Activate(alice_, Helpdesk());
    ASSERT_TRUE(pending.ok()) << pending.status();
    ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
    pending_ = pending->id;
  }

  Caller ApproverWithMfaAt(std::optional<absl::Time> mfa_at) const {
    Caller c = Caller::User(approver_.str());
    c.mfa_at = mfa_at;
    return c;
  }

  // The request is still pending with no decision recorded.
  void ExpectUndecided() {
    const auto r = engine_->GetRequest(pending_);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, RequestStatus::kPendingApproval);
    ASSERT_TRUE(r->approval.has_value());
    EXPECT_TRUE(r->approval->stages.at(0).decisions.empty());
    EXPECT_FALSE(Holds(alice_, Helpdesk()));
  }

  PrincipalId approver_;
  RequestId pending_;
};

TEST_F(ApproverMfaTest, ApprovingWithoutMfaIsRefusedAndChangesNothing) {
  const Revision before = engine_->revision();
  ExpectMfaRuleFailure(engine_->Decide(ApproverWithMfaAt(std::nullopt), pending_, true, "ok"),
                       absl::StatusCode::kPermissionDenied, before);
  ExpectUndecided();
}

TEST_F(ApproverMfaTest, DenyingWithoutMfaIsRefusedToo) {
  const Revision before = engine_->revision();
  ExpectMfaRuleFailure(engine_->Decide(ApproverWithMfaAt(std::nullopt), pending_, false, "no"),
                       absl::StatusCode::kPermissionDenied, before);
  ExpectUndecided();
}

TEST_F(ApproverMfaTest, ApprovingWithMfaSixtyOneMinutesOldIsRefused) {
  const absl::Time mfa = clock_.Now();
  clock_.Advance(absl::Minutes(61));
  const Revision before = engine_->revision();
  ExpectMfaRuleFailure(engine_->Decide(ApproverWithMfaAt(mfa), pending_, true, "ok"),
                       absl::StatusCode::kPermissionDenied, before);
  ExpectUndecided();
}

TEST_F(ApproverMfaTest, ApprovingWithMfaFiftyNineMinutesOldProvisions) {
  const absl::Time mfa = clock_.Now();
  clock_.Advance(absl::Minutes(59));
  auto r = engine_->Decide(ApproverWithMfaAt(mfa), pending_, true, "ok");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApproverMfaTest, NonApproverIsToldTheyAreNotAnApproverBeforeAnythingAboutMfa) {
  const PrincipalId stranger = AddUser("stranger");
  EXPECT_ERROR(engine_->Decide(Caller::User(stranger.str()), pending_, true, "ok"),
               absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  ExpectUndecided();
}

TEST_F(ApproverMfaTest, PolicyWithoutMfaLetsAnApproverDecideWithoutIt) {
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  policy.activation_enablement.multi_factor_authentication = false;
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  auto r = engine_->Decide(ApproverWithMfaAt(std::nullopt), pending_, true, "ok");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
}

}  // namespace
}  // namespace pim::testing
