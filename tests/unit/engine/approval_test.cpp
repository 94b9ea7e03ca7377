// Approval of activations: who may decide (users, groups, default routing for directory roles,
// never the requester), N of M, stages, approver justification, the timeout, future starts, and
// requests that can no longer be applied when they are approved.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "approval_helpers.h"
#include "engine_fixture.h"

namespace pim::testing {
namespace {

class ApprovalTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = AddUser("alice");
    bob_ = AddUser("bob");
    carol_ = AddUser("carol");
    dave_ = AddUser("dave");
    auto eligible = MakeEligible(alice_, Helpdesk());
    ASSERT_TRUE(eligible.ok()) << eligible.status();
    ASSERT_TRUE(eligible->target_schedule.has_value());
    eligibility_ = *eligible->target_schedule;
  }

  // Activation of Helpdesk needs approval through `stages`.
  void RequireHelpdeskApproval(std::vector<ApprovalStageSettings> stages) {
    const absl::Status status = RequireApproval(*engine_, Helpdesk(), std::move(stages));
    ASSERT_TRUE(status.ok()) << status;
  }

  // alice asks to activate Helpdesk for `d`; the request is expected to wait for approval.
  ScheduleRequest SubmitPending(absl::Duration d = absl::Hours(1),
                                std::optional<absl::Time> start = std::nullopt) {
    auto r = Activate(alice_, Helpdesk(), d, start);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return ScheduleRequest{};
    EXPECT_EQ(r->status, RequestStatus::kPendingApproval);
    return *r;
  }

  absl::StatusOr<ScheduleRequest> Approve(const PrincipalId& who, const RequestId& id,
                                          const std::string& justification = "verified") {
    return engine_->Decide(User(who), id, /*approve=*/true, justification);
  }
  absl::StatusOr<ScheduleRequest> Deny(const PrincipalId& who, const RequestId& id,
                                       const std::string& justification = "not needed") {
    return engine_->Decide(User(who), id, /*approve=*/false, justification);
  }

  RequestStatus StoredStatus(const RequestId& id) {
    const auto r = engine_->GetRequest(id);
    EXPECT_TRUE(r.has_value()) << id.str();
    return r ? r->status : RequestStatus::kInvalid;
  }

  // Whether `who` has any active-assignment schedule (scheduled or active) at all.
  bool HasAssignmentSchedule(const PrincipalId& who) {
    const auto schedules = engine_->SchedulesOf(who);
    return std::any_of(schedules.begin(), schedules.end(),
                       [](const Schedule& s) { return s.kind == ScheduleKind::kAssignment; });
  }

  // How many selfActivate requests `who` has on record.
  std::size_t ActivationRequestCount(const PrincipalId& who) {
    const auto requests = engine_->RequestsOf(who);
    return static_cast<std::size_t>(std::count_if(
        requests.begin(), requests.end(),
        [](const ScheduleRequest& r) { return r.action == RequestAction::kSelfActivate; }));
  }

  PrincipalId alice_;
  PrincipalId bob_;
  PrincipalId carol_;
  PrincipalId dave_;
  ScheduleId eligibility_;
};

// ---- Pending requests ----

TEST_F(ApprovalTest, ActivationNeedingApprovalIsPendingAndGrantsNothing) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  auto r = Activate(alice_, Helpdesk());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kPendingApproval);
  EXPECT_FALSE(r->target_schedule.has_value());
  EXPECT_FALSE(r->completed.has_value());
  ASSERT_TRUE(r->approval.has_value());
  ASSERT_EQ(r->approval->stages.size(), 1u);
  const ApprovalStage& stage = r->approval->stages[0];
  EXPECT_EQ(stage.status, StageStatus::kInProgress);
  EXPECT_EQ(stage.started, T0());
  EXPECT_EQ(stage.timeout, absl::Hours(24));
  EXPECT_EQ(stage.approvals_required, 1);
  EXPECT_TRUE(stage.decisions.empty());
  ASSERT_EQ(stage.approvers.size(), 1u);
  EXPECT_EQ(stage.approvers[0].id, bob_.str());

  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_FALSE(HasAssignmentSchedule(alice_));
  EXPECT_EQ(StoredStatus(r->id), RequestStatus::kPendingApproval);
}

