// The Graph PIM route groups: PIM for Groups (reference 1.1) and directory roles (2.1). Both
// areas share one router; they differ in their root, entity set names, target properties, the
// required `$filter` on plain group lists, and the filterByCurrentUser options they accept.
#include <algorithm>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "api/common/json_body.h"
#include "api/graph/graph_approval_json.h"
#include "api/graph/graph_expand.h"
#include "api/graph/graph_request_json.h"
#include "api/graph/graph_routes.h"
#include "api/graph/graph_schedule_json.h"
#include "api/graph/graph_wire.h"
#include "pim/api/api_error.h"
#include "pim/api/odata/query.h"
#include "pim/domain/status.h"

namespace pim::api::graph {
namespace {

using json_body::A;

// One entity set under an area's root.
struct EntitySet {
  std::string_view name;  // path segment, e.g. "assignmentScheduleRequests"
  EntityType type;
};

constexpr EntitySet kGroupSets[] = {
    {"assignmentScheduleRequests",
     {PimArea::kGroup, EntityShape::kRequest, ScheduleKind::kAssignment}},
    {"eligibilityScheduleRequests",
     {PimArea::kGroup, EntityShape::kRequest, ScheduleKind::kEligibility}},
    {"assignmentSchedules", {PimArea::kGroup, EntityShape::kSchedule, ScheduleKind::kAssignment}},
    {"eligibilitySchedules", {PimArea::kGroup, EntityShape::kSchedule, ScheduleKind::kEligibility}},
    {"assignmentScheduleInstances",
     {PimArea::kGroup, EntityShape::kInstance, ScheduleKind::kAssignment}},
    {"eligibilityScheduleInstances",
     {PimArea::kGroup, EntityShape::kInstance, ScheduleKind::kEligibility}},
};

constexpr EntitySet kRoleSets[] = {
    {"roleAssignmentScheduleRequests",
     {PimArea::kDirectoryRole, EntityShape::kRequest, ScheduleKind::kAssignment}},
    {"roleEligibilityScheduleRequests",
     {PimArea::kDirectoryRole, EntityShape::kRequest, ScheduleKind::kEligibility}},
    {"roleAssignmentSchedules",
     {PimArea::kDirectoryRole, EntityShape::kSchedule, ScheduleKind::kAssignment}},
    {"roleEligibilitySchedules",
     {PimArea::kDirectoryRole, EntityShape::kSchedule, ScheduleKind::kEligibility}},
    {"roleAssignmentScheduleInstances",
     {PimArea::kDirectoryRole, EntityShape::kInstance, ScheduleKind::kAssignment}},
    {"roleEligibilityScheduleInstances",
     {PimArea::kDirectoryRole, EntityShape::kInstance, ScheduleKind::kEligibility}},
};

struct Area {
  PimArea area;
  std::string_view root;  // "identityGovernance/privilegedAccess/group", no leading '/'
  std::span<const EntitySet> sets;
  std::string_view approvals;  // "assignmentApprovals" / "roleAssignmentApprovals"
};

constexpr Area kGroupArea{PimArea::kGroup, "identityGovernance/privilegedAccess/group", kGroupSets,
                          "assignmentApprovals"};
// roleAssignmentApprovals is a beta-only resource in Graph (v1.0 answers "Resource not found
// for the segment"); we serve it on both versions so v1.0 clients can approve too. The lead
// documents this deviation.
constexpr Area kRoleArea{PimArea::kDirectoryRole, "roleManagement/directory", kRoleSets,
                         "roleAssignmentApprovals"};

TargetKind TargetKindOf(PimArea area) {
  return area == PimArea::kGroup ? TargetKind::kGroup : TargetKind::kDirectoryRole;
}

absl::Status NotFound(std::string_view code_value, std::string_view what, std::string_view id) {
  return Error(absl::StatusCode::kNotFound, code_value,
               absl::StrCat(A(what), " '", A(id), "' was not found."));
}

absl::Status MethodNotSupported(std::string_view method) {
  return BadRequest(
      absl::StrCat("The HTTP method '", A(method), "' is not supported for this resource."));
}

// Parses a `filterByCurrentUser(on='value')` segment. nullopt when `segment` is not a call to
// filterByCurrentUser; BadRequest when it is one with a malformed parameter list.
std::optional<absl::StatusOr<std::string>> ParseFilterByCurrentUser(std::string_view segment) {
  constexpr std::string_view kName = "filterByCurrentUser";
  if (segment.size() < kName.size() ||
      !absl::EqualsIgnoreCase(A(segment.substr(0, kName.size())), A(kName))) {
    return std::nullopt;
  }
  std::string_view args = segment.substr(kName.size());
  const auto bad = [] {
    return absl::StatusOr<std::string>(
        BadRequest("filterByCurrentUser requires one parameter, for example "
                   "filterByCurrentUser(on='principal')."));
  };
  if (args.size() < 2 || args.front() != '(' || args.back() != ')') return bad();
  absl::string_view inner = absl::StripAsciiWhitespace(A(args.substr(1, args.size() - 2)));
  if (!absl::ConsumePrefix(&inner, "on") && !absl::ConsumePrefix(&inner, "On")) return bad();
  inner = absl::StripLeadingAsciiWhitespace(inner);
  if (!absl::ConsumePrefix(&inner, "=")) return bad();
  inner = absl::StripAsciiWhitespace(inner);
  if (inner.size() < 2 || inner.front() != '\'' || inner.back() != '\'') return bad();
  return absl::StatusOr<std::string>(std::string(inner.substr(1, inner.size() - 2)));
}

// Sorted so that pages ($skiptoken offsets) are stable between calls.
template <typename T>
void SortByCreated(std::vector<const T*>& items) {
  std::sort(items.begin(), items.end(), [](const T* a, const T* b) {
    if (a->created != b->created) return a->created < b->created;
    return a->id < b->id;
  });
}

// What a collection is restricted to before $filter runs. Whatever the scope, only the items
// the caller may see (Visibility) are ever listed.
struct Scope {
  std::optional<std::string> principal;   // only this principal's items
  std::optional<std::string> created_by;  // only requests created by this principal
  bool approver = false;                  // only requests the caller may decide now
};

class Router {
 public:
  Router(const Route& route, const Area& area) : route_(route), area_(area) {}

