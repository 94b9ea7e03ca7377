// Approval stages beyond one at a time: Parallel mode (every stage from submission; approved
// when all are, denied when any is, timed out when the first times out), deciding a named
// stage, and escalation (a stage left undecided for its escalation time may also be decided by
// its escalation approvers, from that instant exactly, audited, and re-armed after a restart).
#include <optional>
#include <string>
#include <vector>

#include "approval_helpers.h"
#include "engine_fixture.h"

namespace pim::testing {
namespace {

class ApprovalStagesTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = AddUser("alice");
    bob_ = AddUser("bob");
    carol_ = AddUser("carol");
    dave_ = AddUser("dave");
    ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  }

  // Activation of Helpdesk needs approval through `stages`, run as `mode` says.
  void RequireHelpdeskApproval(ApprovalMode mode, std::vector<ApprovalStageSettings> stages) {
    Policy policy = engine_->EffectivePolicy(Helpdesk());
    policy.approval.is_approval_required = true;
    policy.approval.mode = mode;
    policy.approval.stages = std::move(stages);
    const auto updated = engine_->UpdatePolicy(Caller::System(), policy);
    ASSERT_TRUE(updated.ok()) << updated.status();
  }

  // A stage decided by `approvers`, escalating to `escalation` after `after`.
  static ApprovalStageSettings Escalating(std::vector<ApproverRef> approvers,
                                          std::vector<ApproverRef> escalation,
                                          absl::Duration after = absl::Hours(2)) {
    ApprovalStageSettings stage = Stage(std::move(approvers));
    stage.is_escalation_enabled = true;
    stage.escalation_time_minutes = static_cast<int>(absl::ToInt64Minutes(after));
    stage.escalation_approvers = std::move(escalation);
    return stage;
  }

  ScheduleRequest SubmitPending() {
    auto r = Activate(alice_, Helpdesk());
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return ScheduleRequest{};
    EXPECT_EQ(r->status, RequestStatus::kPendingApproval);
    return *r;
  }

  absl::StatusOr<ScheduleRequest> Approve(const PrincipalId& who, const RequestId& id,
                                          std::optional<std::size_t> stage = std::nullopt) {
    return engine_->Decide(User(who), id, /*approve=*/true, "verified", stage);
  }
  absl::StatusOr<ScheduleRequest> Deny(const PrincipalId& who, const RequestId& id) {
    return engine_->Decide(User(who), id, /*approve=*/false, "not needed");
  }

  ScheduleRequest Stored(const RequestId& id) {
    const auto r = engine_->GetRequest(id);
    EXPECT_TRUE(r.has_value()) << id.str();
    return r.value_or(ScheduleRequest{});
  }

  // The events of the change records committed after `after`, in order.
  std::vector<std::string> EventsSince(Revision after) {
    std::vector<std::string> events;
    auto records = store_->ReadChanges(after, 1000);
    EXPECT_TRUE(records.ok()) << records.status();
    if (!records.ok()) return events;
    for (const ChangeRecord& record : *records) events.push_back(record.event);
    return events;
  }

  PrincipalId alice_;
  PrincipalId bob_;
  PrincipalId carol_;
  PrincipalId dave_;
};

// ---- Parallel ----

