// Directory administration through Graph: the writes under /users, /groups and
// /servicePrincipals. Authorisation is the engine's (Entra's delegation, see
// src/engine/directory_commands.cpp); errors are Graph's directory errors (directory_wire.h).
//
//   POST   /users | /groups | /servicePrincipals      201 + the object + Location
//   PATCH  /users/{id or userPrincipalName} | /groups/{id} | /servicePrincipals/{id}   204
//   DELETE (the same)                                  204
//   POST   /groups/{id}/members/$ref | owners/$ref      204; {"@odata.id": ".../{objectId}"}
//   DELETE /groups/{id}/members/{objectId}/$ref | owners/...   204
//
// A password (passwordProfile) goes to the route's AccountAdmin: CheckNewPassword, then the
// directory change, then SetPassword. Without an AccountAdmin it is refused (400). Deleting a
// user or service principal then asks it to ForgetPrincipal.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "api/graph/graph_routes.h"
#include "pim/api/http.h"

namespace pim::api::graph {

// Serves a non-GET request whose path segments `seg` start with "users", "groups" or
// "servicePrincipals". Errors are statuses for GraphError: Request_BadRequest (400),
// Request_ResourceNotFound (404), Authorization_RequestDenied (403), the engine's
// LastGlobalOrPrivilegedRoleAdministrator and LastGroupOwner (400); an unsupported method is a
// 405 response. Removing a member or owner whose access is an active PIM assignment ends that
// assignment through an adminRemove request, so that request's errors come back too.
[[nodiscard]] absl::StatusOr<HttpResponse> HandleDirectoryWrite(
    const Route& route, const std::vector<std::string>& seg);

}  // namespace pim::api::graph
