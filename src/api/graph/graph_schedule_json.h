// Domain -> JSON mapping for Graph schedules and schedule instances: PIM for Groups
// (privilegedAccessGroup{Assignment,Eligibility}Schedule[Instance], reference 1.3) and
// directory roles (unifiedRole{Assignment,Eligibility}Schedule[Instance], reference 2.3).
// `memberType` / `assignmentType` are PascalCase as in every documentation example.
// Stateless and thread-safe.
#pragma once

#include "api/graph/graph_request_json.h"
#include "boost/json/object.hpp"
#include "pim/domain/schedule.h"

namespace pim::api::graph {

// A schedule: id, principal and target properties, memberType, assignmentType (assignments),
// createdUsing, created/modified times, status and scheduleInfo.
[[nodiscard]] boost::json::object ScheduleToJson(const Schedule& schedule, PimArea area);

// The instance of a schedule in force now (same id): start/end date-times, memberType,
// assignmentType + {assignment,roleAssignment}ScheduleId (+ roleAssignmentOriginId) for
// assignments, {eligibility,roleEligibility}ScheduleId for eligibilities.
[[nodiscard]] boost::json::object ScheduleInstanceToJson(const Schedule& schedule, PimArea area);

}  // namespace pim::api::graph
