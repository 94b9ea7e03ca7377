// Who may read which requests, schedules and approvals (the rule is in visibility.h).
#include "pim/engine/visibility.h"

#include <algorithm>

#include "pim/engine/engine.h"
#include "planner.h"

namespace pim {
namespace {

internal::Context ContextOf(const State& state, AccessIndex::View index,
                            const EngineOptions& options, IdGenerator& ids, absl::Time now) {
  return internal::Context{state, index, options, ids, now};
}

}  // namespace

Visibility::Visibility(const State& state, AccessIndex::View index, const EngineOptions& options,
                       IdGenerator& ids, absl::Time now, const Caller& caller)
    : state_(state), index_(index), options_(options), ids_(ids), now_(now), caller_(caller) {}

bool Visibility::IsSelf(const PrincipalId& id) const {
  return !caller_.is_system && !caller_.id.str().empty() && id == caller_.id;
}

bool Visibility::MayReadAll() const {
  if (!may_read_all_.has_value()) {
    may_read_all_ = internal::MayReadAll(ContextOf(state_, index_, options_, ids_, now_), caller_);
  }
  return *may_read_all_;
}

bool Visibility::IsActiveMemberOf(const std::string& group) const {
  if (!groups_.has_value()) {
    groups_.emplace();
    for (const auto& grant : index_.GrantsOf(caller_.id.str(), now_)) {
      if (grant.target.kind == TargetKind::kGroup && grant.target.access == GroupAccess::kMember) {
        groups_->insert(grant.target.object_id);
      }
    }
  }
  return groups_->contains(group);
}

bool Visibility::MayReadTarget(const Target& target) const {
  if (MayReadAll()) return true;
  const std::string key = target.Key();
  if (const auto it = may_read_target_.find(key); it != may_read_target_.end()) return it->second;
  bool allowed =
      internal::CanManage(ContextOf(state_, index_, options_, ids_, now_), caller_, target);
  if (!allowed && target.kind == TargetKind::kResourceRole) {
    // Azure: every built-in role carries `*/read`, which includes reading role assignments and
    // their schedules at and below the scope it is held at.
    if (!resource_role_scopes_.has_value()) {
      resource_role_scopes_.emplace();
      for (const auto& grant : index_.GrantsOf(caller_.id.str(), now_)) {
        if (grant.target.kind == TargetKind::kResourceRole) {
          resource_role_scopes_->push_back(grant.target.scope);
        }
      }
    }
    allowed = std::any_of(
        resource_role_scopes_->begin(), resource_role_scopes_->end(),
        [&](const std::string& held) { return state_.ScopeWithin(target.scope, held); });
  }
  may_read_target_.emplace(key, allowed);
  return allowed;
}

bool Visibility::MayReadPolicy(const Target& target) const {
  if (MayReadTarget(target)) return true;
  if (caller_.is_system) return false;
  return index_.Check(caller_.id.str(), target, now_).allowed ||
         internal::IsEligibleFor(ContextOf(state_, index_, options_, ids_, now_), caller_.id,
                                 target, now_);
}

bool Visibility::IsCurrentApprover(const ScheduleRequest& request) const {
  if (caller_.is_system) return false;  // the service is never an approver
  return internal::IsCurrentApprover(ContextOf(state_, index_, options_, ids_, now_), request,
                                     caller_.id);
}

std::vector<bool> Visibility::StagesToDecide(const ScheduleRequest& request) const {
  if (caller_.is_system) {  // the service is never an approver
    return std::vector<bool>(request.approval ? request.approval->stages.size() : 0, false);
  }
  return internal::StagesDecidableBy(ContextOf(state_, index_, options_, ids_, now_), request,
                                     caller_.id);
}

bool Visibility::WasAskedToDecide(const ScheduleRequest& request) const {
  if (caller_.is_system || !request.approval.has_value()) return false;
  const internal::Context ctx = ContextOf(state_, index_, options_, ids_, now_);
  return std::any_of(
      request.approval->stages.begin(), request.approval->stages.end(),
      [&](const ApprovalStage& stage) {
        return internal::IsApprover(ctx, stage, request, caller_.id) ||
               std::any_of(stage.decisions.begin(), stage.decisions.end(),
                           [&](const ApprovalDecision& d) { return d.approver == caller_.id; });
      });
}

bool Visibility::MaySee(const ScheduleRequest& request) const {
  return IsSelf(request.principal) || IsSelf(request.created_by) || MayReadTarget(request.target) ||
         IsCurrentApprover(request);
}

bool Visibility::MaySee(const Schedule& schedule) const {
  if (IsSelf(schedule.principal)) return true;
  // A group's schedule grants its active members access through the group.
  if (!caller_.is_system && IsActiveMemberOf(schedule.principal.str())) return true;
  return MayReadTarget(schedule.target);
}

bool Visibility::MaySeeApproval(const ScheduleRequest& request) const {
  if (!request.approval.has_value()) return false;
  // Never one's own: a requester follows the request itself, not its approvers' record.
  if (IsSelf(request.principal) || IsSelf(request.created_by)) return false;
  // An approver keeps reading the approvals they were asked to decide, decided ones included:
  // their own record of what they did.
  return MayReadTarget(request.target) || WasAskedToDecide(request);
}

}  // namespace pim
