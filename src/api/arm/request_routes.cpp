// roleAssignmentScheduleRequests and roleEligibilityScheduleRequests (reference 4.2-4.4, 4.6):
//   PUT  {name}           create (201); a retry with the same body returns the same request
//                         (201), another body under a used name is 409 RoleAssignmentRequestExists
//   GET  {name}           200, or 404 RoleAssignmentRequestNotFound
//   GET                   list: $filter asTarget(), atScope(), asRequestor(), asApprover(),
//                         principalId/roleDefinitionId/requestorId/status eq, joined by `and`
//   POST {name}/cancel    200 with an empty body
//   POST {name}/validate  200 with the request as it would be; nothing changes
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/arm/arm_handlers.h"
#include "api/arm/arm_json.h"
#include "api/arm/arm_request_json.h"
#include "boost/json/serialize.hpp"
#include "pim/api/api_error.h"
#include "pim/domain/ids.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

std::string_view What(ScheduleKind kind) {
  return kind == ScheduleKind::kAssignment ? "role assignment schedule request"
                                           : "role eligibility schedule request";
}

HttpResponse Render(const Engine& engine, int status, const ScheduleRequest& r,
                    std::string_view status_override = "") {
  boost::json::object body;
  engine.Read([&](const State& state) { body = RequestToJson(state, r, status_override); });
  return HttpResponse::Json(status, boost::json::serialize(body));
}

absl::Status NotAGuid(std::string_view name) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
               absl::StrCat("The request name '",
                            absl::string_view(name.data(), std::min<std::size_t>(name.size(), 64)),
                            "' is not a valid GUID."));
}

// The stored request `name` as this route may show it: of the route's kind, a resource role,
// at, above or below the route's scope, and visible to the caller (Visibility). nullopt
// otherwise: what the caller may not see is answered as missing.
std::optional<ScheduleRequest> Find(const Route& route, ScheduleKind kind,
                                    const std::string& name) {
  std::optional<ScheduleRequest> found;
  route.engine.ReadAs(route.ctx.caller, [&](const State& state, const Visibility& v) {
    const ScheduleRequest* r = state.FindRequest(name);
    if (r == nullptr || r->kind != kind || r->target.kind != TargetKind::kResourceRole) return;
    if (!InReach(state, r->target.scope, route.scope, Reach::kAll) || !v.MaySee(*r)) return;
    found = *r;
  });
  return found;
}

HttpResponse Create(const Route& route, ScheduleKind kind, const std::string& name) {
  if (!IsGuid(name)) return ArmError(NotAGuid(name));
  auto input = ParseRequestBody(route.ctx.http.body, kind, route.scope, name);
  if (!input.ok()) return ArmError(input.status());
  if (auto existing = route.engine.GetRequest(RequestId(name))) {
    // PUT is create-only, but a client retrying the very same PUT gets the same answer.
    if (existing->kind == kind && existing->custom_data == input->custom_data &&
        existing->created_by == route.ctx.caller.id) {
      return Render(route.engine, 201, *existing);
    }
    return ArmError(
        Error(absl::StatusCode::kAlreadyExists, code::kRequestExists,
              absl::StrCat("A role assignment request with Id: ", name, " already exists")));
  }
  auto created = route.engine.Submit(route.ctx.caller, *input);
  if (!created.ok()) return ArmError(created.status());
  return Render(route.engine, 201, *created);
}

HttpResponse Validate(const Route& route, ScheduleKind kind, const std::string& name) {
  if (!IsGuid(name)) return ArmError(NotAGuid(name));
  auto input = ParseRequestBody(route.ctx.http.body, kind, route.scope, name);
  if (!input.ok()) return ArmError(input.status());
  input->is_validation_only = true;
  auto would_be = route.engine.Submit(route.ctx.caller, *input);
  if (!would_be.ok()) return ArmError(would_be.status());
  // The service reports what would happen: PendingEvaluation when an approval would be needed
  // (observed), Granted otherwise.
  const bool needs_approval =
      input->action == RequestAction::kSelfExtend || input->action == RequestAction::kSelfRenew ||
      (input->action == RequestAction::kSelfActivate &&
       route.engine.EffectivePolicy(input->target).approval.is_approval_required);
  return Render(route.engine, 200, *would_be, needs_approval ? "PendingEvaluation" : "Granted");
}

