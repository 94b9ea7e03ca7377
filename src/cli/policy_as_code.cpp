#include "pim/cli/policy_as_code.h"

#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/json/serialize.hpp"
#include "cli/json_fields.h"
#include "pim/cli/exit_code.h"
#include "pim/cli/output.h"
#include "pim/cli/pim_client.h"
#include "pim/cli/url_encoding.h"
#include "pim/domain/status.h"

namespace pim::cli {
namespace {

constexpr char kAssignments[] = "/v1.0/policies/roleManagementPolicyAssignments";
constexpr char kPolicies[] = "/v1.0/policies/roleManagementPolicies";
constexpr char kAuthorization[] = "/providers/Microsoft.Authorization";

// InvalidArgument (exit 2) listing the ids when the display name `name` matched several
// `candidates` (id, name): a policy changed on a guess would be the wrong one half the time.
absl::Status RefuseAmbiguous(const std::string& name, std::string_view what,
                             const std::vector<std::pair<std::string, std::string>>& candidates) {
  if (candidates.size() <= 1) return absl::OkStatus();
  std::vector<std::string> ids;
  ids.reserve(candidates.size());
  for (const auto& [id, display] : candidates) ids.push_back(id);
  return absl::InvalidArgumentError(absl::StrCat("'", name, "' names several ",
                                                 absl::string_view(what.data(), what.size()),
                                                 "; give the id: ", absl::StrJoin(ids, ", ")));
}

bool SameValue(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_string() && b.is_string()) {
    return absl::EqualsIgnoreCase(std::string(a.get_string()), std::string(b.get_string()));
  }
  if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
  if (a.is_array() && b.is_array()) {
    const boost::json::array& x = a.get_array();
    const boost::json::array& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!SameValue(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    const boost::json::object& x = a.get_object();
    const boost::json::object& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& [k, v] : x) {
      const boost::json::value* other = y.if_contains(k);
      if (other == nullptr || !SameValue(v, *other)) return false;
    }
    return true;
  }
  return a == b;
}

void Diff(const boost::json::value* current, const boost::json::value& desired,
          const std::string& path, std::vector<SettingChange>& out) {
  if (desired.is_object() && current != nullptr && current->is_object()) {
    for (const auto& [k, v] : desired.get_object()) {
      const std::string key(k);
      if (path.empty() && (key == "id" || key == "@odata.type" || key == "ruleType")) continue;
      if (key == "@odata.type") continue;
      Diff(current->get_object().if_contains(k), v,
           path.empty() ? key : absl::StrCat(path, ".", key), out);
    }
    return;
  }
  if (current != nullptr && SameValue(*current, desired)) return;
  out.push_back(
      SettingChange{path, current == nullptr ? boost::json::value(nullptr) : *current, desired});
}

boost::json::value Merge(const boost::json::value& current, const boost::json::value& desired) {
  if (!current.is_object() || !desired.is_object()) return desired;
  boost::json::object out = current.get_object();
  for (const auto& [k, v] : desired.get_object()) {
    const boost::json::value* c = out.if_contains(k);
    out[k] = c == nullptr ? v : Merge(*c, v);
  }
  return out;
}

absl::Status BadFile(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("policy file: ", absl::string_view(why.data(), why.size())));
}

std::string AssignmentsQuery(const PolicyTarget& t) {
  const std::string filter =
      t.kind == "group"
          ? absl::StrCat("scopeId eq '", t.id,
                         "' and scopeType eq 'Group' and roleDefinitionId eq '",
                         t.access.empty() ? "member" : t.access, "'")
          : absl::StrCat(
                "scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq '", t.id,
                "'");
  return absl::StrCat(kAssignments, "?$filter=", PercentEncode(filter),
                      "&$expand=", PercentEncode("policy($expand=rules)"));
}

// "{scope}/providers/Microsoft.Authorization/{collection}[/{name}]?api-version=…".
std::string ArmPath(const std::string& scope, std::string_view collection,
                    const std::string& name = "") {
  return absl::StrCat(
      scope, kAuthorization, "/", absl::string_view(collection.data(), collection.size()),
      name.empty() ? "" : "/", PercentEncode(name), "?api-version=", kArmApiVersion);
}

