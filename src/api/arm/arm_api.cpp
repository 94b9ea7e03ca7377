// ArmApi: recognises Microsoft.Authorization paths and /pim/v1/resources, checks api-version,
// and dispatches by collection (roleAssignmentApprovals: approval_routes.cpp). Routing decisions
// that ARM leaves open:
//   - an unknown collection (or action) under Microsoft.Authorization is 404 ObjectNotFound,
//     like ARM's "resource type not found" answer;
//   - a known collection with a method it does not support is 405 with `Allow` (ARM body);
//   - nothing redirects: "//subscriptions/..." was collapsed by the dispatcher and the
//     Microsoft.Subscription alias is normalised here.
#include "pim/api/arm/arm_api.h"

#include <exception>

#include "absl/strings/match.h"
#include "api/arm/arm_handlers.h"
#include "api/arm/arm_path.h"
#include "api/arm/arm_routes.h"
#include "api/common/json_body.h"
#include "pim/api/api_error.h"
#include "pim/api/odata/query.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

constexpr std::string_view kResourcesPrefix = "/pim/v1/resources";

bool IsResourcesPath(std::string_view path) {
  if (!absl::StartsWithIgnoreCase(
          absl::string_view(path.data(), path.size()),
          absl::string_view(kResourcesPrefix.data(), kResourcesPrefix.size()))) {
    return false;
  }
  return path.size() == kResourcesPrefix.size() || path[kResourcesPrefix.size()] == '/';
}

std::optional<std::string> ApiVersionOf(const odata::Query& query) {
  for (const auto& [key, value] : query.params) {
    if (absl::EqualsIgnoreCase(key, "api-version")) return value;
  }
  return std::nullopt;
}

using json_body::Same;

HttpResponse Dispatch(Engine& engine, const ApiOptions& options, const RequestContext& ctx) {
  if (IsResourcesPath(ctx.path)) return arm::HandleResources(engine, options, ctx);

  auto query = odata::ParseQuery(ctx.raw_query);
  if (!query.ok()) {
    // A missing api-version is the more useful answer when both are wrong.
    if (ctx.raw_query.find("api-version=") == std::string::npos) {
      return ArmError(arm::CheckApiVersion(std::nullopt));
    }
    return ArmError(query.status());
  }
  if (absl::Status s = arm::CheckApiVersion(ApiVersionOf(*query)); !s.ok()) return ArmError(s);
  auto path = arm::ParseArmPath(ctx.path);
  if (!path.ok()) return ArmError(path.status());

  const arm::Route route{engine,
                         options,
                         ctx,
                         *query,
                         std::move(path->scope),
                         std::move(path->collection),
                         std::move(path->name),
                         std::move(path->action),
                         std::move(path->item)};
  const std::string& c = route.collection;
  if (Same(c, "roleAssignmentApprovals")) return arm::HandleApprovals(route);
  // A fourth segment after Microsoft.Authorization only exists under roleAssignmentApprovals.
  if (!route.item.empty()) return arm::NotFound(code::kObjectNotFound, "resource", ctx.path);
  if (Same(c, "roleAssignmentScheduleRequests")) {
    return arm::HandleRequests(route, ScheduleKind::kAssignment);
  }
  if (Same(c, "roleEligibilityScheduleRequests")) {
    return arm::HandleRequests(route, ScheduleKind::kEligibility);
  }
  if (Same(c, "roleAssignmentSchedules")) {
    return arm::HandleSchedules(route, ScheduleKind::kAssignment, false);
  }
  if (Same(c, "roleAssignmentScheduleInstances")) {
    return arm::HandleSchedules(route, ScheduleKind::kAssignment, true);
  }
  if (Same(c, "roleEligibilitySchedules")) {
    return arm::HandleSchedules(route, ScheduleKind::kEligibility, false);
  }
  if (Same(c, "roleEligibilityScheduleInstances")) {
    return arm::HandleSchedules(route, ScheduleKind::kEligibility, true);
  }
  if (Same(c, "roleDefinitions")) return arm::HandleRoleDefinitions(route);
  if (Same(c, "eligibleChildResources")) return arm::HandleEligibleChildResources(route);
  if (auto handled = arm::HandlePolicies(route)) return std::move(*handled);
  return arm::NotFound(code::kObjectNotFound, "resource type", c);
}

}  // namespace

ArmApi::ArmApi(Engine& engine, const ApiOptions& options) : engine_(engine), options_(options) {}

std::optional<HttpResponse> ArmApi::Handle(const RequestContext& ctx) {
  if (!IsResourcesPath(ctx.path) && !arm::IsAuthorizationPath(ctx.path)) return std::nullopt;
  try {
    return Dispatch(engine_, options_, ctx);
  } catch (const std::exception&) {
    // Handlers read JSON without throwing; this is the last line that keeps a library
    // exception (Boost.JSON, allocation) from crossing the API boundary.
    return ArmError(Error(absl::StatusCode::kInternal, code::kInternal, "unexpected exception"));
  }
}

}  // namespace pim::api
