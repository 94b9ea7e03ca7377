#include "api/graph/graph_schedule_json.h"

#include <string>

#include "api/common/schedule_status.h"
#include "api/graph/graph_wire.h"

namespace pim::api::graph {
namespace {

// Everything PIM creates for a principal is a direct assignment of that principal.
constexpr std::string_view kMemberTypeDirect = "Direct";

void PutTarget(boost::json::object& o, const Schedule& s, PimArea area) {
  o["principalId"] = s.principal.str();
  if (area == PimArea::kGroup) {
    o["accessId"] = std::string(kGroupAccessNames.Name(s.target.access));
    o["groupId"] = s.target.object_id;
  } else {
    o["roleDefinitionId"] = s.target.object_id;
    o["directoryScopeId"] = DirectoryScopeId(s.target.scope);
    o["appScopeId"] = nullptr;
  }
}

}  // namespace

boost::json::object ScheduleToJson(const Schedule& s, PimArea area) {
  boost::json::object o;
  o["id"] = s.id.str();
  PutTarget(o, s, area);
  o["memberType"] = std::string(kMemberTypeDirect);
  if (s.kind == ScheduleKind::kAssignment) {
    o["assignmentType"] = std::string(kAssignmentTypeNames.Name(s.assignment_type));
  }
  o["createdUsing"] = StringOrNull(s.created_using.str());
  o["createdDateTime"] = TimeOrNull(s.created);
  o["modifiedDateTime"] = TimeOrNull(s.modified);
  o["status"] = std::string(ScheduleStatusName(s));
  o["scheduleInfo"] = RequestScheduleToJson(s.start, s.expiration);
  return o;
}

boost::json::object ScheduleInstanceToJson(const Schedule& s, PimArea area) {
  boost::json::object o;
  o["id"] = s.id.str();
  PutTarget(o, s, area);
  o["startDateTime"] = TimeOrNull(s.start);
  o["endDateTime"] = TimeOrNull(s.End());
  o["memberType"] = std::string(kMemberTypeDirect);
  const bool group = area == PimArea::kGroup;
  if (s.kind == ScheduleKind::kAssignment) {
    o["assignmentType"] = std::string(kAssignmentTypeNames.Name(s.assignment_type));
    if (group) {
      o["assignmentScheduleId"] = s.id.str();
    } else {
      o["roleAssignmentOriginId"] = s.id.str();
      o["roleAssignmentScheduleId"] = s.id.str();
    }
  } else {
    o[group ? "eligibilityScheduleId" : "roleEligibilityScheduleId"] = s.id.str();
  }
  return o;
}

}  // namespace pim::api::graph
