// ARM surface internals: the route groups ArmApi::Handle dispatches to, after it has split
// "/{scope}/providers/Microsoft.Authorization/{collection}[/{name}[/{action}[/{item}]]]" and
// checked api-version. Each returns nullopt when `collection` is not one of its own.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pim/api/api_options.h"
#include "pim/api/http.h"
#include "pim/api/odata/query.h"
#include "pim/api/request_context.h"
#include "pim/engine/engine.h"

namespace pim::api::arm {

struct Route {
  Engine& engine;
  const ApiOptions& options;
  const RequestContext& ctx;
  const odata::Query& query;  // parsed query string (api-version already validated)
  std::string scope;          // canonical scope, e.g. "/subscriptions/s" ("/" for tenant)
  std::string collection;     // as written in the path, e.g. "roleManagementPolicies"
  std::string name;           // "" for the collection itself
  std::string action;         // "" or "cancel" / "validate" / "stages"
  std::string item;           // "" or a stage id (roleAssignmentApprovals only)
};

// roleManagementPolicies and roleManagementPolicyAssignments.
std::optional<HttpResponse> HandlePolicies(const Route& route);

}  // namespace pim::api::arm