HttpResponse Cancel(const Route& route, ScheduleKind kind, const std::string& name) {
  if (!Find(route, kind, name)) return NotFound(code::kRequestNotFound, What(kind), name);
  auto canceled = route.engine.Cancel(route.ctx.caller, RequestId(name));
  if (!canceled.ok()) return ArmError(canceled.status());
  return HttpResponse::Empty(200);
}

HttpResponse Get(const Route& route, ScheduleKind kind, const std::string& name) {
  auto r = Find(route, kind, name);
  if (!r) return NotFound(code::kRequestNotFound, What(kind), name);
  return Render(route.engine, 200, *r);
}

HttpResponse List(const Route& route, ScheduleKind kind) {
  auto filter = ParseListFilter(route.query, route.collection,
                                {"asTarget", "atScope", "asRequestor", "asApprover"},
                                {"principalId", "roleDefinitionId", "requestorId", "status"});
  if (!filter.ok()) return ArmError(filter.status());
  if (auto missing = CheckScopeRegistered(route.engine, route.scope)) return ArmError(*missing);

  const std::string& me = route.ctx.caller.id.str();
  const Reach reach = filter->reach();
  std::vector<boost::json::object> entities;
  route.engine.ReadAs(route.ctx.caller, [&](const State& state, const Visibility& v) {
    std::vector<const ScheduleRequest*> picked;
    auto consider = [&](const ScheduleRequest& r) {
      if (r.kind != kind || r.target.kind != TargetKind::kResourceRole) return;
      if (filter->as_target && r.principal.str() != me) return;
      if (filter->as_requestor && r.created_by.str() != me) return;
      if (filter->as_approver && !v.IsCurrentApprover(r)) return;
      if (filter->principal_equals && r.principal.str() != *filter->principal_equals) return;
      if (!InReach(state, r.target.scope, route.scope, reach)) return;
      if (!v.MaySee(r)) return;
      picked.push_back(&r);
    };
    // Narrow to one principal's requests when the filter names it.
    const std::string* only =
        filter->as_target ? &me : (filter->principal_equals ? &*filter->principal_equals : nullptr);
    if (only != nullptr) {
      for (const std::string& id : state.RequestsOfPrincipal(*only)) {
        if (const ScheduleRequest* r = state.FindRequest(id)) consider(*r);
      }
    } else {
      for (const auto& [id, r] : state.requests()) consider(r);
    }
    std::sort(picked.begin(), picked.end(), [](const ScheduleRequest* a, const ScheduleRequest* b) {
      return a->created != b->created ? a->created < b->created : a->id < b->id;
    });
    entities.reserve(picked.size());
    for (const ScheduleRequest* r : picked) entities.push_back(RequestToJson(state, *r));
  });
  return ListResponse(route, *filter, std::move(entities));
}

}  // namespace

HttpResponse HandleRequests(const Route& route, ScheduleKind kind) {
  const std::string& method = route.ctx.http.method;
  const std::string name = absl::AsciiStrToLower(route.name);
  if (name.empty()) {
    if (method == "GET") return List(route, kind);
    return MethodNotAllowed(route.ctx, "GET");
  }
  if (route.action.empty()) {
    if (method == "GET") return Get(route, kind, name);
    if (method == "PUT") return Create(route, kind, name);
    return MethodNotAllowed(route.ctx, "GET, PUT");
  }
  const bool cancel = absl::EqualsIgnoreCase(route.action, "cancel");
  const bool validate = absl::EqualsIgnoreCase(route.action, "validate");
  if (!cancel && !validate) return NotFound(code::kObjectNotFound, "action", route.action);
  if (method != "POST") return MethodNotAllowed(route.ctx, "POST");
  return cancel ? Cancel(route, kind, name) : Validate(route, kind, name);
}

}  // namespace pim::api::arm