std::string ArmRoleDefinitionId(const PolicyTarget& t) {
  return absl::StrCat(t.scope, kAuthorization, "/roleDefinitions/", t.id);
}

}  // namespace

std::vector<SettingChange> DiffRule(const boost::json::object& current,
                                    const boost::json::object& desired) {
  std::vector<SettingChange> out;
  const boost::json::value c(current);
  Diff(&c, boost::json::value(desired), "", out);
  return out;
}

boost::json::object MergeRule(const boost::json::object& current,
                              const boost::json::object& desired) {
  return Merge(boost::json::value(current), boost::json::value(desired)).as_object();
}

std::string DescribeChange(const SettingChange& c) {
  return absl::StrCat(c.path, ": ", boost::json::serialize(c.from), " -> ",
                      boost::json::serialize(c.to));
}

bool IsArmScope(const std::string& scope) {
  return !scope.empty() && scope != "/" && !absl::StartsWith(scope, "/administrativeUnits");
}

const boost::json::array* RulesOf(const boost::json::object& policy) {
  const boost::json::object* holder = &policy;
  if (!policy.contains("rules")) {
    holder = Obj(policy, "properties");
    if (holder == nullptr) return nullptr;
  }
  const boost::json::value* rules = holder->if_contains("rules");
  return rules == nullptr ? nullptr : rules->if_array();
}

std::string PolicyIdOf(const boost::json::object& policy) {
  if (policy.contains("properties")) return Str(policy, "name");
  return Str(policy, "id");
}

absl::StatusOr<PolicyTarget> PolicyClient::Resolve(const std::string& name_or_id, bool group,
                                                   const std::string& access,
                                                   const std::string& scope) {
  PolicyTarget t;
  if (!group && IsArmScope(scope)) {
    t.kind = "azureResource";
    t.scope = scope;
    while (t.scope.size() > 1 && t.scope.back() == '/') t.scope.pop_back();
    const std::string wanted = LastSegment(name_or_id);
    PIM_ASSIGN_OR_RETURN(boost::json::array items,
                         session_.ListAll(ArmPath(t.scope, "roleDefinitions")));
    std::vector<std::pair<std::string, std::string>> candidates;  // id, name
    for (const boost::json::value& v : items) {
      if (!v.is_object()) continue;
      const std::string id = Str(v.get_object(), "name");
      const boost::json::object* props = Obj(v.get_object(), "properties");
      const std::string name = props == nullptr ? "" : Str(*props, "roleName");
      if (absl::EqualsIgnoreCase(id, wanted)) {
        candidates = {{id, name.empty() ? id : name}};
        break;
      }
      if (absl::EqualsIgnoreCase(name, name_or_id)) candidates.emplace_back(id, name);
    }
    if (candidates.empty()) {
      return WithExitCode(absl::NotFoundError(absl::StrCat("no Azure resource role '", name_or_id,
                                                           "' at ", t.scope)),
                          ExitCode::kNotFound);
    }
    PIM_RETURN_IF_ERROR(RefuseAmbiguous(name_or_id, "Azure resource roles", candidates));
    t.id = candidates.front().first;
    t.name = candidates.front().second;
    return t;
  }
  t.kind = group ? "group" : "directoryRole";
  if (group) t.access = access.empty() ? "member" : access;
  PIM_ASSIGN_OR_RETURN(
      boost::json::array items,
      session_.ListAll(group ? "/v1.0/groups" : "/v1.0/roleManagement/directory/roleDefinitions"));
  std::vector<std::pair<std::string, std::string>> candidates;  // id, name
  for (const boost::json::value& v : items) {
    if (!v.is_object()) continue;
    const std::string id = Str(v.get_object(), "id");
    const std::string name = Str(v.get_object(), "displayName");
    if (absl::EqualsIgnoreCase(id, name_or_id)) {
      candidates = {{id, name}};
      break;
    }
    if (absl::EqualsIgnoreCase(name, name_or_id)) candidates.emplace_back(id, name);
  }
  if (candidates.empty()) {
    return WithExitCode(absl::NotFoundError(absl::StrCat("no ", group ? "group" : "directory role",
                                                         " '", name_or_id, "'")),
                        ExitCode::kNotFound);
  }
  PIM_RETURN_IF_ERROR(
      RefuseAmbiguous(name_or_id, group ? "groups" : "directory roles", candidates));
  t.id = candidates.front().first;
  t.name = candidates.front().second;
  return t;
}

