// ARM roleManagementPolicies and roleManagementPolicyAssignments at a scope (reference 4.2,
// 4.7). Every resource role has a policy at every registered scope (nothing to create); its ARM
// name is a stable GUID of (scope, role), found again by scanning the resource roles. Reads show
// the engine's effective policy for the role at that scope, to callers who may read it
// (Visibility::MayReadPolicy; lists leave out the others); PATCH changes only the rules sent and
// stores the result at that scope through Engine::UpdatePolicy (which authorises and validates).
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
#include "api/arm/arm_handlers.h"
#include "api/arm/arm_json.h"
#include "api/arm/arm_path.h"
#include "api/arm/arm_policy_json.h"
#include "api/arm/arm_routes.h"
#include "api/common/json_body.h"
#include "boost/json/serialize.hpp"
#include "pim/api/api_error.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace json = boost::json;
namespace {

using json_body::A;
using json_body::Same;

absl::Status Bad(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, message);
}

// The resource role definitions, in id order.
std::vector<std::string> ResourceRoles(const Engine& engine) {
  std::vector<std::string> roles;
  engine.Read([&](const State& state) {
    for (const auto& [id, role] : state.roles()) {
      if (role.kind == RoleKind::kResource) roles.push_back(id);
    }
  });
  std::sort(roles.begin(), roles.end());
  return roles;
}

// The role whose policy at `scope` is named `name`.
std::optional<std::string> RoleOfPolicyName(const Engine& engine, const std::string& scope,
                                            std::string_view name) {
  for (const std::string& role : ResourceRoles(engine)) {
    if (Same(PolicyNameFor(scope, role), name)) return role;
  }
  return std::nullopt;
}

// The policy in force for `target`, under the id of `target` itself (it may be inherited from
// a wider scope; a change is stored at this scope).
Policy PolicyAt(const Engine& engine, const Target& target) {
  Policy policy = engine.EffectivePolicy(target);
  policy.id = engine.PolicyIdFor(target);
  policy.target = target;
  return policy;
}

HttpResponse JsonResponse(int status, const json::object& body) {
  return HttpResponse::Json(status, json::serialize(body));
}

json::object PolicyEntity(const Engine& engine, const Target& target) {
  const Policy policy = PolicyAt(engine, target);
  json::object out;
  engine.Read([&](const State& state) { out = PolicyToArmJson(policy, target, state); });
  return out;
}

json::object AssignmentEntity(const Engine& engine, const Target& target) {
  const Policy policy = PolicyAt(engine, target);
  json::object out;
  engine.Read([&](const State& state) { out = PolicyAssignmentToArmJson(policy, target, state); });
  return out;
}

// The roles a list covers: all resource roles, or the one `roleDefinitionId eq` names.
absl::StatusOr<std::vector<std::string>> ListedRoles(const Route& route) {
  PIM_ASSIGN_OR_RETURN(ListFilter filter,
                       ParseListFilter(route.query, route.collection, {}, {"roleDefinitionId"}));
  std::vector<std::string> roles = ResourceRoles(route.engine);
  if (route.query.filter.has_value() && !filter.role_equals.has_value()) {
    return Bad("Only $filter=roleDefinitionId eq '<role definition id>' is supported here.");
  }
  if (filter.role_equals.has_value()) {
    const std::optional<std::string> guid = RoleGuidOf(*filter.role_equals);
    if (!guid.has_value()) {
      return Bad("roleDefinitionId must be a role definition GUID or its full resource id.");
    }
    roles.erase(std::remove_if(roles.begin(), roles.end(),
                               [&](const std::string& r) { return r != *guid; }),
                roles.end());
  }
  return roles;
}

// {value, nextLink} over `entities`, the filter having been applied already.
HttpResponse List(const Route& route, std::vector<json::object> entities) {
  odata::Query unfiltered = route.query;
  unfiltered.filter.reset();
  const Route paging{route.engine,     route.options, route.ctx,    unfiltered, route.scope,
                     route.collection, route.name,    route.action, route.item};
  return ListResponse(paging, ListFilter{}, std::move(entities));
}

absl::Status ReadDenied(const Route& route) {
  return Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
               absl::StrCat("The client '", route.ctx.caller.id.str(),
                            "' does not have authorization to perform action "
                            "'Microsoft.Authorization/",
                            A(route.collection), "/read' over scope '", route.scope, "'."));
}

// GET of a whole collection: `entity` of each listed role at the route's scope that the caller
// may read.
absl::StatusOr<HttpResponse> ListAll(const Route& route,
                                     json::object (*entity)(const Engine&, const Target&)) {
  if (route.ctx.http.method != "GET") return MethodNotAllowed(route.ctx, "GET");
  PIM_ASSIGN_OR_RETURN(std::vector<std::string> roles, ListedRoles(route));
  std::vector<Target> targets;
  targets.reserve(roles.size());
  for (const std::string& role : roles) targets.push_back(ResourceRoleTarget(role, route.scope));
  const std::vector<Target> readable =
      route.engine.PoliciesReadableBy(route.ctx.caller, std::move(targets));
  std::vector<json::object> entities;
  entities.reserve(readable.size());
  for (const Target& target : readable) entities.push_back(entity(route.engine, target));
  return List(route, std::move(entities));
}

absl::Status PolicyNotFound(std::string_view what, std::string_view name) {
  return Error(absl::StatusCode::kNotFound, code::kPolicyNotFound,
               absl::StrCat("The ", A(what), " '", A(name.substr(0, 200)),
                            "' does not exist at this scope."));
}

