// The Microsoft Graph surface (v1.0, plus beta where PIM needs it): PIM for Groups under
// /identityGovernance/privilegedAccess/group, directory roles under /roleManagement/directory,
// policies under /policies, and the directory objects clients read (/users, /groups,
// /servicePrincipals, /me). Wire format: ../shared/reference/pim-api.md sections 0-3, 5.1.
//
// Thread-safe: holds only references; every call reads or commands the engine.
#pragma once

#include <optional>

#include "pim/api/api_options.h"
#include "pim/api/http.h"
#include "pim/api/request_context.h"
#include "pim/engine/engine.h"

namespace pim::api {

class GraphApi {
 public:
  GraphApi(Engine& engine, const ApiOptions& options);

  // Serves `ctx` when its path starts with /v1.0/ or /beta/ (nullopt otherwise). Every answer,
  // error or not, is in Graph's format; an unknown segment is 400 BadRequest "Resource not
  // found for the segment '...'".
  [[nodiscard]] std::optional<HttpResponse> Handle(const RequestContext& ctx);

 private:
  Engine& engine_;
  const ApiOptions options_;
};

}  // namespace pim::api
