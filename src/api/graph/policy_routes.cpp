// Graph /policies/roleManagementPolicies and /policies/roleManagementPolicyAssignments
// (reference section 3). Policies exist per directory role and per group × member|owner; the
// engine gives each its id and its effective rules. Writes go through Engine::UpdatePolicy,
// which authorises the caller and validates the policy.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "api/graph/graph_policy_json.h"
#include "api/graph/graph_routes.h"
#include "api/graph/graph_wire.h"
#include "pim/api/api_error.h"
#include "pim/api/odata/query.h"
#include "pim/domain/status.h"

namespace pim::api::graph {
namespace json = boost::json;
namespace {

using json_body::A;
using json_body::Same;

constexpr std::string_view kPoliciesSet = "policies/roleManagementPolicies";
constexpr std::string_view kAssignmentsSet = "policies/roleManagementPolicyAssignments";

HttpResponse PolicyMethodNotAllowed(const Route& route, std::string_view allow) {
  HttpResponse r = GraphError(
      BadRequest(absl::StrCat("The HTTP method '", A(route.ctx.http.method),
                              "' is not supported on this resource; use ", A(allow), ".")),
      route.ctx);
  r.status = 405;
  r.SetHeader("Allow", std::string(allow));
  return r;
}

absl::Status PolicyNotFound(std::string_view id) {
  return Error(absl::StatusCode::kNotFound, code::kPolicyNotFound,
               absl::StrCat("No role management policy has the id '", A(id.substr(0, 200)), "'."));
}

// Whether the role or group `target` names exists (a policy exists for each).
bool TargetExists(const Engine& engine, const Target& target) {
  bool exists = false;
  engine.Read([&](const State& state) {
    if (target.kind == TargetKind::kGroup) {
      const Principal* p = state.FindPrincipal(target.object_id);
      exists = p != nullptr && p->kind == PrincipalKind::kGroup;
    } else {
      const RoleDefinition* r = state.FindRole(target.object_id);
      exists = r != nullptr && r->kind == RoleKind::kDirectory;
    }
  });
  return exists;
}

std::string DisplayNameOf(const Engine& engine, const PrincipalId& id) {
  std::string name;
  if (id.empty()) return name;
  engine.Read([&](const State& state) {
    if (const Principal* p = state.FindPrincipal(id.str())) name = p->display_name;
  });
  return name;
}

// The target of policy `id`, which must be exactly an id the engine gives a live role or group
// ("Directory_" is accepted for "DirectoryRole_").
absl::StatusOr<Target> ResolvePolicy(const Engine& engine, std::string_view id) {
  const std::optional<Target> target = TargetOfPolicyId(id);
  if (!target.has_value()) return PolicyNotFound(id);
  std::string expected = engine.PolicyIdFor(*target).str();
  std::string given(id);
  if (absl::StartsWithIgnoreCase(A(given), "Directory_")) {
    given = absl::StrCat("DirectoryRole_", A(given).substr(std::string_view("Directory_").size()));
  }
  if (!Same(expected, given) || !TargetExists(engine, *target)) return PolicyNotFound(id);
  return *target;
}

// The policy governing `target` as Graph shows it: under the engine's id for that target.
Policy EffectivePolicyOf(const Engine& engine, const Target& target) {
  Policy policy = engine.EffectivePolicy(target);
  policy.id = engine.PolicyIdFor(target);
  policy.target = target;
  return policy;
}

// For a caller who may not read the policy (Engine::MayReadPolicy).
absl::Status ReadDenied() {
  return Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
               "Reading this role management policy needs a role that may read or manage its "
               "role or group, or an eligibility for it.");
}

// ---- $expand ----

absl::Status CheckRuleExpands(const std::vector<odata::ExpandItem>& items) {
  for (const odata::ExpandItem& item : items) {
    if (!Same(item.property, "rules") && !Same(item.property, "effectiveRules")) {
      return BadRequest(absl::StrCat("Could not find a navigation property named '",
                                     A(item.property),
                                     "' on unifiedRoleManagementPolicy; use rules or "
                                     "effectiveRules."));
    }
    if (!item.expand.empty()) {
      return BadRequest(absl::StrCat("'", A(item.property), "' cannot be expanded further."));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckAssignmentExpands(const std::vector<odata::ExpandItem>& items) {
  for (const odata::ExpandItem& item : items) {
    if (!Same(item.property, "policy")) {
      return BadRequest(absl::StrCat("Could not find a navigation property named '",
                                     A(item.property),
                                     "' on unifiedRoleManagementPolicyAssignment; use policy."));
    }
    PIM_RETURN_IF_ERROR(CheckRuleExpands(item.expand));
  }
  return absl::OkStatus();
}

json::array ProjectAll(json::array rules, const std::vector<std::string>& select) {
  if (select.empty()) return rules;
  json::array out;
  for (json::value& rule : rules) {
    if (rule.is_object()) out.emplace_back(odata::Project(rule.get_object(), select));
  }
  return out;
}

// `select` plus the names of the expanded properties (an expansion is kept whatever $select
// says).
std::vector<std::string> SelectWithExpands(const std::vector<std::string>& select,
                                           const std::vector<odata::ExpandItem>& expand) {
  std::vector<std::string> out = select;
  if (out.empty()) return out;
  for (const odata::ExpandItem& item : expand) out.push_back(item.property);
  return out;
}

// The policy entity with `expand` (rules / effectiveRules, each with its nested $select)
// resolved. The entity's own $select is the caller's business.
json::object PolicyEntity(const Engine& engine, const Policy& policy, std::string_view scope_type,
                          const std::vector<odata::ExpandItem>& expand) {
  json::object entity =
      PolicyToJson(policy, scope_type, DisplayNameOf(engine, policy.last_modified_by));
  for (const odata::ExpandItem& item : expand) {
    // No wider policy is inherited, so the effective rules are the rules (reference 3.6).
    entity[Same(item.property, "rules") ? "rules" : "effectiveRules"] =
        ProjectAll(RulesToJson(policy), item.select);
  }
  return entity;
}

json::object AssignmentEntity(const Engine& engine, const Policy& policy,
                              std::string_view scope_type,
                              const std::vector<odata::ExpandItem>& expand) {
  json::object entity = PolicyAssignmentToJson(policy, scope_type);
  for (const odata::ExpandItem& item : expand) {
    json::object nested = PolicyEntity(engine, policy, scope_type, item.expand);
    entity["policy"] = item.select.empty()
                           ? std::move(nested)
                           : odata::Project(nested, SelectWithExpands(item.select, item.expand));
  }
  return entity;
}

// ---- The required scope filter ----

struct ScopeSelection {
  std::vector<Target> targets;
  std::string scope_type;  // as the client asked ("Directory", "DirectoryRole", "Group")
};

absl::StatusOr<ScopeSelection> SelectScope(const Engine& engine, const odata::Query& query,
                                           std::string_view entity_set) {
  std::optional<std::string> scope_id;
  std::optional<std::string> scope_type;
  if (query.filter.has_value()) {
    scope_id = query.filter->RequiredEquals("scopeId");
    scope_type = query.filter->RequiredEquals("scopeType");
  }
  if (!scope_id.has_value() || !scope_type.has_value()) {
    return BadRequest(absl::StrCat(
        "Listing ", A(entity_set),
        " requires $filter=scopeId eq '<id>' and scopeType eq '<type>' (scopeId '/' with "
        "scopeType 'DirectoryRole' or 'Directory', or a group id with scopeType 'Group')."));
  }
  ScopeSelection out;
  if (Same(*scope_type, "DirectoryRole") || Same(*scope_type, "Directory")) {
    if (*scope_id != "/") {
      return BadRequest(absl::StrCat("scopeId must be '/' for scopeType '", A(*scope_type), "'."));
    }
    out.scope_type = Same(*scope_type, "Directory") ? "Directory" : "DirectoryRole";
    std::vector<std::string> roles;
    engine.Read([&](const State& state) {
      for (const auto& [id, role] : state.roles()) {
        if (role.kind == RoleKind::kDirectory) roles.push_back(id);
      }
    });
    std::sort(roles.begin(), roles.end());
    for (const std::string& role : roles) out.targets.push_back(DirectoryRoleTarget(role, "/"));
    return out;
  }
  if (Same(*scope_type, "Group")) {
    out.scope_type = "Group";
    std::string group;
    engine.Read([&](const State& state) {
      for (const std::string& id : {*scope_id, absl::AsciiStrToLower(*scope_id)}) {
        const Principal* p = state.FindPrincipal(id);
        if (p != nullptr && p->kind == PrincipalKind::kGroup) {
          group = p->id.str();
          break;
        }
      }
    });
    // An unknown group has no policies: an empty list, as for a group not yet in PIM.
    if (!group.empty()) {
      out.targets.push_back(GroupTarget(PrincipalId(group), GroupAccess::kMember));
      out.targets.push_back(GroupTarget(PrincipalId(group), GroupAccess::kOwner));
    }
    return out;
  }
  return BadRequest(absl::StrCat("scopeType '", A(scope_type->substr(0, 64)),
                                 "' is not supported; use DirectoryRole, Directory or Group."));
}

// Paginate, keeping expansions through $select.
odata::Page PageOf(const Route& route, json::array items, const odata::Query& query) {
  odata::Query paged = query;
  paged.select = SelectWithExpands(query.select, query.expand);
  return odata::Paginate(std::move(items), paged, route.ctx.http.base_url, route.ctx.path,
                         route.ctx.raw_query, route.options.page_size);
}

// ---- Handlers ----

// The collection `entity_set`: `entity` of the effective policy of every target `query` selects.
absl::StatusOr<HttpResponse> ListEntities(
    const Route& route, const odata::Query& query, std::string_view entity_set,
    json::object (*entity)(const Engine&, const Policy&, std::string_view,
                           const std::vector<odata::ExpandItem>&)) {
  PIM_ASSIGN_OR_RETURN(ScopeSelection selection, SelectScope(route.engine, query, entity_set));
  const std::vector<Target> readable =
      route.engine.PoliciesReadableBy(route.ctx.caller, std::move(selection.targets));
  json::array items;
  for (const Target& target : readable) {
    items.emplace_back(entity(route.engine, EffectivePolicyOf(route.engine, target),
                              selection.scope_type, query.expand));
  }
  return CollectionResponse(route.ctx, route.version, entity_set, query,
                            PageOf(route, std::move(items), query));
}

absl::StatusOr<HttpResponse> ListPolicies(const Route& route, const odata::Query& query) {
  PIM_RETURN_IF_ERROR(CheckRuleExpands(query.expand));
  return ListEntities(route, query, kPoliciesSet, PolicyEntity);
}

absl::StatusOr<HttpResponse> GetPolicy(const Route& route, const odata::Query& query,
                                       const Target& target) {
  PIM_RETURN_IF_ERROR(CheckRuleExpands(query.expand));
  json::object entity = PolicyEntity(route.engine, EffectivePolicyOf(route.engine, target),
                                     ScopeTypeOf(target), query.expand);
  if (!query.select.empty()) {
    entity = odata::Project(entity, SelectWithExpands(query.select, query.expand));
  }
  return EntityResponse(200, route.ctx, route.version, kPoliciesSet, query, entity);
}

absl::StatusOr<HttpResponse> PatchPolicy(const Route& route, const Target& target) {
  PIM_ASSIGN_OR_RETURN(json::object body, ParseObjectBody(route.ctx.http.body));
  Policy policy = EffectivePolicyOf(route.engine, target);
  PIM_RETURN_IF_ERROR(ApplyPolicyJson(body, policy));
  PIM_RETURN_IF_ERROR(route.engine.UpdatePolicy(route.ctx.caller, policy).status());
  return HttpResponse::Empty(204);
}

absl::StatusOr<HttpResponse> ListRules(const Route& route, const odata::Query& query,
                                       const Target& target, std::string_view nav) {
  if (!query.expand.empty()) return BadRequest("Rules have no navigation properties to expand.");
  const Policy policy = EffectivePolicyOf(route.engine, target);
  const std::string set = absl::StrCat(A(kPoliciesSet), "('", policy.id.str(), "')/", A(nav));
  return CollectionResponse(route.ctx, route.version, set, query,
                            PageOf(route, RulesToJson(policy), query));
}

absl::StatusOr<std::string_view> RuleIdOf(std::string_view text) {
  const std::optional<std::string_view> rule = CanonicalRuleId(text);
  if (!rule.has_value()) {
    return Error(
        absl::StatusCode::kNotFound, code::kObjectNotFound,
        absl::StrCat("'", A(text.substr(0, 100)), "' is not a rule of a role management policy."));
  }
  return *rule;
}

absl::StatusOr<HttpResponse> GetRule(const Route& route, const odata::Query& query,
                                     const Target& target, std::string_view nav,
                                     std::string_view rule_text) {
  if (!query.expand.empty()) return BadRequest("Rules have no navigation properties to expand.");
  PIM_ASSIGN_OR_RETURN(std::string_view rule_id, RuleIdOf(rule_text));
  const Policy policy = EffectivePolicyOf(route.engine, target);
  json::object entity = RuleToJson(policy, rule_id);
  if (!query.select.empty()) entity = odata::Project(entity, query.select);
  const std::string set = absl::StrCat(A(kPoliciesSet), "('", policy.id.str(), "')/", A(nav));
  return EntityResponse(200, route.ctx, route.version, set, query, entity);
}

absl::StatusOr<HttpResponse> PatchRule(const Route& route, const Target& target,
                                       std::string_view rule_text) {
  const std::optional<std::string_view> rule_id = CanonicalRuleId(rule_text);
  if (!rule_id.has_value()) {
    return BadRequest(absl::StrCat("'", A(rule_text.substr(0, 100)),
                                   "' is not a rule id of a role management policy."));
  }
  PIM_ASSIGN_OR_RETURN(json::object body, ParseObjectBody(route.ctx.http.body));
  Policy policy = EffectivePolicyOf(route.engine, target);
  PIM_RETURN_IF_ERROR(ApplyRuleJson(body, *rule_id, policy));
  PIM_RETURN_IF_ERROR(route.engine.UpdatePolicy(route.ctx.caller, policy).status());
  return HttpResponse::Empty(204);
}

absl::StatusOr<HttpResponse> Policies(const Route& route, const std::vector<std::string>& seg) {
  const std::string& method = route.ctx.http.method;
  PIM_ASSIGN_OR_RETURN(odata::Query query, odata::ParseQuery(route.ctx.raw_query));
  if (seg.size() == 2) {
    if (method != "GET") return PolicyMethodNotAllowed(route, "GET");
    return ListPolicies(route, query);
  }
  PIM_ASSIGN_OR_RETURN(Target target, ResolvePolicy(route.engine, seg[2]));
  // Reads need MayReadPolicy; a PATCH is authorised by the engine (managing the target).
  if (method == "GET" && !route.engine.MayReadPolicy(route.ctx.caller, target)) {
    return ReadDenied();
  }
  if (seg.size() == 3) {
    if (method == "GET") return GetPolicy(route, query, target);
    if (method == "PATCH") return PatchPolicy(route, target);
    return PolicyMethodNotAllowed(route, "GET, PATCH");
  }
  const std::string& nav = seg[3];
  const bool rules = nav == "rules";
  if (!rules && nav != "effectiveRules") return UnknownSegment(nav);
  if (seg.size() == 4) {
    if (method != "GET") return PolicyMethodNotAllowed(route, "GET");
    return ListRules(route, query, target, nav);
  }
  if (seg.size() == 5) {
    if (method == "GET") return GetRule(route, query, target, nav, seg[4]);
    if (method == "PATCH" && rules) return PatchRule(route, target, seg[4]);
    return PolicyMethodNotAllowed(route, rules ? "GET, PATCH" : "GET");
  }
  return UnknownSegment(seg[5]);
}

absl::StatusOr<HttpResponse> Assignments(const Route& route, const std::vector<std::string>& seg) {
  if (route.ctx.http.method != "GET") return PolicyMethodNotAllowed(route, "GET");
  PIM_ASSIGN_OR_RETURN(odata::Query query, odata::ParseQuery(route.ctx.raw_query));
  PIM_RETURN_IF_ERROR(CheckAssignmentExpands(query.expand));
  if (seg.size() == 2) return ListEntities(route, query, kAssignmentsSet, AssignmentEntity);
  if (seg.size() > 3) return UnknownSegment(seg[3]);
  const std::string& id = seg[2];
  const std::optional<Target> target = TargetOfPolicyAssignmentId(id);
  const std::size_t last = id.rfind('_');
  if (!target.has_value() || last == std::string::npos ||
      !ResolvePolicy(route.engine, std::string_view(id).substr(0, last)).ok()) {
    return Error(absl::StatusCode::kNotFound, code::kPolicyNotFound,
                 absl::StrCat("No role management policy assignment has the id '",
                              A(std::string_view(id).substr(0, 200)), "'."));
  }
  if (!route.engine.MayReadPolicy(route.ctx.caller, *target)) return ReadDenied();
  json::object entity = AssignmentEntity(route.engine, EffectivePolicyOf(route.engine, *target),
                                         ScopeTypeOf(*target), query.expand);
  if (!query.select.empty()) {
    entity = odata::Project(entity, SelectWithExpands(query.select, query.expand));
  }
  return EntityResponse(200, route.ctx, route.version, kAssignmentsSet, query, entity);
}

}  // namespace

std::optional<HttpResponse> HandlePolicies(const Route& route) {
  const std::vector<std::string> seg = PathSegments(route.rest);
  if (seg.size() < 2 || seg[0] != "policies") return std::nullopt;
  absl::StatusOr<HttpResponse> response;
  if (seg[1] == "roleManagementPolicies") {
    response = Policies(route, seg);
  } else if (seg[1] == "roleManagementPolicyAssignments") {
    response = Assignments(route, seg);
  } else {
    return std::nullopt;
  }
  if (!response.ok()) return GraphError(response.status(), route.ctx);
  return std::move(*response);
}

}  // namespace pim::api::graph