TEST_F(ApprovalStagesTest, ParallelStagesAllStartAtSubmissionAndAnyOrderApproves) {
  RequireHelpdeskApproval(ApprovalMode::kParallel,
                          {Stage({UserApprover(bob_)}), Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_EQ(r.approval->stages.size(), 2u);
  for (const ApprovalStage& stage : r.approval->stages) {
    EXPECT_EQ(stage.status, StageStatus::kInProgress);
    EXPECT_EQ(stage.started, T0());
  }

  // The second stage's approver decides first.
  clock_.Advance(absl::Minutes(10));
  auto second = Approve(carol_, r.id);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->status, RequestStatus::kPendingApproval);
  EXPECT_EQ(second->approval->stages[0].status, StageStatus::kInProgress);
  EXPECT_EQ(second->approval->stages[1].status, StageStatus::kCompleted);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));

  auto first = Approve(bob_, r.id);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->status, RequestStatus::kProvisioned);
  EXPECT_EQ(first->approval->stages[0].status, StageStatus::kCompleted);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalStagesTest, SerialStagesStillRunOneAfterAnother) {
  RequireHelpdeskApproval(ApprovalMode::kSerial,
                          {Stage({UserApprover(bob_)}), Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  EXPECT_EQ(r.approval->stages[1].status, StageStatus::kNotStarted);
  EXPECT_ERROR(Approve(carol_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
}

TEST_F(ApprovalStagesTest, DenialInOneParallelStageEndsTheRequestAndEveryStage) {
  RequireHelpdeskApproval(ApprovalMode::kParallel,
                          {Stage({UserApprover(bob_)}), Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_TRUE(Approve(bob_, r.id).ok());
  auto denied = Deny(carol_, r.id);
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_EQ(denied->status, RequestStatus::kDenied);
  for (const ApprovalStage& stage : denied->approval->stages) {
    EXPECT_EQ(stage.status, StageStatus::kCompleted);
  }
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_ERROR(Approve(dave_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
}

TEST_F(ApprovalStagesTest, DenialBeforeTheOtherParallelStageDecidesEndsItToo) {
  RequireHelpdeskApproval(ApprovalMode::kParallel,
                          {Stage({UserApprover(bob_)}), Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_TRUE(Deny(bob_, r.id).ok());
  const ScheduleRequest stored = Stored(r.id);
  EXPECT_EQ(stored.status, RequestStatus::kDenied);
  EXPECT_EQ(stored.approval->stages[1].status, StageStatus::kCompleted);
  EXPECT_TRUE(stored.approval->stages[1].decisions.empty());
  EXPECT_ERROR(Approve(carol_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
}

TEST_F(ApprovalStagesTest, AnApproverOfBothParallelStagesDecidesThemOneAtATime) {
  RequireHelpdeskApproval(ApprovalMode::kParallel,
                          {Stage({UserApprover(bob_)}), Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  auto once = Approve(bob_, r.id);
  ASSERT_TRUE(once.ok()) << once.status();
  EXPECT_EQ(once->status, RequestStatus::kPendingApproval);
  EXPECT_EQ(once->approval->stages[0].status, StageStatus::kCompleted);
  EXPECT_EQ(once->approval->stages[1].status, StageStatus::kInProgress);
  auto twice = Approve(bob_, r.id);
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_EQ(twice->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalStagesTest, ANamedStageIsTheOneDecided) {
  RequireHelpdeskApproval(ApprovalMode::kParallel,
                          {Stage({UserApprover(bob_)}), Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  auto second = Approve(bob_, r.id, 1);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->approval->stages[0].status, StageStatus::kInProgress);
  EXPECT_EQ(second->approval->stages[1].status, StageStatus::kCompleted);
  EXPECT_ERROR(Approve(bob_, r.id, 1), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
}

TEST_F(ApprovalStagesTest, ANamedStageMustExistAndBeTheCallers) {
  RequireHelpdeskApproval(ApprovalMode::kParallel,
                          {Stage({UserApprover(bob_)}), Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  EXPECT_ERROR(Approve(bob_, r.id, 1), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_ERROR(Approve(bob_, r.id, 2), absl::StatusCode::kNotFound, code::kApprovalNotFound);
  const ScheduleRequest stored = Stored(r.id);
  EXPECT_EQ(stored.status, RequestStatus::kPendingApproval);
  EXPECT_TRUE(stored.approval->stages[0].decisions.empty());
  EXPECT_TRUE(stored.approval->stages[1].decisions.empty());
}

TEST_F(ApprovalStagesTest, ANamedStageThatHasNotStartedCannotBeDecided) {
  RequireHelpdeskApproval(ApprovalMode::kSerial,
                          {Stage({UserApprover(bob_)}), Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  EXPECT_ERROR(Approve(bob_, r.id, 1), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_EQ(Stored(r.id).approval->stages[0].status, StageStatus::kInProgress);
}

TEST_F(ApprovalStagesTest, ParallelStagesTimeOutWhenTheFirstOfThemDoes) {
  ApprovalStageSettings two_days = Stage({UserApprover(bob_)});
  two_days.timeout_days = 2;
  RequireHelpdeskApproval(ApprovalMode::kParallel, {two_days, Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  clock_.Advance(absl::Hours(24) - absl::Nanoseconds(1));
  EXPECT_EQ(Stored(r.id).status, RequestStatus::kPendingApproval);
  clock_.Advance(absl::Nanoseconds(1));
  const ScheduleRequest stored = Stored(r.id);
  EXPECT_EQ(stored.status, RequestStatus::kTimedOut);
  EXPECT_EQ(stored.completed, T0() + absl::Hours(24));
  for (const ApprovalStage& stage : stored.approval->stages) {
    EXPECT_EQ(stage.status, StageStatus::kExpired);
  }
}

TEST_F(ApprovalStagesTest, AParallelStageDecidedInTimeLeavesTheOthersTimeout) {
  ApprovalStageSettings two_days = Stage({UserApprover(bob_)});
  two_days.timeout_days = 2;
  RequireHelpdeskApproval(ApprovalMode::kParallel, {two_days, Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(Approve(carol_, r.id).ok());  // the one-day stage is settled
  clock_.Advance(absl::Hours(46) + absl::Minutes(59));
  EXPECT_EQ(Stored(r.id).status, RequestStatus::kPendingApproval);
  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(Stored(r.id).status, RequestStatus::kTimedOut);
  EXPECT_EQ(Stored(r.id).completed, T0() + absl::Hours(48));
}

TEST_F(ApprovalStagesTest, EveryParallelStageNeedsAnApproverOtherThanTheRequester) {
  RequireHelpdeskApproval(ApprovalMode::kParallel,
                          {Stage({UserApprover(bob_)}), Stage({UserApprover(alice_)})});
  EXPECT_ERROR(Activate(alice_, Helpdesk()), absl::StatusCode::kFailedPrecondition,
               code::kNoApprovers);
}

TEST_F(ApprovalStagesTest, PolicyWithTwoStagesUnderSingleStageIsRefused) {
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  policy.approval.is_approval_required = true;
  policy.approval.mode = ApprovalMode::kSingleStage;
  policy.approval.stages = {Stage({UserApprover(bob_)}), Stage({UserApprover(carol_)})};
  EXPECT_ERROR(engine_->UpdatePolicy(Caller::System(), policy), absl::StatusCode::kInvalidArgument,
               code::kInvalidPolicy);
  EXPECT_FALSE(engine_->EffectivePolicy(Helpdesk()).approval.is_approval_required);
}

// ---- Escalation ----

TEST_F(ApprovalStagesTest, EscalationApproversMayDecideFromTheEscalationTimeExactly) {
  RequireHelpdeskApproval(ApprovalMode::kSingleStage,
                          {Escalating({UserApprover(bob_)}, {UserApprover(dave_)})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_TRUE(r.approval->stages[0].escalation.has_value());
  EXPECT_EQ(r.approval->stages[0].escalation->after, absl::Hours(2));
  EXPECT_FALSE(r.approval->stages[0].escalation->escalated);

  clock_.Advance(absl::Hours(2) - absl::Nanoseconds(1));
  EXPECT_ERROR(Approve(dave_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_FALSE(Stored(r.id).approval->stages[0].escalation->escalated);

  const Revision before = engine_->revision();
  clock_.Advance(absl::Nanoseconds(1));
  EXPECT_TRUE(Stored(r.id).approval->stages[0].escalation->escalated);
  EXPECT_EQ(EventsSince(before), std::vector<std::string>{"request.approvalEscalated"});

  auto approved = Approve(dave_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_EQ(approved->approval->stages[0].decisions[0].approver, dave_);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalStagesTest, PrimaryApproversKeepTheirSayAfterEscalation) {
  RequireHelpdeskApproval(ApprovalMode::kSingleStage,
                          {Escalating({UserApprover(bob_)}, {UserApprover(dave_)})});
  const ScheduleRequest r = SubmitPending();
  clock_.Advance(absl::Hours(3));
  auto approved = Approve(bob_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalStagesTest, AnEscalatedStageStillTimesOutOnTime) {
  RequireHelpdeskApproval(ApprovalMode::kSingleStage,
                          {Escalating({UserApprover(bob_)}, {UserApprover(dave_)})});
  const ScheduleRequest r = SubmitPending();
  clock_.Advance(absl::Hours(24));
  const ScheduleRequest stored = Stored(r.id);
  EXPECT_EQ(stored.status, RequestStatus::kTimedOut);
  EXPECT_TRUE(stored.approval->stages[0].escalation->escalated);
  EXPECT_ERROR(Approve(dave_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
}

TEST_F(ApprovalStagesTest, TheRequesterNeverDecidesEvenAsAnEscalationApprover) {
  RequireHelpdeskApproval(ApprovalMode::kSingleStage,
                          {Escalating({UserApprover(bob_)}, {UserApprover(alice_)})});
  const ScheduleRequest r = SubmitPending();
  clock_.Advance(absl::Hours(2));
  EXPECT_ERROR(Approve(alice_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_EQ(Stored(r.id).status, RequestStatus::kPendingApproval);
}

TEST_F(ApprovalStagesTest, AStageDecidedBeforeItsEscalationNeverEscalates) {
  RequireHelpdeskApproval(
      ApprovalMode::kSerial,
      {Escalating({UserApprover(bob_)}, {UserApprover(dave_)}), Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(Approve(bob_, r.id).ok());
  const Revision before = engine_->revision();
  clock_.Advance(absl::Hours(2));
  EXPECT_TRUE(EventsSince(before).empty());
  EXPECT_FALSE(Stored(r.id).approval->stages[0].escalation->escalated);
  // dave escalates the first stage only: the second is not his to decide.
  EXPECT_ERROR(Approve(dave_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
}

TEST_F(ApprovalStagesTest, ParallelStagesEscalateEachAtItsOwnTime) {
  RequireHelpdeskApproval(
      ApprovalMode::kParallel,
      {Escalating({UserApprover(bob_)}, {UserApprover(dave_)}, absl::Hours(1)),
       Escalating({UserApprover(carol_)}, {UserApprover(dave_)}, absl::Hours(3))});
  const ScheduleRequest r = SubmitPending();
  clock_.Advance(absl::Hours(1));
  ScheduleRequest stored = Stored(r.id);
  EXPECT_TRUE(stored.approval->stages[0].escalation->escalated);
  EXPECT_FALSE(stored.approval->stages[1].escalation->escalated);
  // dave may decide the first stage only, so far.
  ASSERT_TRUE(Approve(dave_, r.id).ok());
  EXPECT_ERROR(Approve(dave_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  clock_.Advance(absl::Hours(2));
  EXPECT_TRUE(Stored(r.id).approval->stages[1].escalation->escalated);
  auto approved = Approve(dave_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalStagesTest, EscalationThatFellDueWhileDownHappensOnRestart) {
  RequireHelpdeskApproval(ApprovalMode::kSingleStage,
                          {Escalating({UserApprover(bob_)}, {UserApprover(dave_)})});
  const ScheduleRequest r = SubmitPending();
  engine_.reset();
  clock_.Advance(absl::Hours(5));
  ASSERT_NO_FATAL_FAILURE(Open());
  const ScheduleRequest stored = Stored(r.id);
  EXPECT_EQ(stored.status, RequestStatus::kPendingApproval);
  EXPECT_TRUE(stored.approval->stages[0].escalation->escalated);
  auto approved = Approve(dave_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalStagesTest, AnEscalationApproverDecidingAtTheInstantIsNotTooEarly) {
  // Detach the clock from the engine: the decision itself must run the due escalation first.
  RequireHelpdeskApproval(ApprovalMode::kSingleStage,
                          {Escalating({UserApprover(bob_)}, {UserApprover(dave_)})});
  const ScheduleRequest r = SubmitPending();
  if (listener_ >= 0) clock_.RemoveListener(listener_);
  listener_ = -1;
  clock_.Advance(absl::Hours(2));
  auto approved = Approve(dave_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalStagesTest, EscalationIsOffUnlessThePolicyEnablesIt) {
  ApprovalStageSettings stage = Stage({UserApprover(bob_)});
  stage.escalation_time_minutes = 60;
  stage.escalation_approvers = {UserApprover(dave_)};  // kept, but escalation is off
  RequireHelpdeskApproval(ApprovalMode::kSingleStage, {stage});
  const ScheduleRequest r = SubmitPending();
  EXPECT_FALSE(r.approval->stages[0].escalation.has_value());
  clock_.Advance(absl::Hours(2));
  EXPECT_ERROR(Approve(dave_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
}

}  // namespace
}  // namespace pim::testing
