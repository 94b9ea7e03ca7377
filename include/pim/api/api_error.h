// The one place that turns an absl::Status into an HTTP status and an error body, per API
// surface. Machine codes come from the status (pim::ErrorCodeOf); messages never carry secrets.
#pragma once

#include "absl/status/status.h"
#include "pim/api/http.h"
#include "pim/api/request_context.h"

namespace pim::api {

// The HTTP status for `status`: the Graph/ARM catalogue's status for codes it lists (for
// example RoleAssignmentDoesNotExist is 400, not 404), else the canonical code's usual status.
[[nodiscard]] int HttpStatusFor(const absl::Status& status);

// {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}
[[nodiscard]] HttpResponse GraphError(const absl::Status& status, const RequestContext& ctx);
// {"error":{"code","message"}}
[[nodiscard]] HttpResponse ArmError(const absl::Status& status);

}  // namespace pim::api
