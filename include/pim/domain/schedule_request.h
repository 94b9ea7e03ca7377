// Schedule requests: one command and its lifecycle (`action`, `status`), with the approval
// it may wait on.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "pim/domain/enum_table.h"
#include "pim/domain/ids.h"
#include "pim/domain/policy.h"
#include "pim/domain/schedule.h"
#include "pim/domain/target.h"

namespace pim {

enum class RequestAction {
  kAdminAssign,
  kAdminUpdate,
  kAdminRemove,
  kAdminExtend,
  kAdminRenew,
  kSelfActivate,
  kSelfDeactivate,
  kSelfExtend,
  kSelfRenew,
};
inline constexpr auto kRequestActionNames = MakeEnumTable<RequestAction>(
    std::pair{RequestAction::kAdminAssign, std::string_view("adminAssign")},
    std::pair{RequestAction::kAdminUpdate, std::string_view("adminUpdate")},
    std::pair{RequestAction::kAdminRemove, std::string_view("adminRemove")},
    std::pair{RequestAction::kAdminExtend, std::string_view("adminExtend")},
    std::pair{RequestAction::kAdminRenew, std::string_view("adminRenew")},
    std::pair{RequestAction::kSelfActivate, std::string_view("selfActivate")},
    std::pair{RequestAction::kSelfDeactivate, std::string_view("selfDeactivate")},
    std::pair{RequestAction::kSelfExtend, std::string_view("selfExtend")},
    std::pair{RequestAction::kSelfRenew, std::string_view("selfRenew")});

[[nodiscard]] bool IsSelfAction(RequestAction action);

// Request status: the Graph set plus the ARM-only members (PascalCase on both wires).
enum class RequestStatus {
  kAccepted,
  kPendingEvaluation,
  kGranted,
  kDenied,
  kPendingProvisioning,
  kProvisioned,
  kPendingRevocation,
  kRevoked,
  kCanceled,
  kFailed,
  kPendingApprovalProvisioning,
  kPendingApproval,
  kFailedAsResourceIsLocked,
  kPendingAdminDecision,
  kAdminApproved,
  kAdminDenied,
  kTimedOut,
  kProvisioningStarted,
  kInvalid,
  kPendingScheduleCreation,
  kScheduleCreated,
  kPendingExternalProvisioning,
};
inline constexpr auto kRequestStatusNames = MakeEnumTable<RequestStatus>(
    std::pair{RequestStatus::kAccepted, std::string_view("Accepted")},
    std::pair{RequestStatus::kPendingEvaluation, std::string_view("PendingEvaluation")},
    std::pair{RequestStatus::kGranted, std::string_view("Granted")},
    std::pair{RequestStatus::kDenied, std::string_view("Denied")},
    std::pair{RequestStatus::kPendingProvisioning, std::string_view("PendingProvisioning")},
    std::pair{RequestStatus::kProvisioned, std::string_view("Provisioned")},
    std::pair{RequestStatus::kPendingRevocation, std::string_view("PendingRevocation")},
    std::pair{RequestStatus::kRevoked, std::string_view("Revoked")},
    std::pair{RequestStatus::kCanceled, std::string_view("Canceled")},
    std::pair{RequestStatus::kFailed, std::string_view("Failed")},
    std::pair{RequestStatus::kPendingApprovalProvisioning,
              std::string_view("PendingApprovalProvisioning")},
    std::pair{RequestStatus::kPendingApproval, std::string_view("PendingApproval")},
    std::pair{RequestStatus::kFailedAsResourceIsLocked,
              std::string_view("FailedAsResourceIsLocked")},
    std::pair{RequestStatus::kPendingAdminDecision, std::string_view("PendingAdminDecision")},
    std::pair{RequestStatus::kAdminApproved, std::string_view("AdminApproved")},
    std::pair{RequestStatus::kAdminDenied, std::string_view("AdminDenied")},
    std::pair{RequestStatus::kTimedOut, std::string_view("TimedOut")},
    std::pair{RequestStatus::kProvisioningStarted, std::string_view("ProvisioningStarted")},
    std::pair{RequestStatus::kInvalid, std::string_view("Invalid")},
    std::pair{RequestStatus::kPendingScheduleCreation, std::string_view("PendingScheduleCreation")},
    std::pair{RequestStatus::kScheduleCreated, std::string_view("ScheduleCreated")},
    std::pair{RequestStatus::kPendingExternalProvisioning,
              std::string_view("PendingExternalProvisioning")});

struct TicketInfo {
  std::string number;  // empty = null on the wire
  std::string system;
  friend bool operator==(const TicketInfo&, const TicketInfo&) = default;
};

enum class StageStatus { kNotStarted, kInProgress, kCompleted, kExpired };
inline constexpr auto kStageStatusNames =
    MakeEnumTable<StageStatus>(std::pair{StageStatus::kNotStarted, std::string_view("NotStarted")},
                               std::pair{StageStatus::kInProgress, std::string_view("InProgress")},
                               std::pair{StageStatus::kCompleted, std::string_view("Completed")},
                               std::pair{StageStatus::kExpired, std::string_view("Expired")});

struct ApprovalDecision {
  PrincipalId approver;
  bool approved = false;
  std::string justification;
  absl::Time at;
  friend bool operator==(const ApprovalDecision&, const ApprovalDecision&) = default;
};

// A stage's escalation (policy: isEscalationEnabled): once the stage has waited `after`
// undecided, `approvers` may decide it too, beside its own approvers.
struct StageEscalation {
  absl::Duration after;
  std::vector<ApproverRef> approvers;
  bool escalated = false;  // set by the engine at started + after, exactly
  friend bool operator==(const StageEscalation&, const StageEscalation&) = default;
};

// One approval stage as it runs: who may decide (snapshot of the policy at submission), how
// many approvals settle it, and the decisions so far.
struct ApprovalStage {
  std::vector<ApproverRef> approvers;
  int approvals_required = 1;
  bool is_approver_justification_required = true;
  absl::Duration timeout = absl::Hours(24);
  StageStatus status = StageStatus::kNotStarted;
  std::optional<absl::Time> started;  // deadline = started + timeout
  std::vector<ApprovalDecision> decisions;
  std::optional<StageEscalation> escalation;  // present when the policy escalates the stage
  friend bool operator==(const ApprovalStage&, const ApprovalStage&) = default;
};

// Stages run one after another (Serial, SingleStage), or all at once from submission (Parallel):
// the request is approved when every stage is, denied when any stage denies, and times out
// when any stage does.
struct Approval {
  std::vector<ApprovalStage> stages;
  friend bool operator==(const Approval&, const Approval&) = default;
};

struct ScheduleRequest {
  RequestId id;
  ScheduleKind kind = ScheduleKind::kAssignment;  // assignment or eligibility request
  RequestAction action = RequestAction::kAdminAssign;
  PrincipalId principal;
  Target target;
  ScheduleInfo schedule_info;  // as resolved: start filled in once provisioned
  std::string justification;
  TicketInfo ticket;
  std::string custom_data;
  RequestStatus status = RequestStatus::kAccepted;
  absl::Time created;
  std::optional<absl::Time> completed;
  PrincipalId created_by;
  std::optional<ScheduleId> target_schedule;
  std::optional<ScheduleId> linked_eligibility;  // selfActivate: the eligibility used
  std::optional<Approval> approval;              // present when approval was required

  friend bool operator==(const ScheduleRequest&, const ScheduleRequest&) = default;
};

// Whether a request in `status` is still waiting on something (approval or its start time).
[[nodiscard]] bool IsOpen(RequestStatus status);

}  // namespace pim
