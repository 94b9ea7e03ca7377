// Cancellation: the requester withdraws a request that is pending approval or granted with a
// future start; nothing else can be canceled, and nobody else may cancel.
#include <optional>

#include "approval_helpers.h"
#include "engine_fixture.h"

namespace pim::testing {
namespace {

class CancelTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = AddUser("alice");
    bob_ = AddUser("bob");
    carol_ = AddUser("carol");
    ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
    ASSERT_TRUE(MakeEligible(alice_, Reader()).ok());
    // Helpdesk needs bob's approval; Security Reader needs none.
    const absl::Status status =
        RequireApproval(*engine_, Helpdesk(), {Stage({UserApprover(bob_)})});
    ASSERT_TRUE(status.ok()) << status;
  }

  static Target Reader() { return DirectoryRoleTarget(role::kSecurityReader, "/"); }

  absl::StatusOr<ScheduleRequest> CancelAs(const PrincipalId& who, const RequestId& id) {
    return engine_->Cancel(User(who), id);
  }

  RequestStatus StoredStatus(const RequestId& id) {
    const auto r = engine_->GetRequest(id);
    EXPECT_TRUE(r.has_value()) << id.str();
    return r ? r->status : RequestStatus::kInvalid;
  }

  PrincipalId alice_;
  PrincipalId bob_;
  PrincipalId carol_;
};

