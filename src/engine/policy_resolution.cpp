// Which policy governs a target, and its id.
#include "absl/strings/str_cat.h"
#include "planner.h"

namespace pim::internal {
namespace {

std::string ResourcePolicyId(const std::string& scope, const std::string& role_id) {
  // ARM shape: {scope}/providers/Microsoft.Authorization/roleManagementPolicies/{name}; the
  // name is the role definition id, so the id is derivable without storing defaults.
  return absl::StrCat(scope == "/" ? std::string() : scope,
                      "/providers/Microsoft.Authorization/roleManagementPolicies/", role_id);
}

}  // namespace

PolicyId PolicyIdFor(const EngineOptions& options, const Target& target) {
  switch (target.kind) {
    case TargetKind::kGroup:
      return PolicyId(absl::StrCat("Group_", target.object_id, "_",
                                   std::string(kGroupAccessNames.Name(target.access))));
    case TargetKind::kDirectoryRole:
      return PolicyId(absl::StrCat("DirectoryRole_", options.tenant_id, "_", target.object_id));
    case TargetKind::kResourceRole:
      return PolicyId(ResourcePolicyId(target.scope, target.object_id));
  }
  return PolicyId();
}

namespace {

// The stored policy governing `target`, or the defaults.
Policy StoredOrDefaultPolicy(const State& state, const EngineOptions& options,
                             const Target& target) {
  Target policy_target = target;
  if (target.kind == TargetKind::kGroup) policy_target.scope.clear();
  if (target.kind == TargetKind::kDirectoryRole) policy_target.scope = "/";
  if (target.kind == TargetKind::kResourceRole) {
    // The nearest scope at or above the target's that has a stored policy for this role.
    std::string scope = target.scope;
    for (int depth = 0; depth < 64 && !scope.empty(); ++depth) {
      if (const Policy* p = state.FindPolicy(ResourcePolicyId(scope, target.object_id))) return *p;
      const ScopeNode* node = state.FindScope(scope);
      if (node == nullptr) break;
      scope = node->parent;
    }
  }
  const PolicyId id = PolicyIdFor(options, policy_target);
  if (const Policy* p = state.FindPolicy(id.str())) return *p;
  return DefaultPolicy(id, policy_target);
}

}  // namespace

Policy EffectivePolicy(const State& state, const EngineOptions& options, const Target& target) {
  Policy policy = StoredOrDefaultPolicy(state, options, target);
  // An activation always ends (ValidatePolicy refuses anything else); a policy stored before
  // that rule is read as if it had it.
  policy.activation_expiration.is_expiration_required = true;
  return policy;
}

}  // namespace pim::internal
