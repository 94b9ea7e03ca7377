// Approval decisions and cancellation of pending requests.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pim/domain/status.h"
#include "planner.h"

namespace pim::internal {
namespace {

bool HasDecided(const ApprovalStage& stage, const PrincipalId& who) {
  return std::any_of(stage.decisions.begin(), stage.decisions.end(),
                     [&](const ApprovalDecision& d) { return d.approver == who; });
}

absl::Status AlreadyDecided(std::string_view message) {
  return Error(absl::StatusCode::kFailedPrecondition, code::kApprovalAlreadyDecided, message);
}

absl::Status NotAnApprover() {
  return Error(absl::StatusCode::kPermissionDenied, code::kNotAnApprover,
               "The caller is not an approver of this request.");
}

// The stage `caller` decides: the one named by `index`, or else the first in progress that the
// caller may decide and has not (in Parallel mode several are in progress).
absl::StatusOr<ApprovalStage*> StageToDecide(const Context& ctx, const Caller& caller,
                                             ScheduleRequest& r, std::optional<std::size_t> index) {
  auto& stages = r.approval->stages;
  if (index) {
    if (*index >= stages.size()) {
      return Error(
          absl::StatusCode::kNotFound, code::kApprovalNotFound,
          absl::StrCat("Request ", r.id.str(), " has no approval stage ", *index + 1, "."));
    }
    ApprovalStage& stage = stages[*index];
    if (stage.status != StageStatus::kInProgress) {
      return AlreadyDecided("This approval stage is not in progress.");
    }
    if (caller.is_system || !IsApprover(ctx, stage, r, caller.id)) return NotAnApprover();
    if (HasDecided(stage, caller.id)) {
      return AlreadyDecided("The caller has already decided this approval stage.");
    }
    return &stage;
  }
  bool approver = false;
  for (ApprovalStage& stage : stages) {
    if (stage.status != StageStatus::kInProgress || caller.is_system ||
        !IsApprover(ctx, stage, r, caller.id)) {
      continue;
    }
    if (!HasDecided(stage, caller.id)) return &stage;
    approver = true;
  }
  if (!approver) return NotAnApprover();
  return AlreadyDecided("The caller has already decided this approval stage.");
}

}  // namespace

absl::StatusOr<ScheduleRequest> PlanDecision(const Context& ctx, const Caller& caller,
                                             const RequestId& id, bool approve,
                                             const std::string& justification,
                                             std::optional<std::size_t> stage_index,
                                             ChangeSet& changes) {
  const ScheduleRequest* found = ctx.state.FindRequest(id.str());
  if (found == nullptr || !found->approval) {
    return Error(absl::StatusCode::kNotFound, code::kApprovalNotFound,
                 absl::StrCat("No approval with id ", id.str(), "."));
  }
  ScheduleRequest r = *found;
  if (r.status != RequestStatus::kPendingApproval) {
    return AlreadyDecided("This request is no longer pending approval.");
  }
  if (caller.id == r.principal || caller.id == r.created_by) {
    return Error(absl::StatusCode::kPermissionDenied, code::kNotAnApprover,
                 "A requester cannot approve or deny their own request.");
  }
  auto to_decide = StageToDecide(ctx, caller, r, stage_index);
  if (!to_decide.ok()) return to_decide.status();
  ApprovalStage* stage = *to_decide;
  // Deciding grants the access as surely as activating it: where the target's policy wants
  // MFA to activate, the approver must have proved theirs just as recently. Reported like the
  // requester's MfaRule failure, so clients handle both alike (step up, then retry).
  if (EffectivePolicy(ctx.state, ctx.options, r.target)
          .activation_enablement.multi_factor_authentication &&
      !HasFreshMfa(ctx, caller)) {
    return PolicyRulesFailed(absl::StatusCode::kPermissionDenied, {"MfaRule"});
  }
  if (justification.size() > kMaxTextLength) {
    return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                 "The justification is too long.");
  }
  if (stage->is_approver_justification_required &&
      absl::StripAsciiWhitespace(justification).empty()) {
    return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                 "This approval requires a justification from the approver.");
  }

  stage->decisions.push_back(ApprovalDecision{caller.id, approve, justification, ctx.now});
  if (!approve) {
    // One stage's denial ends the request, and with it every stage still in progress.
    for (ApprovalStage& s : r.approval->stages) {
      if (s.status == StageStatus::kInProgress) s.status = StageStatus::kCompleted;
    }
    r.status = RequestStatus::kDenied;
    r.completed = ctx.now;
    changes.BeginRecord("request.denied",
                        absl::StrCat("request ", r.id.str(), " denied by ", caller.id.str()));
    changes.Put(r);
    return r;
  }
  const auto approvals = std::count_if(stage->decisions.begin(), stage->decisions.end(),
                                       [](const ApprovalDecision& d) { return d.approved; });
  if (approvals < stage->approvals_required) {
    changes.BeginRecord("request.approvalRecorded",
                        absl::StrCat("request ", r.id.str(), " approved by ", caller.id.str(), " (",
                                     approvals, " of ", stage->approvals_required, ")"));
    changes.Put(r);
    return r;
  }
  stage->status = StageStatus::kCompleted;
  auto& stages = r.approval->stages;
  if (std::any_of(stages.begin(), stages.end(),
                  [](const ApprovalStage& s) { return s.status == StageStatus::kInProgress; })) {
    // Parallel: another stage is still deciding.
    changes.BeginRecord("request.approvalStageCompleted",
                        absl::StrCat("request ", r.id.str(),
                                     " passed a stage; other stages are still in progress"));
    changes.Put(r);
    return r;
  }
  const auto next =
      std::find_if(r.approval->stages.begin(), r.approval->stages.end(),
                   [](const ApprovalStage& s) { return s.status == StageStatus::kNotStarted; });
  if (next != r.approval->stages.end()) {
    next->status = StageStatus::kInProgress;
    next->started = ctx.now;
    changes.BeginRecord(
        "request.approvalStageCompleted",
        absl::StrCat("request ", r.id.str(), " passed a stage; next stage started"));
    changes.Put(r);
    return r;
  }
  // Fully approved: provision now. ProvisionRequest stages nothing when it fails, so the
  // request can be recorded as Failed instead.
  ScheduleRequest provisioned = r;
  if (const absl::Status status = ProvisionRequest(ctx, changes, provisioned); !status.ok()) {
    r.status = RequestStatus::kFailed;
    r.completed = ctx.now;
    changes.BeginRecord("request.failed",
                        absl::StrCat("request ", r.id.str(),
                                     " approved but could not be applied: ", status.message()));
    changes.Put(r);
    return r;
  }
  return provisioned;
}

