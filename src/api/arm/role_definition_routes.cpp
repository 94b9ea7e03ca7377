// roleDefinitions at any scope: GET list and GET {guid}. Resource roles only (built-in and
// custom); directory roles live on Graph. Each is reported as defined at the requested scope,
// assignable everywhere ("/"). pim does not model permissions, so `permissions` is empty.
// $filter: roleName and type (BuiltInRole / CustomRole) comparisons.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "api/arm/arm_handlers.h"
#include "api/arm/arm_json.h"
#include "boost/json/array.hpp"
#include "boost/json/serialize.hpp"
#include "pim/api/api_error.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

boost::json::object RoleToJson(const State& state, const RoleDefinition& role,
                               const std::string& scope) {
  boost::json::object p{{"roleName", role.display_name},
                        {"type", role.is_built_in ? "BuiltInRole" : "CustomRole"},
                        {"description", role.description},
                        {"assignableScopes", boost::json::array{"/"}},
                        {"permissions", boost::json::array{}},
                        {"createdOn", nullptr},
                        {"updatedOn", nullptr},
                        {"createdBy", nullptr},
                        {"updatedBy", nullptr}};
  return boost::json::object{{"properties", std::move(p)},
                             {"id", RoleDefinitionArmId(state, scope, role.id.str())},
                             {"type", "Microsoft.Authorization/roleDefinitions"},
                             {"name", role.id.str()}};
}

}  // namespace

HttpResponse HandleRoleDefinitions(const Route& route) {
  if (!route.action.empty()) return NotFound(code::kObjectNotFound, "action", route.action);
  if (route.ctx.http.method != "GET") return MethodNotAllowed(route.ctx, "GET");
  if (auto missing = CheckScopeRegistered(route.engine, route.scope)) return ArmError(*missing);
  if (!route.name.empty()) {
    const std::string guid = absl::AsciiStrToLower(route.name);
    std::optional<boost::json::object> body;
    route.engine.Read([&](const State& state) {
      const RoleDefinition* role = state.FindRole(guid);
      if (role != nullptr && role->kind == RoleKind::kResource)
        body = RoleToJson(state, *role, route.scope);
    });
    if (!body) return NotFound(code::kObjectNotFound, "role definition", route.name);
    return HttpResponse::Json(200, boost::json::serialize(*body));
  }
  auto filter = ParseListFilter(route.query, route.collection, {}, {"roleName", "type"});
  if (!filter.ok()) return ArmError(filter.status());
  std::vector<const RoleDefinition*> roles;
  std::vector<boost::json::object> entities;
  route.engine.Read([&](const State& state) {
    for (const auto& [id, role] : state.roles()) {
      if (role.kind == RoleKind::kResource) roles.push_back(&role);
    }
    std::sort(roles.begin(), roles.end(), [](const RoleDefinition* a, const RoleDefinition* b) {
      return a->display_name != b->display_name ? a->display_name < b->display_name : a->id < b->id;
    });
    for (const RoleDefinition* role : roles)
      entities.push_back(RoleToJson(state, *role, route.scope));
  });
  return ListResponse(route, *filter, std::move(entities));
}

}  // namespace pim::api::arm
