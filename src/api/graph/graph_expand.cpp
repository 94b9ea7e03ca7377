#include "api/graph/graph_expand.h"

#include <optional>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "api/graph/graph_schedule_json.h"
#include "api/graph/graph_wire.h"
#include "pim/domain/scope.h"

namespace pim::api::graph {
namespace {

constexpr std::string_view kPrincipal = "principal";
constexpr std::string_view kGroup = "group";
constexpr std::string_view kRoleDefinition = "roleDefinition";
constexpr std::string_view kTargetSchedule = "targetSchedule";
constexpr std::string_view kActivatedUsing = "activatedUsing";
constexpr std::string_view kDirectoryScope = "directoryScope";
constexpr std::string_view kAppScope = "appScope";

using json_body::A;

std::vector<std::string_view> NavigationProperties(const EntityType& type) {
  std::vector<std::string_view> names{kPrincipal,
                                      type.area == PimArea::kGroup ? kGroup : kRoleDefinition};
  if (type.shape == EntityShape::kRequest) names.push_back(kTargetSchedule);
  if (type.kind == ScheduleKind::kAssignment) names.push_back(kActivatedUsing);
  if (type.area != PimArea::kGroup) {
    names.push_back(kDirectoryScope);
    names.push_back(kAppScope);
  }
  return names;
}

// The canonical spelling of navigation property `name` of `type`, if it has one.
std::optional<std::string_view> Canonical(const EntityType& type, std::string_view name) {
  for (std::string_view n : NavigationProperties(type)) {
    if (absl::EqualsIgnoreCase(A(n), A(name))) return n;
  }
  return std::nullopt;
}

std::string StringField(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(boost::json::string_view(key.data(), key.size()));
  if (v == nullptr || !v->is_string()) return "";
  return std::string(v->get_string().data(), v->get_string().size());
}

boost::json::value GroupToJson(const State& state, const std::string& id) {
  const Principal* p = state.FindPrincipal(id);
  if (p == nullptr) return nullptr;
  boost::json::object o;
  o["@odata.type"] = "#microsoft.graph.group";
  o["id"] = p->id.str();
  o["displayName"] = StringOrNull(p->display_name);
  o["mail"] = StringOrNull(p->mail);
  o["isAssignableToRole"] = p->is_assignable_to_role;
  return o;
}

boost::json::value RoleDefinitionToJson(const State& state, const std::string& id) {
  const RoleDefinition* r = state.FindRole(id);
  if (r == nullptr) return nullptr;
  boost::json::object o;
  o["id"] = r->id.str();
  o["description"] = r->description;
  o["displayName"] = r->display_name;
  o["isBuiltIn"] = r->is_built_in;
  o["isEnabled"] = true;
  o["templateId"] = r->id.str();
  o["version"] = nullptr;
  o["resourceScopes"] = boost::json::array{"/"};
  o["rolePermissions"] = boost::json::array();
  return o;
}

// The administrative unit a directory scope names; null for the tenant ("/"), which is no
// directory object.
boost::json::value DirectoryScopeToJson(const State& state, const std::string& scope_id) {
  const ScopeNode* node = state.FindScope(CanonicalScope(scope_id));
  if (node == nullptr || node->kind != ScopeKind::kAdministrativeUnit) return nullptr;
  boost::json::object o;
  o["@odata.type"] = "#microsoft.graph.administrativeUnit";
  o["id"] = node->path.substr(node->path.rfind('/') + 1);
  o["displayName"] = StringOrNull(node->display_name);
  return o;
}

boost::json::value ScheduleJsonOrNull(const State& state, const std::string& id, PimArea area,
                                      bool as_instance) {
  const Schedule* s = id.empty() ? nullptr : state.FindSchedule(id);
  if (s == nullptr) return nullptr;
  if (as_instance) {
    // An instance exists only while its schedule is in force.
    if (s->state != ScheduleState::kActive) return nullptr;
    return ScheduleInstanceToJson(*s, area);
  }
  return ScheduleToJson(*s, area);
}

// The eligibility an assignment entity was activated from.
std::string ActivatedUsingId(const boost::json::object& entity, const EntityType& type,
                             const State& state) {
  const std::string id = StringField(entity, "id");
  if (type.shape == EntityShape::kRequest) {
    const ScheduleRequest* r = state.FindRequest(id);
    if (r == nullptr || !r->linked_eligibility.has_value()) return "";
    return r->linked_eligibility->str();
  }
  const Schedule* s = state.FindSchedule(id);
  if (s == nullptr || !s->activated_using.has_value()) return "";
  return s->activated_using->str();
}

boost::json::value Resolve(std::string_view name, const boost::json::object& entity,
                           const EntityType& type, const State& state) {
  if (name == kPrincipal) {
    const Principal* p = state.FindPrincipal(StringField(entity, "principalId"));
    if (p == nullptr) return nullptr;
    return PrincipalToJson(*p);
  }
  if (name == kGroup) return GroupToJson(state, StringField(entity, "groupId"));
  if (name == kRoleDefinition) {
    return RoleDefinitionToJson(state, StringField(entity, "roleDefinitionId"));
  }
  if (name == kTargetSchedule) {
    return ScheduleJsonOrNull(state, StringField(entity, "targetScheduleId"), type.area,
                              /*as_instance=*/false);
  }
  if (name == kDirectoryScope) {
    return DirectoryScopeToJson(state, StringField(entity, "directoryScopeId"));
  }
  if (name == kAppScope) return nullptr;  // pim has no application scopes
  if (name == kActivatedUsing) {
    return ScheduleJsonOrNull(state, ActivatedUsingId(entity, type, state), type.area,
                              /*as_instance=*/type.shape == EntityShape::kInstance);
  }
  return nullptr;
}

}  // namespace

absl::Status ValidateExpand(const odata::Query& query, const EntityType& type) {
  for (const odata::ExpandItem& item : query.expand) {
    if (!Canonical(type, item.property).has_value()) {
      return BadRequest(absl::StrCat("Could not find a navigation property named '", item.property,
                                     "' to $expand on this type."));
    }
    if (!item.expand.empty()) {
      return BadRequest(
          absl::StrCat("Nested $expand inside '", item.property, "' is not supported."));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> Expand(boost::json::object& entity, const odata::Query& query,
                                const EntityType& type, const State& state) {
  std::vector<std::string> added;
  for (const odata::ExpandItem& item : query.expand) {
    const std::optional<std::string_view> name = Canonical(type, item.property);
    if (!name.has_value()) continue;  // ValidateExpand refused it already
    boost::json::value v = Resolve(*name, entity, type, state);
    if (v.is_object() && !item.select.empty()) v = odata::Project(v.as_object(), item.select);
    entity[boost::json::string_view(name->data(), name->size())] = std::move(v);
    added.emplace_back(*name);
  }
  return added;
}

boost::json::object PrincipalToJson(const Principal& p) {
  boost::json::object o;
  switch (p.kind) {
    case PrincipalKind::kUser:
      o["@odata.type"] = "#microsoft.graph.user";
      break;
    case PrincipalKind::kGroup:
      o["@odata.type"] = "#microsoft.graph.group";
      break;
    case PrincipalKind::kServicePrincipal:
      o["@odata.type"] = "#microsoft.graph.servicePrincipal";
      break;
  }
  o["id"] = p.id.str();
  o["displayName"] = StringOrNull(p.display_name);
  if (p.kind == PrincipalKind::kUser) o["userPrincipalName"] = StringOrNull(p.mail);
  o["mail"] = StringOrNull(p.mail);
  return o;
}

}  // namespace pim::api::graph