  std::optional<HttpResponse> Handle() {
    std::vector<std::string> segments = absl::StrSplit(A(route_.rest), '/', absl::SkipEmpty());
    const std::vector<std::string> root = absl::StrSplit(A(area_.root), '/');
    if (segments.size() <= root.size()) return std::nullopt;
    for (std::size_t i = 0; i < root.size(); ++i) {
      if (segments[i] != root[i]) return std::nullopt;
    }
    segments.erase(segments.begin(), segments.begin() + static_cast<std::ptrdiff_t>(root.size()));
    const std::string set_name = segments.front();
    segments.erase(segments.begin());

    auto query = odata::ParseQuery(route_.ctx.raw_query);
    // Routing first, so that an unknown segment is reported as such even with a bad query.
    if (set_name == area_.approvals) {
      if (!query.ok()) return Fail(query.status());
      return Approvals(segments, *query);
    }
    for (const EntitySet& set : area_.sets) {
      if (set.name != set_name) continue;
      if (!query.ok()) return Fail(query.status());
      set_ = &set;
      return set.type.shape == EntityShape::kRequest ? Requests(segments, *query)
                                                     : Schedules(segments, *query);
    }
    // The directory root is shared with roleDefinitions (another route group).
    if (area_.area == PimArea::kDirectoryRole) return std::nullopt;
    return Fail(UnknownSegment(set_name));
  }

 private:
  const RequestContext& ctx() const { return route_.ctx; }
  std::string_view method() const { return route_.ctx.http.method; }
  HttpResponse Fail(const absl::Status& status) const { return GraphError(status, ctx()); }

  std::string EntitySetPath() const { return absl::StrCat(A(area_.root), "/", A(set_->name)); }
  std::string ApprovalsPath() const { return absl::StrCat(A(area_.root), "/", A(area_.approvals)); }

  // ---- Requests ----