TEST_F(ApprovalTest, SecondActivationWhileOneIsPendingIsRejected) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  SubmitPending();
  EXPECT_ERROR(Activate(alice_, Helpdesk()), absl::StatusCode::kAlreadyExists,
               code::kPendingRequestExists);
  EXPECT_EQ(ActivationRequestCount(alice_), 1u);
}

// ---- Who may decide ----

TEST_F(ApprovalTest, RequesterCannotApproveEvenWhenListedAsApprover) {
  RequireHelpdeskApproval({Stage({UserApprover(alice_), UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  EXPECT_ERROR(Approve(alice_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_ERROR(Deny(alice_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
  EXPECT_TRUE(engine_->GetRequest(r.id)->approval->stages[0].decisions.empty());
  EXPECT_FALSE(Holds(alice_, Helpdesk()));

  auto approved = Approve(bob_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalTest, NonApproverCannotDecide) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  EXPECT_ERROR(Approve(carol_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_ERROR(Deny(carol_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_ERROR(engine_->Decide(Caller::System(), r.id, true, "system"),
               absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, ApproverApprovesAndAccessStartsAtApproval) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest pending = SubmitPending(absl::Hours(2));
  clock_.Advance(absl::Minutes(10));
  const absl::Time approved_at = clock_.Now();

  auto r = Approve(bob_, pending.id, "on call this week");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_EQ(r->completed, approved_at);
  ASSERT_TRUE(r->target_schedule.has_value());
  ASSERT_TRUE(r->approval.has_value());
  const ApprovalStage& stage = r->approval->stages[0];
  EXPECT_EQ(stage.status, StageStatus::kCompleted);
  ASSERT_EQ(stage.decisions.size(), 1u);
  EXPECT_EQ(stage.decisions[0].approver, bob_);
  EXPECT_TRUE(stage.decisions[0].approved);
  EXPECT_EQ(stage.decisions[0].justification, "on call this week");
  EXPECT_EQ(stage.decisions[0].at, approved_at);

  const CheckAnswer answer = engine_->Check(alice_.str(), Helpdesk());
  EXPECT_TRUE(answer.allowed);
  EXPECT_EQ(answer.granted_by.str(), r->target_schedule->str());
  EXPECT_EQ(answer.until, approved_at + absl::Hours(2));
  EXPECT_EQ(StoredStatus(r->id), RequestStatus::kProvisioned);
  const auto schedule = engine_->GetSchedule(*r->target_schedule);
  ASSERT_TRUE(schedule.has_value());
  EXPECT_EQ(schedule->activated_using, eligibility_);
  EXPECT_EQ(schedule->created_using, r->id);
}

TEST_F(ApprovalTest, DenialStoresApproverJustificationAndGrantsNothing) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest pending = SubmitPending();
  clock_.Advance(absl::Minutes(3));

  auto r = Deny(bob_, pending.id, "no change window today");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kDenied);
  EXPECT_EQ(r->completed, clock_.Now());
  EXPECT_FALSE(r->target_schedule.has_value());

  const auto stored = engine_->GetRequest(pending.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, RequestStatus::kDenied);
  ASSERT_TRUE(stored->approval.has_value());
  const ApprovalStage& stage = stored->approval->stages[0];
  EXPECT_EQ(stage.status, StageStatus::kCompleted);
  ASSERT_EQ(stage.decisions.size(), 1u);
  EXPECT_EQ(stage.decisions[0].approver, bob_);
  EXPECT_FALSE(stage.decisions[0].approved);
  EXPECT_EQ(stage.decisions[0].justification, "no change window today");
  EXPECT_EQ(stage.decisions[0].at, clock_.Now());

  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_FALSE(HasAssignmentSchedule(alice_));
}

TEST_F(ApprovalTest, ApproverJustificationIsRequiredWhenTheStageSaysSo) {
  RequireHelpdeskApproval(
      {Stage({UserApprover(bob_)}, 1, /*approver_justification_required=*/true)});
  const ScheduleRequest r = SubmitPending();
  EXPECT_ERROR(Approve(bob_, r.id, ""), absl::StatusCode::kInvalidArgument, code::kBadRequest);
  EXPECT_ERROR(Approve(bob_, r.id, "  \t "), absl::StatusCode::kInvalidArgument, code::kBadRequest);
  EXPECT_ERROR(Deny(bob_, r.id, ""), absl::StatusCode::kInvalidArgument, code::kBadRequest);
  // A rejected decision records nothing: the approver may still decide.
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
  EXPECT_TRUE(engine_->GetRequest(r.id)->approval->stages[0].decisions.empty());

  auto approved = Approve(bob_, r.id, "ok");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalTest, ApproverJustificationIsOptionalWhenTheStageDoesNotRequireIt) {
  RequireHelpdeskApproval(
      {Stage({UserApprover(bob_)}, 1, /*approver_justification_required=*/false)});
  const ScheduleRequest r = SubmitPending();
  auto approved = Approve(bob_, r.id, "");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, OverlongApproverJustificationIsBadRequest) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  EXPECT_ERROR(Approve(bob_, r.id, std::string(1025, 'x')), absl::StatusCode::kInvalidArgument,
               code::kBadRequest);
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
}

TEST_F(ApprovalTest, MemberOfApproverGroupCanApproveAndNonMemberCannot) {
  const PrincipalId approvers = AddGroup("helpdesk approvers");
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {approvers, bob_, GroupAccess::kMember}).ok());
  RequireHelpdeskApproval({Stage({GroupMembersApprover(approvers)})});
  const ScheduleRequest r = SubmitPending();

  EXPECT_ERROR(Approve(carol_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  auto approved = Approve(bob_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, OwnerOfApproverGroupIsNotAMember) {
  const PrincipalId approvers = AddGroup("helpdesk approvers");
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {approvers, bob_, GroupAccess::kMember}).ok());
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {approvers, carol_, GroupAccess::kOwner}).ok());
  RequireHelpdeskApproval({Stage({GroupMembersApprover(approvers)})});
  const ScheduleRequest r = SubmitPending();
  EXPECT_ERROR(Approve(carol_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
}

TEST_F(ApprovalTest, RequesterInApproverGroupCannotApprove) {
  const PrincipalId approvers = AddGroup("helpdesk approvers");
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {approvers, alice_, GroupAccess::kMember}).ok());
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {approvers, bob_, GroupAccess::kMember}).ok());
  RequireHelpdeskApproval({Stage({GroupMembersApprover(approvers)})});
  const ScheduleRequest r = SubmitPending();

  EXPECT_ERROR(Approve(alice_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  auto approved = Approve(bob_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalTest, ApproversThatAreOnlyTheRequesterMeanNoApprovers) {
  RequireHelpdeskApproval({Stage({UserApprover(alice_)})});
  auto r = Activate(alice_, Helpdesk());
  EXPECT_ERROR(r, absl::StatusCode::kFailedPrecondition, code::kNoApprovers);
  EXPECT_EQ(ActivationRequestCount(alice_), 0u);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, ApproverGroupContainingOnlyTheRequesterMeansNoApprovers) {
  const PrincipalId approvers = AddGroup("just alice");
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), {approvers, alice_, GroupAccess::kMember}).ok());
  RequireHelpdeskApproval({Stage({GroupMembersApprover(approvers)})});
  EXPECT_ERROR(Activate(alice_, Helpdesk()), absl::StatusCode::kFailedPrecondition,
               code::kNoApprovers);
  EXPECT_EQ(ActivationRequestCount(alice_), 0u);
}

// ---- N of M ----

TEST_F(ApprovalTest, TwoOfThreeApproversSettleTheStage) {
  RequireHelpdeskApproval(
      {Stage({UserApprover(bob_), UserApprover(carol_), UserApprover(dave_)}, 2)});
  const ScheduleRequest r = SubmitPending();

  auto first = Approve(bob_, r.id);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->status, RequestStatus::kPendingApproval);
  EXPECT_EQ(first->approval->stages[0].status, StageStatus::kInProgress);
  EXPECT_EQ(first->approval->stages[0].decisions.size(), 1u);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));

  EXPECT_ERROR(Approve(bob_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_ERROR(Deny(bob_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
  EXPECT_EQ(engine_->GetRequest(r.id)->approval->stages[0].decisions.size(), 1u);

  auto second = Approve(carol_, r.id);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->status, RequestStatus::kProvisioned);
  EXPECT_EQ(second->approval->stages[0].decisions.size(), 2u);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));

  EXPECT_ERROR(Approve(dave_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
}

TEST_F(ApprovalTest, TwoOfThreeNeedsTwoApproversOtherThanTheRequester) {
  RequireHelpdeskApproval(
      {Stage({UserApprover(alice_), UserApprover(bob_), UserApprover(carol_)}, 2)});
  const ScheduleRequest r = SubmitPending();
  ASSERT_TRUE(Approve(bob_, r.id).ok());
  EXPECT_ERROR(Approve(alice_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
  auto done = Approve(carol_, r.id);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalTest, TwoOfTwoWhereOneIsTheRequesterMeansNoApprovers) {
  RequireHelpdeskApproval({Stage({UserApprover(alice_), UserApprover(bob_)}, 2)});
  EXPECT_ERROR(Activate(alice_, Helpdesk()), absl::StatusCode::kFailedPrecondition,
               code::kNoApprovers);
  EXPECT_EQ(ActivationRequestCount(alice_), 0u);
}

// ---- Stages ----

TEST_F(ApprovalTest, SecondStageStartsWhenTheFirstIsApproved) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)}), Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_EQ(r.approval->stages.size(), 2u);
  EXPECT_EQ(r.approval->stages[0].status, StageStatus::kInProgress);
  EXPECT_EQ(r.approval->stages[1].status, StageStatus::kNotStarted);

  // The second stage's approver has no say before that stage starts.
  EXPECT_ERROR(Approve(carol_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);

  clock_.Advance(absl::Hours(2));
  auto first = Approve(bob_, r.id);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->status, RequestStatus::kPendingApproval);
  EXPECT_EQ(first->approval->stages[0].status, StageStatus::kCompleted);
  EXPECT_EQ(first->approval->stages[1].status, StageStatus::kInProgress);
  EXPECT_EQ(first->approval->stages[1].started, clock_.Now());
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_FALSE(HasAssignmentSchedule(alice_));

  // The first stage's approver is not an approver of the second.
  EXPECT_ERROR(Approve(bob_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);

  auto second = Approve(carol_, r.id);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->status, RequestStatus::kProvisioned);
  EXPECT_EQ(second->approval->stages[1].status, StageStatus::kCompleted);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, DenialInTheSecondStageDeniesTheRequest) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)}), Stage({UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_TRUE(Approve(bob_, r.id).ok());
  auto denied = Deny(carol_, r.id, "second opinion: no");
  ASSERT_TRUE(denied.ok()) << denied.status();
  EXPECT_EQ(denied->status, RequestStatus::kDenied);
  EXPECT_EQ(denied->approval->stages[1].decisions[0].justification, "second opinion: no");
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_FALSE(HasAssignmentSchedule(alice_));
}

TEST_F(ApprovalTest, EveryStageMustHaveAnApproverOtherThanTheRequester) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)}), Stage({UserApprover(alice_)})});
  EXPECT_ERROR(Activate(alice_, Helpdesk()), absl::StatusCode::kFailedPrecondition,
               code::kNoApprovers);
  EXPECT_EQ(ActivationRequestCount(alice_), 0u);
}

