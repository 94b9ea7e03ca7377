#include "api/common/schedule_status.h"

namespace pim::api {

std::string_view ScheduleStatusName(const Schedule& schedule) {
  switch (schedule.state) {
    case ScheduleState::kScheduled:
      return "Granted";
    case ScheduleState::kActive:
      return "Provisioned";
    case ScheduleState::kExpired:
      return "Expired";
  }
  return "Provisioned";
}

}  // namespace pim::api