  HttpResponse Requests(const std::vector<std::string>& seg, const odata::Query& query) {
    if (seg.empty()) {
      if (method() == "POST") return Create();
      if (method() != "GET") return Fail(MethodNotSupported(method()));
      return PlainList(query);
    }
    if (auto on = ParseFilterByCurrentUser(seg[0]); on.has_value()) {
      if (!on->ok()) return Fail(on->status());
      if (seg.size() > 1) return Fail(UnknownSegment(seg[1]));
      if (method() != "GET") return Fail(MethodNotSupported(method()));
      const std::string& option = **on;
      Scope scope;
      if (absl::EqualsIgnoreCase(option, "principal")) {
        scope.principal = ctx().caller.id.str();
      } else if (absl::EqualsIgnoreCase(option, "createdBy") && area_.area == PimArea::kGroup) {
        scope.created_by = ctx().caller.id.str();
      } else if (absl::EqualsIgnoreCase(option, "approver")) {
        scope.approver = true;
      } else {
        return Fail(BadParameter(option));
      }
      return List(query, scope);
    }
    const std::string& id = seg[0];
    if (seg.size() == 1) {
      if (method() != "GET") return Fail(MethodNotSupported(method()));
      return GetOne(query, id);
    }
    if (seg.size() == 2 && seg[1] == "cancel") {
      if (method() != "POST") return Fail(MethodNotSupported(method()));
      return CancelRequest(id);
    }
    return Fail(UnknownSegment(seg[1]));
  }

  absl::Status BadParameter(std::string_view option) const {
    return BadRequest(absl::StrCat("The value '", A(option),
                                   "' is not supported for the parameter 'on' of "
                                   "filterByCurrentUser here."));
  }

  HttpResponse Create() {
    auto input = ParseScheduleRequestBody(ctx().http.body, area_.area, set_->type.kind);
    if (!input.ok()) return Fail(input.status());
    auto request = route_.engine.Submit(ctx().caller, *input);
    if (!request.ok()) return Fail(request.status());
    return EntityResponse(201, ctx(), route_.version, EntitySetPath(), odata::Query{},
                          ScheduleRequestToJson(*request, area_.area, input->is_validation_only));
  }

  HttpResponse CancelRequest(const std::string& id) {
    // A request the caller may not see is missing to them; one they see but did not make is
    // refused by the engine (403).
    if (!FindRequestJson(id).has_value()) {
      return Fail(NotFound(code::kRequestNotFound, "The request", id));
    }
    auto canceled = route_.engine.Cancel(ctx().caller, RequestId(id));
    if (!canceled.ok()) return Fail(canceled.status());
    return HttpResponse::Empty(204);
  }

  // Groups require `groupId eq` or `principalId eq` on plain lists (reference 1.1).
  HttpResponse PlainList(const odata::Query& query) {
    Scope scope;
    std::optional<std::string> principal;
    if (query.filter.has_value()) principal = query.filter->RequiredEquals("principalId");
    if (area_.area == PimArea::kGroup) {
      const bool has_group =
          query.filter.has_value() && query.filter->RequiredEquals("groupId").has_value();
      if (!has_group && !principal.has_value()) {
        return Fail(
            BadRequest("The request requires a $filter on groupId or principalId, for example "
                       "$filter=groupId eq '{groupId}'."));
      }
    }
    // A narrower starting set; $filter still runs over it.
    if (principal.has_value()) scope.principal = absl::AsciiStrToLower(*principal);
    return List(query, scope);
  }

  bool InSet(const ScheduleRequest& r) const {
    return r.kind == set_->type.kind && r.target.kind == TargetKindOf(area_.area);
  }
  bool InSet(const Schedule& s) const {
    if (s.kind != set_->type.kind || s.target.kind != TargetKindOf(area_.area)) return false;
    // Schedules: current and future; instances: in force now (reference 1.3).
    if (set_->type.shape == EntityShape::kInstance) return s.state == ScheduleState::kActive;
    return s.state != ScheduleState::kExpired;
  }

  boost::json::object ToJson(const ScheduleRequest& r) const {
    return ScheduleRequestToJson(r, area_.area);
  }
  boost::json::object ToJson(const Schedule& s) const {
    return set_->type.shape == EntityShape::kInstance ? ScheduleInstanceToJson(s, area_.area)
                                                      : ScheduleToJson(s, area_.area);
  }

