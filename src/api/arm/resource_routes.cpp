// pim's own admin API for the Azure resource hierarchy that resource roles are scoped to. ARM
// itself has no such API (Azure knows its resources); pim must be told which management groups,
// subscriptions, resource groups and resources exist and how they nest.
//
//   GET /pim/v1/resources
//       200 {"value": [resource, ...], "nextLink": url|null}; every registered ARM scope except
//       the tenant root, ordered by id. Supports $filter on the resource members, $top and
//       paging like the ARM lists.
//   GET /pim/v1/resources{scope}            e.g. /pim/v1/resources/subscriptions/{id}
//       200 resource, or 404 ObjectNotFound.
//   PUT /pim/v1/resources{scope}
//       body {"displayName": "Dev subscription", "parent": "/providers/Microsoft.Management/
//       managementGroups/root-mg"}; both optional. displayName defaults to the last path
//       segment. parent is for management groups and subscriptions (default: the tenant root
//       "/"); resource groups and resources take theirs from the path (a different one is 400).
//       201 resource when new, 200 resource when it existed (displayName may change; moving
//       to another parent is 400). Authorised by the engine: the system caller or a Global
//       Administrator, else 403 AuthorizationFailed.
//   Any other method: 405 with `Allow`.
//
//   resource = {"id": "/subscriptions/{id}/resourceGroups/app",   ARM spelling of the scope
//               "type": "managementgroup" | "subscription" | "resourcegroup" | "resource",
//               "displayName": "...",
//               "parent": "/subscriptions/{id}"}                    "/" for top-level ones
//
// {scope} may use the "/providers/Microsoft.Subscription/subscriptions/{id}" alias; matching is
// case-insensitive. Names keep the case of the first registration in every id the APIs show.
// api-version is accepted but not required (the path carries the version). Errors use ARM's
// {"error": {"code", "message"}} body.
#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/arm/arm_handlers.h"
#include "api/arm/arm_json.h"
#include "api/arm/arm_path.h"
#include "boost/json/array.hpp"
#include "boost/json/serialize.hpp"
#include "pim/api/api_error.h"
#include "pim/api/odata/query.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

constexpr std::string_view kPrefix = "/pim/v1/resources";

boost::json::object ResourceToJson(const State& state, const ScopeNode& node) {
  return boost::json::object{{"id", DisplayScope(state, node.path)},
                             {"type", std::string(kScopeKindNames.Name(node.kind))},
                             {"displayName", node.display_name},
                             {"parent", DisplayScope(state, node.parent)}};
}

bool IsArmResource(const ScopeNode& node) {
  return node.kind != ScopeKind::kTenant && node.kind != ScopeKind::kAdministrativeUnit;
}

// The registered ARM resource `scope`, as the API shows it.
std::optional<boost::json::object> Lookup(const Engine& engine, const std::string& scope) {
  std::optional<boost::json::object> out;
  engine.Read([&](const State& state) {
    if (const ScopeNode* node = state.FindScope(scope); node != nullptr && IsArmResource(*node)) {
      out = ResourceToJson(state, *node);
    }
  });
  return out;
}

HttpResponse List(const Engine& engine, const ApiOptions& options, const RequestContext& ctx) {
  auto query = odata::ParseQuery(ctx.raw_query);
  if (!query.ok()) return ArmError(query.status());
  if (query->filter && !query->filter->Functions().empty()) {
    return ArmError(Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                          "Filter functions are not supported on resources."));
  }
  std::vector<std::pair<std::string, boost::json::object>> nodes;  // by canonical path
  engine.Read([&](const State& state) {
    for (const auto& [path, node] : state.scopes()) {
      if (IsArmResource(node)) nodes.emplace_back(path, ResourceToJson(state, node));
    }
  });
  std::sort(nodes.begin(), nodes.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  boost::json::array items;
  items.reserve(nodes.size());
  for (auto& node : nodes) items.emplace_back(std::move(node.second));
  odata::Page page = odata::Paginate(std::move(items), *query, ctx.http.base_url, ctx.path,
                                     ctx.raw_query, options.page_size);
  boost::json::object body{{"value", std::move(page.value)}};
  body["nextLink"] =
      page.next_link ? boost::json::value(*page.next_link) : boost::json::value(nullptr);
  return HttpResponse::Json(200, boost::json::serialize(body));
}

HttpResponse Put(Engine& engine, const RequestContext& ctx, const std::string& scope,
                 std::string_view written) {
  auto body = ParseObjectBody(ctx.http.body.empty() ? std::string_view("{}")
                                                    : std::string_view(ctx.http.body));
  if (!body.ok()) return ArmError(body.status());
  for (const auto& kv : *body) {
    if (kv.key() != "displayName" && kv.key() != "parent") {
      return ArmError(BadProperty(std::string_view(kv.key().data(), kv.key().size()),
                                  "is not supported (expected displayName, parent)."));
    }
  }
  auto display_name = OptString(*body, "displayName", "displayName");
  if (!display_name.ok()) return ArmError(display_name.status());
  auto parent = OptString(*body, "parent", "parent");
  if (!parent.ok()) return ArmError(parent.status());

  ScopeNode node;
  node.path = DealiasArmScope(written);  // the engine keys it canonically, shows it as written
  node.display_name = display_name->value_or(LastSegment(written));
  if (parent->has_value()) node.parent = NormaliseArmScope(**parent);
  const bool existed = Lookup(engine, scope).has_value();
  if (absl::Status s = engine.RegisterScope(ctx.caller, node); !s.ok()) return ArmError(s);
  const std::optional<boost::json::object> stored = Lookup(engine, scope);
  if (!stored) {
    return ArmError(Error(absl::StatusCode::kInternal, code::kInternal, "scope not stored"));
  }
  return HttpResponse::Json(existed ? 200 : 201, boost::json::serialize(*stored));
}

}  // namespace

HttpResponse HandleResources(Engine& engine, const ApiOptions& options, const RequestContext& ctx) {
  const std::string_view written = std::string_view(ctx.path).substr(kPrefix.size());
  const std::string& method = ctx.http.method;
  if (written.empty() || written == "/") {
    if (method == "GET") return List(engine, options, ctx);
    return MethodNotAllowed(ctx, "GET");
  }
  const std::string scope = NormaliseArmScope(written);
  const auto shape = ClassifyScope(scope);
  if (!shape.ok() || shape->kind == ScopeKind::kTenant ||
      shape->kind == ScopeKind::kAdministrativeUnit) {
    return ArmError(Error(
        absl::StatusCode::kInvalidArgument, code::kBadRequest,
        absl::StrCat("'", DealiasArmScope(written),
                     "' is not a management group, subscription, resource group or resource.")));
  }
  if (method == "GET") {
    if (auto node = Lookup(engine, scope)) {
      return HttpResponse::Json(200, boost::json::serialize(*node));
    }
    return NotFound(code::kObjectNotFound, "resource", DealiasArmScope(written));
  }
  if (method == "PUT") return Put(engine, ctx, scope, written);
  return MethodNotAllowed(ctx, "GET, PUT");
}

}  // namespace pim::api::arm