// ---- Timeout ----

TEST_F(ApprovalTest, UndecidedRequestTimesOutAfterExactlyTwentyFourHours) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();

  clock_.Advance(absl::Hours(24) - absl::Nanoseconds(1));
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);

  clock_.Advance(absl::Nanoseconds(1));
  const auto stored = engine_->GetRequest(r.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, RequestStatus::kTimedOut);
  EXPECT_EQ(stored->completed, r.created + absl::Hours(24));
  EXPECT_EQ(stored->approval->stages[0].status, StageStatus::kExpired);

  EXPECT_ERROR(Approve(bob_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_ERROR(Deny(bob_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_FALSE(HasAssignmentSchedule(alice_));
}

TEST_F(ApprovalTest, ApprovalOneNanosecondBeforeTheTimeoutStillCounts) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  clock_.Advance(absl::Hours(24) - absl::Nanoseconds(1));
  auto approved = Approve(bob_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  clock_.Advance(absl::Nanoseconds(1));
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, DecisionAtTheDeadlineLosesEvenBeforeTimersRan) {
  // Detach the clock from the engine: the decision itself must fire the due timeout first.
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  if (listener_ >= 0) clock_.RemoveListener(listener_);
  listener_ = -1;
  clock_.Advance(absl::Hours(24));
  EXPECT_ERROR(Approve(bob_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kTimedOut);
}

TEST_F(ApprovalTest, PolicyStageTimeoutIsHonoured) {
  ApprovalStageSettings stage = Stage({UserApprover(bob_)});
  stage.timeout_days = 2;
  RequireHelpdeskApproval({stage});
  const ScheduleRequest r = SubmitPending();
  EXPECT_EQ(r.approval->stages[0].timeout, absl::Hours(48));
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
  clock_.Advance(absl::Hours(24) - absl::Nanoseconds(1));
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
  clock_.Advance(absl::Nanoseconds(1));
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kTimedOut);
  EXPECT_EQ(engine_->GetRequest(r.id)->completed, T0() + absl::Hours(48));
}

TEST_F(ApprovalTest, PendingApprovalSurvivesARestart) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kPendingApproval);
  auto approved = Approve(bob_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, TimeoutThatFellDueWhileDownFiresAtItsTimeOnRestart) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest r = SubmitPending();
  engine_.reset();
  clock_.Advance(absl::Hours(30));
  ASSERT_NO_FATAL_FAILURE(Open());
  const auto stored = engine_->GetRequest(r.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->status, RequestStatus::kTimedOut);
  EXPECT_EQ(stored->completed, r.created + absl::Hours(24));
}

TEST_F(ApprovalTest, TimedOutRequestCanBeResubmitted) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  SubmitPending();
  clock_.Advance(absl::Hours(24));
  const ScheduleRequest again = SubmitPending();
  EXPECT_EQ(again.status, RequestStatus::kPendingApproval);
  EXPECT_EQ(ActivationRequestCount(alice_), 2u);
}

