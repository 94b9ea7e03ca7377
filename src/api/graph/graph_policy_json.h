// Microsoft Graph wire form of role management policies (reference sections 3.2-3.6):
// `unifiedRoleManagementPolicy`, `unifiedRoleManagementPolicyAssignment` and the 17 rules of a
// policy, each with its derived `@odata.type`, `id`, `target` and the type's own properties.
// Rendering reads a pim::Policy; applying a rule body writes onto a copy of one, so a malformed
// body changes nothing. The engine validates the result (ValidatePolicy) when it is stored.
//
// Pure functions, thread-safe. Nothing here throws: JSON is only read through checked accessors.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "pim/domain/policy.h"
#include "pim/domain/target.h"

namespace pim::api::graph {

// The 17 rule ids, in the order rules are listed.
[[nodiscard]] std::span<const std::string_view> PolicyRuleIds();

// The canonical spelling of rule id `id` (matched case-insensitively), or nullopt when it is
// not one of the 17.
[[nodiscard]] std::optional<std::string_view> CanonicalRuleId(std::string_view id);

// One rule of `policy` as Graph returns it. `rule_id` must be canonical (CanonicalRuleId).
[[nodiscard]] boost::json::object RuleToJson(const Policy& policy, std::string_view rule_id);
// All 17 rules, in PolicyRuleIds() order.
[[nodiscard]] boost::json::array RulesToJson(const Policy& policy);

// The policy entity without its relationships. `scope_type` is "DirectoryRole", "Directory" or
// "Group" (a directory-role policy listed under scopeType Directory reports that type);
// `modified_by_name` is the display name of policy.last_modified_by, if known.
[[nodiscard]] boost::json::object PolicyToJson(const Policy& policy, std::string_view scope_type,
                                               std::string_view modified_by_name);

// The policy assignment entity (without `policy`): id "{policyId}_{roleDefinitionId}".
[[nodiscard]] boost::json::object PolicyAssignmentToJson(const Policy& policy,
                                                         std::string_view scope_type);

// "DirectoryRole" or "Group" for the target of a Graph policy.
[[nodiscard]] std::string_view ScopeTypeOf(const Target& target);
// "/" for directory roles, the group id for groups.
[[nodiscard]] std::string ScopeIdOf(const Target& target);
// The assignment's roleDefinitionId: the role id, or "member"/"owner" for groups.
[[nodiscard]] std::string RoleDefinitionIdOf(const Target& target);

// The target a Graph policy id names, by its shape only: "DirectoryRole_{tenant}_{roleId}" (also
// "Directory_{tenant}_{roleId}") or "Group_{groupId}_{member|owner}". The caller checks that the
// engine gives that target the same id and that the role or group exists. nullopt when the id
// has neither shape.
[[nodiscard]] std::optional<Target> TargetOfPolicyId(std::string_view policy_id);
// The same for a policy assignment id "{policyId}_{roleDefinitionId}"; nullopt unless the
// roleDefinitionId part agrees with the policy id.
[[nodiscard]] std::optional<Target> TargetOfPolicyAssignmentId(std::string_view assignment_id);

// Applies the rule body `rule` (a PATCH body for rule `rule_id`, canonical) onto `policy`.
// Properties the body omits keep their value. The body must carry the `@odata.type` of the
// rule's type; `id`, when given, must name the same rule; `target`, when given, must agree with
// the rule's caller and level. Errors: InvalidArgument / BadRequest naming the first problem
// (wrong type, unknown property, unknown enum value, bad duration...); `policy` may then be
// partly written, so callers apply onto a copy.
[[nodiscard]] absl::Status ApplyRuleJson(const boost::json::object& rule, std::string_view rule_id,
                                         Policy& policy);

// Applies a policy PATCH body: only `rules` (each with its `id`) changes anything; the
// read-only policy properties are accepted and ignored. Same errors as ApplyRuleJson.
[[nodiscard]] absl::Status ApplyPolicyJson(const boost::json::object& body, Policy& policy);

}  // namespace pim::api::graph
