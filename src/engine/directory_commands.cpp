// Directory changes (principals, memberships, scopes, role definitions) and policy updates.
//
// Who may change the directory follows Entra's delegation model:
//   * the system caller and an active Global Administrator: everything;
//   * users: User Administrator, except for a protected user (below);
//   * groups that are not role-assignable, and their members and owners: Groups Administrator
//     and User Administrator (Entra: "can manage all aspects of users and groups");
//   * role-assignable groups (`isAssignableToRole`), and their members and owners: Privileged
//     Role Administrator. Creating one is the same right;
//   * service principals: Application Administrator and Cloud Application Administrator, except
//     for a protected service principal;
//   * a group's owner (holding the ownership itself, not through another group) may add and
//     remove the members -- not the owners -- of a group that is not role-assignable.
// Protected principals (Entra restricts who may change "sensitive attributes" of
// administrators): a user or service principal is protected when it holds, active or eligible,
// now or scheduled, any directory role at any scope other than User Administrator, Helpdesk
// Administrator, Groups Administrator and Directory Readers; or when it is a member or owner,
// directly or through an active or eligible PIM assignment, of a role-assignable group (how
// roles are held through groups; Entra reserves those accounts for Global Administrators).
// Only a Global Administrator (or the system) may change or delete a protected principal.
// Every command also goes through the engine's lock-out check (StageLocked -> CheckLockOut),
// so disabling or deleting the last active Global or Privileged Role Administrator is refused.
#include <algorithm>
#include <array>
#include <initializer_list>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"
#include "pim/engine/engine.h"
#include "planner.h"

