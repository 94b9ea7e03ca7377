// eligibleChildResources (EligibleChildResources_Get): the resources below a scope on which the
// caller holds an eligible assignment, so that a client can offer them for an activation at a
// reduced scope.
//
//   GET /{scope}/providers/Microsoft.Authorization/eligibleChildResources
//       [?$filter=resourceType eq 'subscription' or resourceType eq 'resourcegroup']
//       200 {"value": [{"id", "name", "type"}], "nextLink": url|null}, ordered by id.
//
// A registered scope strictly below {scope} is listed when an eligible assignment of the caller
// is in force at it or above it: one of its own, or one of a group it is an active member of.
// `type` is "managementgroup", "subscription", "resourcegroup" or "resource"; `name` is the last
// segment of the id. $filter compares resourceType only (case-insensitively, any of eq, ne, or,
// and, not); $top and paging as the other lists. Errors: 400 ScopeNotFound for an unregistered
// scope, 400 BadRequest for another filter, 405 for a method other than GET.
#include <algorithm>
#include <string>
#include <vector>

#include "api/arm/arm_handlers.h"
#include "api/arm/arm_json.h"
#include "boost/json/array.hpp"
#include "pim/api/api_error.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"

namespace pim::api::arm {

HttpResponse HandleEligibleChildResources(const Route& route) {
  if (!route.name.empty()) return NotFound(code::kObjectNotFound, "resource", route.name);
  if (route.ctx.http.method != "GET") return MethodNotAllowed(route.ctx, "GET");
  auto filter = ParseListFilter(route.query, route.collection, {}, {"resourceType"});
  if (!filter.ok()) return ArmError(filter.status());
  if (auto missing = CheckScopeRegistered(route.engine, route.scope)) return ArmError(*missing);

  const absl::flat_hash_set<std::string> groups = ActiveGroupsOf(route.engine, route.ctx.caller);
  std::vector<std::pair<std::string, boost::json::object>> found;  // by canonical path
  route.engine.Read([&](const State& state) {
    // Where the caller is eligible now: its own eligibilities and its active groups'.
    std::vector<std::string> eligible_at;
    auto collect = [&](const std::string& principal) {
      for (const Schedule* s : state.SchedulesOfPrincipal(principal)) {
        if (s->kind == ScheduleKind::kEligibility && s->target.kind == TargetKind::kResourceRole &&
            s->state != ScheduleState::kExpired && s->CoversTime(route.ctx.now)) {
          eligible_at.push_back(s->target.scope);
        }
      }
    };
    collect(route.ctx.caller.id.str());
    for (const std::string& group : groups) collect(group);
    if (eligible_at.empty()) return;
    for (const auto& entry : state.scopes()) {
      const std::string& path = entry.first;  // (clang cannot capture a structured binding)
      const ScopeNode& node = entry.second;
      if (node.kind == ScopeKind::kTenant || node.kind == ScopeKind::kAdministrativeUnit ||
          path == route.scope || !state.ScopeWithin(path, route.scope)) {
        continue;
      }
      const bool eligible =
          std::any_of(eligible_at.begin(), eligible_at.end(),
                      [&](const std::string& at) { return state.ScopeWithin(path, at); });
      if (!eligible) continue;
      const std::string id = DisplayScope(state, path);
      boost::json::object item{{"id", id},
                               {"name", id.substr(id.rfind('/') + 1)},
                               {"type", std::string(kScopeKindNames.Name(node.kind))}};
      if (route.query.filter &&
          !route.query.filter->Matches(boost::json::object{{"resourceType", item["type"]}})) {
        continue;
      }
      found.emplace_back(path, std::move(item));
    }
  });
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  boost::json::array items;
  items.reserve(found.size());
  for (auto& [path, item] : found) items.emplace_back(std::move(item));
  return PageResponse(route, std::move(items));
}

}  // namespace pim::api::arm
