// roleAssignmentApprovals (Microsoft.Authorization, api-version 2021-01-01-preview; swagger
// authorization-RoleAssignmentApprovalCalls.json), at the tenant ("/providers/...") and at any
// registered scope ("/{scope}/providers/..."):
//   GET                          list: $filter asApprover() | asCreatedBy() | asTarget() (none:
//                                every approval the caller may see); {value, nextLink}
//   GET   {id}                   the approval with its stages; 404 ApprovalNotFound
//   GET   {id}/stages            {value: [stages], nextLink: null}
//   GET   {id}/stages/{stageId}  one stage; 404 ApprovalNotFound
//   PATCH {id}/stages/{stageId}  an approver's decision; 200 with the stage as decided; 403
//                                NotAnApprover for one who sees the approval or its request
//                                (the requester) but may not decide
//   PUT   {id}/stages/{stageId}  the same (the swagger declares both)
//
// The engine's approvals of resource-role activation requests, exactly as the Graph approval
// routes map them for groups and directory roles (privileged_access_routes.cpp): who may read
// an approval is Visibility::MaySeeApproval (target administrators, tenant-wide readers, the
// approvers asked to decide it; never its requester), who may decide is Engine::Decide (current
// approvers, fresh MFA where the policy wants it, the policy's justification rule). Directory
// role and group approvals stay on Graph: here they do not exist.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/arm/arm_approval_json.h"
#include "api/arm/arm_handlers.h"
#include "api/arm/arm_json.h"
#include "boost/json/array.hpp"
#include "boost/json/serialize.hpp"
#include "pim/api/api_error.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

// Requests whose approval this surface shows: resource-role activations that went to approval.
bool OnThisSurface(const ScheduleRequest& r) {
  return r.target.kind == TargetKind::kResourceRole && r.kind == ScheduleKind::kAssignment &&
         r.approval.has_value();
}

HttpResponse ApprovalNotFound(std::string_view what, std::string_view id) {
  return NotFound(code::kApprovalNotFound, what, id);
}

// What one GET or decision sees of approval `id`: the request and, per stage, whether the
// caller may decide it now.
struct Seen {
  ScheduleRequest request;
  std::vector<bool> assigned;
};

// Approval `id` if it is on this surface, at, above or below the path's scope, and the caller
// may see it (MaySeeApproval). With `to_decide`, also one the caller was asked to decide, so
// that a decision that comes too late meets "already decided" (409) rather than "not found",
// as on Graph. nullopt otherwise: what the caller may not see is answered as missing.
// `sees_request`: whether, then, the caller may still see the request itself (its requester).
std::optional<Seen> FindApproval(const Route& route, const std::string& id, bool to_decide,
                                 bool* sees_request) {
  std::optional<Seen> seen;
  *sees_request = false;
  route.engine.ReadAs(route.ctx.caller, [&](const State& state, const Visibility& v) {
    const ScheduleRequest* r = state.FindRequest(id);
    if (r == nullptr || !OnThisSurface(*r)) return;
    if (!InReach(state, r->target.scope, route.scope, Reach::kAll)) return;
    if (!v.MaySeeApproval(*r) && !(to_decide && v.WasAskedToDecide(*r))) {
      *sees_request = r->approval.has_value() && v.MaySee(*r);
      return;
    }
    seen = Seen{*r, v.StagesToDecide(*r)};
  });
  return seen;
}

HttpResponse Json(int status, const boost::json::object& body) {
  return HttpResponse::Json(status, boost::json::serialize(body));
}