namespace pim {
namespace {

// Directory roles whose holders are not protected (see the file comment): Entra lets a User
// Administrator reset the passwords of holders of these roles.
constexpr std::array<std::string_view, 4> kUnprotectedRoles = {
    role::kUserAdministrator, role::kHelpdeskAdministrator, role::kGroupsAdministrator,
    role::kDirectoryReaders};

using internal::BadRequest;

absl::Status Denied(std::string_view message) {
  return Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed, message);
}

absl::string_view A(std::string_view s) { return {s.data(), s.size()}; }

bool HoldsAny(const internal::Context& ctx, const Caller& caller,
              std::initializer_list<std::string_view> roles) {
  return std::any_of(roles.begin(), roles.end(), [&](std::string_view role) {
    return internal::HoldsDirectoryRole(ctx, caller.id, role);
  });
}

bool IsSystemOrGlobalAdmin(const internal::Context& ctx, const Caller& caller) {
  return caller.is_system ||
         internal::HoldsDirectoryRole(ctx, caller.id, role::kGlobalAdministrator);
}

absl::Status RequireDirectoryAdmin(const internal::Context& ctx, const Caller& caller) {
  if (IsSystemOrGlobalAdmin(ctx, caller)) return absl::OkStatus();
  return Denied("Only a Global Administrator can change the directory.");
}

absl::Status RequireManage(const internal::Context& ctx, const Caller& caller, const Target& t) {
  if (internal::CanManage(ctx, caller, t)) return absl::OkStatus();
  return Denied("The caller is not allowed to manage this target.");
}

bool IsRoleAssignableGroup(const State& state, const std::string& id) {
  const Principal* g = state.FindPrincipal(id);
  return g != nullptr && g->kind == PrincipalKind::kGroup && g->is_assignable_to_role;
}

// Whether principal `id` is protected (see the file comment), judged on the committed state.
bool IsProtected(const State& state, const std::string& id) {
  for (const Schedule* s : state.SchedulesOfPrincipal(id)) {
    if (s->state == ScheduleState::kExpired) continue;
    if (s->target.kind == TargetKind::kDirectoryRole &&
        std::find(kUnprotectedRoles.begin(), kUnprotectedRoles.end(), s->target.object_id) ==
            kUnprotectedRoles.end()) {
      return true;
    }
    if (s->target.kind == TargetKind::kGroup && IsRoleAssignableGroup(state, s->target.object_id)) {
      return true;
    }
  }
  for (const DirectMembership* m : state.MembershipsOfPrincipal(id)) {
    if (m->principal.str() == id && IsRoleAssignableGroup(state, m->group.str())) {
      return true;
    }
  }
  return false;
}

// Whether `caller` may create, change or delete `subject` (as stored, or as it will be created
// when `exists` is false).
absl::Status AuthorizePrincipal(const internal::Context& ctx, const Caller& caller,
                                const Principal& subject, bool exists) {
  if (IsSystemOrGlobalAdmin(ctx, caller)) return absl::OkStatus();
  const bool is_protected = exists && IsProtected(ctx.state, subject.id.str());
  switch (subject.kind) {
    case PrincipalKind::kUser:
      if (!HoldsAny(ctx, caller, {role::kUserAdministrator})) {
        return Denied("Only a Global Administrator or User Administrator can manage users.");
      }
      if (is_protected) {
        return Denied(
            "This user holds a privileged directory role or belongs to a role-assignable group; "
            "only a Global Administrator can change it.");
      }
      return absl::OkStatus();
    case PrincipalKind::kGroup:
      if (subject.is_assignable_to_role) {
        if (HoldsAny(ctx, caller, {role::kPrivilegedRoleAdministrator})) return absl::OkStatus();
        return Denied(
            "Only a Global Administrator or Privileged Role Administrator can manage "
            "role-assignable groups.");
      }
      if (HoldsAny(ctx, caller, {role::kGroupsAdministrator, role::kUserAdministrator})) {
        return absl::OkStatus();
      }
      return Denied(
          "Only a Global Administrator, Groups Administrator or User Administrator can manage "
          "groups.");
    case PrincipalKind::kServicePrincipal:
      if (!HoldsAny(ctx, caller,
                    {role::kApplicationAdministrator, role::kCloudApplicationAdministrator})) {
        return Denied(
            "Only a Global Administrator, Application Administrator or Cloud Application "
            "Administrator can manage service principals.");
      }
      if (is_protected) {
        return Denied(
            "This service principal holds a privileged directory role or belongs to a "
            "role-assignable group; only a Global Administrator can change it.");
      }
      return absl::OkStatus();
  }
  return Denied("The caller is not allowed to change this principal.");
}

// Whether `caller` may add or remove `access` relationships of `group`.
absl::Status AuthorizeMembership(const internal::Context& ctx, const Caller& caller,
                                 const Principal& group, GroupAccess access) {
  if (IsSystemOrGlobalAdmin(ctx, caller)) return absl::OkStatus();
  if (group.is_assignable_to_role) {
    if (HoldsAny(ctx, caller, {role::kPrivilegedRoleAdministrator})) return absl::OkStatus();
    return Denied(
        "Only a Global Administrator or Privileged Role Administrator can change the members "
        "and owners of a role-assignable group.");
  }
  if (HoldsAny(ctx, caller, {role::kGroupsAdministrator, role::kUserAdministrator})) {
    return absl::OkStatus();
  }
  if (access == GroupAccess::kMember && internal::OwnsGroup(ctx, caller.id, group.id)) {
    return absl::OkStatus();
  }
  return Denied(access == GroupAccess::kMember
                    ? "Only the group's owners, a Groups Administrator, User Administrator or "
                      "Global Administrator can change its members."
                    : "Only a Groups Administrator, User Administrator or Global Administrator "
                      "can change a group's owners.");
}

// The rules every principal written must satisfy; `existing` is the stored version, if any.
absl::Status ValidatePrincipal(const State& state, const Principal& p, const Principal* existing) {
  if (!IsGuid(p.id.str()) || p.id.str() != absl::AsciiStrToLower(p.id.str())) {
    return BadRequest("A principal id must be a lowercase GUID.");
  }
  if (p.display_name.size() > 256 || p.mail.size() > 256) {
    return BadRequest("displayName and mail are limited to 256 characters.");
  }
  if (p.is_assignable_to_role && p.kind != PrincipalKind::kGroup) {
    return BadRequest("Only groups can be role-assignable.");
  }
  if (existing != nullptr &&
      (existing->kind != p.kind || existing->is_assignable_to_role != p.is_assignable_to_role)) {
    return BadRequest("A principal's kind and isAssignableToRole cannot change.");
  }
  // A user's mail is its userPrincipalName, which signs it in: unique, ignoring case. Checked
  // only when it changes (a scan of the directory).
  if (p.kind == PrincipalKind::kUser && !p.mail.empty() &&
      (existing == nullptr || !absl::EqualsIgnoreCase(A(existing->mail), A(p.mail)))) {
    for (const auto& [id, other] : state.principals()) {
      if (other.kind == PrincipalKind::kUser && id != p.id.str() &&
          absl::EqualsIgnoreCase(A(other.mail), A(p.mail))) {
        return Error(absl::StatusCode::kAlreadyExists, code::kObjectExists,
                     "Another object with the same value for property userPrincipalName "
                     "already exists.");
      }
    }
  }
  return absl::OkStatus();
}

// Stages `p` (created or replaced).
void StagePrincipal(ChangeSet& changes, const Principal& p, bool exists) {
  changes.BeginRecord(exists ? "principal.updated" : "principal.created",
                      absl::StrCat(std::string(kPrincipalKindNames.Name(p.kind)), " ", p.id.str()));
  changes.Put(p);
}

// Validates, authorises and stages the addition of `m`, judged on the view `changes` (so a
// group or member created earlier in the same command counts). Returns false, staging nothing,
// when the membership exists and `skip_existing` is set.
absl::StatusOr<bool> PlanAddMembership(const internal::Context& ctx, const Caller& caller,
                                       ChangeSet& changes, const DirectMembership& m,
                                       bool skip_existing) {
  const Principal* group = changes.FindPrincipal(m.group.str());
  if (group == nullptr || group->kind != PrincipalKind::kGroup) {
    return Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
                 absl::StrCat("Group ", m.group.str(), " does not exist."));
  }
  const Principal* member = changes.FindPrincipal(m.principal.str());
  if (member == nullptr) {
    return Error(absl::StatusCode::kNotFound, code::kSubjectNotFound,
                 absl::StrCat("Principal ", m.principal.str(), " does not exist."));
  }
  if (m.principal == m.group) return BadRequest("A group cannot contain itself.");
  if (member->kind == PrincipalKind::kGroup && m.access == GroupAccess::kOwner) {
    return BadRequest(internal::kGroupsCannotOwnGroups);
  }
  if (group->is_assignable_to_role && member->kind == PrincipalKind::kGroup &&
      m.access == GroupAccess::kMember) {
    return BadRequest("No group can be a member of a role-assignable group.");
  }
  PIM_RETURN_IF_ERROR(AuthorizeMembership(ctx, caller, *group, m.access));
  if (changes.FindMembership(m.Key()) != nullptr) {
    if (skip_existing) return false;
    return Error(absl::StatusCode::kAlreadyExists, code::kObjectExists,
                 "This membership already exists.");
  }
  changes.BeginRecord("membership.added", m.Key());
  changes.Put(m);
  return true;
}

