// Role assignment / eligibility schedules and schedule instances in ARM's wire form
// (reference 4.5). An instance is the window of a schedule that is in force now; it carries the
// schedule's id as its name.
#pragma once

#include <string>
#include <string_view>

#include "boost/json/object.hpp"
#include "pim/domain/schedule.h"
#include "pim/engine/state.h"

namespace pim::api::arm {

// "RoleAssignmentSchedules", "RoleEligibilityScheduleInstances", ...
[[nodiscard]] std::string_view ScheduleTypeSegment(ScheduleKind kind, bool instance);

// `member_type`: "Direct", "Group" (held through a group) or "Inherited" (from a parent scope).
[[nodiscard]] boost::json::object ScheduleToJson(const State& state, const Schedule& s,
                                                 bool instance, std::string_view member_type);

}  // namespace pim::api::arm
