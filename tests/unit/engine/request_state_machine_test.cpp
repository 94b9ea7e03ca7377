// The request state machine, table-driven: every reachable request status × every action a
// client can take on an existing request (approve, deny, cancel), with the exact outcome.
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "approval_helpers.h"
#include "engine_fixture.h"

namespace pim::testing {
namespace {

// How the request under test is brought into its status.
enum class From {
  kPendingApproval,             // activation waiting on approval
  kProvisionedAfterApproval,    // approved, active now
  kProvisionedWithoutApproval,  // activation that needed no approval
  kGrantedAfterApproval,        // approved, starts in the future
  kGrantedWithoutApproval,      // future activation that needed no approval
  kDenied,
  kCanceled,
  kTimedOut,
  kRevoked,  // a selfDeactivate request
  kFailed,   // approved after its eligibility was removed
};

enum class Op { kApprove, kDeny, kCancel };

// Either the request's new status, or the error (canonical code + machine code).
struct Outcome {
  std::optional<RequestStatus> status;
  absl::StatusCode canonical = absl::StatusCode::kOk;
  std::string_view code;
};
Outcome Becomes(RequestStatus status) { return Outcome{status, absl::StatusCode::kOk, ""}; }
Outcome Fails(absl::StatusCode canonical, std::string_view code) {
  return Outcome{std::nullopt, canonical, code};
}

struct Case {
  std::string_view name;
  From from;
  Op op;
  Outcome expected;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

const Outcome kAlreadyDecided =
    Fails(absl::StatusCode::kFailedPrecondition, code::kApprovalAlreadyDecided);
const Outcome kNoApproval = Fails(absl::StatusCode::kNotFound, code::kApprovalNotFound);
const Outcome kNotCancelable =
    Fails(absl::StatusCode::kFailedPrecondition, code::kRequestNotCancelable);

const Case kCases[] = {
    {"PendingApproval_Approve", From::kPendingApproval, Op::kApprove,
     Becomes(RequestStatus::kProvisioned)},
    {"PendingApproval_Deny", From::kPendingApproval, Op::kDeny, Becomes(RequestStatus::kDenied)},
    {"PendingApproval_Cancel", From::kPendingApproval, Op::kCancel,
     Becomes(RequestStatus::kCanceled)},

    {"ProvisionedAfterApproval_Approve", From::kProvisionedAfterApproval, Op::kApprove,
     kAlreadyDecided},
    {"ProvisionedAfterApproval_Deny", From::kProvisionedAfterApproval, Op::kDeny, kAlreadyDecided},
    {"ProvisionedAfterApproval_Cancel", From::kProvisionedAfterApproval, Op::kCancel,
     kNotCancelable},

    {"ProvisionedWithoutApproval_Approve", From::kProvisionedWithoutApproval, Op::kApprove,
     kNoApproval},
    {"ProvisionedWithoutApproval_Deny", From::kProvisionedWithoutApproval, Op::kDeny, kNoApproval},
    {"ProvisionedWithoutApproval_Cancel", From::kProvisionedWithoutApproval, Op::kCancel,
     kNotCancelable},

    {"GrantedAfterApproval_Approve", From::kGrantedAfterApproval, Op::kApprove, kAlreadyDecided},
    {"GrantedAfterApproval_Deny", From::kGrantedAfterApproval, Op::kDeny, kAlreadyDecided},
    {"GrantedAfterApproval_Cancel", From::kGrantedAfterApproval, Op::kCancel,
     Becomes(RequestStatus::kCanceled)},

    {"GrantedWithoutApproval_Approve", From::kGrantedWithoutApproval, Op::kApprove, kNoApproval},
    {"GrantedWithoutApproval_Deny", From::kGrantedWithoutApproval, Op::kDeny, kNoApproval},
    {"GrantedWithoutApproval_Cancel", From::kGrantedWithoutApproval, Op::kCancel,
     Becomes(RequestStatus::kCanceled)},

    {"Denied_Approve", From::kDenied, Op::kApprove, kAlreadyDecided},
    {"Denied_Deny", From::kDenied, Op::kDeny, kAlreadyDecided},
    {"Denied_Cancel", From::kDenied, Op::kCancel, kNotCancelable},

    {"Canceled_Approve", From::kCanceled, Op::kApprove, kAlreadyDecided},
    {"Canceled_Deny", From::kCanceled, Op::kDeny, kAlreadyDecided},
    {"Canceled_Cancel", From::kCanceled, Op::kCancel, kNotCancelable},

    {"TimedOut_Approve", From::kTimedOut, Op::kApprove, kAlreadyDecided},
    {"TimedOut_Deny", From::kTimedOut, Op::kDeny, kAlreadyDecided},
    {"TimedOut_Cancel", From::kTimedOut, Op::kCancel, kNotCancelable},

    {"Revoked_Approve", From::kRevoked, Op::kApprove, kNoApproval},
    {"Revoked_Deny", From::kRevoked, Op::kDeny, kNoApproval},
    {"Revoked_Cancel", From::kRevoked, Op::kCancel, kNotCancelable},

    {"Failed_Approve", From::kFailed, Op::kApprove, kAlreadyDecided},
    {"Failed_Deny", From::kFailed, Op::kDeny, kAlreadyDecided},
    {"Failed_Cancel", From::kFailed, Op::kCancel, kNotCancelable},
};

class RequestStateMachineTest : public EngineTest, public ::testing::WithParamInterface<Case> {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    alice_ = AddUser("alice");
    bob_ = AddUser("bob");
    carol_ = AddUser("carol");
    ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
    ASSERT_TRUE(MakeEligible(alice_, Reader()).ok());
    // Helpdesk: bob or carol approves (the first decision settles it). Reader: no approval.
    const absl::Status status =
        RequireApproval(*engine_, Helpdesk(), {Stage({UserApprover(bob_), UserApprover(carol_)})});
    ASSERT_TRUE(status.ok()) << status;
  }

