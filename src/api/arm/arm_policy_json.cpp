#include "api/arm/arm_policy_json.h"

#include <array>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/arm/arm_json.h"
#include "api/common/json_body.h"
#include "api/common/policy_rules.h"
#include "openssl/evp.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
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

// Checks the `ruleType` discriminator against the rule's type.
absl::Status CheckRuleType(const json::object& o, std::string_view expected,
                           std::string_view where) {
  const json::value* v = Find(o, "ruleType");
  if (v == nullptr || !v->is_string()) {
    return Bad(
        absl::StrCat(A(where), ": the rule must carry \"ruleType\": \"", A(expected), "\"."));
  }
  const std::string_view got(v->get_string().data(), v->get_string().size());
  if (!Same(got, expected)) {
    return Bad(absl::StrCat(A(where), ": ruleType ", Quote(got), " does not match the rule; ",
                            "expected \"", A(expected), "\"."));
  }
  return absl::OkStatus();
}

// ARM `UserSet`. Only users and groups exist in policies written through the APIs.
json::object ApproverToJson(const ApproverRef& a) {
  return json::object{{"id", a.id},
                      {"description", NullableString(a.description)},
                      {"isBackup", false},
                      {"userType", a.kind == ApproverKind::kUser ? "User" : "Group"}};
}

// A `UserSet`: userType User or Group, and the lower-cased id.
absl::Status ReadApprover(const json::object& set, std::string_view at, ApproverRef& ref) {
  PIM_RETURN_IF_ERROR(CheckKeys(set, {"id", "description", "isBackup", "userType"}, at));
  std::string user_type;
  PIM_RETURN_IF_ERROR(ReadString(set, "userType", at, user_type));
  if (Same(user_type, "User")) {
    ref.kind = ApproverKind::kUser;
  } else if (Same(user_type, "Group")) {
    ref.kind = ApproverKind::kGroupMembers;
  } else {
    return Bad(
        absl::StrCat(A(at), ": userType ", Quote(user_type), " is not valid (User or Group)."));
  }
  PIM_RETURN_IF_ERROR(ReadString(set, "id", at, ref.id));
  if (ref.id.empty()) return Bad(absl::StrCat(A(at), ": 'id' is required."));
  ref.id = absl::AsciiStrToLower(A(ref.id));
  return absl::OkStatus();
}

constexpr std::array<std::string_view, 1> kRuleKeys = {"ruleType"};
constexpr std::array<std::string_view, 2> kExpirationKeys = {"ruleType", "exceptionMembers"};

constexpr rules::Dialect kArm{
    .discriminator = "ruleType",
    .type_names = {"RoleManagementPolicyExpirationRule", "RoleManagementPolicyEnablementRule",
                   "RoleManagementPolicyApprovalRule",
                   "RoleManagementPolicyAuthenticationContextRule",
                   "RoleManagementPolicyNotificationRule"},
    .discriminator_first = false,
    .check_type = CheckRuleType,
    .rule_keys = kRuleKeys,
    .expiration_keys = kExpirationKeys,
    .all_operations = "All",
    .null_target_lists = true,
    .approver_to_json = ApproverToJson,
    .read_approver = ReadApprover,
    .approvers_shape = "UserSet objects",
};

absl::Status CheckExceptionMembers(const json::object& o, std::string_view where) {
  const json::value* v = Find(o, "exceptionMembers");
  if (v == nullptr || v->is_null() || (v->is_array() && v->get_array().empty())) {
    return absl::OkStatus();
  }
  return Bad(absl::StrCat(A(where), ": exceptionMembers is not supported."));
}

// "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" from a SHA-1 of the namespace and `name` (RFC 4122 4.3).
std::string NameBasedUuid(std::string_view name) {
  // A fixed namespace for pim's policy names (itself a random UUID).
  static constexpr std::array<unsigned char, 16> kNamespace = {0x3c, 0x6e, 0x0b, 0x8a, 0x51, 0x2f,
                                                               0x4d, 0x1e, 0x9a, 0x7b, 0x52, 0x6d,
                                                               0xf0, 0x13, 0x8e, 0x44};
  std::string input(kNamespace.begin(), kNamespace.end());
  input.append(name);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1 ||
      length < 16) {
    // SHA-1 cannot fail on in-memory input short of allocation failure.
    return "00000000-0000-5000-8000-000000000000";
  }
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50);
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

// {id, displayName, type, email} of who last changed the policy, or null.
json::value LastModifiedBy(const Policy& policy, const State& state) {
  if (policy.last_modified_by.empty()) return nullptr;
  json::object who{{"id", policy.last_modified_by.str()}};
  const Principal* p = state.FindPrincipal(policy.last_modified_by.str());
  who["displayName"] = p != nullptr ? NullableString(p->display_name) : json::value(nullptr);
  who["type"] =
      p != nullptr ? json::value(kPrincipalKindNames.Name(p->kind)) : json::value(nullptr);
  who["email"] = p != nullptr ? NullableString(p->mail) : json::value(nullptr);
  return who;
}