HttpResponse List(const Route& route) {
  auto filter =
      ParseListFilter(route.query, route.collection, {"asApprover", "asCreatedBy", "asTarget"}, {});
  if (!filter.ok()) return ArmError(filter.status());
  if (route.scope != "/") {
    if (auto missing = CheckScopeRegistered(route.engine, route.scope)) return ArmError(*missing);
  }
  const std::string& me = route.ctx.caller.id.str();
  std::vector<boost::json::object> entities;
  route.engine.ReadAs(route.ctx.caller, [&](const State& state, const Visibility& v) {
    std::vector<const ScheduleRequest*> picked;
    for (const auto& [id, r] : state.requests()) {
      if (!OnThisSurface(r)) continue;
      // A list reaches the path's scope and below, as every ARM list without atScope().
      if (!InReach(state, r.target.scope, route.scope, Reach::kAtAndBelow)) continue;
      // The engine never shows a requester the approval of their own request, so asCreatedBy()
      // and asTarget() can only match what the caller also may see for another reason: in
      // practice nothing (follow one's own request on roleAssignmentScheduleRequests).
      if (filter->as_created_by && r.created_by.str() != me) continue;
      if (filter->as_target && r.principal.str() != me) continue;
      if (filter->as_approver && !v.IsCurrentApprover(r)) continue;
      if (!v.MaySeeApproval(r)) continue;
      picked.push_back(&r);
    }
    std::sort(picked.begin(), picked.end(), [](const ScheduleRequest* a, const ScheduleRequest* b) {
      return a->created != b->created ? a->created < b->created : a->id < b->id;
    });
    entities.reserve(picked.size());
    for (const ScheduleRequest* r : picked) {
      entities.push_back(ArmApprovalToJson(state, route.scope, *r, v.StagesToDecide(*r)));
    }
  });
  return ListResponse(route, *filter, std::move(entities));
}

HttpResponse Stages(const Route& route, const Seen& seen) {
  boost::json::array value;
  route.engine.Read([&](const State& state) {
    for (std::size_t i = 0; i < seen.request.approval->stages.size(); ++i) {
      value.emplace_back(
          ArmApprovalStageToJson(state, route.scope, seen.request, i, seen.assigned[i]));
    }
  });
  return Json(200, boost::json::object{{"value", std::move(value)}, {"nextLink", nullptr}});
}

HttpResponse Decide(const Route& route, const Seen& seen, std::size_t index) {
  auto review = ParseArmReviewBody(route.ctx.http.body);
  if (!review.ok()) return ArmError(review.status());
  auto decided = route.engine.Decide(route.ctx.caller, seen.request.id, review->approve,
                                     review->justification, index);
  if (!decided.ok()) return ArmError(decided.status());
  boost::json::object body;
  route.engine.ReadAs(route.ctx.caller, [&](const State& state, const Visibility& v) {
    body = ArmApprovalStageToJson(state, route.scope, *decided, index,
                                  v.StagesToDecide(*decided)[index]);
  });
  return Json(200, body);
}

}  // namespace

HttpResponse HandleApprovals(const Route& route) {
  const std::string& method = route.ctx.http.method;
  if (route.name.empty()) {
    if (method != "GET") return MethodNotAllowed(route.ctx, "GET");
    return List(route);
  }
  const std::string id = absl::AsciiStrToLower(route.name);
  if (!route.action.empty() && !absl::EqualsIgnoreCase(route.action, "stages")) {
    return NotFound(code::kObjectNotFound, "resource type", route.action);
  }
  const bool one_stage = !route.item.empty();
  if (!one_stage && method != "GET") return MethodNotAllowed(route.ctx, "GET");
  if (one_stage && method != "GET" && method != "PATCH" && method != "PUT") {
    return MethodNotAllowed(route.ctx, "GET, PATCH, PUT");
  }
  const bool to_decide = method != "GET";
  bool sees_request = false;
  auto seen = FindApproval(route, id, to_decide, &sees_request);
  if (!seen && to_decide && one_stage && sees_request) {
    // Its requester knows the request: told that they are not its approver, as on Graph.
    return ArmError(Error(absl::StatusCode::kPermissionDenied, code::kNotAnApprover,
                          "You are not an approver of this request; a requester never approves "
                          "their own."));
  }
  if (!seen) return ApprovalNotFound("role assignment approval", id);
  if (route.action.empty()) {
    boost::json::object body;
    route.engine.Read([&](const State& state) {
      body = ArmApprovalToJson(state, route.scope, seen->request, seen->assigned);
    });
    return Json(200, body);
  }
  if (!one_stage) return Stages(route, *seen);
  const std::string stage_id = absl::AsciiStrToLower(route.item);
  const std::vector<std::string> ids = ApprovalStageIds(seen->request);
  const auto it = std::find(ids.begin(), ids.end(), stage_id);
  if (it == ids.end()) return ApprovalNotFound("role assignment approval stage", stage_id);
  const auto index = static_cast<std::size_t>(it - ids.begin());
  if (method == "GET") {
    boost::json::object body;
    route.engine.Read([&](const State& state) {
      body =
          ArmApprovalStageToJson(state, route.scope, seen->request, index, seen->assigned[index]);
    });
    return Json(200, body);
  }
  return Decide(route, *seen, index);
}

}  // namespace pim::api::arm