  static Target Reader() { return DirectoryRoleTarget(role::kSecurityReader, "/"); }

  // Brings a request of alice's into `from` and stores its id in `*id`.
  void Build(From from, RequestId* id) {
    const absl::Time future = clock_.Now() + absl::Hours(3);
    switch (from) {
      case From::kPendingApproval:
        ASSERT_NO_FATAL_FAILURE(
            Submit(Helpdesk(), std::nullopt, RequestStatus::kPendingApproval, id));
        return;
      case From::kProvisionedAfterApproval:
        ASSERT_NO_FATAL_FAILURE(
            Submit(Helpdesk(), std::nullopt, RequestStatus::kPendingApproval, id));
        ASSERT_NO_FATAL_FAILURE(DecideAs(bob_, *id, true, RequestStatus::kProvisioned));
        return;
      case From::kProvisionedWithoutApproval:
        ASSERT_NO_FATAL_FAILURE(Submit(Reader(), std::nullopt, RequestStatus::kProvisioned, id));
        return;
      case From::kGrantedAfterApproval:
        ASSERT_NO_FATAL_FAILURE(Submit(Helpdesk(), future, RequestStatus::kPendingApproval, id));
        ASSERT_NO_FATAL_FAILURE(DecideAs(bob_, *id, true, RequestStatus::kGranted));
        return;
      case From::kGrantedWithoutApproval:
        ASSERT_NO_FATAL_FAILURE(Submit(Reader(), future, RequestStatus::kGranted, id));
        return;
      case From::kDenied:
        ASSERT_NO_FATAL_FAILURE(
            Submit(Helpdesk(), std::nullopt, RequestStatus::kPendingApproval, id));
        ASSERT_NO_FATAL_FAILURE(DecideAs(bob_, *id, false, RequestStatus::kDenied));
        return;
      case From::kCanceled: {
        ASSERT_NO_FATAL_FAILURE(
            Submit(Helpdesk(), std::nullopt, RequestStatus::kPendingApproval, id));
        auto r = engine_->Cancel(User(alice_), *id);
        ASSERT_TRUE(r.ok()) << r.status();
        ASSERT_EQ(r->status, RequestStatus::kCanceled);
        return;
      }
      case From::kTimedOut:
        ASSERT_NO_FATAL_FAILURE(
            Submit(Helpdesk(), std::nullopt, RequestStatus::kPendingApproval, id));
        clock_.Advance(absl::Hours(24));
        ASSERT_EQ(engine_->GetRequest(*id)->status, RequestStatus::kTimedOut);
        return;
      case From::kRevoked: {
        ASSERT_NO_FATAL_FAILURE(Submit(Reader(), std::nullopt, RequestStatus::kProvisioned, id));
        clock_.Advance(absl::Minutes(5));
        auto r = Deactivate(alice_, Reader());
        ASSERT_TRUE(r.ok()) << r.status();
        ASSERT_EQ(r->status, RequestStatus::kRevoked);
        *id = r->id;
        return;
      }
      case From::kFailed: {
        ASSERT_NO_FATAL_FAILURE(
            Submit(Helpdesk(), std::nullopt, RequestStatus::kPendingApproval, id));
        clock_.Advance(absl::Minutes(5));
        auto removed = Admin(RequestAction::kAdminRemove, ScheduleKind::kEligibility, alice_,
                             Helpdesk(), Expiration{});
        ASSERT_TRUE(removed.ok()) << removed.status();
        ASSERT_NO_FATAL_FAILURE(DecideAs(bob_, *id, true, RequestStatus::kFailed));
        return;
      }
    }
    FAIL() << "unhandled From";
  }

