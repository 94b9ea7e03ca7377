#include "graph_policy_json.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "api/common/policy_rules.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"

namespace pim::api::graph {
namespace json = boost::json;
using json_body::A;
using json_body::Bad;
using json_body::CheckKeys;
using json_body::Find;
using json_body::NullableString;
using json_body::Quote;
using json_body::ReadString;
using json_body::Same;
namespace {

// Checks `@odata.type` against the expected derived type (with or without its leading '#').
absl::Status CheckODataType(const json::object& o, std::string_view expected,
                            std::string_view where) {
  const json::value* v = Find(o, "@odata.type");
  if (v == nullptr) {
    return Bad(
        absl::StrCat(A(where), ": the body must carry \"@odata.type\": \"", A(expected), "\"."));
  }
  if (!v->is_string()) return Bad(absl::StrCat(A(where), ": '@odata.type' must be a string."));
  std::string_view got(v->get_string().data(), v->get_string().size());
  std::string_view want = expected;
  if (!got.empty() && got.front() == '#') got.remove_prefix(1);
  if (!want.empty() && want.front() == '#') want.remove_prefix(1);
  if (!Same(got, want)) {
    return Bad(absl::StrCat(A(where), ": '@odata.type' ", Quote(got), " does not match the rule; ",
                            "expected \"", A(expected), "\"."));
  }
  return absl::OkStatus();
}

json::object ApproverToJson(const ApproverRef& a) {
  json::object out;
  out["@odata.type"] = absl::StrCat("#microsoft.graph.", A(kApproverKindNames.Name(a.kind)));
  switch (a.kind) {
    case ApproverKind::kUser:
      out["userId"] = a.id;
      break;
    case ApproverKind::kGroupMembers:
    case ApproverKind::kGroupOwners:
      out["groupId"] = a.id;
      break;
    default:
      out["id"] = a.id;
      break;
  }
  out["description"] = NullableString(a.description);
  return out;
}

// A subject set: `@odata.type` singleUser (userId) or groupMembers (groupId).
absl::Status ReadApprover(const json::object& subject, std::string_view at, ApproverRef& ref) {
  const json::value* type = Find(subject, "@odata.type");
  if (type == nullptr || !type->is_string()) {
    return Bad(absl::StrCat(A(at),
                            ": every approver needs an '@odata.type' "
                            "(#microsoft.graph.singleUser or #microsoft.graph.groupMembers)."));
  }
  std::string_view type_name(type->get_string().data(), type->get_string().size());
  if (!type_name.empty() && type_name.front() == '#') type_name.remove_prefix(1);
  std::string_view id_key;
  if (Same(type_name, "microsoft.graph.singleUser")) {
    ref.kind = ApproverKind::kUser;
    id_key = "userId";
  } else if (Same(type_name, "microsoft.graph.groupMembers")) {
    ref.kind = ApproverKind::kGroupMembers;
    id_key = "groupId";
  } else {
    return Bad(absl::StrCat(A(at), ": approver type ", Quote(type_name),
                            " is not supported (singleUser, groupMembers)."));
  }
  PIM_RETURN_IF_ERROR(CheckKeys(subject, {id_key, "description", "isBackup"}, at));
  PIM_RETURN_IF_ERROR(ReadString(subject, id_key, at, ref.id));
  if (ref.id.empty()) return Bad(absl::StrCat(A(at), ": '", A(id_key), "' is required."));
  return absl::OkStatus();
}

constexpr rules::Dialect kGraph{
    .discriminator = "@odata.type",
    .type_names = {"#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
                   "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
                   "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
                   "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule",
                   "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule"},
    .discriminator_first = true,
    .check_type = CheckODataType,
    .rule_keys = {},
    .expiration_keys = {},
    .all_operations = "all",
    .null_target_lists = false,
    .approver_to_json = ApproverToJson,
    .read_approver = ReadApprover,
    .approvers_shape = "subject sets",
};

}  // namespace

std::span<const std::string_view> PolicyRuleIds() { return rules::Ids(); }

std::optional<std::string_view> CanonicalRuleId(std::string_view id) {
  const rules::Spec* spec = rules::Find(id);
  if (spec == nullptr) return std::nullopt;
  return spec->id;
}

json::object RuleToJson(const Policy& policy, std::string_view rule_id) {
  const rules::Spec* spec = rules::Find(rule_id);
  if (spec == nullptr) return {};
  return rules::ToJson(policy, *spec, kGraph);
}

json::array RulesToJson(const Policy& policy) { return rules::AllToJson(policy, kGraph); }

std::string_view ScopeTypeOf(const Target& target) {
  return target.kind == TargetKind::kGroup ? "Group" : "DirectoryRole";
}

std::string ScopeIdOf(const Target& target) {
  return target.kind == TargetKind::kGroup ? target.object_id : "/";
}

std::string RoleDefinitionIdOf(const Target& target) {
  return target.kind == TargetKind::kGroup ? std::string(kGroupAccessNames.Name(target.access))
                                           : target.object_id;
}

json::object PolicyToJson(const Policy& policy, std::string_view scope_type,
                          std::string_view modified_by_name) {
  const bool modified = !policy.last_modified_by.empty();
  json::object out;
  out["id"] = policy.id.str();
  out["displayName"] = scope_type;
  out["description"] = scope_type;
  out["isOrganizationDefault"] = false;
  out["scopeId"] = ScopeIdOf(policy.target);
  out["scopeType"] = scope_type;
  out["lastModifiedDateTime"] =
      modified ? json::value(FormatDateTime(policy.last_modified)) : json::value(nullptr);
  out["lastModifiedBy"] =
      json::object{{"displayName", NullableString(modified ? modified_by_name : "")},
                   {"id", NullableString(policy.last_modified_by.str())}};
  return out;
}

json::object PolicyAssignmentToJson(const Policy& policy, std::string_view scope_type) {
  const std::string role = RoleDefinitionIdOf(policy.target);
  json::object out;
  out["id"] = absl::StrCat(policy.id.str(), "_", role);
  out["policyId"] = policy.id.str();
  out["scopeId"] = ScopeIdOf(policy.target);
  out["scopeType"] = scope_type;
  out["roleDefinitionId"] = role;
  return out;
}

std::optional<Target> TargetOfPolicyId(std::string_view policy_id) {
  const std::size_t last = policy_id.rfind('_');
  if (last == std::string_view::npos || last + 1 == policy_id.size()) return std::nullopt;
  const std::string_view tail = policy_id.substr(last + 1);
  for (std::string_view prefix : {"DirectoryRole_", "Directory_"}) {
    if (absl::StartsWithIgnoreCase(A(policy_id), A(prefix)) && last >= prefix.size()) {
      return DirectoryRoleTarget(absl::AsciiStrToLower(A(tail)), "/");
    }
  }
  constexpr std::string_view kGroupPrefix = "Group_";
  if (absl::StartsWithIgnoreCase(A(policy_id), A(kGroupPrefix)) && last > kGroupPrefix.size()) {
    const auto access = kGroupAccessNames.Parse(tail);
    if (!access.has_value()) return std::nullopt;
    const std::string_view group =
        policy_id.substr(kGroupPrefix.size(), last - kGroupPrefix.size());
    return GroupTarget(PrincipalId(std::string(group)), *access);
  }
  return std::nullopt;
}

std::optional<Target> TargetOfPolicyAssignmentId(std::string_view assignment_id) {
  const std::size_t last = assignment_id.rfind('_');
  if (last == std::string_view::npos) return std::nullopt;
  auto target = TargetOfPolicyId(assignment_id.substr(0, last));
  if (!target.has_value() || !Same(RoleDefinitionIdOf(*target), assignment_id.substr(last + 1))) {
    return std::nullopt;
  }
  return target;
}

absl::Status ApplyRuleJson(const json::object& rule, std::string_view rule_id, Policy& policy) {
  return rules::Apply(rule, rule_id, kGraph, policy);
}

absl::Status ApplyPolicyJson(const json::object& body, Policy& policy) {
  PIM_RETURN_IF_ERROR(
      CheckKeys(body,
                {"id", "displayName", "description", "isOrganizationDefault", "scopeId",
                 "scopeType", "lastModifiedDateTime", "lastModifiedBy", "rules"},
                "unifiedRoleManagementPolicy"));
  const json::value* rules = Find(body, "rules");
  if (rules == nullptr) return absl::OkStatus();
  if (!rules->is_array()) return Bad("'rules' must be an array of rules.");
  for (const json::value& item : rules->get_array()) {
    const json::object* rule = item.if_object();
    const json::value* id = rule != nullptr ? Find(*rule, "id") : nullptr;
    if (id == nullptr || !id->is_string()) {
      return Bad("Every element of 'rules' must be a rule object with its 'id'.");
    }
    const std::string_view text(id->get_string().data(), id->get_string().size());
    const auto canonical = CanonicalRuleId(text);
    if (!canonical.has_value()) {
      return Bad(absl::StrCat(Quote(text), " is not a policy rule id."));
    }
    PIM_RETURN_IF_ERROR(ApplyRuleJson(*rule, *canonical, policy));
  }
  return absl::OkStatus();
}

}  // namespace pim::api::graph
