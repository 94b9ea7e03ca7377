// Who may manage what, who may approve, and who holds the administrator roles.
#include <algorithm>
#include <array>

#include "pim/domain/role_definition.h"
#include "planner.h"

namespace pim::internal {
namespace {

// Directory roles whose active holders at "/" may read every request, schedule and approval.
constexpr std::array<std::string_view, 5> kTenantReaderRoles = {
    role::kGlobalAdministrator, role::kPrivilegedRoleAdministrator, role::kSecurityAdministrator,
    role::kSecurityReader, role::kGlobalReader};

// Directory roles that may manage PIM for a group that is not role-assignable (besides its
// owners and the roles that may manage role-assignable groups).
constexpr std::array<std::string_view, 4> kGroupManagerRoles = {
    role::kDirectoryWriters, role::kGroupsAdministrator, role::kIdentityGovernanceAdministrator,
    role::kUserAdministrator};

bool IsEnabledUser(const Context& ctx, const std::string& id) {
  const Principal* p = ctx.state.FindPrincipal(id);
  return p != nullptr && p->enabled && p->kind == PrincipalKind::kUser;
}

bool IsRequester(const ScheduleRequest& request, const PrincipalId& who) {
  return who == request.principal || who == request.created_by;
}

// Users (other than the requester) that `ref` designates for `request`, at ctx.now.
std::vector<std::string> Designated(const Context& ctx, const ApproverRef& ref,
                                    const ScheduleRequest& request) {
  std::vector<std::string> holders;
  switch (ref.kind) {
    case ApproverKind::kUser:
      holders.push_back(ref.id);
      break;
    case ApproverKind::kGroupMembers:
      holders =
          ctx.index.HoldersOf(GroupTarget(PrincipalId(ref.id), GroupAccess::kMember), ctx.now);
      break;
    case ApproverKind::kGroupOwners:
      holders = ctx.index.HoldersOf(GroupTarget(PrincipalId(ref.id), GroupAccess::kOwner), ctx.now);
      break;
    case ApproverKind::kDirectoryRoleHolders:
      holders = ctx.index.HoldersOf(DirectoryRoleTarget(ref.id, "/"), ctx.now);
      break;
    case ApproverKind::kResourceRoleHoldersAtTarget:
      holders = ctx.index.HoldersOf(ResourceRoleTarget(ref.id, request.target.scope), ctx.now);
      break;
  }
  std::erase_if(holders, [&](const std::string& id) {
    return !IsEnabledUser(ctx, id) || IsRequester(request, PrincipalId(id));
  });
  return holders;
}

}  // namespace

bool HoldsDirectoryRole(const Context& ctx, const PrincipalId& who, std::string_view role) {
  return ctx.index.Check(who.str(), DirectoryRoleTarget(role, "/"), ctx.now).allowed;
}

bool MayReadAll(const Context& ctx, const Caller& caller) {
  if (caller.is_system) return true;
  return std::any_of(
      kTenantReaderRoles.begin(), kTenantReaderRoles.end(),
      [&](std::string_view role) { return HoldsDirectoryRole(ctx, caller.id, role); });
}

bool HasFreshMfa(const Context& ctx, const Caller& caller) {
  // A time in the future is not trusted either: the token claims something that has not
  // happened yet.
  return caller.mfa_at.has_value() && *caller.mfa_at <= ctx.now &&
         ctx.now - *caller.mfa_at <= ctx.options.mfa_max_age;
}

std::vector<bool> StagesDecidableBy(const Context& ctx, const ScheduleRequest& request,
                                    const PrincipalId& who) {
  std::vector<bool> out;
  if (!request.approval.has_value()) return out;
  const bool pending = request.status == RequestStatus::kPendingApproval;
  for (const ApprovalStage& stage : request.approval->stages) {
    out.push_back(pending && stage.status == StageStatus::kInProgress &&
                  IsApprover(ctx, stage, request, who));
  }
  return out;
}

bool IsCurrentApprover(const Context& ctx, const ScheduleRequest& request, const PrincipalId& who) {
  const std::vector<bool> stages = StagesDecidableBy(ctx, request, who);
  return std::find(stages.begin(), stages.end(), true) != stages.end();
}

bool OwnsGroup(const Context& ctx, const PrincipalId& who, const PrincipalId& group) {
  const AccessIndex::CheckResult r =
      ctx.index.Check(who.str(), GroupTarget(group, GroupAccess::kOwner), ctx.now);
  return r.allowed && r.via_group.empty();
}

bool CanManage(const Context& ctx, const Caller& caller, const Target& target) {
  if (caller.is_system) return true;
  const PrincipalId& who = caller.id;
  switch (target.kind) {
    case TargetKind::kGroup: {
      if (HoldsDirectoryRole(ctx, who, role::kGlobalAdministrator) ||
          HoldsDirectoryRole(ctx, who, role::kPrivilegedRoleAdministrator)) {
        return true;
      }
      const PrincipalId group(target.object_id);
      if (OwnsGroup(ctx, who, group)) return true;
      const Principal* g = ctx.state.FindPrincipal(target.object_id);
      if (g == nullptr || g->is_assignable_to_role) return false;
      return std::any_of(kGroupManagerRoles.begin(), kGroupManagerRoles.end(),
                         [&](std::string_view role) { return HoldsDirectoryRole(ctx, who, role); });
    }
    case TargetKind::kDirectoryRole:
      return HoldsDirectoryRole(ctx, who, role::kGlobalAdministrator) ||
             HoldsDirectoryRole(ctx, who, role::kPrivilegedRoleAdministrator);
    case TargetKind::kResourceRole:
      return ctx.index.Check(who.str(), ResourceRoleTarget(role::kOwner, target.scope), ctx.now)
                 .allowed ||
             ctx.index
                 .Check(who.str(), ResourceRoleTarget(role::kUserAccessAdministrator, target.scope),
                        ctx.now)
                 .allowed;
  }
  return false;
}

bool IsApprover(const Context& ctx, const ApprovalStage& stage, const ScheduleRequest& request,
                const PrincipalId& who) {
  if (IsRequester(request, who) || !IsEnabledUser(ctx, who.str())) return false;
  auto designates = [&](const ApproverRef& ref) {
    const auto designated = Designated(ctx, ref, request);
    return std::find(designated.begin(), designated.end(), who.str()) != designated.end();
  };
  if (std::any_of(stage.approvers.begin(), stage.approvers.end(), designates)) return true;
  return stage.escalation && stage.escalation->escalated &&
         std::any_of(stage.escalation->approvers.begin(), stage.escalation->approvers.end(),
                     designates);
}

int CountApprovers(const Context& ctx, const ApprovalStage& stage, const ScheduleRequest& request) {
  absl::flat_hash_set<std::string> distinct;
  for (const ApproverRef& ref : stage.approvers) {
    for (auto& id : Designated(ctx, ref, request)) distinct.insert(std::move(id));
  }
  return static_cast<int>(distinct.size());
}

std::vector<ApproverRef> ExtensionApprovers(const Target& target) {
  std::vector<ApproverRef> approvers;
  if (target.kind == TargetKind::kResourceRole) {
    approvers.push_back(
        {ApproverKind::kResourceRoleHoldersAtTarget, std::string(role::kOwner), ""});
    approvers.push_back({ApproverKind::kResourceRoleHoldersAtTarget,
                         std::string(role::kUserAccessAdministrator), ""});
    return approvers;
  }
  approvers.push_back(
      {ApproverKind::kDirectoryRoleHolders, std::string(role::kGlobalAdministrator), ""});
  approvers.push_back(
      {ApproverKind::kDirectoryRoleHolders, std::string(role::kPrivilegedRoleAdministrator), ""});
  if (target.kind == TargetKind::kGroup) {
    approvers.push_back({ApproverKind::kGroupOwners, target.object_id, ""});
  }
  return approvers;
}

bool TouchesAdministratorRoles(const State& state, const ChangeSet& changes) {
  auto is_admin_role = [](const Target& t) {
    return t.kind == TargetKind::kDirectoryRole &&
           (t.object_id == role::kGlobalAdministrator ||
            t.object_id == role::kPrivilegedRoleAdministrator);
  };
  auto group_holds_admin_role = [&](const std::string& group) {
    for (const Schedule* s : state.SchedulesOfPrincipal(group)) {
      if (is_admin_role(s->target)) return true;
    }
    return false;
  };
  auto touches = [&](const Entity& e) {
    if (std::holds_alternative<Principal>(e)) return true;
    if (const auto* m = std::get_if<DirectMembership>(&e))
      return group_holds_admin_role(m->group.str());
    if (const auto* s = std::get_if<Schedule>(&e)) {
      return is_admin_role(s->target) ||
             (s->target.kind == TargetKind::kGroup && group_holds_admin_role(s->target.object_id));
    }
    return false;
  };
  for (const ChangeRecord& record : changes.records()) {
    for (const Mutation& m : record.mutations) {
      if ((m.before && touches(*m.before)) || (m.after && touches(*m.after))) return true;
    }
  }
  return false;
}

OwnersTouched GroupsWithOwnersTouched(const ChangeSet& changes) {
  OwnersTouched out;
  auto note = [&](const Entity& e) {
    if (const auto* m = std::get_if<DirectMembership>(&e)) {
      if (m->access == GroupAccess::kOwner) out.groups.push_back(m->group.str());
    } else if (const auto* s = std::get_if<Schedule>(&e)) {
      if (s->kind == ScheduleKind::kAssignment && s->target.kind == TargetKind::kGroup &&
          s->target.access == GroupAccess::kOwner) {
        out.groups.push_back(s->target.object_id);
      }
    }
  };
  for (const ChangeRecord& record : changes.records()) {
    for (const Mutation& m : record.mutations) {
      if (const auto* p = m.before ? std::get_if<Principal>(&*m.before) : nullptr) {
        const auto* after = m.after ? std::get_if<Principal>(&*m.after) : nullptr;
        if (p->enabled && (after == nullptr || !after->enabled)) out.offboarded.insert(p->id.str());
      }
      if (m.before) note(*m.before);
      if (m.after) note(*m.after);
    }
  }
  std::sort(out.groups.begin(), out.groups.end());
  out.groups.erase(std::unique(out.groups.begin(), out.groups.end()), out.groups.end());
  return out;
}

absl::flat_hash_set<std::string> ActiveGroupOwners(const ChangeSet& view,
                                                   const std::string& group) {
  absl::flat_hash_set<std::string> owners;
  auto add = [&](const PrincipalId& id) {
    // A group is no owner (only data stored before groups were refused can name one).
    const Principal* p = view.FindPrincipal(id.str());
    if (p != nullptr && p->enabled && p->kind != PrincipalKind::kGroup) owners.insert(id.str());
  };
  for (const DirectMembership* m : view.MembershipsOfGroup(group)) {
    if (m->access == GroupAccess::kOwner) add(m->principal);
  }
  for (const Schedule* s :
       view.SchedulesOfObject(GroupTarget(PrincipalId(group), GroupAccess::kOwner))) {
    if (s->kind == ScheduleKind::kAssignment && s->state != ScheduleState::kExpired &&
        s->CoversTime(view.at())) {
      add(s->principal);
    }
  }
  return owners;
}

AdminHolders ActiveAdminHolders(const ChangeSet& view, std::string_view role) {
  AdminHolders result;
  const absl::Time now = view.at();
  auto enabled = [&](const std::string& id, PrincipalKind* kind) {
    const Principal* p = view.FindPrincipal(id);
    if (p == nullptr || !p->enabled) return false;
    *kind = p->kind;
    return true;
  };
  auto active = [&](const Schedule& s) {
    return s.kind == ScheduleKind::kAssignment && s.state != ScheduleState::kExpired &&
           s.CoversTime(now);
  };
  for (const Schedule* s : view.SchedulesOfObject(DirectoryRoleTarget(role, "/"))) {
    if (!active(*s) || s->target.scope != "/") continue;
    PrincipalKind kind{};
    if (!enabled(s->principal.str(), &kind)) continue;
    const bool permanent = !s->End().has_value();
    if (kind != PrincipalKind::kGroup) {
      result.holders.insert(s->principal.str());
      result.any_permanent |= permanent;
      continue;
    }
    // A role-assignable group holds the role for its active members (no nesting allowed).
    const std::string& group = s->principal.str();
    auto add_member = [&](const std::string& member, bool membership_permanent) {
      PrincipalKind member_kind{};
      if (!enabled(member, &member_kind) || member_kind == PrincipalKind::kGroup) return;
      result.holders.insert(member);
      result.any_permanent |= permanent && membership_permanent;
    };
    for (const DirectMembership* m : view.MembershipsOfGroup(group)) {
      if (m->access == GroupAccess::kMember) add_member(m->principal.str(), true);
    }
    for (const Schedule* ms :
         view.SchedulesOfObject(GroupTarget(PrincipalId(group), GroupAccess::kMember))) {
      if (active(*ms)) add_member(ms->principal.str(), !ms->End().has_value());
    }
  }
  return result;
}

}  // namespace pim::internal
