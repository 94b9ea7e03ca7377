// The Azure Resource Manager surface of Microsoft.Authorization PIM at any scope:
// /{scope}/providers/Microsoft.Authorization/{roleAssignmentScheduleRequests, ...}, plus pim's
// own admin API that registers the resource hierarchy. Wire format:
// ../shared/reference/pim-api.md section 4 and 5.2.
//
// Thread-safe: holds only references; every call reads or commands the engine.
#pragma once

#include <optional>

#include "pim/api/api_options.h"
#include "pim/api/http.h"
#include "pim/api/request_context.h"
#include "pim/engine/engine.h"

namespace pim::api {

class ArmApi {
 public:
  ArmApi(Engine& engine, const ApiOptions& options);

  // Serves `ctx` when its path contains /providers/Microsoft.Authorization/ (case-insensitive)
  // or starts with /pim/v1/resources (nullopt otherwise). Every answer, error or not, is in
  // ARM's format; `api-version` is required (2020-10-01 or later).
  [[nodiscard]] std::optional<HttpResponse> Handle(const RequestContext& ctx);

 private:
  Engine& engine_;
  const ApiOptions options_;
};

}  // namespace pim::api
