// What the Microsoft.Authorization list routes share: scope reach, $filter functions and the
// {value, nextLink} page.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/arm/arm_handlers.h"
#include "api/arm/arm_json.h"
#include "api/common/json_body.h"
#include "boost/json/array.hpp"
#include "boost/json/serialize.hpp"
#include "pim/api/api_error.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

using json_body::A;

using json_body::Same;

absl::Status BadFilter(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, message);
}

}  // namespace

HttpResponse MethodNotAllowed(const RequestContext& ctx, std::string_view allowed) {
  // ARM answers an unsupported verb on a known resource type with 405; the body stays ARM's.
  HttpResponse r =
      ArmError(Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
                     absl::StrCat("The method '", ctx.http.method,
                                  "' is not supported here; allowed: ", A(allowed), ".")));
  r.status = 405;
  r.SetHeader("Allow", std::string(allowed));
  return r;
}

absl::flat_hash_set<std::string> ActiveGroupsOf(const Engine& engine, const Caller& caller) {
  absl::flat_hash_set<std::string> groups;
  if (caller.is_system) return groups;
  for (const auto& grant : engine.GrantsOf(caller.id.str())) {
    if (grant.target.kind == TargetKind::kGroup && grant.target.access == GroupAccess::kMember) {
      groups.insert(grant.target.object_id);
    }
  }
  return groups;
}

bool InReach(const State& state, const std::string& item_scope, const std::string& path_scope,
             Reach reach) {
  switch (reach) {
    case Reach::kAtAndBelow:
      return state.ScopeWithin(item_scope, path_scope);
    case Reach::kAtAndAbove:
      return state.ScopeWithin(path_scope, item_scope);
    case Reach::kAll:
      return state.ScopeWithin(item_scope, path_scope) || state.ScopeWithin(path_scope, item_scope);
  }
  return false;
}

Reach ListFilter::reach() const {
  if (at_scope) return Reach::kAtAndAbove;
  if (as_target || assigned_to || principal_equals) return Reach::kAll;
  return Reach::kAtAndBelow;
}

absl::StatusOr<ListFilter> ParseListFilter(const odata::Query& query, std::string_view collection,
                                           std::initializer_list<std::string_view> functions,
                                           std::initializer_list<std::string_view> properties) {
  ListFilter out;
  if (!query.filter) return out;
  const odata::Filter& filter = *query.filter;
  for (const auto& call : filter.Functions()) {
    const bool known = std::any_of(functions.begin(), functions.end(),
                                   [&](std::string_view f) { return Same(f, call.name); });
    if (!known) {
      return BadFilter(absl::StrCat("The filter function '", call.name, "' is not supported on ",
                                    A(collection), "."));
    }
    if (!call.in_conjunction) {
      return BadFilter(
          absl::StrCat("The filter function '", call.name, "' may only be combined with 'and'."));
    }
    const bool takes_id = Same(call.name, "assignedTo");
    if (call.args.size() != (takes_id ? 1U : 0U)) {
      return BadFilter(absl::StrCat("The filter function '", call.name, "' takes ",
                                    takes_id ? "one argument." : "no arguments."));
    }
    if (Same(call.name, "atScope")) out.at_scope = true;
    if (Same(call.name, "asTarget")) out.as_target = true;
    if (Same(call.name, "asRequestor")) out.as_requestor = true;
    if (Same(call.name, "asApprover")) out.as_approver = true;
    if (Same(call.name, "asCreatedBy")) out.as_created_by = true;
    if (takes_id) out.assigned_to = absl::AsciiStrToLower(A(call.args[0]));
  }
  for (const std::string& property : filter.Properties()) {
    const bool known = std::any_of(properties.begin(), properties.end(),
                                   [&](std::string_view p) { return Same(p, property); });
    if (!known) {
      return BadFilter(
          absl::StrCat("The property '", property, "' cannot be filtered on ", A(collection), "."));
    }
  }
  if (auto p = filter.RequiredEquals("principalId")) {
    out.principal_equals = absl::AsciiStrToLower(*p);
  }
  out.role_equals = filter.RequiredEquals("roleDefinitionId");
  return out;
}

HttpResponse ListResponse(const Route& route, const ListFilter& filter,
                          std::vector<boost::json::object> entities) {
  boost::json::array items;
  items.reserve(entities.size());
  const std::optional<std::string> wanted_role =
      filter.role_equals ? RoleGuidOf(*filter.role_equals) : std::nullopt;
  for (boost::json::object& entity : entities) {
    if (route.query.filter) {
      const boost::json::value* props = entity.if_contains("properties");
      if (props == nullptr || !props->is_object()) continue;
      boost::json::object view = props->get_object();
      // roleDefinitionId may be compared as a GUID or as a full id at any scope: present the
      // entity's role in the form the filter spelled it when it is the same role.
      if (wanted_role) {
        const boost::json::value* role = view.if_contains("roleDefinitionId");
        if (role != nullptr && role->is_string()) {
          const boost::json::string& s = role->get_string();
          if (RoleGuidOf(std::string_view(s.data(), s.size())) == wanted_role) {
            view["roleDefinitionId"] = *filter.role_equals;
          }
        }
      }
      if (!route.query.filter->Matches(view)) continue;
    }
    items.emplace_back(std::move(entity));
  }
  return PageResponse(route, std::move(items));
}

HttpResponse PageResponse(const Route& route, boost::json::array items) {
  odata::Query paging = route.query;
  paging.filter.reset();  // the caller has applied it
  odata::Page page = odata::Paginate(std::move(items), paging, route.ctx.http.base_url,
                                     route.ctx.path, route.ctx.raw_query, route.options.page_size);
  boost::json::object body{{"value", std::move(page.value)}};
  body["nextLink"] =
      page.next_link ? boost::json::value(*page.next_link) : boost::json::value(nullptr);
  return HttpResponse::Json(200, boost::json::serialize(body));
}

HttpResponse NotFound(std::string_view code_value, std::string_view what, std::string_view name) {
  return ArmError(
      Error(absl::StatusCode::kNotFound, code_value,
            absl::StrCat("The ", A(what), " '", A(name), "' does not exist at this scope.")));
}

std::optional<absl::Status> CheckScopeRegistered(const Engine& engine, const std::string& scope) {
  bool found = false;
  engine.Read([&](const State& state) { found = state.FindScope(scope) != nullptr; });
  if (found) return std::nullopt;
  return Error(absl::StatusCode::kNotFound, code::kScopeNotFound,
               absl::StrCat("The scope '", GuessScopeSpelling(scope), "' is not registered."));
}

}  // namespace pim::api::arm
