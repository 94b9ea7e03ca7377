#include "pim/domain/schedule_request.h"

namespace pim {

bool IsSelfAction(RequestAction action) {
  switch (action) {
    case RequestAction::kSelfActivate:
    case RequestAction::kSelfDeactivate:
    case RequestAction::kSelfExtend:
    case RequestAction::kSelfRenew:
      return true;
    case RequestAction::kAdminAssign:
    case RequestAction::kAdminUpdate:
    case RequestAction::kAdminRemove:
    case RequestAction::kAdminExtend:
    case RequestAction::kAdminRenew:
      return false;
  }
  return false;
}

bool IsOpen(RequestStatus status) {
  // A switch without `default` so that a new status cannot be added without deciding here.
  switch (status) {
    case RequestStatus::kAccepted:
    case RequestStatus::kPendingEvaluation:
    case RequestStatus::kGranted:
    case RequestStatus::kPendingProvisioning:
    case RequestStatus::kPendingApprovalProvisioning:
    case RequestStatus::kPendingApproval:
    case RequestStatus::kPendingAdminDecision:
    case RequestStatus::kAdminApproved:
    case RequestStatus::kProvisioningStarted:
    case RequestStatus::kPendingScheduleCreation:
    case RequestStatus::kPendingExternalProvisioning:
      return true;
    case RequestStatus::kDenied:
    case RequestStatus::kProvisioned:
    case RequestStatus::kPendingRevocation:
    case RequestStatus::kRevoked:
    case RequestStatus::kCanceled:
    case RequestStatus::kFailed:
    case RequestStatus::kFailedAsResourceIsLocked:
    case RequestStatus::kAdminDenied:
    case RequestStatus::kTimedOut:
    case RequestStatus::kInvalid:
    case RequestStatus::kScheduleCreated:
      return false;
  }
  return false;
}

}  // namespace pim
