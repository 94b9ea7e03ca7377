// ARM request paths and api-version: splits
// "/{scope}/providers/Microsoft.Authorization/{collection}[/{name}[/{action}[/{item}]]]" into
// its parts
// and checks the `api-version` query parameter every ARM call must carry.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace pim::api::arm {

struct ArmPath {
  std::string scope;       // canonical (lower-case) scope, "/" for the tenant
  std::string collection;  // as written, e.g. "roleAssignmentScheduleRequests"
  std::string name;        // "" for the collection itself
  std::string action;      // "" or the segment after the name ("cancel", "validate", "stages")
  std::string item;        // "" or the segment after the action (an approval's stage id)
};

// Whether `path` (already decoded, "//" collapsed) addresses Microsoft.Authorization, i.e.
// contains a "/providers/Microsoft.Authorization" segment pair (case-insensitive).
[[nodiscard]] bool IsAuthorizationPath(std::string_view path);

// Splits an authorization path. The scope may be "/" (tenant), a management group, a
// subscription (also spelled "/providers/Microsoft.Subscription/subscriptions/{id}"), a resource
// group or a resource; it is returned canonical. The last "/providers/Microsoft.Authorization"
// pair followed by one to four segments is the split point, so resource scopes that contain
// other "/providers/..." segments work. Errors: NotFound (ObjectNotFound) when no collection
// follows or more than four segments do (a fourth is only meaningful to
// roleAssignmentApprovals/{id}/stages/{stageId}; ArmApi answers it 404 everywhere else);
// InvalidArgument (BadRequest) for a scope of no known ARM shape (including administrative units,
// which are directory scopes).
[[nodiscard]] absl::StatusOr<ArmPath> ParseArmPath(std::string_view path);

// Normalises a scope as a client spells it in a path or body: the
// "/providers/Microsoft.Subscription/subscriptions/{id}" alias becomes "/subscriptions/{id}",
// then CanonicalScope. No validation.
[[nodiscard]] std::string NormaliseArmScope(std::string_view scope);
// `scope` without the subscription alias, its case kept (what a registration spells).
[[nodiscard]] std::string DealiasArmScope(std::string_view scope);

// Checks `api-version` (absent = nullopt). Accepted: "YYYY-MM-DD" or "YYYY-MM-DD-preview" with a
// real calendar date on or after 2020-10-01. Errors: InvalidArgument with
// MissingApiVersionParameter when absent or empty, InvalidApiVersionParameter otherwise.
[[nodiscard]] absl::Status CheckApiVersion(const std::optional<std::string>& api_version);

}  // namespace pim::api::arm