  // Every item of the current entity set within `scope` that the caller may see, oldest first,
  // as full entities.
  boost::json::array Collect(const Scope& scope, const State& state, const Visibility& v) const {
    boost::json::array items;
    if (set_->type.shape == EntityShape::kRequest) {
      std::vector<const ScheduleRequest*> found;
      auto consider = [&](const ScheduleRequest* r) {
        if (r == nullptr || !InSet(*r)) return;
        if (scope.principal.has_value() && r->principal.str() != *scope.principal) return;
        if (scope.created_by.has_value() && r->created_by.str() != *scope.created_by) return;
        if (scope.approver && !v.IsCurrentApprover(*r)) return;
        if (!v.MaySee(*r)) return;
        found.push_back(r);
      };
      if (scope.principal.has_value()) {
        for (const std::string& id : state.RequestsOfPrincipal(*scope.principal)) {
          consider(state.FindRequest(id));
        }
      } else {
        for (const auto& [id, r] : state.requests()) consider(&r);
      }
      SortByCreated(found);
      for (const ScheduleRequest* r : found) items.emplace_back(ToJson(*r));
      return items;
    }
    std::vector<const Schedule*> found;
    auto consider = [&](const Schedule* s) {
      if (InSet(*s) && v.MaySee(*s)) found.push_back(s);
    };
    if (scope.principal.has_value()) {
      for (const Schedule* s : state.SchedulesOfPrincipal(*scope.principal)) consider(s);
    } else {
      for (const Schedule& s : state.schedules()) consider(&s);
    }
    SortByCreated(found);
    for (const Schedule* s : found) items.emplace_back(ToJson(*s));
    return items;
  }

  HttpResponse List(const odata::Query& query, const Scope& scope) {
    if (auto st = ValidateExpand(query, set_->type); !st.ok()) return Fail(st);
    odata::Query unprojected = query;
    unprojected.select.clear();  // projected after expansion, which needs the ids
    odata::Page page;
    // One consistent view: what is counted and paged is exactly what is visible, and expanded
    // from the same state.
    route_.engine.ReadAs(ctx().caller, [&](const State& state, const Visibility& v) {
      page = odata::Paginate(Collect(scope, state, v), unprojected, ctx().http.base_url, ctx().path,
                             ctx().raw_query, route_.options.page_size);
      for (boost::json::value& item : page.value) {
        if (!item.is_object()) continue;
        item = Finish(item.as_object(), query, state, v);
      }
    });
    return CollectionResponse(ctx(), route_.version, EntitySetPath(), query, std::move(page));
  }

  // The schedule an expanded relation `name` of `entity` points at, if any.
  const Schedule* RelatedSchedule(std::string_view name, const boost::json::object& entity,
                                  const State& state) const {
    const boost::json::value* id_value = entity.if_contains("id");
    if (id_value == nullptr || !id_value->is_string()) return nullptr;
    const std::string id(id_value->get_string().data(), id_value->get_string().size());
    std::optional<ScheduleId> related;
    if (set_->type.shape == EntityShape::kRequest) {
      const ScheduleRequest* r = state.FindRequest(id);
      if (r == nullptr) return nullptr;
      related = name == "targetSchedule" ? r->target_schedule : r->linked_eligibility;
    } else if (name == "activatedUsing") {
      const Schedule* s = state.FindSchedule(id);
      if (s == nullptr) return nullptr;
      related = s->activated_using;
    }
    return related.has_value() ? state.FindSchedule(related->str()) : nullptr;
  }

  // Expands, then projects to $select plus the expanded properties. A related schedule the
  // caller may not see expands to null, as a missing one does.
  boost::json::object Finish(boost::json::object& entity, const odata::Query& query,
                             const State& state, const Visibility& v) const {
    std::vector<std::string> added = Expand(entity, query, set_->type, state);
    for (const std::string& name : added) {
      if (name != "targetSchedule" && name != "activatedUsing") continue;
      const Schedule* related = RelatedSchedule(name, entity, state);
      if (related != nullptr && !v.MaySee(*related)) entity[name] = nullptr;
    }
    if (query.select.empty()) return entity;
    std::vector<std::string> keep = query.select;
    keep.insert(keep.end(), added.begin(), added.end());
    return odata::Project(entity, keep);
  }

  // Request `id` of the current entity set, if it exists and the caller may see it.
  std::optional<boost::json::object> FindRequestJson(const std::string& id) const {
    std::optional<boost::json::object> out;
    route_.engine.ReadAs(ctx().caller, [&](const State& state, const Visibility& v) {
      const ScheduleRequest* r = state.FindRequest(id);
      if (r != nullptr && InSet(*r) && v.MaySee(*r)) out = ToJson(*r);
    });
    return out;
  }

