// role{Assignment,Eligibility}Schedules and role{Assignment,Eligibility}ScheduleInstances
// (reference 4.5, 4.6): GET list and GET {name}. Schedules are the current and future ones;
// instances only those in force now. Expired schedules (kept 30 days for renewal) are left out
// of lists but can still be read by name (status "Expired").
// $filter: atScope(), asTarget(), assignedTo('{id}') (group-inherited included, memberType
// "Group"), and principalId/roleDefinitionId/status eq (+ the schedule id on instances).
#include <algorithm>

#include "absl/strings/ascii.h"
#include "api/arm/arm_handlers.h"
#include "api/arm/arm_json.h"
#include "api/arm/arm_schedule_json.h"
#include "boost/json/serialize.hpp"
#include "pim/api/api_error.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

std::string_view What(ScheduleKind kind, bool instances) {
  if (kind == ScheduleKind::kAssignment) {
    return instances ? "role assignment schedule instance" : "role assignment schedule";
  }
  return instances ? "role eligibility schedule instance" : "role eligibility schedule";
}

bool Listed(const Schedule& s, bool instances, absl::Time now) {
  if (instances) return s.state == ScheduleState::kActive && s.CoversTime(now);
  return s.state != ScheduleState::kExpired;
}

std::string_view MemberType(const State& state, const Schedule& s, const std::string& path_scope,
                            bool through_group) {
  if (through_group) return "Group";
  if (s.target.scope != path_scope && state.ScopeWithin(path_scope, s.target.scope)) {
    return "Inherited";
  }
  return "Direct";
}

HttpResponse Get(const Route& route, ScheduleKind kind, bool instances, const std::string& name) {
  const absl::flat_hash_set<std::string> groups = ActiveGroupsOf(route.engine, route.ctx.caller);
  std::optional<boost::json::object> body;
  route.engine.ReadAs(route.ctx.caller, [&](const State& state, const Visibility& v) {
    const Schedule* s = state.FindSchedule(name);
    if (s == nullptr || s->kind != kind || s->target.kind != TargetKind::kResourceRole) return;
    if (instances && !Listed(*s, true, route.ctx.now)) return;
    // Out of reach of the path, or not the caller's to see: both are simply not there.
    if (!InReach(state, s->target.scope, route.scope, Reach::kAll) || !v.MaySee(*s)) return;
    const bool through_group = groups.contains(s->principal.str());
    body = ScheduleToJson(state, *s, instances, MemberType(state, *s, route.scope, through_group));
  });
  if (!body) return NotFound(code::kObjectNotFound, What(kind, instances), name);
  return HttpResponse::Json(200, boost::json::serialize(*body));
}

HttpResponse List(const Route& route, ScheduleKind kind, bool instances) {
  const bool assignment = kind == ScheduleKind::kAssignment;
  auto filter = ParseListFilter(
      route.query, route.collection, {"atScope", "asTarget", "assignedTo"},
      {"principalId", "roleDefinitionId", "status",
       instances ? (assignment ? "roleAssignmentScheduleId" : "roleEligibilityScheduleId")
                 : "principalId"});
  if (!filter.ok()) return ArmError(filter.status());
  if (auto missing = CheckScopeRegistered(route.engine, route.scope)) return ArmError(*missing);

  // asTarget()/assignedTo(): the principal's own schedules and those of its groups.
  std::optional<std::string> target_principal;
  if (filter->as_target) target_principal = route.ctx.caller.id.str();
  if (filter->assigned_to) {
    if (target_principal && *target_principal != *filter->assigned_to) {
      return ListResponse(route, *filter, {});  // two different principals: nothing matches
    }
    target_principal = filter->assigned_to;
  }
  absl::flat_hash_set<std::string> target_groups;
  if (target_principal) {
    for (const auto& grant : route.engine.GrantsOf(*target_principal)) {
      if (grant.target.kind == TargetKind::kGroup && grant.target.access == GroupAccess::kMember) {
        target_groups.insert(grant.target.object_id);
      }
    }
  }

  const Reach reach = filter->reach();
  std::vector<std::pair<const Schedule*, bool>> picked;  // schedule, held through a group
  std::vector<boost::json::object> entities;
  route.engine.ReadAs(route.ctx.caller, [&](const State& state, const Visibility& v) {
    auto consider = [&](const Schedule& s, bool through_group) {
      if (s.kind != kind || s.target.kind != TargetKind::kResourceRole) return;
      if (!Listed(s, instances, route.ctx.now)) return;
      if (filter->principal_equals && s.principal.str() != *filter->principal_equals) return;
      if (!InReach(state, s.target.scope, route.scope, reach)) return;
      if (!v.MaySee(s)) return;
      picked.emplace_back(&s, through_group);
    };
    if (target_principal) {
      for (const Schedule* s : state.SchedulesOfPrincipal(*target_principal)) consider(*s, false);
      for (const std::string& group : target_groups) {
        for (const Schedule* s : state.SchedulesOfPrincipal(group)) consider(*s, true);
      }
    } else {
      for (const Schedule& s : state.schedules()) consider(s, false);
    }
    std::sort(picked.begin(), picked.end(), [](const auto& a, const auto& b) {
      return a.first->start != b.first->start ? a.first->start < b.first->start
                                              : a.first->id < b.first->id;
    });
    entities.reserve(picked.size());
    for (const auto& [s, through_group] : picked) {
      entities.push_back(
          ScheduleToJson(state, *s, instances, MemberType(state, *s, route.scope, through_group)));
    }
  });
  return ListResponse(route, *filter, std::move(entities));
}

}  // namespace

HttpResponse HandleSchedules(const Route& route, ScheduleKind kind, bool instances) {
  if (!route.action.empty()) return NotFound(code::kObjectNotFound, "action", route.action);
  if (route.ctx.http.method != "GET") return MethodNotAllowed(route.ctx, "GET");
  if (route.name.empty()) return List(route, kind, instances);
  return Get(route, kind, instances, absl::AsciiStrToLower(route.name));
}

}  // namespace pim::api::arm
