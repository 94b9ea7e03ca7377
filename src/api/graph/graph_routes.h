// Graph surface internals: the route groups GraphApi::Handle dispatches to. Each returns
// nullopt when the path is not one of its own. `rest` is the path after the version segment
// ("/v1.0" or "/beta"), e.g. "/policies/roleManagementPolicies/x/rules"; `version` is
// "v1.0" or "beta" (for @odata.context URLs: "{base_url}/{version}/$metadata#...").
#pragma once

#include <optional>
#include <string_view>

#include "pim/api/account_admin.h"
#include "pim/api/api_options.h"
#include "pim/api/http.h"
#include "pim/api/request_context.h"
#include "pim/engine/engine.h"

namespace pim::api::graph {

struct Route {
  Engine& engine;
  const ApiOptions& options;
  const RequestContext& ctx;
  std::string_view version;
  std::string_view rest;
  // Credential side effects of directory writes (passwords, forgetting a deleted principal);
  // nullptr when this server does not manage credentials.
  AccountAdmin* accounts = nullptr;
};

// /identityGovernance/privilegedAccess/group/... (requests, schedules, instances, approvals).
std::optional<HttpResponse> HandleGroupPim(const Route& route);
// /roleManagement/directory/... except roleDefinitions (requests, schedules, instances,
// roleAssignmentApprovals).
std::optional<HttpResponse> HandleDirectoryRolePim(const Route& route);
// /policies/roleManagementPolicies..., /policies/roleManagementPolicyAssignments...
std::optional<HttpResponse> HandlePolicies(const Route& route);
// /users, /groups (+ members, owners), /servicePrincipals, /me, and
// /roleManagement/directory/roleDefinitions: reads, and the writes of directory administration
// (POST/PATCH/DELETE of users, groups and service principals; members/owners $ref).
std::optional<HttpResponse> HandleDirectoryObjects(const Route& route);

}  // namespace pim::api::graph
