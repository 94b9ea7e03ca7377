// Azure Resource Manager wire form of role management policies and policy assignments
// (reference 4.7): rules discriminated by `ruleType`, approvers as `UserSet`, PascalCase enums,
// and the stable GUID name of the policy of one (scope, role).
//
// Pure functions, thread-safe. Nothing here throws: JSON is only read through checked accessors.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "pim/domain/policy.h"
#include "pim/engine/state.h"

namespace pim::api::arm {

// The ARM name of the policy of resource role `role_id` at canonical scope `scope`: a name-based
// (version 5, SHA-1) UUID of both, lower-case. Stable across restarts and servers.
[[nodiscard]] std::string PolicyNameFor(std::string_view scope, std::string_view role_id);

// The 17 rules of `policy` in ARM form, in the Graph order.
[[nodiscard]] boost::json::array RulesToArmJson(const Policy& policy);

// The policy of `target` (a resource role at its scope) as ARM returns it:
// {id, name, type, properties{scope, displayName, description, isOrganizationDefault,
// lastModifiedBy, lastModifiedDateTime, rules, effectiveRules, policyProperties}}. `state`
// supplies display names.
[[nodiscard]] boost::json::object PolicyToArmJson(const Policy& policy, const Target& target,
                                                  const State& state);
// The policy assignment of `target`: name "{policyName}_{roleGuid}".
[[nodiscard]] boost::json::object PolicyAssignmentToArmJson(const Policy& policy,
                                                            const Target& target,
                                                            const State& state);

// Applies a PATCH body {"properties": {"rules": [...]}} onto `policy`: only the rules sent
// change, and of those only the properties sent. Every rule needs its `id` and the matching
// `ruleType`. Errors: InvalidArgument / BadRequest naming the first problem (unknown rule id,
// wrong JSON type, unknown property or enum value, bad duration); `policy` may then be partly
// written, so callers apply onto a copy.
[[nodiscard]] absl::Status ApplyArmPolicyPatch(const boost::json::object& body, Policy& policy);

}  // namespace pim::api::arm
