// Directory changes (principals, memberships, scopes, role definitions) and policy updates.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"
#include "pim/engine/engine.h"
#include "planner.h"

namespace pim {
namespace {

absl::Status BadRequest(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, message);
}

absl::Status RequireDirectoryAdmin(const internal::Context& ctx, const Caller& caller) {
  if (caller.is_system ||
      internal::HoldsDirectoryRole(ctx, caller.id, role::kGlobalAdministrator)) {
    return absl::OkStatus();
  }
  return Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
               "Only a Global Administrator can change the directory.");
}

absl::Status RequireManage(const internal::Context& ctx, const Caller& caller, const Target& t) {
  if (internal::CanManage(ctx, caller, t)) return absl::OkStatus();
  return Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
               "The caller is not allowed to manage this target.");
}

// Ends the activations that rested on `member` being in `group`.
void EndActivationsThroughGroup(ChangeSet& changes, const PrincipalId& member,
                                const std::string& group) {
  for (const Schedule* a : internal::ActivationsThroughGroup(changes, member, group)) {
    changes.Erase(EntityKind::kSchedule, a->id.str());
  }
}

}  // namespace

absl::Status Engine::PutPrincipal(const Caller& caller, const Principal& principal) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               PIM_RETURN_IF_ERROR(RequireDirectoryAdmin(ctx, caller));
               if (!IsGuid(principal.id.str()) ||
                   principal.id.str() != absl::AsciiStrToLower(principal.id.str())) {
                 return BadRequest("A principal id must be a lowercase GUID.");
               }
               if (principal.display_name.size() > 256 || principal.mail.size() > 256) {
                 return BadRequest("displayName and mail are limited to 256 characters.");
               }
               if (principal.is_assignable_to_role && principal.kind != PrincipalKind::kGroup) {
                 return BadRequest("Only groups can be role-assignable.");
               }
               const Principal* existing = ctx.state.FindPrincipal(principal.id.str());
               if (existing != nullptr &&
                   (existing->kind != principal.kind ||
                    existing->is_assignable_to_role != principal.is_assignable_to_role)) {
                 return BadRequest("A principal's kind and isAssignableToRole cannot change.");
               }
               changes.BeginRecord(
                   existing ? "principal.updated" : "principal.created",
                   absl::StrCat(std::string(kPrincipalKindNames.Name(principal.kind)), " ",
                                principal.id.str()));
               changes.Put(principal);
               return true;
             })
      .status();
}

absl::Status Engine::DeletePrincipal(const Caller& caller, const PrincipalId& id) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               PIM_RETURN_IF_ERROR(RequireDirectoryAdmin(ctx, caller));
               const Principal* p = ctx.state.FindPrincipal(id.str());
               if (p == nullptr) {
                 return Error(absl::StatusCode::kNotFound, code::kSubjectNotFound,
                              absl::StrCat("Principal ", id.str(), " does not exist."));
               }
               changes.BeginRecord("principal.deleted", id.str());
               // Everything the principal holds, and for a group everything held in it, goes too.
               for (const auto& key : ctx.state.MembershipsOfPrincipal(id.str())) {
                 changes.Erase(EntityKind::kMembership, key);
               }
               for (const Schedule* s : ctx.state.SchedulesOfPrincipal(id.str())) {
                 changes.Erase(EntityKind::kSchedule, s->id.str());
               }
               if (p->kind == PrincipalKind::kGroup) {
                 for (const auto& key : ctx.state.MembershipsOfGroup(id.str())) {
                   changes.Erase(EntityKind::kMembership, key);
                 }
                 for (const GroupAccess access : {GroupAccess::kMember, GroupAccess::kOwner}) {
                   for (const Schedule* s :
                        ctx.state.SchedulesOfObject(GroupTarget(id, access).ObjectKey())) {
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
               const Target target = GroupTarget(m.group, m.access);
               PIM_RETURN_IF_ERROR(internal::ValidateTarget(ctx, target));
               const Principal* member = ctx.state.FindPrincipal(m.principal.str());
               if (member == nullptr) {
                 return Error(absl::StatusCode::kNotFound, code::kSubjectNotFound,
                              absl::StrCat("Principal ", m.principal.str(), " does not exist."));
               }
               if (m.principal == m.group) return BadRequest("A group cannot contain itself.");
               const Principal* group = ctx.state.FindPrincipal(m.group.str());
               if (group->is_assignable_to_role && member->kind == PrincipalKind::kGroup &&
                   m.access == GroupAccess::kMember) {
                 return BadRequest("No group can be a member of a role-assignable group.");
               }
               PIM_RETURN_IF_ERROR(RequireManage(ctx, caller, target));
               if (ctx.state.FindMembership(m.Key()) != nullptr) {
                 return Error(absl::StatusCode::kAlreadyExists, code::kObjectExists,
                              "This membership already exists.");
               }
               changes.BeginRecord("membership.added", m.Key());
               changes.Put(m);
               return true;
             })
      .status();
}

absl::Status Engine::RemoveMembership(const Caller& caller, const DirectMembership& m) {
  return RunCommand<bool>(
             caller,
             [&](const internal::Context& ctx, ChangeSet& changes) -> absl::StatusOr<bool> {
               if (ctx.state.FindMembership(m.Key()) == nullptr) {
                 return Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
                              "This membership does not exist.");
               }
               PIM_RETURN_IF_ERROR(RequireManage(ctx, caller, GroupTarget(m.group, m.access)));
               changes.BeginRecord("membership.removed", m.Key());
               changes.Erase(EntityKind::kMembership, m.Key());
               if (m.access == GroupAccess::kMember) {
                 EndActivationsThroughGroup(changes, m.principal, m.group.str());
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

}  // namespace pim