absl::StatusOr<boost::json::object> PolicyClient::Get(const PolicyTarget& target) {
  if (target.kind == "azureResource") {
    // The policy assignment of the role at the scope names the policy; the policy has the rules.
    const std::string filter =
        absl::StrCat("roleDefinitionId eq '", ArmRoleDefinitionId(target), "'");
    PIM_ASSIGN_OR_RETURN(
        boost::json::array assignments,
        session_.ListAll(absl::StrCat(ArmPath(target.scope, "roleManagementPolicyAssignments"),
                                      "&$filter=", PercentEncode(filter))));
    for (const boost::json::value& a : assignments) {
      const boost::json::object* props =
          a.is_object() ? Obj(a.get_object(), "properties") : nullptr;
      const std::string policy_id = props == nullptr ? "" : Str(*props, "policyId");
      if (policy_id.empty() || policy_id.front() != '/') continue;
      ApiCall call;
      call.path = absl::StrCat(policy_id, "?api-version=", kArmApiVersion);
      PIM_ASSIGN_OR_RETURN(ApiResult result, session_.Call(call));
      if (result.json.is_object()) return result.json.get_object();
    }
    // Every role has a policy at every scope: the server leaves it out when the caller may
    // not read it.
    return absl::PermissionDeniedError(absl::StrCat(
        "you may not read the policy of Azure resource role '", target.name, "' at ", target.scope,
        " (that needs a role that may read or manage it, or an eligibility for it)"));
  }
  PIM_ASSIGN_OR_RETURN(boost::json::array items, session_.ListAll(AssignmentsQuery(target)));
  for (const boost::json::value& v : items) {
    const boost::json::value* policy =
        v.is_object() ? v.get_object().if_contains("policy") : nullptr;
    if (policy != nullptr && policy->is_object()) return policy->get_object();
  }
  // Every directory role and group has its policies: one left out is one the caller may not
  // read.
  return absl::PermissionDeniedError(
      absl::StrCat("you may not read the policy of ", target.kind, " '", target.name,
                   "' (that needs a role that may read or manage it, or an eligibility for it)"));
}