json::value LastModifiedDateTime(const Policy& policy) {
  if (policy.last_modified_by.empty()) return nullptr;
  return json::string(FormatDateTime(policy.last_modified));
}

}  // namespace

std::string PolicyNameFor(std::string_view scope, std::string_view role_id) {
  return NameBasedUuid(absl::StrCat("roleManagementPolicy:", A(CanonicalScope(scope)), ":",
                                    absl::AsciiStrToLower(A(role_id))));
}

json::array RulesToArmJson(const Policy& policy) { return rules::AllToJson(policy, kArm); }

json::object PolicyToArmJson(const Policy& policy, const Target& target, const State& state) {
  const std::string name = PolicyNameFor(target.scope, target.object_id);
  const json::object expanded = ExpandedProperties(state, target, "");
  json::object properties;
  properties["scope"] = DisplayScope(state, target.scope);
  properties["displayName"] = "";
  properties["description"] = "";
  properties["isOrganizationDefault"] = false;
  properties["lastModifiedBy"] = LastModifiedBy(policy, state);
  properties["lastModifiedDateTime"] = LastModifiedDateTime(policy);
  properties["rules"] = RulesToArmJson(policy);
  // No wider policy is inherited (reference 4.7), so the effective rules are the rules.
  properties["effectiveRules"] = RulesToArmJson(policy);
  properties["policyProperties"] = json::object{{"scope", expanded.at("scope")}};
  return json::object{{"id", ArmId(state, target.scope, "roleManagementPolicies", name)},
                      {"name", name},
                      {"type", "Microsoft.Authorization/RoleManagementPolicies"},
                      {"properties", std::move(properties)}};
}

json::object PolicyAssignmentToArmJson(const Policy& policy, const Target& target,
                                       const State& state) {
  const std::string policy_name = PolicyNameFor(target.scope, target.object_id);
  const std::string name = absl::StrCat(policy_name, "_", target.object_id);
  const std::string policy_id = ArmId(state, target.scope, "roleManagementPolicies", policy_name);
  const json::object expanded = ExpandedProperties(state, target, "");
  json::object properties;
  properties["scope"] = DisplayScope(state, target.scope);
  properties["roleDefinitionId"] = RoleDefinitionArmId(state, target.scope, target.object_id);
  properties["policyId"] = policy_id;
  properties["effectiveRules"] = RulesToArmJson(policy);
  properties["policyAssignmentProperties"] = json::object{
      {"scope", expanded.at("scope")},
      {"roleDefinition", expanded.at("roleDefinition")},
      {"policy", json::object{{"id", policy_id},
                              {"lastModifiedBy", LastModifiedBy(policy, state)},
                              {"lastModifiedDateTime", LastModifiedDateTime(policy)}}}};
  return json::object{{"id", ArmId(state, target.scope, "roleManagementPolicyAssignments", name)},
                      {"name", name},
                      {"type", "Microsoft.Authorization/RoleManagementPolicyAssignment"},
                      {"properties", std::move(properties)}};
}

absl::Status ApplyArmPolicyPatch(const json::object& body, Policy& policy) {
  PIM_RETURN_IF_ERROR(CheckKeys(body, {"id", "name", "type", "properties"}, "policy"));
  const json::value* props = Find(body, "properties");
  if (props == nullptr || !props->is_object()) {
    return Bad("The body must carry a 'properties' object with the rules to change.");
  }
  const json::object& p = props->get_object();
  PIM_RETURN_IF_ERROR(
      CheckKeys(p,
                {"scope", "displayName", "description", "isOrganizationDefault", "lastModifiedBy",
                 "lastModifiedDateTime", "rules", "effectiveRules", "policyProperties"},
                "properties"));
  const json::value* rules = Find(p, "rules");
  if (rules == nullptr || rules->is_null()) return absl::OkStatus();
  if (!rules->is_array()) return Bad("'properties.rules' must be an array of rules.");
  for (const json::value& item : rules->get_array()) {
    const json::object* rule = item.if_object();
    const json::value* id = rule != nullptr ? Find(*rule, "id") : nullptr;
    if (id == nullptr || !id->is_string()) {
      return Bad("Every element of 'properties.rules' must be a rule object with its 'id'.");
    }
    const std::string_view text(id->get_string().data(), id->get_string().size());
    const rules::Spec* spec = rules::Find(text);
    if (spec == nullptr) return Bad(absl::StrCat(Quote(text), " is not a policy rule id."));
    if (spec->kind == rules::Kind::kExpiration) {
      PIM_RETURN_IF_ERROR(CheckExceptionMembers(*rule, spec->id));
    }
    PIM_RETURN_IF_ERROR(rules::Apply(*rule, spec->id, kArm, policy));
  }
  return absl::OkStatus();
}

}  // namespace pim::api::arm