// Ends the activations that rested on `member` being in `group`.
void EndActivationsThroughGroup(ChangeSet& changes, const PrincipalId& member,
                                const std::string& group) {
  for (const Schedule* a : internal::ActivationsThroughGroup(changes, member, group)) {
    changes.Erase(EntityKind::kSchedule, a->id.str());
  }
}

// Validates, authorises and stages the removal of standing membership `m`, ending the
// activations that rested on it.
absl::Status PlanRemoveMembership(const internal::Context& ctx, const Caller& caller,
                                  ChangeSet& changes, const DirectMembership& m) {
  if (ctx.state.FindMembership(m.Key()) == nullptr) {
    return Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
                 "This membership does not exist.");
  }
  const Principal* group = ctx.state.FindPrincipal(m.group.str());
  if (group == nullptr) {
    return Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
                 absl::StrCat("Group ", m.group.str(), " does not exist."));
  }
  PIM_RETURN_IF_ERROR(AuthorizeMembership(ctx, caller, *group, m.access));
  changes.BeginRecord("membership.removed", m.Key());
  changes.Erase(EntityKind::kMembership, m.Key());
  if (m.access == GroupAccess::kMember) {
    EndActivationsThroughGroup(changes, m.principal, m.group.str());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Engine::PutPrincipal(const Caller& caller, const Principal& principal) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               const Principal* existing = ctx.state.FindPrincipal(principal.id.str());
               PIM_RETURN_IF_ERROR(AuthorizePrincipal(
                   ctx, caller, existing != nullptr ? *existing : principal, existing != nullptr));
               PIM_RETURN_IF_ERROR(ValidatePrincipal(ctx.state, principal, existing));
               StagePrincipal(changes, principal, existing != nullptr);
               return true;
             })
      .status();
}

