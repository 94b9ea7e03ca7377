// Role assignment / eligibility schedule requests in ARM's wire form (reference 4.3, 4.4): the
// PUT body parsed into an engine RequestInput, and a stored request rendered as
// {properties, name, id, type}.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "pim/domain/schedule_request.h"
#include "pim/engine/engine.h"
#include "pim/engine/state.h"

namespace pim::api::arm {

// "RoleAssignmentScheduleRequests" / "RoleEligibilityScheduleRequests" (the id's type segment).
[[nodiscard]] std::string_view RequestTypeSegment(ScheduleKind kind);

// Parses `{"properties": {...}}` for a request named `name` (a GUID, lower-cased by the caller)
// at `scope` (canonical). Property names are matched case-insensitively, enum values too;
// read-only properties a client echoes back (status, createdOn, expandedProperties...) are
// ignored; anything unknown, a wrong JSON type, a missing required property (principalId,
// roleDefinitionId, requestType), an unparsable date or duration, or a condition (ABAC is not
// supported) is InvalidArgument (BadRequest) naming the property.
[[nodiscard]] absl::StatusOr<RequestInput> ParseRequestBody(std::string_view body,
                                                            ScheduleKind kind,
                                                            const std::string& scope,
                                                            const std::string& name);

// A stable digest of what a PUT asked for (everything in `input` but `id` and
// `is_validation_only`), kept in the request's customData so that a retried PUT with the same
// body can be told from a different one, across restarts. ARM has no customData of its own and
// resource-role requests are not visible on Graph, so nothing else reads it.
[[nodiscard]] std::string RequestFingerprint(const RequestInput& input);

// The request as ARM returns it. `status` overrides the stored status when non-empty (validate).
[[nodiscard]] boost::json::object RequestToJson(const State& state, const ScheduleRequest& r,
                                                std::string_view status = "");

}  // namespace pim::api::arm