  HttpResponse GetOne(const odata::Query& query, const std::string& id) {
    if (auto st = ValidateExpand(query, set_->type); !st.ok()) return Fail(st);
    std::optional<boost::json::object> entity;
    // What the caller may not see is answered exactly as what does not exist.
    route_.engine.ReadAs(ctx().caller, [&](const State& state, const Visibility& v) {
      std::optional<boost::json::object> found;
      if (set_->type.shape == EntityShape::kRequest) {
        const ScheduleRequest* r = state.FindRequest(id);
        if (r != nullptr && InSet(*r) && v.MaySee(*r)) found = ToJson(*r);
      } else {
        const Schedule* s = state.FindSchedule(id);
        if (s != nullptr && InSet(*s) && v.MaySee(*s)) found = ToJson(*s);
      }
      if (found.has_value()) entity = Finish(*found, query, state, v);
    });
    if (!entity.has_value()) {
      return set_->type.shape == EntityShape::kRequest
                 ? Fail(NotFound(code::kRequestNotFound, "The request", id))
                 : Fail(NotFound(code::kObjectNotFound, "The schedule", id));
    }
    return EntityResponse(200, ctx(), route_.version, EntitySetPath(), query, *entity);
  }

  // ---- Schedules and instances ----

  HttpResponse Schedules(const std::vector<std::string>& seg, const odata::Query& query) {
    if (method() != "GET") return Fail(MethodNotSupported(method()));
    if (seg.empty()) return PlainList(query);
    if (auto on = ParseFilterByCurrentUser(seg[0]); on.has_value()) {
      if (!on->ok()) return Fail(on->status());
      if (seg.size() > 1) return Fail(UnknownSegment(seg[1]));
      if (!absl::EqualsIgnoreCase(**on, "principal")) return Fail(BadParameter(**on));
      Scope scope;
      scope.principal = ctx().caller.id.str();
      return List(query, scope);
    }
    if (seg.size() > 1) return Fail(UnknownSegment(seg[1]));
    return GetOne(query, seg[0]);
  }

  // ---- Approvals (reference 1.6; directory roles: beta in Graph, served on v1.0 too) ----

  std::string StagesKey() const {
    // v1.0 metadata names the relationship `stages`; beta and roleAssignmentApprovals `steps`.
    return area_.area == PimArea::kGroup && route_.version == "v1.0" ? "stages" : "steps";
  }

  // The approval `id` of this area, if it exists and the caller may see it (Visibility:
  // current approvers, administrators of the target and tenant-wide readers; never the
  // requester). With `to_decide`, also one the caller was asked to decide, so that a decision
  // that comes too late meets "already decided" (409), as the reference has it, rather than
  // "not found". `assigned`: per stage, whether the caller may decide it now. Errors:
  // NotFound (ApprovalNotFound) for a missing approval and for one the caller may not see alike;
  // with `to_decide`, PermissionDenied (NotAnApprover, 403, as the reference has it) for one
  // whose request the caller may see but not decide, such as its requester.
  absl::StatusOr<ScheduleRequest> VisibleApproval(const std::string& id,
                                                  std::vector<bool>* assigned,
                                                  bool to_decide = false) const {
    std::optional<ScheduleRequest> request;
    bool sees_request = false;
    route_.engine.ReadAs(ctx().caller, [&](const State& state, const Visibility& v) {
      const ScheduleRequest* r = state.FindRequest(id);
      if (r == nullptr || r->target.kind != TargetKindOf(area_.area) ||
          r->kind != ScheduleKind::kAssignment) {
        return;
      }
      if (v.MaySeeApproval(*r) || (to_decide && v.WasAskedToDecide(*r))) {
        request = *r;
        *assigned = v.StagesToDecide(*r);
      } else {
        sees_request = r->approval.has_value() && v.MaySee(*r);
      }
    });
    if (request.has_value()) return *std::move(request);
    if (to_decide && sees_request) {
      return Error(absl::StatusCode::kPermissionDenied, code::kNotAnApprover,
                   "You are not an approver of this request; a requester never approves their "
                   "own.");
    }
    return NotFound(code::kApprovalNotFound, "The approval", id);
  }