absl::StatusOr<Engine::DirectoryOutcome> Engine::WriteDirectoryObject(const Caller& caller,
                                                                      const DirectoryWrite& write) {
  return RunCommand<DirectoryOutcome>(
      caller,
      [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<DirectoryOutcome> {
        Principal p = write.principal;
        const Principal* existing = ctx.state.FindPrincipal(p.id.str());
        if (!write.expected.has_value() && existing != nullptr) {
          return Error(absl::StatusCode::kAlreadyExists, code::kObjectExists,
                       absl::StrCat("An object with id ", p.id.str(), " already exists."));
        }
        if (write.expected.has_value() && existing == nullptr) {
          return Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
                       absl::StrCat("Resource '", p.id.str(), "' does not exist."));
        }
        if (write.expected.has_value() && !(*existing == *write.expected)) {
          return Error(absl::StatusCode::kAborted, "ConcurrentDirectoryChange",
                       "The object changed while this request was processed; read it again.");
        }
        PIM_RETURN_IF_ERROR(AuthorizePrincipal(ctx, caller, existing != nullptr ? *existing : p,
                                               existing != nullptr));
        p.pim_managed = existing != nullptr && existing->pim_managed;
        PIM_RETURN_IF_ERROR(ValidatePrincipal(ctx.state, p, existing));
        DirectoryOutcome outcome = DirectoryOutcome::kUnchanged;
        if (existing == nullptr) {
          outcome = DirectoryOutcome::kCreated;
        } else if (!(*existing == p)) {
          outcome = DirectoryOutcome::kUpdated;
        }
        if (outcome != DirectoryOutcome::kUnchanged) {
          StagePrincipal(changes, p, existing != nullptr);
        }
        for (const DirectMembership& m : write.memberships) {
          if (m.group != p.id && m.principal != p.id) {
            return BadRequest("Each membership of a directory write must name the written object.");
          }
          PIM_ASSIGN_OR_RETURN(const bool added,
                               PlanAddMembership(ctx, caller, changes, m, /*skip_existing=*/true));
          if (added && outcome == DirectoryOutcome::kUnchanged) {
            outcome = DirectoryOutcome::kUpdated;
          }
        }
        return outcome;
      });
}

PrincipalId Engine::NewPrincipalId() { return PrincipalId(ids_.NewGuid()); }

absl::Status Engine::DeletePrincipal(const Caller& caller, const PrincipalId& id) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               const Principal* p = ctx.state.FindPrincipal(id.str());
               if (p == nullptr) {
                 return Error(absl::StatusCode::kNotFound, code::kSubjectNotFound,
                              absl::StrCat("Principal ", id.str(), " does not exist."));
               }
               PIM_RETURN_IF_ERROR(AuthorizePrincipal(ctx, caller, *p, /*exists=*/true));
               changes.BeginRecord("principal.deleted", id.str());
               // Everything the principal holds, and for a group everything held in it, goes too.
               for (const DirectMembership* m : ctx.state.MembershipsOfPrincipal(id.str())) {
                 changes.Erase(EntityKind::kMembership, m->Key());
               }
               for (const Schedule* s : ctx.state.SchedulesOfPrincipal(id.str())) {
                 changes.Erase(EntityKind::kSchedule, s->id.str());
               }
               if (p->kind == PrincipalKind::kGroup) {
                 for (const DirectMembership* m : ctx.state.MembershipsOfGroup(id.str())) {
                   changes.Erase(EntityKind::kMembership, m->Key());
                 }
                 for (const GroupAccess access : {GroupAccess::kMember, GroupAccess::kOwner}) {
                   for (const Schedule* s : ctx.state.SchedulesOfObject(GroupTarget(id, access))) {
                     changes.Erase(EntityKind::kSchedule, s->id.str());
                   }
                 }
               }
               changes.Erase(EntityKind::kPrincipal, id.str());
               return true;
             })
      .status();
}

