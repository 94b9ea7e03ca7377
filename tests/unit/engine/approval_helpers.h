// Small helpers for engine tests that need approval policies: approver references, stage
// settings, and switching approval on for a target through the engine's own policy command.
#pragma once

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "pim/engine/engine.h"

namespace pim::testing {

inline ApproverRef UserApprover(const PrincipalId& user) {
  return ApproverRef{ApproverKind::kUser, user.str(), ""};
}
inline ApproverRef GroupMembersApprover(const PrincipalId& group) {
  return ApproverRef{ApproverKind::kGroupMembers, group.str(), ""};
}

// One approval stage: `approvals_required` of `approvers` settle it.
inline ApprovalStageSettings Stage(std::vector<ApproverRef> approvers, int approvals_required = 1,
                                   bool approver_justification_required = true) {
  ApprovalStageSettings stage;
  stage.primary_approvers = std::move(approvers);
  stage.approvals_required = approvals_required;
  stage.is_approver_justification_required = approver_justification_required;
  return stage;
}

// Makes activation of `target` need approval through `stages` (the rest of the policy stays as
// in force), as the system caller.
inline absl::Status RequireApproval(Engine& engine, const Target& target,
                                    std::vector<ApprovalStageSettings> stages) {
  Policy policy = engine.EffectivePolicy(target);
  policy.approval.is_approval_required = true;
  policy.approval.mode = stages.size() > 1 ? ApprovalMode::kSerial : ApprovalMode::kSingleStage;
  policy.approval.stages = std::move(stages);
  return engine.UpdatePolicy(Caller::System(), policy).status();
}

}  // namespace pim::testing