  HttpResponse Approvals(const std::vector<std::string>& seg, const odata::Query& query) {
    if (!query.expand.empty()) return Fail(BadRequest("$expand is not supported on approvals."));
    if (seg.empty()) {
      return Fail(BadRequest("List approvals with filterByCurrentUser(on='approver')."));
    }
    if (auto on = ParseFilterByCurrentUser(seg[0]); on.has_value()) {
      if (!on->ok()) return Fail(on->status());
      if (seg.size() > 1) return Fail(UnknownSegment(seg[1]));
      if (method() != "GET") return Fail(MethodNotSupported(method()));
      if (!absl::EqualsIgnoreCase(**on, "approver")) return Fail(BadParameter(**on));
      return ApprovalList(query);
    }
    std::vector<bool> assigned;
    const bool to_decide = seg.size() == 3 && method() == "PATCH";
    auto request = VisibleApproval(seg[0], &assigned, to_decide);
    if (!request.ok()) return Fail(request.status());
    if (seg.size() == 1) {
      if (method() != "GET") return Fail(MethodNotSupported(method()));
      return EntityResponse(
          200, ctx(), route_.version, ApprovalsPath(), query,
          odata::Project(ApprovalToJson(*request, StagesKey(), assigned), query.select));
    }
    if (seg[1] != "stages" && seg[1] != "steps") return Fail(UnknownSegment(seg[1]));
    const std::string stages_path = absl::StrCat(ApprovalsPath(), "('", seg[0], "')/", seg[1]);
    if (seg.size() == 2) {
      if (method() != "GET") return Fail(MethodNotSupported(method()));
      odata::Page page;
      page.value = ApprovalStagesToJson(*request, assigned);
      for (boost::json::value& v : page.value) v = odata::Project(v.as_object(), query.select);
      return CollectionResponse(ctx(), route_.version, stages_path, query, std::move(page));
    }
    if (seg.size() > 3) return Fail(UnknownSegment(seg[3]));
    const std::vector<std::string> ids = StageIds(*request);
    const auto it = std::find(ids.begin(), ids.end(), seg[2]);
    if (it == ids.end())
      return Fail(NotFound(code::kApprovalNotFound, "The approval stage", seg[2]));
    const auto index = static_cast<std::size_t>(it - ids.begin());
    if (method() == "GET") {
      return EntityResponse(
          200, ctx(), route_.version, stages_path, query,
          odata::Project(ApprovalStageToJson(*request, index, assigned[index]), query.select));
    }
    if (method() != "PATCH") return Fail(MethodNotSupported(method()));
    return DecideStage(*request, index);
  }

  HttpResponse DecideStage(const ScheduleRequest& request, std::size_t index) {
    auto review = ParseReviewBody(ctx().http.body);
    if (!review.ok()) return Fail(review.status());
    auto decided = route_.engine.Decide(ctx().caller, request.id, review->approve,
                                        review->justification, index);
    if (!decided.ok()) return Fail(decided.status());
    return HttpResponse::Empty(204);
  }

  // The approvals of this area the caller may decide now, oldest first.
  HttpResponse ApprovalList(const odata::Query& query) {
    boost::json::array items;
    route_.engine.ReadAs(ctx().caller, [&](const State& state, const Visibility& v) {
      std::vector<const ScheduleRequest*> found;
      for (const auto& [id, r] : state.requests()) {
        if (r.target.kind != TargetKindOf(area_.area) || r.kind != ScheduleKind::kAssignment) {
          continue;
        }
        if (v.IsCurrentApprover(r) && v.MaySeeApproval(r)) found.push_back(&r);
      }
      SortByCreated(found);
      for (const ScheduleRequest* r : found) {
        items.emplace_back(ApprovalToJson(*r, StagesKey(), v.StagesToDecide(*r)));
      }
    });
    odata::Page page = odata::Paginate(std::move(items), query, ctx().http.base_url, ctx().path,
                                       ctx().raw_query, route_.options.page_size);
    return CollectionResponse(ctx(), route_.version, ApprovalsPath(), query, std::move(page));
  }

  const Route& route_;
  const Area& area_;
  const EntitySet* set_ = nullptr;
};

}  // namespace

std::optional<HttpResponse> HandleGroupPim(const Route& route) {
  return Router(route, kGroupArea).Handle();
}

std::optional<HttpResponse> HandleDirectoryRolePim(const Route& route) {
  return Router(route, kRoleArea).Handle();
}

}  // namespace pim::api::graph