absl::StatusOr<HttpResponse> Policies(const Route& route) {
  const std::string& method = route.ctx.http.method;
  if (route.name.empty()) return ListAll(route, PolicyEntity);
  const std::optional<std::string> role = RoleOfPolicyName(route.engine, route.scope, route.name);
  if (!role.has_value()) {
    if (method == "DELETE") return HttpResponse::Empty(204);
    return PolicyNotFound("role management policy", route.name);
  }
  const Target target = ResourceRoleTarget(*role, route.scope);
  if (method == "GET") {
    if (!route.engine.MayReadPolicy(route.ctx.caller, target)) return ReadDenied(route);
    return JsonResponse(200, PolicyEntity(route.engine, target));
  }
  if (method == "PATCH") {
    PIM_ASSIGN_OR_RETURN(json::object body, ParseObjectBody(route.ctx.http.body));
    Policy policy = PolicyAt(route.engine, target);
    PIM_RETURN_IF_ERROR(ApplyArmPolicyPatch(body, policy));
    PIM_RETURN_IF_ERROR(route.engine.UpdatePolicy(route.ctx.caller, policy).status());
    return JsonResponse(200, PolicyEntity(route.engine, target));
  }
  if (method == "DELETE") {
    // Back to what governs the role here without a policy of its own (RoleManagementPolicies_
    // Delete): 200 whether or not one was stored, for whoever may manage the role here.
    PIM_RETURN_IF_ERROR(route.engine.ResetPolicy(route.ctx.caller, target).status());
    return HttpResponse::Empty(200);
  }
  return MethodNotAllowed(route.ctx, "GET, PATCH, DELETE");
}

// PUT body check: whatever it names must be this assignment's scope, role and policy.
absl::Status CheckAssignmentBody(const Route& route, const Target& target,
                                 const std::string& policy_name) {
  PIM_ASSIGN_OR_RETURN(json::object body, ParseObjectBody(route.ctx.http.body));
  PIM_ASSIGN_OR_RETURN(const json::object* props, OptObject(body, "properties", "properties"));
  if (props == nullptr) return Bad("The body must carry a 'properties' object.");
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> scope,
                       OptString(*props, "scope", "properties.scope"));
  if (scope.has_value() && NormaliseArmScope(*scope) != route.scope) {
    return BadProperty("properties.scope", "must be the scope of the request path");
  }
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> role,
                       OptString(*props, "roleDefinitionId", "properties.roleDefinitionId"));
  if (role.has_value() && RoleGuidOf(*role) != target.object_id) {
    return BadProperty("properties.roleDefinitionId", "must name the role of the assignment");
  }
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> policy,
                       OptString(*props, "policyId", "properties.policyId"));
  if (policy.has_value() && !Same(LastSegment(*policy), policy_name)) {
    return BadProperty("properties.policyId",
                       "must be the role management policy of this role at this scope; every "
                       "role has exactly one");
  }
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> Assignments(const Route& route) {
  const std::string& method = route.ctx.http.method;
  if (route.name.empty()) return ListAll(route, AssignmentEntity);
  // "{policyGuid}_{roleDefinitionGuid}"
  const std::size_t underscore = route.name.find('_');
  std::optional<std::string> role;
  std::string policy_name;
  if (underscore != std::string::npos) {
    policy_name = route.name.substr(0, underscore);
    role = RoleOfPolicyName(route.engine, route.scope, policy_name);
    if (role.has_value() && !Same(*role, route.name.substr(underscore + 1))) role.reset();
  }
  if (!role.has_value()) {
    if (method == "DELETE") return HttpResponse::Empty(204);
    if (method == "PUT") {
      return Bad(
          "A role management policy assignment is named '{policyName}_{roleDefinitionId}' "
          "after the policy of that role at this scope.");
    }
    return PolicyNotFound("role management policy assignment", route.name);
  }
  const Target target = ResourceRoleTarget(*role, route.scope);
  if (method == "GET") {
    if (!route.engine.MayReadPolicy(route.ctx.caller, target)) return ReadDenied(route);
    return JsonResponse(200, AssignmentEntity(route.engine, target));
  }
  if (method == "PUT" || method == "DELETE") {
    if (!route.engine.CanManage(route.ctx.caller, target)) {
      return Error(absl::StatusCode::kPermissionDenied, code::kAuthorizationFailed,
                   "The caller may not manage the policy assignments of this role at this "
                   "scope.");
    }
    if (method == "DELETE") {
      // Every role keeps its policy: there is nothing to remove.
      return HttpResponse::Empty(200);
    }
    PIM_RETURN_IF_ERROR(CheckAssignmentBody(route, target, policy_name));
    return JsonResponse(201, AssignmentEntity(route.engine, target));
  }
  return MethodNotAllowed(route.ctx, "GET, PUT, DELETE");
}

}  // namespace

std::optional<HttpResponse> HandlePolicies(const Route& route) {
  const bool policies = Same(route.collection, "roleManagementPolicies");
  if (!policies && !Same(route.collection, "roleManagementPolicyAssignments")) return std::nullopt;
  if (!route.action.empty()) {
    return ArmError(Error(absl::StatusCode::kNotFound, code::kObjectNotFound,
                          absl::StrCat("The action '", A(route.action.substr(0, 100)),
                                       "' does not exist on ", A(route.collection), ".")));
  }
  if (auto unregistered = CheckScopeRegistered(route.engine, route.scope)) {
    return ArmError(*unregistered);
  }
  absl::StatusOr<HttpResponse> response = policies ? Policies(route) : Assignments(route);
  if (!response.ok()) return ArmError(response.status());
  return std::move(*response);
}

}  // namespace pim::api::arm
