// Graph directory objects as clients of the PIM endpoints read them: /users, /groups (with
// members and owners), /servicePrincipals, /me, and /roleManagement/directory/roleDefinitions.
// Writes to users, groups and service principals are directory administration
// (directory_write_routes.cpp); /me and role definitions are read-only (405).
//
// A group's members/owners are its direct memberships plus the principals holding an active PIM
// assignment of that membership now (reference 1.7); eligible ones are not members.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "api/graph/directory_wire.h"
#include "api/graph/directory_write_routes.h"
#include "api/graph/graph_routes.h"
#include "api/graph/graph_wire.h"
#include "pim/api/api_error.h"
#include "pim/api/odata/query.h"
#include "pim/domain/status.h"

namespace pim::api::graph {
namespace json = boost::json;
namespace {

using json_body::A;

HttpResponse MethodNotAllowed(const Route& route) {
  HttpResponse r = GraphError(
      BadRequest(absl::StrCat("The HTTP method '", A(route.ctx.http.method),
                              "' is not supported on this resource; it is read-only (GET).")),
      route.ctx);
  r.status = 405;
  r.SetHeader("Allow", "GET");
  return r;
}

json::object RoleDefinitionToJson(const RoleDefinition& role) {
  return json::object{{"id", role.id.str()},
                      {"displayName", role.display_name},
                      {"description", StringOrNull(role.description)},
                      {"isBuiltIn", role.is_built_in},
                      {"isEnabled", true},
                      {"resourceScopes", json::array{"/"}},
                      {"templateId", role.id.str()},
                      {"version", nullptr},
                      {"rolePermissions", json::array{}}};
}

// ---- Lookups (each in one read view) ----

json::array AllOfKind(const Engine& engine, PrincipalKind kind) {
  std::vector<const Principal*> picked;
  json::array out;
  engine.Read([&](const State& state) {
    for (const auto& [id, p] : state.principals()) {
      if (p.kind == kind) picked.push_back(&p);
    }
    std::sort(picked.begin(), picked.end(),
              [](const Principal* a, const Principal* b) { return a->id < b->id; });
    for (const Principal* p : picked) out.emplace_back(EntityOf(*p));
  });
  return out;
}

// Direct members/owners of `group` plus the holders of an active PIM assignment of that
// access at `now`, in id order.
json::array MembersOf(const Engine& engine, const PrincipalId& group, GroupAccess access,
                      absl::Time now) {
  json::array out;
  engine.Read([&](const State& state) {
    absl::flat_hash_set<std::string> ids;
    for (const DirectMembership* m : state.MembershipsOfGroup(group.str())) {
      if (m->access == access) ids.insert(m->principal.str());
    }
    for (const Schedule* s : state.SchedulesOfObject(GroupTarget(group, access))) {
      if (s->kind == ScheduleKind::kAssignment && s->state != ScheduleState::kExpired &&
          s->CoversTime(now)) {
        ids.insert(s->principal.str());
      }
    }
    std::vector<std::string> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& id : sorted) {
      if (const Principal* p = state.FindPrincipal(id)) out.emplace_back(DirectoryObjectToJson(*p));
    }
  });
  return out;
}

// ---- Responses ----

HttpResponse Collection(const Route& route, std::string_view entity_set, json::array items,
                        const odata::Query& query) {
  return CollectionResponse(
      route.ctx, route.version, entity_set, query,
      odata::Paginate(std::move(items), query, route.ctx.http.base_url, route.ctx.path,
                      route.ctx.raw_query, route.options.page_size));
}

HttpResponse Entity(const Route& route, std::string_view entity_set, json::object entity,
                    const odata::Query& query) {
  if (!query.select.empty()) entity = odata::Project(entity, query.select);
  return EntityResponse(200, route.ctx, route.version, entity_set, query, entity);
}

absl::Status NoExpand(const odata::Query& query) {
  if (query.expand.empty()) return absl::OkStatus();
  return BadRequest(
      absl::StrCat("$expand of '", A(query.expand.front().property), "' is not supported here."));
}

absl::StatusOr<HttpResponse> Principals(const Route& route, const std::vector<std::string>& seg,
                                        PrincipalKind kind, const odata::Query& query) {
  const std::string_view set = EntitySetOf(kind);
  if (seg.size() == 1) return Collection(route, set, AllOfKind(route.engine, kind), query);
  const std::optional<Principal> p = FindPrincipal(route.engine, kind, seg[1]);
  if (!p.has_value()) return DirectoryNotFound(seg[1]);
  if (seg.size() == 2) return Entity(route, set, EntityOf(*p), query);
  if (seg.size() == 3 && kind == PrincipalKind::kGroup &&
      (seg[2] == "members" || seg[2] == "owners")) {
    const GroupAccess access = seg[2] == "members" ? GroupAccess::kMember : GroupAccess::kOwner;
    return Collection(route, "directoryObjects",
                      MembersOf(route.engine, p->id, access, route.ctx.now), query);
  }
  return UnknownSegment(seg[2]);
}

absl::StatusOr<HttpResponse> RoleDefinitions(const Route& route,
                                             const std::vector<std::string>& seg,
                                             const odata::Query& query) {
  constexpr std::string_view kSet = "roleManagement/directory/roleDefinitions";
  if (seg.size() == 3) {
    json::array items;
    route.engine.Read([&](const State& state) {
      std::vector<const RoleDefinition*> roles;
      for (const auto& [id, role] : state.roles()) {
        if (role.kind == RoleKind::kDirectory) roles.push_back(&role);
      }
      std::sort(roles.begin(), roles.end(),
                [](const RoleDefinition* a, const RoleDefinition* b) { return a->id < b->id; });
      for (const RoleDefinition* role : roles) items.emplace_back(RoleDefinitionToJson(*role));
    });
    return Collection(route, kSet, std::move(items), query);
  }
  if (seg.size() > 4) return UnknownSegment(seg[4]);
  std::optional<json::object> entity;
  route.engine.Read([&](const State& state) {
    const RoleDefinition* role = state.FindRole(absl::AsciiStrToLower(A(seg[3])));
    if (role != nullptr && role->kind == RoleKind::kDirectory) entity = RoleDefinitionToJson(*role);
  });
  if (!entity.has_value()) return DirectoryNotFound(seg[3]);
  return Entity(route, kSet, std::move(*entity), query);
}

absl::StatusOr<HttpResponse> DispatchDirectoryObject(const Route& route,
                                                     const std::vector<std::string>& seg) {
  if (route.ctx.http.method != "GET") {
    const bool writable = seg[0] == "users" || seg[0] == "groups" || seg[0] == "servicePrincipals";
    if (writable) return HandleDirectoryWrite(route, seg);
    return MethodNotAllowed(route);
  }
  PIM_ASSIGN_OR_RETURN(odata::Query query, odata::ParseQuery(route.ctx.raw_query));
  PIM_RETURN_IF_ERROR(NoExpand(query));
  const std::string& head = seg[0];
  if (head == "me") {
    if (seg.size() > 1) return UnknownSegment(seg[1]);
    const std::optional<Principal> me =
        FindPrincipal(route.engine, PrincipalKind::kUser, route.ctx.caller.id.str());
    if (!me.has_value()) return DirectoryNotFound(route.ctx.caller.id.str());
    return Entity(route, "users", EntityOf(*me), query);
  }
  if (head == "users") return Principals(route, seg, PrincipalKind::kUser, query);
  if (head == "groups") return Principals(route, seg, PrincipalKind::kGroup, query);
  if (head == "servicePrincipals") {
    return Principals(route, seg, PrincipalKind::kServicePrincipal, query);
  }
  return RoleDefinitions(route, seg, query);
}

}  // namespace

std::optional<HttpResponse> HandleDirectoryObjects(const Route& route) {
  const std::vector<std::string> seg = PathSegments(route.rest);
  if (seg.empty()) return std::nullopt;
  const bool principals =
      seg[0] == "me" || seg[0] == "users" || seg[0] == "groups" || seg[0] == "servicePrincipals";
  const bool role_definitions = seg.size() >= 3 && seg[0] == "roleManagement" &&
                                seg[1] == "directory" && seg[2] == "roleDefinitions";
  if (!principals && !role_definitions) return std::nullopt;
  absl::StatusOr<HttpResponse> response = DispatchDirectoryObject(route, seg);
  if (!response.ok()) return GraphError(response.status(), route.ctx);
  return std::move(*response);
}

}  // namespace pim::api::graph