absl::StatusOr<boost::json::object> PolicyClient::Export(bool groups,
                                                         const std::vector<std::string>& scopes) {
  boost::json::array policies;
  PIM_ASSIGN_OR_RETURN(boost::json::array roles,
                       session_.ListAll("/v1.0/roleManagement/directory/roleDefinitions"));
  PIM_ASSIGN_OR_RETURN(boost::json::array assignments,
                       session_.ListAll(absl::StrCat(
                           kAssignments, "?$filter=",
                           PercentEncode("scopeId eq '/' and scopeType eq 'DirectoryRole'"),
                           "&$expand=", PercentEncode("policy($expand=rules)"))));
  auto name_of = [](const boost::json::array& list, const std::string& id) {
    for (const boost::json::value& v : list) {
      if (v.is_object() && Str(v.get_object(), "id") == id)
        return Str(v.get_object(), "displayName");
    }
    return std::string();
  };
  for (const boost::json::value& a : assignments) {
    if (!a.is_object()) continue;
    const boost::json::value* policy = a.get_object().if_contains("policy");
    if (policy == nullptr || !policy->is_object()) continue;
    const std::string role = Str(a.get_object(), "roleDefinitionId");
    boost::json::object entry{{"directoryRole", name_of(roles, role)}, {"roleDefinitionId", role}};
    const boost::json::value* rules = policy->get_object().if_contains("rules");
    entry["rules"] = rules != nullptr ? *rules : boost::json::array();
    policies.emplace_back(std::move(entry));
  }
  if (groups) {
    PIM_ASSIGN_OR_RETURN(boost::json::array all_groups, session_.ListAll("/v1.0/groups"));
    for (const boost::json::value& g : all_groups) {
      if (!g.is_object()) continue;
      for (const char* access : {"member", "owner"}) {
        PolicyTarget t{"group", Str(g.get_object(), "id"), Str(g.get_object(), "displayName"),
                       access, ""};
        PIM_ASSIGN_OR_RETURN(boost::json::object policy, Get(t));
        const boost::json::value* rules = policy.if_contains("rules");
        policies.emplace_back(
            boost::json::object{{"group", t.name},
                                {"groupId", t.id},
                                {"access", t.access},
                                {"rules", rules != nullptr ? *rules : boost::json::array()}});
      }
    }
  }
  for (const std::string& given : scopes) {
    std::string scope = given;
    while (scope.size() > 1 && scope.back() == '/') scope.pop_back();
    if (!IsArmScope(scope)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--scope must be an Azure scope (/subscriptions/…), not '", given, "'"));
    }
    // One list of the policies (with their rules) and one of the assignments that say whose
    // policy each is.
    PIM_ASSIGN_OR_RETURN(boost::json::array arm_policies,
                         session_.ListAll(ArmPath(scope, "roleManagementPolicies")));
    PIM_ASSIGN_OR_RETURN(boost::json::array arm_assignments,
                         session_.ListAll(ArmPath(scope, "roleManagementPolicyAssignments")));
    for (const boost::json::value& a : arm_assignments) {
      const boost::json::object* props =
          a.is_object() ? Obj(a.get_object(), "properties") : nullptr;
      if (props == nullptr) continue;
      const std::string policy_id = Str(*props, "policyId");
      const boost::json::object* rules_of = nullptr;
      for (const boost::json::value& candidate : arm_policies) {
        if (candidate.is_object() &&
            absl::EqualsIgnoreCase(Str(candidate.get_object(), "id"), policy_id)) {
          rules_of = &candidate.get_object();
        }
      }
      if (rules_of == nullptr) continue;
      std::string name;
      if (const boost::json::object* expanded = Obj(*props, "policyAssignmentProperties")) {
        if (const boost::json::object* role = Obj(*expanded, "roleDefinition")) {
          name = Str(*role, "displayName");
        }
      }
      const boost::json::array* rules = RulesOf(*rules_of);
      policies.emplace_back(
          boost::json::object{{"azureResourceRole", name},
                              {"roleDefinitionId", LastSegment(Str(*props, "roleDefinitionId"))},
                              {"scope", scope},
                              {"rules", rules != nullptr ? *rules : boost::json::array()}});
    }
  }
  return boost::json::object{{"policies", std::move(policies)}};
}

absl::StatusOr<std::vector<RulePlan>> PolicyClient::Plan(const boost::json::value& file) {
  const boost::json::object* root = file.if_object();
  const boost::json::value* list = root == nullptr ? nullptr : root->if_contains("policies");
  if (list == nullptr || !list->is_array()) return BadFile("expected {\"policies\": [...]}");
  std::vector<RulePlan> plan;
  std::size_t index = 0;
  for (const boost::json::value& entry_value : list->get_array()) {
    ++index;
    const boost::json::object* entry = entry_value.if_object();
    if (entry == nullptr)
      return BadFile(absl::StrCat("policies[", index - 1, "] is not an object"));
    const bool group = entry->contains("group") || entry->contains("groupId");
    const bool arm = !group && (entry->contains("scope") || entry->contains("azureResourceRole"));
    const std::string scope = arm ? Str(*entry, "scope") : "";
    if (arm && !IsArmScope(scope)) {
      return BadFile(absl::StrCat("policies[", index - 1,
                                  "]: an azureResourceRole needs its Azure \"scope\" "
                                  "(/subscriptions/…)"));
    }
    std::string key = group ? Str(*entry, "groupId") : Str(*entry, "roleDefinitionId");
    if (key.empty()) {
      key = group ? Str(*entry, "group") : Str(*entry, arm ? "azureResourceRole" : "directoryRole");
    }
    if (key.empty()) {
      return BadFile(absl::StrCat("policies[", index - 1,
                                  "] names no directoryRole/roleDefinitionId, group/groupId or "
                                  "azureResourceRole/roleDefinitionId"));
    }
    PIM_ASSIGN_OR_RETURN(PolicyTarget target, Resolve(key, group, Str(*entry, "access"), scope));
    PIM_ASSIGN_OR_RETURN(boost::json::object policy, Get(target));
    const boost::json::array* current_rules = RulesOf(policy);
    const boost::json::value* rules = entry->if_contains("rules");
    if (rules == nullptr || !rules->is_array()) {
      return BadFile(absl::StrCat("policies[", index - 1, "] has no \"rules\" list"));
    }
    for (const boost::json::value& rule_value : rules->get_array()) {
      const boost::json::object* rule = rule_value.if_object();
      const std::string rule_id = rule == nullptr ? "" : Str(*rule, "id");
      if (rule_id.empty()) {
        return BadFile(absl::StrCat("policies[", index - 1, "]: every rule needs an \"id\""));
      }
      const boost::json::object* current = nullptr;
      if (current_rules != nullptr) {
        for (const boost::json::value& c : *current_rules) {
          if (c.is_object() && Str(c.get_object(), "id") == rule_id) current = &c.get_object();
        }
      }
      if (current == nullptr) {
        return BadFile(absl::StrCat("the policy of ", target.name, " has no rule '", rule_id, "'"));
      }
      std::vector<SettingChange> changes = DiffRule(*current, *rule);
      if (changes.empty()) continue;
      plan.push_back(RulePlan{target, PolicyIdOf(policy), rule_id, std::move(changes),
                              MergeRule(*current, *rule)});
    }
  }
  return plan;
}

