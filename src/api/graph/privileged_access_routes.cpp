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

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

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
               absl::StrCat(Sv(what), " '", Sv(id), "' was not found."));
}

absl::Status MethodNotSupported(std::string_view method) {
  return BadRequest(
      absl::StrCat("The HTTP method '", Sv(method), "' is not supported for this resource."));
}

// Parses a `filterByCurrentUser(on='value')` segment. nullopt when `segment` is not a call to
// filterByCurrentUser; BadRequest when it is one with a malformed parameter list.
std::optional<absl::StatusOr<std::string>> ParseFilterByCurrentUser(std::string_view segment) {
  constexpr std::string_view kName = "filterByCurrentUser";
  if (segment.size() < kName.size() ||
      !absl::EqualsIgnoreCase(Sv(segment.substr(0, kName.size())), Sv(kName))) {
    return std::nullopt;
  }
  std::string_view args = segment.substr(kName.size());
  const auto bad = [] {
    return absl::StatusOr<std::string>(
        BadRequest("filterByCurrentUser requires one parameter, for example "
                   "filterByCurrentUser(on='principal')."));
  };
  if (args.size() < 2 || args.front() != '(' || args.back() != ')') return bad();
  absl::string_view inner = absl::StripAsciiWhitespace(Sv(args.substr(1, args.size() - 2)));
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

// What a collection is restricted to before $filter runs.
struct Scope {
  std::optional<std::string> principal;         // only this principal's items
  std::optional<std::string> created_by;        // only requests created by this principal
  std::optional<std::vector<std::string>> ids;  // only these request ids (approver views)
};

class Router {
 public:
  Router(const Route& route, const Area& area) : route_(route), area_(area) {}

  std::optional<HttpResponse> Handle() {
    std::vector<std::string> segments = absl::StrSplit(Sv(route_.rest), '/', absl::SkipEmpty());
    const std::vector<std::string> root = absl::StrSplit(Sv(area_.root), '/');
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

  std::string EntitySetPath() const { return absl::StrCat(Sv(area_.root), "/", Sv(set_->name)); }
  std::string ApprovalsPath() const {
    return absl::StrCat(Sv(area_.root), "/", Sv(area_.approvals));
  }

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
        scope.ids = ApproverRequestIds();
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
    return BadRequest(absl::StrCat("The value '", Sv(option),
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

  // Every item of the current entity set within `scope`, oldest first, as full entities.
  boost::json::array Collect(const Scope& scope) const {
    boost::json::array items;
    // Read visibility rules (who may see whose requests and schedules) go here.
    route_.engine.Read([&](const State& state) {
      if (set_->type.shape == EntityShape::kRequest) {
        std::vector<const ScheduleRequest*> found;
        auto consider = [&](const ScheduleRequest* r) {
          if (r == nullptr || !InSet(*r)) return;
          if (scope.principal.has_value() && r->principal.str() != *scope.principal) return;
          if (scope.created_by.has_value() && r->created_by.str() != *scope.created_by) return;
          found.push_back(r);
        };
        if (scope.ids.has_value()) {
          for (const std::string& id : *scope.ids) consider(state.FindRequest(id));
        } else if (scope.principal.has_value()) {
          for (const std::string& id : state.RequestsOfPrincipal(*scope.principal)) {
            consider(state.FindRequest(id));
          }
        } else {
          for (const auto& [id, r] : state.requests()) consider(&r);
        }
        SortByCreated(found);
        for (const ScheduleRequest* r : found) items.emplace_back(ToJson(*r));
        return;
      }
      std::vector<const Schedule*> found;
      if (scope.principal.has_value()) {
        for (const Schedule* s : state.SchedulesOfPrincipal(*scope.principal)) {
          if (InSet(*s)) found.push_back(s);
        }
      } else {
        for (const auto& [id, s] : state.schedules()) {
          if (InSet(s)) found.push_back(&s);
        }
      }
      SortByCreated(found);
      for (const Schedule* s : found) items.emplace_back(ToJson(*s));
    });
    return items;
  }

  HttpResponse List(const odata::Query& query, const Scope& scope) {
    if (auto st = ValidateExpand(query, set_->type); !st.ok()) return Fail(st);
    odata::Query unprojected = query;
    unprojected.select.clear();  // projected after expansion, which needs the ids
    odata::Page page = odata::Paginate(Collect(scope), unprojected, ctx().http.base_url, ctx().path,
                                       ctx().raw_query, route_.options.page_size);
    route_.engine.Read([&](const State& state) {
      for (boost::json::value& v : page.value) {
        if (!v.is_object()) continue;
        v = Finish(v.as_object(), query, state);
      }
    });
    return CollectionResponse(ctx(), route_.version, EntitySetPath(), query, std::move(page));
  }

  // Expands, then projects to $select plus the expanded properties.
  boost::json::object Finish(boost::json::object& entity, const odata::Query& query,
                             const State& state) const {
    std::vector<std::string> added = Expand(entity, query, set_->type, state);
    if (query.select.empty()) return entity;
    std::vector<std::string> keep = query.select;
    keep.insert(keep.end(), added.begin(), added.end());
    return odata::Project(entity, keep);
  }

  std::optional<boost::json::object> FindRequestJson(const std::string& id) const {
    std::optional<boost::json::object> out;
    route_.engine.Read([&](const State& state) {
      const ScheduleRequest* r = state.FindRequest(id);
      if (r != nullptr && InSet(*r)) out = ToJson(*r);
    });
    return out;
  }

  HttpResponse GetOne(const odata::Query& query, const std::string& id) {
    if (auto st = ValidateExpand(query, set_->type); !st.ok()) return Fail(st);
    std::optional<boost::json::object> entity;
    // Read visibility rules go here too.
    route_.engine.Read([&](const State& state) {
      std::optional<boost::json::object> found;
      if (set_->type.shape == EntityShape::kRequest) {
        const ScheduleRequest* r = state.FindRequest(id);
        if (r != nullptr && InSet(*r)) found = ToJson(*r);
      } else {
        const Schedule* s = state.FindSchedule(id);
        if (s != nullptr && InSet(*s)) found = ToJson(*s);
      }
      if (found.has_value()) entity = Finish(*found, query, state);
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

  // Requests of this area whose stage in progress the caller may decide, or that the caller
  // has decided, oldest first. IsCurrentApprover takes the engine's read lock itself, so it
  // runs outside Read.
  std::vector<std::string> ApproverRequestIds() const {
    const std::string me = ctx().caller.id.str();
    std::vector<std::string> pending;
    std::vector<std::string> decided;
    route_.engine.Read([&](const State& state) {
      for (const auto& [id, r] : state.requests()) {
        if (r.target.kind != TargetKindOf(area_.area) || !r.approval.has_value()) continue;
        bool mine = false;
        for (const ApprovalStage& stage : r.approval->stages) {
          for (const ApprovalDecision& d : stage.decisions) mine = mine || d.approver.str() == me;
        }
        if (mine) {
          decided.push_back(id);
        } else if (r.status == RequestStatus::kPendingApproval) {
          pending.push_back(id);
        }
      }
    });
    for (std::string& id : pending) {
      if (route_.engine.IsCurrentApprover(ctx().caller.id, RequestId(id))) {
        decided.push_back(std::move(id));
      }
    }
    return decided;
  }

  std::string StagesKey() const {
    // v1.0 metadata names the relationship `stages`; beta and roleAssignmentApprovals `steps`.
    return area_.area == PimArea::kGroup && route_.version == "v1.0" ? "stages" : "steps";
  }

  // The approval `id` of this area, if it exists and the caller may see it (requester,
  // current approver, or an earlier approver). Errors: NotFound, PermissionDenied.
  absl::StatusOr<ScheduleRequest> VisibleApproval(const std::string& id, bool* assigned) const {
    std::optional<ScheduleRequest> request;
    route_.engine.Read([&](const State& state) {
      const ScheduleRequest* r = state.FindRequest(id);
      if (r != nullptr && r->target.kind == TargetKindOf(area_.area) &&
          r->kind == ScheduleKind::kAssignment && r->approval.has_value()) {
        request = *r;
      }
    });
    if (!request.has_value()) return NotFound(code::kApprovalNotFound, "The approval", id);
    *assigned = route_.engine.IsCurrentApprover(ctx().caller.id, request->id);
    const PrincipalId& me = ctx().caller.id;
    bool visible = *assigned || ctx().caller.is_system || request->principal == me ||
                   request->created_by == me;
    for (const ApprovalStage& stage : request->approval->stages) {
      for (const ApprovalDecision& d : stage.decisions) visible = visible || d.approver == me;
    }
    if (!visible) {
      return Error(absl::StatusCode::kPermissionDenied, code::kNotAnApprover,
                   "The caller is not an approver of this request.");
    }
    return *std::move(request);
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
    bool assigned = false;
    auto request = VisibleApproval(seg[0], &assigned);
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
          odata::Project(ApprovalStageToJson(*request, index, assigned), query.select));
    }
    if (method() != "PATCH") return Fail(MethodNotSupported(method()));
    return DecideStage(*request, index);
  }

  HttpResponse DecideStage(const ScheduleRequest& request, std::size_t index) {
    auto review = ParseReviewBody(ctx().http.body);
    if (!review.ok()) return Fail(review.status());
    if (request.approval->stages[index].status != StageStatus::kInProgress) {
      return Fail(Error(absl::StatusCode::kFailedPrecondition, code::kApprovalAlreadyDecided,
                        "This approval stage is not in progress."));
    }
    auto decided =
        route_.engine.Decide(ctx().caller, request.id, review->approve, review->justification);
    if (!decided.ok()) return Fail(decided.status());
    return HttpResponse::Empty(204);
  }

  HttpResponse ApprovalList(const odata::Query& query) {
    const std::vector<std::string> ids = ApproverRequestIds();
    std::vector<ScheduleRequest> requests;
    route_.engine.Read([&](const State& state) {
      for (const std::string& id : ids) {
        const ScheduleRequest* r = state.FindRequest(id);
        if (r != nullptr && r->kind == ScheduleKind::kAssignment) requests.push_back(*r);
      }
    });
    std::sort(requests.begin(), requests.end(), [](const auto& a, const auto& b) {
      return a.created != b.created ? a.created < b.created : a.id < b.id;
    });
    boost::json::array items;
    for (const ScheduleRequest& r : requests) {
      const bool assigned = r.status == RequestStatus::kPendingApproval &&
                            route_.engine.IsCurrentApprover(ctx().caller.id, r.id);
      items.emplace_back(ApprovalToJson(r, StagesKey(), assigned));
    }
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