// ---- Start time ----

TEST_F(ApprovalTest, ApprovedFutureStartIsGrantedAndActiveExactlyAtTheStart) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const absl::Time start = T0() + absl::Hours(3);
  const ScheduleRequest pending = SubmitPending(absl::Hours(1), start);
  clock_.Advance(absl::Hours(1));

  auto r = Approve(bob_, pending.id);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kGranted);
  EXPECT_EQ(r->completed, start);
  EXPECT_EQ(r->schedule_info.start, start);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));

  clock_.SetTime(start - absl::Nanoseconds(1));
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_EQ(StoredStatus(pending.id), RequestStatus::kGranted);
  clock_.SetTime(start);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
  EXPECT_EQ(StoredStatus(pending.id), RequestStatus::kProvisioned);
  clock_.SetTime(start + absl::Hours(1));
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, ApprovalAfterTheRequestedStartActivatesFromTheApproval) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest pending = SubmitPending(absl::Hours(1), T0() + absl::Hours(1));
  clock_.Advance(absl::Hours(2));
  auto r = Approve(bob_, pending.id);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_EQ(r->schedule_info.start, clock_.Now());
  const CheckAnswer answer = engine_->Check(alice_.str(), Helpdesk());
  EXPECT_TRUE(answer.allowed);
  EXPECT_EQ(answer.until, clock_.Now() + absl::Hours(1));
}

