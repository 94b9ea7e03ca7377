// Role settings as code: policies exported to a JSON file that lives in the organisation's
// repository, and imported back, rule by rule. Directory roles and groups go through Graph's
// policy API (/v1.0/policies/roleManagementPolicyAssignments, PATCH
// …/roleManagementPolicies/{id}/rules/{id}); Azure resource roles through ARM at their scope
// ({scope}/providers/Microsoft.Authorization/roleManagementPolicyAssignments to find the policy,
// PATCH {scope}/…/roleManagementPolicies/{name} with one rule at a time). A plan says exactly
// which setting of which rule of which policy changes, from what to what; a dry run prints the
// plan and changes nothing.
//
// The file:
//   {"policies": [
//     {"directoryRole": "User Administrator", "roleDefinitionId": "fe930be7-…", "rules": [rule…]},
//     {"group": "Prod Operators", "groupId": "d000…a1", "access": "member", "rules": [rule…]},
//     {"azureResourceRole": "Contributor", "roleDefinitionId": "b24988ac-…",
//      "scope": "/subscriptions/…", "rules": [rule…]}]}
// Graph rules are Graph rule objects (`id`, `@odata.type`, their settings), ARM rules ARM rule
// objects (`id`, `ruleType`, their settings); a rule may list only the settings it fixes.
// Directory roles and resource roles are found by roleDefinitionId (a GUID, or for resource
// roles also the full ARM id), else by name; groups by groupId, else by name. An entry with a
// `scope` (or `azureResourceRole`) is a resource role at that scope.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "pim/cli/session.h"

namespace pim::cli {

// One setting that differs: `path` like "setting.approvalStages[0].primaryApprovers".
struct SettingChange {
  std::string path;
  boost::json::value from;  // null when absent
  boost::json::value to;
};

// The settings of `desired` that differ from `current`. Keys absent from `desired` are left
// as they are; `id`, `@odata.type` and (ARM) `ruleType` identify the rule and are not compared;
// strings compare case-insensitively (the API echoes enums in its own casing, e.g. "all" for
// "All").
[[nodiscard]] std::vector<SettingChange> DiffRule(const boost::json::object& current,
                                                  const boost::json::object& desired);

// `current` with every value of `desired` laid over it (objects merged key by key; arrays and
// scalars replaced): the full rule to PATCH.
[[nodiscard]] boost::json::object MergeRule(const boost::json::object& current,
                                            const boost::json::object& desired);

// "PT8H" -> "PT4H" style text of a change, for people.
[[nodiscard]] std::string DescribeChange(const SettingChange& change);

struct PolicyTarget {
  std::string kind;  // "directoryRole", "group" or "azureResource"
  std::string id;    // role definition id (GUID) or group id
  std::string name;
  std::string access;  // groups: "member" / "owner"
  std::string scope;   // resource roles: the ARM scope ("/subscriptions/…"); else ""
};

// True for a scope that names Azure resources rather than the directory: not empty, not "/" and
// not an administrative unit ("/administrativeUnits/…").
[[nodiscard]] bool IsArmScope(const std::string& scope);

// The rules of a policy as PolicyClient::Get returns it: Graph `rules`, ARM `properties.rules`.
// nullptr when it has none.
[[nodiscard]] const boost::json::array* RulesOf(const boost::json::object& policy);

// The id a plan names a policy by: Graph `id`; ARM `name` (the GUID of the policy at its scope).
[[nodiscard]] std::string PolicyIdOf(const boost::json::object& policy);

struct RulePlan {
  PolicyTarget target;
  std::string policy_id;
  std::string rule_id;
  std::vector<SettingChange> changes;
  boost::json::object patched;  // the rule to send
};

// Thread-compatible; borrows the Session.
class PolicyClient {
 public:
  explicit PolicyClient(Session& session) : session_(session) {}

  // Finds a directory role (or, with `group`, a group; with an ARM `scope`, a resource role
  // defined at that scope) by id or display name. Errors: NotFound (exit 4).
  [[nodiscard]] absl::StatusOr<PolicyTarget> Resolve(const std::string& name_or_id, bool group,
                                                     const std::string& access,
                                                     const std::string& scope = "");

  // The policy of `target`: the Graph policy object with `rules`, or for a resource role the ARM
  // policy ({id, name, type, properties{rules…}}) at its scope. Errors: NotFound (exit 4) when
  // the server lists none; the server's.
  [[nodiscard]] absl::StatusOr<boost::json::object> Get(const PolicyTarget& target);

  // Every directory role policy, with `groups` every group's member and owner policies, and
  // every resource role's policy at each of `scopes`, as the file above.
  [[nodiscard]] absl::StatusOr<boost::json::object> Export(
      bool groups, const std::vector<std::string>& scopes = {});

  // What importing `file` would change. Errors: InvalidArgument (exit 2) for a malformed file
  // or an unknown rule id; NotFound for an unknown role or group; the server's.
  [[nodiscard]] absl::StatusOr<std::vector<RulePlan>> Plan(const boost::json::value& file);

  // Applies `plan`, rule by rule, in order. Errors: the server's, naming the rule; rules
  // before it stay applied (each PATCH is its own transaction at the server).
  [[nodiscard]] absl::Status Apply(const std::vector<RulePlan>& plan);

 private:
  Session& session_;
};

// The plan as JSON: {"changes": [{"kind","id","name","access","scope","policyId","ruleId",
// "changes": [{"path","from","to"}]}], "applied": bool}; `access` and `scope` are null where
// they do not apply.
[[nodiscard]] boost::json::object PlanToJson(const std::vector<RulePlan>& plan, bool applied);

// The plan for people: one block per policy, one line per setting.
[[nodiscard]] std::string PlanToText(const std::vector<RulePlan>& plan);

}  // namespace pim::cli
