// The route groups this part of the ARM surface implements (ArmApi::Handle dispatches to them
// after splitting the path and checking api-version), and what they share for listing:
// which scopes a list reaches, the $filter functions, and the {value, nextLink} page. Which
// items a caller may see is the engine's Visibility, applied by every route.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "api/arm/arm_routes.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "pim/domain/schedule.h"

namespace pim::api::arm {

// roleAssignmentScheduleRequests / roleEligibilityScheduleRequests.
[[nodiscard]] HttpResponse HandleRequests(const Route& route, ScheduleKind kind);
// role{Assignment,Eligibility}Schedules and their ...Instances.
[[nodiscard]] HttpResponse HandleSchedules(const Route& route, ScheduleKind kind, bool instances);
// roleAssignmentApprovals (Microsoft.Authorization 2021-01-01-preview): approvals of resource-role
// activation requests and the decisions of their stages; see approval_routes.cpp.
[[nodiscard]] HttpResponse HandleApprovals(const Route& route);
// roleDefinitions.
[[nodiscard]] HttpResponse HandleRoleDefinitions(const Route& route);
// eligibleChildResources: the resources below the scope where the caller is eligible.
[[nodiscard]] HttpResponse HandleEligibleChildResources(const Route& route);
// pim's own /pim/v1/resources admin API (see resource_routes.cpp).
[[nodiscard]] HttpResponse HandleResources(Engine& engine, const ApiOptions& options,
                                           const RequestContext& ctx);

// An ARM error for a method the path does not support: the ARM body, HTTP 405 and `Allow`.
[[nodiscard]] HttpResponse MethodNotAllowed(const RequestContext& ctx, std::string_view allowed);

// The groups `caller` is an active member of, nested included: a schedule held by one of them
// is shown to the caller with memberType "Group". Who may see what is the engine's rule
// (Engine::ReadAs, Visibility), not decided here.
[[nodiscard]] absl::flat_hash_set<std::string> ActiveGroupsOf(const Engine& engine,
                                                              const Caller& caller);

// Which scopes a list at `path_scope` reaches.
enum class Reach {
  kAtAndBelow,  // the default
  kAtAndAbove,  // atScope()
  kAll,         // at, above and below: principalId eq, asTarget(), assignedTo()
};
[[nodiscard]] bool InReach(const State& state, const std::string& item_scope,
                           const std::string& path_scope, Reach reach);

// The $filter of a list, split into the surface functions and the property comparisons.
struct ListFilter {
  bool at_scope = false;
  bool as_target = false;
  bool as_requestor = false;
  bool as_approver = false;
  bool as_created_by = false;  // asCreatedBy() (roleAssignmentApprovals)
  std::optional<std::string> assigned_to;
  std::optional<std::string> principal_equals;  // principalId eq '...'
  std::optional<std::string> role_equals;       // roleDefinitionId eq '...' (GUID or full id)

  [[nodiscard]] Reach reach() const;
};
// Checks the filter of `query` against the functions and properties `collection` supports.
// InvalidArgument (BadRequest) for any other function, a function under `or`/`not`, a wrong
// argument count, or another property.
[[nodiscard]] absl::StatusOr<ListFilter> ParseListFilter(
    const odata::Query& query, std::string_view collection,
    std::initializer_list<std::string_view> functions,
    std::initializer_list<std::string_view> properties);

// Applies the property part of the $filter to each entity's `properties`, then pages with the
// query's $top/$skiptoken: {"value": [...], "nextLink": absolute URL or null}.
[[nodiscard]] HttpResponse ListResponse(const Route& route, const ListFilter& filter,
                                        std::vector<boost::json::object> entities);
// `items` (already filtered) paged with the query's $top/$skiptoken: {"value", "nextLink"}.
[[nodiscard]] HttpResponse PageResponse(const Route& route, boost::json::array items);

// The error for an entity that does not exist (or that the caller may not see).
[[nodiscard]] HttpResponse NotFound(std::string_view code, std::string_view what,
                                    std::string_view name);

// A Status for a scope that is not registered, or nullopt.
[[nodiscard]] std::optional<absl::Status> CheckScopeRegistered(const Engine& engine,
                                                               const std::string& scope);

}  // namespace pim::api::arm
