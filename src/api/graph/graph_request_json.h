// JSON <-> domain mapping for Graph schedule requests: PIM for Groups
// (privilegedAccessGroup{Assignment,Eligibility}ScheduleRequest, reference 1.2) and directory
// roles (unifiedRole{Assignment,Eligibility}ScheduleRequest, reference 2.2), plus the shared
// requestSchedule / expirationPattern / ticketInfo / identitySet shapes (reference 0.1, 0.2).
//
// Input enums are case-insensitive; output enums are camelCase, `status` PascalCase.
// Stateless and thread-safe.
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "pim/domain/schedule.h"
#include "pim/domain/schedule_request.h"
#include "pim/engine/engine.h"

namespace pim::api::graph {

// Which Graph PIM area an entity belongs to: it decides the target properties (groupId +
// accessId, or roleDefinitionId + directoryScopeId + appScopeId).
enum class PimArea { kGroup, kDirectoryRole };

// Parses a create body (POST .../{assignment,eligibility}ScheduleRequests) into an engine
// input of `kind`. Unknown properties are refused, read-only ones (id, status, createdBy...)
// and "@odata.type" annotations ignored. Errors: InvalidArgument / BadRequest naming the
// property (not JSON, wrong type, bad GUID, date-time or duration, unknown enum member, a
// recurrence, an app scope).
[[nodiscard]] absl::StatusOr<RequestInput> ParseScheduleRequestBody(std::string_view body,
                                                                    PimArea area,
                                                                    ScheduleKind kind);

// The wire form of `request` (without "@odata.context"). `is_validation_only` is echoed in
// `isValidationOnly` (the engine does not keep it).
[[nodiscard]] boost::json::object ScheduleRequestToJson(const ScheduleRequest& request,
                                                        PimArea area,
                                                        bool is_validation_only = false);

// {"startDateTime", "recurrence": null, "expiration": {"type", "endDateTime", "duration"}}.
[[nodiscard]] boost::json::object RequestScheduleToJson(const std::optional<absl::Time>& start,
                                                        const Expiration& expiration);

// {"application": null, "device": null, "user": {"displayName": null, "id"}}.
[[nodiscard]] boost::json::object IdentitySetToJson(const PrincipalId& user);

}  // namespace pim::api::graph