  void Submit(const Target& target, std::optional<absl::Time> start, RequestStatus want,
              RequestId* id) {
    auto r = Activate(alice_, target, absl::Hours(1), start);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->status, want);
    *id = r->id;
  }
  void DecideAs(const PrincipalId& who, const RequestId& id, bool approve, RequestStatus want) {
    auto r = engine_->Decide(User(who), id, approve, "decided");
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->status, want);
  }

  // The action under test. Decisions come from carol, an approver who has not decided yet, so
  // an error can only come from the request's status.
  absl::StatusOr<ScheduleRequest> Run(Op op, const RequestId& id) {
    switch (op) {
      case Op::kApprove:
        return engine_->Decide(User(carol_), id, true, "approved by carol");
      case Op::kDeny:
        return engine_->Decide(User(carol_), id, false, "denied by carol");
      case Op::kCancel:
        return engine_->Cancel(User(alice_), id);
    }
    return absl::InternalError("unhandled Op");
  }

  PrincipalId alice_;
  PrincipalId bob_;
  PrincipalId carol_;
};

TEST_P(RequestStateMachineTest, ActionHasExactOutcome) {
  const Case& c = GetParam();
  RequestId id;
  ASSERT_NO_FATAL_FAILURE(Build(c.from, &id));
  const auto before = engine_->GetRequest(id);
  ASSERT_TRUE(before.has_value());
  clock_.Advance(absl::Minutes(1));

  const auto result = Run(c.op, id);
  const auto after = engine_->GetRequest(id);
  ASSERT_TRUE(after.has_value());
  if (c.expected.status) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->status, *c.expected.status) << kRequestStatusNames.Name(result->status);
    EXPECT_EQ(after->status, *c.expected.status) << kRequestStatusNames.Name(after->status);
    EXPECT_EQ(after->completed, clock_.Now());
  } else {
    EXPECT_ERROR(result, c.expected.canonical, c.expected.code);
    // A refused action changes nothing.
    EXPECT_EQ(*after, *before);
  }
}

// After each action, the access alice holds agrees with the new status.
TEST_P(RequestStateMachineTest, AccessAgreesWithTheOutcome) {
  const Case& c = GetParam();
  RequestId id;
  ASSERT_NO_FATAL_FAILURE(Build(c.from, &id));
  const Target target = engine_->GetRequest(id)->target;
  const bool held_before = Holds(alice_, target);
  (void)Run(c.op, id);
  const RequestStatus now = engine_->GetRequest(id)->status;
  if (!c.expected.status) {
    EXPECT_EQ(Holds(alice_, target), held_before);
  } else if (now == RequestStatus::kProvisioned) {
    EXPECT_TRUE(Holds(alice_, target));
  } else {
    EXPECT_FALSE(Holds(alice_, target));
    clock_.Advance(absl::Hours(4));  // past any future start
    EXPECT_FALSE(Holds(alice_, target));
  }
}

INSTANTIATE_TEST_SUITE_P(AllStatusesAndActions, RequestStateMachineTest,
                         ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace pim::testing