absl::Status Engine::AddMembership(const Caller& caller, const DirectMembership& m) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               return PlanAddMembership(ctx, caller, changes, m, /*skip_existing=*/false);
             })
      .status();
}

absl::Status Engine::RemoveMembership(const Caller& caller, const DirectMembership& m) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               PIM_RETURN_IF_ERROR(PlanRemoveMembership(ctx, caller, changes, m));
               return true;
             })
      .status();
}

absl::Status Engine::EndMembership(const Caller& caller, const DirectMembership& m) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               const Target target = GroupTarget(m.group, m.access);
               bool through_pim = false;
               for (const Schedule* s : ctx.state.SchedulesOfObject(target)) {
                 through_pim |= s->principal == m.principal &&
                                s->kind == ScheduleKind::kAssignment &&
                                s->state != ScheduleState::kExpired && s->CoversTime(ctx.now);
               }
               const bool standing = ctx.state.FindMembership(m.Key()) != nullptr;
               if (standing || !through_pim) {
                 PIM_RETURN_IF_ERROR(PlanRemoveMembership(ctx, caller, changes, m));
               }
               if (through_pim) {
                 RequestInput remove;
                 remove.kind = ScheduleKind::kAssignment;
                 remove.action = RequestAction::kAdminRemove;
                 remove.principal = m.principal;
                 remove.target = target;
                 remove.justification = "Removed through the Groups API.";
                 PIM_RETURN_IF_ERROR(internal::PlanRequest(ctx, caller, remove, changes).status());
               }
               return true;
             })
      .status();
}

absl::Status Engine::RegisterScope(const Caller& caller, const ScopeNode& node) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               PIM_RETURN_IF_ERROR(RequireDirectoryAdmin(ctx, caller));
               ScopeNode n = node;
               n.path = CanonicalScope(node.path);
               PIM_ASSIGN_OR_RETURN(const ScopeShape shape, ClassifyScope(n.path));
               if (shape.kind == ScopeKind::kTenant)
                 return BadRequest("The tenant root always exists.");
               n.kind = shape.kind;
               if (shape.derived_parent) {
                 if (!node.parent.empty() && CanonicalScope(node.parent) != *shape.derived_parent) {
                   return BadRequest(absl::StrCat("The parent of '", n.path, "' is '",
                                                  *shape.derived_parent, "'."));
                 }
                 n.parent = *shape.derived_parent;
               } else {
                 n.parent = node.parent.empty() ? "/" : CanonicalScope(node.parent);
               }
               const ScopeNode* parent = ctx.state.FindScope(n.parent);
               if (parent == nullptr) {
                 return Error(absl::StatusCode::kNotFound, code::kScopeNotFound,
                              absl::StrCat("Parent scope '", n.parent, "' is not registered."));
               }
               const bool parent_ok =
                   n.kind == ScopeKind::kAdministrativeUnit
                       ? parent->kind == ScopeKind::kTenant
                       : (shape.derived_parent.has_value() || parent->kind == ScopeKind::kTenant ||
                          parent->kind == ScopeKind::kManagementGroup);
               if (!parent_ok) {
                 return BadRequest(absl::StrCat("A ", std::string(kScopeKindNames.Name(n.kind)),
                                                " cannot be placed under '", n.parent, "'."));
               }
               if (n.display_name.size() > 256)
                 return BadRequest("displayName is limited to 256 characters.");
               const ScopeNode* existing = ctx.state.FindScope(n.path);
               if (existing != nullptr && existing->parent != n.parent) {
                 return BadRequest("Moving a registered scope to another parent is not supported.");
               }
               // A name keeps the case it was first registered with (as an Azure resource's does).
               if (existing != nullptr && !existing->spelling.empty()) {
                 n.spelling = existing->spelling;
               } else {
                 n.spelling = SpellScope(node.path, n.kind,
                                         parent->spelling.empty() ? GuessScopeSpelling(parent->path)
                                                                  : parent->spelling);
               }
               changes.BeginRecord(existing ? "scope.updated" : "scope.registered", n.path);
               changes.Put(std::move(n));
               return true;
             })
      .status();
}

