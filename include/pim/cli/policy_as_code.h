// Role settings as code: policies exported to a JSON file that lives in the organisation's
// repository, and imported back, rule by rule, through Graph's policy API
// (/v1.0/policies/roleManagementPolicyAssignments, PATCH …/roleManagementPolicies/{id}/rules/{id}).
// A plan says exactly which setting of which rule of which policy changes, from what to what;
// a dry run prints the plan and changes nothing.
//
// The file:
//   {"policies": [
//     {"directoryRole": "User Administrator", "roleDefinitionId": "fe930be7-…", "rules": [rule…]},
//     {"group": "Prod Operators", "groupId": "d000…a1", "access": "member", "rules": [rule…]}]}
// Rules are Graph rule objects (`id`, `@odata.type`, their settings); a rule may list only the
// settings it fixes. Directory roles are found by roleDefinitionId, else by name; groups by
// groupId, else by name.
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
// as they are; `id` and `@odata.type` identify the rule and are not compared; strings compare
// case-insensitively (the API echoes enums in its own casing, e.g. "all" for "All").
[[nodiscard]] std::vector<SettingChange> DiffRule(const boost::json::object& current,
                                                  const boost::json::object& desired);

// `current` with every value of `desired` laid over it (objects merged key by key; arrays and
// scalars replaced): the full rule to PATCH.
[[nodiscard]] boost::json::object MergeRule(const boost::json::object& current,
                                            const boost::json::object& desired);

// "PT8H" -> "PT4H" style text of a change, for people.
[[nodiscard]] std::string DescribeChange(const SettingChange& change);

struct PolicyTarget {
  std::string kind;  // "directoryRole" or "group"
  std::string id;    // role definition id or group id
  std::string name;
  std::string access;  // groups: "member" / "owner"
};

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

  // Finds a directory role (or, with `group`, a group) by id or display name. Errors: NotFound
  // (exit 4).
  [[nodiscard]] absl::StatusOr<PolicyTarget> Resolve(const std::string& name_or_id, bool group,
                                                     const std::string& access);

  // The policy of `target` (Graph policy object with `rules`). Errors: the server's.
  [[nodiscard]] absl::StatusOr<boost::json::object> Get(const PolicyTarget& target);

  // Every directory role policy and, with `groups`, every group's member and owner policies,
  // as the file above.
  [[nodiscard]] absl::StatusOr<boost::json::object> Export(bool groups);

  // What importing `file` would change. Errors: InvalidArgument (exit 2) for a malformed file
  // or an unknown rule id; NotFound for an unknown role or group; the server's.
  [[nodiscard]] absl::StatusOr<std::vector<RulePlan>> Plan(const boost::json::value& file);

  // Applies `plan`, rule by rule, in order. Errors: the server's, naming the rule; rules
  // before it stay applied (each PATCH is its own transaction at the server).
  [[nodiscard]] absl::Status Apply(const std::vector<RulePlan>& plan);

 private:
  Session& session_;
};

// The plan as JSON: {"changes": [{"kind","id","name","access","policyId","ruleId",
// "changes": [{"path","from","to"}]}], "applied": bool}.
[[nodiscard]] boost::json::object PlanToJson(const std::vector<RulePlan>& plan, bool applied);

// The plan for people: one block per policy, one line per setting.
[[nodiscard]] std::string PlanToText(const std::vector<RulePlan>& plan);

}  // namespace pim::cli