// ---- Default routing for directory roles ----

TEST_F(ApprovalTest, DirectoryRoleWithoutApproversAndNoAdministratorsHasNoApprovers) {
  RequireHelpdeskApproval({Stage({})});
  EXPECT_ERROR(Activate(alice_, Helpdesk()), absl::StatusCode::kFailedPrecondition,
               code::kNoApprovers);
}

TEST_F(ApprovalTest, DirectoryRoleWithoutApproversRoutesToPrivilegedRoleAdministrators) {
  ASSERT_TRUE(MakeActive(bob_, PRA()).ok());
  RequireHelpdeskApproval({Stage({})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_EQ(r.approval->stages.size(), 1u);
  EXPECT_FALSE(r.approval->stages[0].approvers.empty());

  EXPECT_ERROR(Approve(carol_, r.id), absl::StatusCode::kPermissionDenied, code::kNotAnApprover);
  auto approved = Approve(bob_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, DirectoryRoleWithoutApproversRoutesToGlobalAdministrators) {
  ASSERT_TRUE(MakeActive(dave_, GA()).ok());
  RequireHelpdeskApproval({Stage({})});
  const ScheduleRequest r = SubmitPending();
  auto approved = Approve(dave_, r.id);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
}

TEST_F(ApprovalTest, RequesterWhoIsTheOnlyAdministratorCannotApproveOwnActivation) {
  ASSERT_TRUE(MakeActive(alice_, PRA()).ok());
  RequireHelpdeskApproval({Stage({})});
  EXPECT_ERROR(Activate(alice_, Helpdesk()), absl::StatusCode::kFailedPrecondition,
               code::kNoApprovers);
}

// ---- Decided, unknown and stale requests ----

TEST_F(ApprovalTest, DecidedRequestCannotBeDecidedAgain) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_), UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_TRUE(Approve(bob_, r.id).ok());
  EXPECT_ERROR(Approve(bob_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  // The first decision settles it: the other approver comes too late.
  EXPECT_ERROR(Approve(carol_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_ERROR(Deny(carol_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, DeniedRequestCannotBeApprovedAfterwards) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_), UserApprover(carol_)})});
  const ScheduleRequest r = SubmitPending();
  ASSERT_TRUE(Deny(bob_, r.id).ok());
  EXPECT_ERROR(Approve(carol_, r.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
  EXPECT_EQ(StoredStatus(r.id), RequestStatus::kDenied);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(ApprovalTest, UnknownRequestIsApprovalNotFound) {
  EXPECT_ERROR(Approve(bob_, RequestId("no-such-request")), absl::StatusCode::kNotFound,
               code::kApprovalNotFound);
  EXPECT_ERROR(Deny(bob_, RequestId("no-such-request")), absl::StatusCode::kNotFound,
               code::kApprovalNotFound);
}

TEST_F(ApprovalTest, RequestThatNeededNoApprovalHasNoApproval) {
  auto r = Activate(alice_, Helpdesk());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_FALSE(r->approval.has_value());
  EXPECT_ERROR(Approve(bob_, r->id), absl::StatusCode::kNotFound, code::kApprovalNotFound);
}

TEST_F(ApprovalTest, ApprovalAfterEligibilityWasRemovedFailsTheRequest) {
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  const ScheduleRequest pending = SubmitPending();
  clock_.Advance(absl::Minutes(5));  // an assignment can't be removed within 5 minutes
  auto removed = Admin(RequestAction::kAdminRemove, ScheduleKind::kEligibility, alice_, Helpdesk(),
                       Expiration{});
  ASSERT_TRUE(removed.ok()) << removed.status();
  ASSERT_FALSE(engine_->GetSchedule(eligibility_).has_value());
  clock_.Advance(absl::Minutes(1));

  auto r = Approve(bob_, pending.id);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kFailed);
  EXPECT_EQ(r->completed, clock_.Now());
  EXPECT_FALSE(r->target_schedule.has_value());
  EXPECT_EQ(StoredStatus(pending.id), RequestStatus::kFailed);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_FALSE(HasAssignmentSchedule(alice_));
  EXPECT_ERROR(Approve(bob_, pending.id), absl::StatusCode::kFailedPrecondition,
               code::kApprovalAlreadyDecided);
}

TEST_F(ApprovalTest, ApprovalAfterEligibilityEndedFailsTheRequest) {
  const PrincipalId erin = AddUser("erin");
  ASSERT_TRUE(MakeEligible(erin, Helpdesk(), Until(T0() + absl::Hours(2))).ok());
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  auto pending = Activate(erin, Helpdesk(), absl::Hours(1));
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
  clock_.Advance(absl::Hours(3));

  auto r = Approve(bob_, pending->id);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kFailed);
  EXPECT_FALSE(Holds(erin, Helpdesk()));
  EXPECT_FALSE(HasAssignmentSchedule(erin));
}

// An activation approved late counts its duration from the approval, but is clamped again to
// the eligibility's end.
TEST_F(ApprovalTest, ApprovedActivationCannotOutliveItsEligibility) {
  const PrincipalId erin = AddUser("erin");
  ASSERT_TRUE(MakeEligible(erin, Helpdesk(), Until(T0() + absl::Hours(2))).ok());
  RequireHelpdeskApproval({Stage({UserApprover(bob_)})});
  auto pending = Activate(erin, Helpdesk(), absl::Hours(1));
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
  clock_.Advance(absl::Minutes(90));

  auto r = Approve(bob_, pending->id);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(erin, Helpdesk()));
  EXPECT_EQ(engine_->Check(erin.str(), Helpdesk()).until, T0() + absl::Hours(2));
  clock_.SetTime(T0() + absl::Hours(2));
  EXPECT_FALSE(Holds(erin, Helpdesk()));
}

}  // namespace
}  // namespace pim::testing
