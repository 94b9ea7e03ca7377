#include "pim/cli/policy_as_code.h"

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/json/serialize.hpp"
#include "pim/cli/exit_code.h"
#include "pim/cli/url_encoding.h"
#include "pim/domain/status.h"

namespace pim::cli {
namespace {

constexpr char kAssignments[] = "/v1.0/policies/roleManagementPolicyAssignments";
constexpr char kPolicies[] = "/v1.0/policies/roleManagementPolicies";

std::string Str(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return "";
  return std::string(v->get_string());
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
      if (path.empty() && (key == "id" || key == "@odata.type")) continue;
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

absl::StatusOr<PolicyTarget> PolicyClient::Resolve(const std::string& name_or_id, bool group,
                                                   const std::string& access) {
  PolicyTarget t;
  t.kind = group ? "group" : "directoryRole";
  if (group) t.access = access.empty() ? "member" : access;
  PIM_ASSIGN_OR_RETURN(
      boost::json::array items,
      session_.ListAll(group ? "/v1.0/groups" : "/v1.0/roleManagement/directory/roleDefinitions"));
  for (const boost::json::value& v : items) {
    if (!v.is_object()) continue;
    const std::string id = Str(v.get_object(), "id");
    const std::string name = Str(v.get_object(), "displayName");
    if (absl::EqualsIgnoreCase(id, name_or_id) || absl::EqualsIgnoreCase(name, name_or_id)) {
      t.id = id;
      t.name = name;
      return t;
    }
  }
  return WithExitCode(absl::NotFoundError(absl::StrCat("no ", group ? "group" : "directory role",
                                                       " '", name_or_id, "'")),
                      ExitCode::kNotFound);
}

absl::StatusOr<boost::json::object> PolicyClient::Get(const PolicyTarget& target) {
  PIM_ASSIGN_OR_RETURN(boost::json::array items, session_.ListAll(AssignmentsQuery(target)));
  for (const boost::json::value& v : items) {
    const boost::json::value* policy =
        v.is_object() ? v.get_object().if_contains("policy") : nullptr;
    if (policy != nullptr && policy->is_object()) return policy->get_object();
  }
  return WithExitCode(
      absl::NotFoundError(absl::StrCat("no policy for ", target.kind, " '", target.name, "'")),
      ExitCode::kNotFound);
}

absl::StatusOr<boost::json::object> PolicyClient::Export(bool groups) {
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
                       access};
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
    std::string key = group ? Str(*entry, "groupId") : Str(*entry, "roleDefinitionId");
    if (key.empty()) key = group ? Str(*entry, "group") : Str(*entry, "directoryRole");
    if (key.empty()) {
      return BadFile(absl::StrCat("policies[", index - 1,
                                  "] names no directoryRole/roleDefinitionId or group/groupId"));
    }
    PIM_ASSIGN_OR_RETURN(PolicyTarget target, Resolve(key, group, Str(*entry, "access")));
    PIM_ASSIGN_OR_RETURN(boost::json::object policy, Get(target));
    const boost::json::value* current_rules = policy.if_contains("rules");
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
      if (current_rules != nullptr && current_rules->is_array()) {
        for (const boost::json::value& c : current_rules->get_array()) {
          if (c.is_object() && Str(c.get_object(), "id") == rule_id) current = &c.get_object();
        }
      }
      if (current == nullptr) {
        return BadFile(absl::StrCat("the policy of ", target.name, " has no rule '", rule_id, "'"));
      }
      std::vector<SettingChange> changes = DiffRule(*current, *rule);
      if (changes.empty()) continue;
      plan.push_back(RulePlan{target, Str(policy, "id"), rule_id, std::move(changes),
                              MergeRule(*current, *rule)});
    }
  }
  return plan;
}

absl::Status PolicyClient::Apply(const std::vector<RulePlan>& plan) {
  for (const RulePlan& p : plan) {
    ApiCall call;
    call.method = "PATCH";
    call.path = absl::StrCat(kPolicies, "/", PercentEncode(p.policy_id), "/rules/",
                             PercentEncode(p.rule_id));
    call.body = p.patched;
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
                     " [policy ", p.policy_id, "]");
    if (head != last) absl::StrAppend(&out, head, "\n");
    last = head;
    for (const SettingChange& c : p.changes) {
      absl::StrAppend(&out, "  ", p.rule_id, ": ", DescribeChange(c), "\n");
    }
  }
  return out;
}

}  // namespace pim::cli