TEST_F(CancelTest, RequesterCancelsPendingRequestAndLaterApprovalFails) {
  auto pending = Activate(alice_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
  clock_.Advance(absl::Minutes(2));

  auto r = CancelAs(alice_, pending->id);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, RequestStatus::kCanceled);
  EXPECT_EQ(r->completed, clock_.Now());
  EXPECT_EQ(StoredStatus(pending->id), RequestStatus::kCanceled);
  ASSERT_TRUE(r->approval.has_value());
  EXPECT_NE(r->approval->stages[0].status, StageStatus::kInProgress);

  EXPECT_ERROR(engine_->Decide(User(bob_), pending->id, true, "ok"),
               absl::StatusCode::kFailedPrecondition, code::kApprovalAlreadyDecided);
  EXPECT_ERROR(engine_->Decide(User(bob_), pending->id, false, "no"),
               absl::StatusCode::kFailedPrecondition, code::kApprovalAlreadyDecided);
  EXPECT_EQ(StoredStatus(pending->id), RequestStatus::kCanceled);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(CancelTest, CanceledRequestNeitherTimesOutNorBlocksANewOne) {
  auto pending = Activate(alice_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_TRUE(CancelAs(alice_, pending->id).ok());

  auto again = Activate(alice_, Helpdesk());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->status, RequestStatus::kPendingApproval);

  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(StoredStatus(pending->id), RequestStatus::kCanceled);
  EXPECT_EQ(StoredStatus(again->id), RequestStatus::kTimedOut);
}

TEST_F(CancelTest, OnlyTheRequesterMayCancel) {
  auto pending = Activate(alice_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  // Not even the approver, nor the service itself.
  EXPECT_ERROR(CancelAs(bob_, pending->id), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
  EXPECT_ERROR(CancelAs(carol_, pending->id), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
  EXPECT_ERROR(engine_->Cancel(Caller::System(), pending->id), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
  EXPECT_EQ(StoredStatus(pending->id), RequestStatus::kPendingApproval);

  // The request is untouched: it can still be approved.
  auto approved = engine_->Decide(User(bob_), pending->id, true, "ok");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status, RequestStatus::kProvisioned);
}

// An administrator's future-dated assignment is the administrator's request: the assignee
// cannot cancel it, its requester can.
TEST_F(CancelTest, AnAdministratorsFutureAssignmentIsCanceledByTheAdministratorOnly) {
  ASSERT_TRUE(MakeActive(carol_, PRA()).ok());
  auto r = Admin(RequestAction::kAdminAssign, ScheduleKind::kAssignment, alice_, Reader(),
                 For(absl::Hours(8)), T0() + absl::Hours(3), User(carol_));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->status, RequestStatus::kGranted);
  EXPECT_ERROR(CancelAs(alice_, r->id), absl::StatusCode::kPermissionDenied,
               code::kAuthorizationFailed);
  EXPECT_EQ(StoredStatus(r->id), RequestStatus::kGranted);
  auto canceled = CancelAs(carol_, r->id);
  ASSERT_TRUE(canceled.ok()) << canceled.status();
  EXPECT_EQ(canceled->status, RequestStatus::kCanceled);
  clock_.Advance(absl::Hours(4));
  EXPECT_FALSE(Holds(alice_, Reader()));
}

TEST_F(CancelTest, ProvisionedRequestIsNotCancelable) {
  auto r = Activate(alice_, Reader());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->status, RequestStatus::kProvisioned);
  EXPECT_ERROR(CancelAs(alice_, r->id), absl::StatusCode::kFailedPrecondition,
               code::kRequestNotCancelable);
  EXPECT_EQ(StoredStatus(r->id), RequestStatus::kProvisioned);
  EXPECT_TRUE(Holds(alice_, Reader()));
}

TEST_F(CancelTest, ApprovedRequestIsNotCancelable) {
  auto pending = Activate(alice_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_TRUE(engine_->Decide(User(bob_), pending->id, true, "ok").ok());
  EXPECT_ERROR(CancelAs(alice_, pending->id), absl::StatusCode::kFailedPrecondition,
               code::kRequestNotCancelable);
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(CancelTest, GrantedFutureActivationCanBeCanceledAndNeverStarts) {
  const absl::Time start = T0() + absl::Hours(3);
  auto r = Activate(alice_, Reader(), absl::Hours(1), start);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->status, RequestStatus::kGranted);
  ASSERT_TRUE(r->target_schedule.has_value());
  clock_.Advance(absl::Hours(1));

  auto canceled = CancelAs(alice_, r->id);
  ASSERT_TRUE(canceled.ok()) << canceled.status();
  EXPECT_EQ(canceled->status, RequestStatus::kCanceled);
  EXPECT_EQ(canceled->completed, clock_.Now());
  EXPECT_FALSE(engine_->GetSchedule(*r->target_schedule).has_value());

  clock_.SetTime(start);
  EXPECT_FALSE(Holds(alice_, Reader()));
  clock_.SetTime(start + absl::Minutes(30));
  EXPECT_FALSE(Holds(alice_, Reader()));
  EXPECT_EQ(StoredStatus(r->id), RequestStatus::kCanceled);

  // Nothing is left in the way of a new activation.
  auto again = Activate(alice_, Reader());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->status, RequestStatus::kProvisioned);
}

TEST_F(CancelTest, ApprovedFutureActivationCanBeCanceledBeforeItStarts) {
  const absl::Time start = T0() + absl::Hours(3);
  auto pending = Activate(alice_, Helpdesk(), absl::Hours(1), start);
  ASSERT_TRUE(pending.ok()) << pending.status();
  auto granted = engine_->Decide(User(bob_), pending->id, true, "ok");
  ASSERT_TRUE(granted.ok()) << granted.status();
  ASSERT_EQ(granted->status, RequestStatus::kGranted);

  auto canceled = CancelAs(alice_, pending->id);
  ASSERT_TRUE(canceled.ok()) << canceled.status();
  EXPECT_EQ(canceled->status, RequestStatus::kCanceled);
  clock_.SetTime(start);
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(CancelTest, StartedActivationIsNoLongerCancelable) {
  const absl::Time start = T0() + absl::Hours(3);
  auto r = Activate(alice_, Reader(), absl::Hours(1), start);
  ASSERT_TRUE(r.ok()) << r.status();
  clock_.SetTime(start);
  ASSERT_EQ(StoredStatus(r->id), RequestStatus::kProvisioned);
  EXPECT_ERROR(CancelAs(alice_, r->id), absl::StatusCode::kFailedPrecondition,
               code::kRequestNotCancelable);
  EXPECT_TRUE(Holds(alice_, Reader()));
}

TEST_F(CancelTest, CanceledRequestCannotBeCanceledAgain) {
  auto pending = Activate(alice_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_TRUE(CancelAs(alice_, pending->id).ok());
  EXPECT_ERROR(CancelAs(alice_, pending->id), absl::StatusCode::kFailedPrecondition,
               code::kRequestNotCancelable);
}

TEST_F(CancelTest, UnknownRequestIsNotFound) {
  EXPECT_ERROR(CancelAs(alice_, RequestId("no-such-request")), absl::StatusCode::kNotFound,
               code::kRequestNotFound);
}

}  // namespace
}  // namespace pim::testing

namespace pim::testing {
namespace {

TEST_F(CancelTest, ACanceledRequestIsPurgedThirtyDaysLater) {
  auto pending = Activate(alice_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_TRUE(engine_->Cancel(User(alice_), pending->id).ok());
  clock_.Advance(absl::Hours(24 * 30) - absl::Nanoseconds(1));
  EXPECT_TRUE(engine_->GetRequest(pending->id).has_value());
  clock_.Advance(absl::Nanoseconds(1));
  EXPECT_FALSE(engine_->GetRequest(pending->id).has_value());
  // The change log keeps the request's history.
  auto changes = store_->ReadChanges(0, 100000);
  ASSERT_TRUE(changes.ok());
  EXPECT_EQ(changes->back().event, "request.purged");
  EXPECT_EQ(changes->back().at, T0() + absl::Hours(24 * 30));
}

}  // namespace
}  // namespace pim::testing