absl::Status PolicyClient::Apply(const std::vector<RulePlan>& plan) {
  for (const RulePlan& p : plan) {
    ApiCall call;
    call.method = "PATCH";
    if (p.target.kind == "azureResource") {
      // ARM updates a policy with the rules to change (a partial update): this one rule.
      call.path = ArmPath(p.target.scope, "roleManagementPolicies", p.policy_id);
      call.body = boost::json::object{
          {"properties", boost::json::object{{"rules", boost::json::array{p.patched}}}}};
    } else {
      call.path = absl::StrCat(kPolicies, "/", PercentEncode(p.policy_id), "/rules/",
                               PercentEncode(p.rule_id));
      call.body = p.patched;
    }
    auto result = session_.Call(call);
    if (!result.ok()) {
      // Name the rule, and keep the server's error (its payloads decide the exit code).
      absl::Status named(
          result.status().code(),
          absl::StrCat("rule ", p.rule_id, " of ", p.target.name, ": ", result.status().message()));
      result.status().ForEachPayload([&named](absl::string_view key, const absl::Cord& value) {
        named.SetPayload(key, value);
      });
      return named;
    }
  }
  return absl::OkStatus();
}

boost::json::object PlanToJson(const std::vector<RulePlan>& plan, bool applied) {
  boost::json::array changes;
  for (const RulePlan& p : plan) {
    boost::json::array settings;
    for (const SettingChange& c : p.changes) {
      settings.emplace_back(boost::json::object{{"path", c.path}, {"from", c.from}, {"to", c.to}});
    }
    changes.emplace_back(boost::json::object{
        {"kind", p.target.kind},
        {"id", p.target.id},
        {"name", p.target.name},
        {"access", p.target.access.empty() ? boost::json::value(nullptr)
                                           : boost::json::value(p.target.access)},
        {"scope",
         p.target.scope.empty() ? boost::json::value(nullptr) : boost::json::value(p.target.scope)},
        {"policyId", p.policy_id},
        {"ruleId", p.rule_id},
        {"changes", std::move(settings)}});
  }
  return boost::json::object{{"changes", std::move(changes)}, {"applied", applied}};
}

std::string PlanToText(const std::vector<RulePlan>& plan) {
  std::string out;
  std::string last;
  for (const RulePlan& p : plan) {
    const std::string head =
        absl::StrCat(p.target.kind, " ", p.target.name,
                     p.target.access.empty() ? "" : absl::StrCat(" (", p.target.access, ")"),
                     p.target.scope.empty() ? "" : absl::StrCat(" at ", p.target.scope),
                     " [policy ", p.policy_id, "]");
    // Names and ids come from the server: no control characters reach the terminal.
    if (head != last) absl::StrAppend(&out, Printable(head), "\n");
    last = head;
    for (const SettingChange& c : p.changes) {
      absl::StrAppend(&out, "  ", Printable(absl::StrCat(p.rule_id, ": ", DescribeChange(c))),
                      "\n");
    }
  }
  return out;
}

}  // namespace pim::cli
