#include "pim/domain/schedule_request.h"

#include <utility>

#include "gtest/gtest.h"

namespace pim {
namespace {

TEST(IsSelfActionTest, OnlyTheFourSelfActionsAreSelfActions) {
  const std::pair<RequestAction, bool> cases[] = {
      {RequestAction::kAdminAssign, false},   {RequestAction::kAdminUpdate, false},
      {RequestAction::kAdminRemove, false},   {RequestAction::kAdminExtend, false},
      {RequestAction::kAdminRenew, false},    {RequestAction::kSelfActivate, true},
      {RequestAction::kSelfDeactivate, true}, {RequestAction::kSelfExtend, true},
      {RequestAction::kSelfRenew, true},
  };
  ASSERT_EQ(std::size(cases), kRequestActionNames.entries.size());
  for (const auto& [action, self] : cases) {
    EXPECT_EQ(IsSelfAction(action), self) << kRequestActionNames.Name(action);
  }
}

TEST(IsOpenTest, PendingAndGrantedStatusesAreOpenFinalOnesAreNot) {
  const std::pair<RequestStatus, bool> cases[] = {
      {RequestStatus::kAccepted, true},
      {RequestStatus::kPendingEvaluation, true},
      {RequestStatus::kGranted, true},
      {RequestStatus::kDenied, false},
      {RequestStatus::kPendingProvisioning, true},
      {RequestStatus::kProvisioned, false},
      {RequestStatus::kPendingRevocation, false},
      {RequestStatus::kRevoked, false},
      {RequestStatus::kCanceled, false},
      {RequestStatus::kFailed, false},
      {RequestStatus::kPendingApprovalProvisioning, true},
      {RequestStatus::kPendingApproval, true},
      {RequestStatus::kFailedAsResourceIsLocked, false},
      {RequestStatus::kPendingAdminDecision, true},
      {RequestStatus::kAdminApproved, true},
      {RequestStatus::kAdminDenied, false},
      {RequestStatus::kTimedOut, false},
      {RequestStatus::kProvisioningStarted, true},
      {RequestStatus::kInvalid, false},
      {RequestStatus::kPendingScheduleCreation, true},
      {RequestStatus::kScheduleCreated, false},
      {RequestStatus::kPendingExternalProvisioning, true},
  };
  ASSERT_EQ(std::size(cases), kRequestStatusNames.entries.size());
  for (const auto& [status, open] : cases) {
    EXPECT_EQ(IsOpen(status), open) << kRequestStatusNames.Name(status);
  }
}

}  // namespace
}  // namespace pim
