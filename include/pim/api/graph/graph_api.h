// The Microsoft Graph surface (v1.0, plus beta where PIM needs it): PIM for Groups under
// /identityGovernance/privilegedAccess/group, directory roles under /roleManagement/directory,
// policies under /policies, and the directory objects clients read (/users, /groups,
// /servicePrincipals, /me). Wire format: ../shared/reference/pim-api.md sections 0-3, 5.1.
//
// Thread-safe: holds only references; every call reads or commands the engine.
#pragma once

#include <optional>

#include "pim/api/account_admin.h"
#include "pim/api/api_options.h"
#include "pim/api/http.h"
#include "pim/api/request_context.h"
#include "pim/engine/engine.h"

namespace pim::api {

class GraphApi {
 public:
  // `accounts`, when given, carries out the credential side of directory writes (passwords,
  // forgetting deleted principals) and must outlive the GraphApi; without it a body with a
  // passwordProfile is refused (400).
  GraphApi(Engine& engine, const ApiOptions& options, AccountAdmin* accounts = nullptr);

  // Serves `ctx` when its path starts with /v1.0/ or /beta/ (nullopt otherwise). Every answer,
  // error or not, is in Graph's format; an unknown segment is 400 BadRequest "Resource not
  // found for the segment '...'".
  [[nodiscard]] std::optional<HttpResponse> Handle(const RequestContext& ctx);

 private:
  Engine& engine_;
  const ApiOptions options_;
  AccountAdmin* const accounts_;
};

}  // namespace pim::api