absl::Status Engine::PutRoleDefinition(const Caller& caller, const RoleDefinition& role) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               PIM_RETURN_IF_ERROR(RequireDirectoryAdmin(ctx, caller));
               if (!IsGuid(role.id.str()) ||
                   role.id.str() != absl::AsciiStrToLower(role.id.str())) {
                 return BadRequest("A role definition id must be a lowercase GUID.");
               }
               const RoleDefinition* existing = ctx.state.FindRole(role.id.str());
               if (existing != nullptr && existing->is_built_in) {
                 return BadRequest("Built-in role definitions cannot be changed.");
               }
               if (role.is_built_in)
                 return BadRequest("Custom role definitions cannot be built-in.");
               if (existing != nullptr && existing->kind != role.kind) {
                 return BadRequest("A role definition's kind cannot change.");
               }
               if (role.display_name.empty() || role.display_name.size() > 256) {
                 return BadRequest("displayName must be 1-256 characters.");
               }
               changes.BeginRecord(existing ? "roleDefinition.updated" : "roleDefinition.created",
                                   role.display_name);
               changes.Put(role);
               return true;
             })
      .status();
}

absl::StatusOr<Policy> Engine::UpdatePolicy(const Caller& caller, const Policy& policy) {
  return RunCommand<Policy>(
      caller, [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<Policy> {
        Target target = policy.target;
        if (target.kind == TargetKind::kDirectoryRole) target.scope = "/";
        if (target.kind == TargetKind::kGroup) target.scope.clear();
        PIM_RETURN_IF_ERROR(internal::ValidateTarget(ctx, target));
        PIM_RETURN_IF_ERROR(RequireManage(ctx, caller, target));
        if (policy.id != internal::PolicyIdFor(ctx.options, target)) {
          return Error(absl::StatusCode::kNotFound, code::kPolicyNotFound,
                       absl::StrCat("No policy ", policy.id.str(), " governs this target."));
        }
        PIM_RETURN_IF_ERROR(ValidatePolicy(policy));
        Policy updated = policy;
        updated.target = target;
        updated.last_modified = ctx.now;
        updated.last_modified_by = caller.id;
        changes.BeginRecord("policy.updated", updated.id.str());
        changes.Put(updated);
        internal::OnboardGroup(ctx, changes, target);
        return updated;
      });
}

absl::StatusOr<bool> Engine::ResetPolicy(const Caller& caller, const Target& target) {
  return RunCommand<bool>(
      caller, [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
        Target t = target;
        if (t.kind == TargetKind::kDirectoryRole) t.scope = "/";
        if (t.kind == TargetKind::kGroup) t.scope.clear();
        PIM_RETURN_IF_ERROR(internal::ValidateTarget(ctx, t));
        PIM_RETURN_IF_ERROR(RequireManage(ctx, caller, t));
        const std::string id = internal::PolicyIdFor(ctx.options, t).str();
        if (ctx.state.FindPolicy(id) == nullptr) return false;
        changes.BeginRecord("policy.updated", id);  // back to the defaults
        changes.Erase(EntityKind::kPolicy, id);
        return true;
      });
}

}  // namespace pim