absl::StatusOr<ScheduleRequest> PlanCancel(const Context& ctx, const Caller& caller,
                                           const RequestId& id, ChangeSet& changes) {
  const ScheduleRequest* found = ctx.state.FindRequest(id.str());
  if (found == nullptr) {
    return Error(absl::StatusCode::kNotFound, code::kRequestNotFound,
                 absl::StrCat("No request with id ", id.str(), "."));
  }
  if (caller.id != found->created_by) {
    return Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
                 "Only the requester can cancel a request.");
  }
  ScheduleRequest r = *found;
  const Schedule* scheduled =
      r.target_schedule ? ctx.state.FindSchedule(r.target_schedule->str()) : nullptr;
  const bool future_start = r.status == RequestStatus::kGranted && scheduled != nullptr &&
                            scheduled->state == ScheduleState::kScheduled &&
                            scheduled->created_using == r.id;
  if (r.status != RequestStatus::kPendingApproval && !future_start) {
    return Error(
        absl::StatusCode::kFailedPrecondition, code::kRequestNotCancelable,
        absl::StrCat("A request in status ", std::string(kRequestStatusNames.Name(r.status)),
                     " cannot be canceled."));
  }
  changes.BeginRecord("request.canceled",
                      absl::StrCat("request ", r.id.str(), " canceled by ", caller.id.str()));
  if (future_start) changes.Erase(EntityKind::kSchedule, scheduled->id.str());
  if (r.approval) {
    for (auto& stage : r.approval->stages) {
      if (stage.status == StageStatus::kInProgress) stage.status = StageStatus::kCompleted;
    }
  }
  r.status = RequestStatus::kCanceled;
  r.completed = ctx.now;
  changes.Put(r);
  return r;
}

}  // namespace pim::internal
