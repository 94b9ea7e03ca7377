#include "api/arm/arm_schedule_json.h"

#include "absl/strings/str_cat.h"
#include "api/arm/arm_json.h"
#include "api/arm/arm_request_json.h"
#include "api/common/schedule_status.h"
#include "pim/domain/iso8601.h"

namespace pim::api::arm {
namespace {

// The full id of schedule `id` (of `kind`), at its own scope when it still exists.
boost::json::value ScheduleArmId(const State& state, ScheduleKind kind, const std::string& id,
                                 const std::string& fallback_scope, bool instance) {
  if (id.empty()) return nullptr;
  const Schedule* s = state.FindSchedule(id);
  return boost::json::value(ArmId(state, s != nullptr ? s->target.scope : fallback_scope,
                                  ScheduleTypeSegment(kind, instance), id));
}

}  // namespace

std::string_view ScheduleTypeSegment(ScheduleKind kind, bool instance) {
  if (kind == ScheduleKind::kAssignment) {
    return instance ? "RoleAssignmentScheduleInstances" : "RoleAssignmentSchedules";
  }
  return instance ? "RoleEligibilityScheduleInstances" : "RoleEligibilitySchedules";
}

boost::json::object ScheduleToJson(const State& state, const Schedule& s, bool instance,
                                   std::string_view member_type) {
  const bool assignment = s.kind == ScheduleKind::kAssignment;
  const std::string& scope = s.target.scope;
  boost::json::object p;
  p["scope"] = DisplayScope(state, scope);
  p["roleDefinitionId"] = RoleDefinitionArmId(state, scope, s.target.object_id);
  p["principalId"] = s.principal.str();
  p["principalType"] = PrincipalType(state, s.principal.str());
  if (instance) {
    p[assignment ? "roleAssignmentScheduleId" : "roleEligibilityScheduleId"] =
        ArmId(state, scope, ScheduleTypeSegment(s.kind, false), s.id.str());
    if (assignment) {
      p["originRoleAssignmentId"] = ArmId(state, scope, "roleAssignments", s.id.str());
    }
  } else {
    p[assignment ? "roleAssignmentScheduleRequestId" : "roleEligibilityScheduleRequestId"] =
        s.created_using.empty() ? boost::json::value(nullptr)
                                : boost::json::value(ArmId(state, scope, RequestTypeSegment(s.kind),
                                                           s.created_using.str()));
  }
  if (assignment) {
    const std::string linked = s.activated_using ? s.activated_using->str() : "";
    p["linkedRoleEligibilityScheduleId"] =
        ScheduleArmId(state, ScheduleKind::kEligibility, linked, scope, false);
    if (instance) {
      p["linkedRoleEligibilityScheduleInstanceId"] =
          ScheduleArmId(state, ScheduleKind::kEligibility, linked, scope, true);
    }
    p["assignmentType"] = std::string(kAssignmentTypeNames.Name(s.assignment_type));
  }
  p["memberType"] = std::string(member_type);
  p["status"] = std::string(ScheduleStatusName(s));
  p["startDateTime"] = FormatDateTime(s.start);
  p["endDateTime"] = TimeOrNull(s.End());
  p["condition"] = nullptr;
  p["conditionVersion"] = nullptr;
  p["createdOn"] = FormatDateTime(s.created);
  if (!instance) p["updatedOn"] = FormatDateTime(s.modified);
  p["expandedProperties"] = ExpandedProperties(state, s.target, s.principal.str());
  const std::string_view segment = ScheduleTypeSegment(s.kind, instance);
  return boost::json::object{
      {"properties", std::move(p)},
      {"name", s.id.str()},
      {"id", ArmId(state, scope, segment, s.id.str())},
      {"type", absl::StrCat("Microsoft.Authorization/",
                            absl::string_view(segment.data(), segment.size()))}};
}

}  // namespace pim::api::arm
