// The `status` both API surfaces report for a schedule or schedule instance.
// Pure function, thread-safe.
#pragma once

#include <string_view>

#include "pim/domain/schedule.h"

namespace pim::api {

// Provisioned while in force, Granted before its start, Expired after its end.
[[nodiscard]] std::string_view ScheduleStatusName(const Schedule& schedule);

}  // namespace pim::api
