#include "pim/cli/pim_client.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/json_fields.h"
#include "pim/cli/exit_code.h"
#include "pim/cli/server_error.h"
#include "pim/cli/url_encoding.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"
#include "pim/identity/secure_random.h"

namespace pim::cli {
namespace {

constexpr std::string_view kDir = "/v1.0/roleManagement/directory";
constexpr std::string_view kGroup = "/v1.0/identityGovernance/privilegedAccess/group";
constexpr std::string_view kAuth = "/providers/Microsoft.Authorization";

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string NestedStr(const boost::json::object& o, std::string_view a, std::string_view b) {
  const boost::json::object* inner = Obj(o, a);
  return inner == nullptr ? "" : Str(*inner, b);
}

absl::Time TimeOr(const std::string& text, absl::Time fallback) {
  if (text.empty()) return fallback;
  auto t = ParseDateTime(text);
  return t.ok() ? *t : fallback;
}

// The end of a Graph scheduleInfo (InfiniteFuture when it does not expire).
absl::Time EndOf(const boost::json::object& schedule_info, absl::Time start) {
  const boost::json::object* e = Obj(schedule_info, "expiration");
  if (e == nullptr) return absl::InfiniteFuture();
  const std::string type = absl::AsciiStrToLower(Str(*e, "type"));
  if (type == "afterdatetime") return TimeOr(Str(*e, "endDateTime"), absl::InfiniteFuture());
  if (type == "afterduration") {
    auto d = ParseIsoDuration(Str(*e, "duration"));
    if (d.ok() && start != absl::InfinitePast()) return start + *d;
  }
  return absl::InfiniteFuture();
}

std::string ExpirationText(const boost::json::object* schedule_info) {
  if (schedule_info == nullptr) return "";
  const boost::json::object* e = Obj(*schedule_info, "expiration");
  if (e == nullptr) return "";
  if (std::string d = Str(*e, "duration"); !d.empty()) return d;
  return Str(*e, "endDateTime");
}

boost::json::value TimeJson(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return nullptr;
  return boost::json::value(FormatDateTime(t));
}

boost::json::value StrOrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return boost::json::value(s);
}

std::string LowerFirst(std::string s) {
  if (!s.empty()) s[0] = absl::ascii_tolower(static_cast<unsigned char>(s[0]));
  return s;
}

std::string UpperFirst(std::string s) {
  if (!s.empty()) s[0] = absl::ascii_toupper(static_cast<unsigned char>(s[0]));
  return s;
}

std::string ArmScopePath(const std::string& scope) {
  return scope == "/" ? std::string() : scope;  // "/subscriptions/…" already has its slash
}

std::string ArmCollection(const std::string& scope, std::string_view collection,
                          std::string_view filter) {
  std::string out = absl::StrCat(ArmScopePath(scope), Sv(kAuth), "/", Sv(collection),
                                 "?api-version=", kArmApiVersion);
  if (!filter.empty()) absl::StrAppend(&out, "&$filter=", PercentEncode(filter));
  return out;
}

std::string GraphFilter(std::string_view filter) {
  return absl::StrCat("$filter=", PercentEncode(filter));
}

boost::json::object ScheduleInfoJson(const RequestSpec& spec) {
  boost::json::object info;
  if (spec.start.has_value()) info["startDateTime"] = FormatDateTime(*spec.start);
  boost::json::object expiration;
  if (spec.permanent) {
    expiration["type"] = "noExpiration";
  } else if (spec.until.has_value()) {
    expiration["type"] = "afterDateTime";
    expiration["endDateTime"] = FormatDateTime(*spec.until);
  } else if (spec.duration.has_value()) {
    expiration["type"] = "afterDuration";
    expiration["duration"] = FormatIsoDuration(*spec.duration);
  }
  if (!expiration.empty()) info["expiration"] = std::move(expiration);
  return info;
}

bool NeedsSchedule(const std::string& action) {
  return action != "selfDeactivate" && action != "adminRemove";
}

// The request collection of an area: assignment or eligibility requests.
std::string_view RequestSet(Area area, bool eligibility) {
  if (area == Area::kGroup) {
    return eligibility ? "eligibilityScheduleRequests" : "assignmentScheduleRequests";
  }
  return eligibility ? "roleEligibilityScheduleRequests" : "roleAssignmentScheduleRequests";
}

// Appends `parse` of every object in the collection at `path`, all pages of it (Session::ListAll).
// Errors: the server's.
template <typename Entry, typename Parse>
absl::Status AppendAll(Session& session, const std::string& path, const Parse& parse,
                       std::vector<Entry>& out) {
  PIM_ASSIGN_OR_RETURN(boost::json::array items, session.ListAll(path));
  for (const boost::json::value& v : items) {
    if (v.is_object()) out.push_back(parse(v.get_object()));
  }
  return absl::OkStatus();
}

// The schedule requests of Graph's four request collections (directory roles, then groups;
// assignment requests, then eligibility requests such as an eligibility's extension) that
// `function` (filterByCurrentUser(on='principal'|'approver')) and `filter` select.
absl::Status AppendGraphRequests(Session& session, std::string_view function,
                                 std::string_view filter, std::vector<RequestEntry>& out) {
  struct Collection {
    std::string_view base;
    Area area;
    std::string_view expand;
    bool eligibility;
  };
  for (const Collection& c : {Collection{kDir, Area::kDirectoryRole, "roleDefinition", false},
                              Collection{kDir, Area::kDirectoryRole, "roleDefinition", true},
                              Collection{kGroup, Area::kGroup, "group", false},
                              Collection{kGroup, Area::kGroup, "group", true}}) {
    const std::string path = absl::StrCat(
        Sv(c.base), "/", Sv(RequestSet(c.area, c.eligibility)), "/", Sv(function), "?",
        filter.empty() ? "" : absl::StrCat(GraphFilter(filter), "&"), "$expand=", Sv(c.expand));
    PIM_RETURN_IF_ERROR(AppendAll(
        session, path,
        [&c](const boost::json::object& o) {
          RequestEntry r = RequestFromGraph(o, c.area);
          r.eligibility = c.eligibility;
          return r;
        },
        out));
  }
  return absl::OkStatus();
}

// The same for ARM's two request collections, with `filter` (asRequestor(), asApprover()...).
absl::Status AppendArmRequests(Session& session, std::string_view filter,
                               std::vector<RequestEntry>& out) {
  for (const bool eligibility : {false, true}) {
    PIM_RETURN_IF_ERROR(AppendAll(
        session, ArmCollection("/", RequestSet(Area::kAzureResource, eligibility), filter),
        [eligibility](const boost::json::object& o) {
          RequestEntry r = RequestFromArm(o);
          r.eligibility = eligibility;
          return r;
        },
        out));
  }
  return absl::OkStatus();
}

}  // namespace

const char* AreaName(Area area) {
  switch (area) {
    case Area::kDirectoryRole:
      return "directoryRole";
    case Area::kGroup:
      return "group";
    case Area::kAzureResource:
      return "azureResource";
  }
  return "directoryRole";
}

bool IsFinalStatus(std::string_view status) {
  // As the server's schedule_request.cpp has them: every status but the pending ones.
  for (std::string_view s :
       {"Provisioned", "Denied", "Canceled", "Failed", "TimedOut", "Revoked", "AdminDenied",
        "Invalid", "FailedAsResourceIsLocked", "ScheduleCreated"}) {
    if (status == s) return true;
  }
  return false;
}

boost::json::object ToJson(const RoleEntry& r) {
  boost::json::object o;
  o["kind"] = std::string(AreaName(r.area));
  o["state"] = r.state;
  o["name"] = r.name;
  o["id"] = r.target_id;
  o["access"] = StrOrNull(r.access);
  o["scope"] = r.scope;
  o["scopeName"] = StrOrNull(r.scope_name);
  o["assignmentType"] = StrOrNull(r.assignment_type);
  o["memberType"] = StrOrNull(r.member_type);
  o["start"] = TimeJson(r.start);
  o["end"] = TimeJson(r.end);
  o["scheduleId"] = r.schedule_id;
  return o;
}

boost::json::object ToJson(const RequestEntry& r) {
  boost::json::object o;
  o["id"] = r.id;
  o["kind"] = std::string(AreaName(r.area));
  o["action"] = r.action;
  o["status"] = r.status;
  o["name"] = StrOrNull(r.name);
  o["targetId"] = r.target_id;
  o["access"] = StrOrNull(r.access);
  o["scope"] = r.scope;
  o["principalId"] = r.principal_id;
  o["justification"] = StrOrNull(r.justification);
  o["approvalId"] = StrOrNull(r.approval_id);
  o["created"] = TimeJson(r.created);
  o["start"] = TimeJson(r.start);
  o["expiration"] = StrOrNull(r.expiration);
  o["eligibility"] = r.eligibility;
  return o;
}

RoleEntry RoleFromGraphSchedule(const boost::json::object& o, Area area, bool eligibility) {
  RoleEntry r;
  r.area = area;
  r.schedule_id = Str(o, "id");
  r.eligibility = eligibility;
  r.member_type = Str(o, "memberType");
  if (!eligibility) r.assignment_type = Str(o, "assignmentType");
  if (area == Area::kGroup) {
    r.target_id = Str(o, "groupId");
    r.access = Str(o, "accessId");
    r.scope = "/";
    r.name = NestedStr(o, "group", "displayName");
  } else {
    r.target_id = Str(o, "roleDefinitionId");
    r.scope = Str(o, "directoryScopeId");
    r.name = NestedStr(o, "roleDefinition", "displayName");
  }
  if (r.name.empty()) r.name = r.target_id;
  if (const boost::json::object* info = Obj(o, "scheduleInfo")) {
    r.start = TimeOr(Str(*info, "startDateTime"), absl::InfinitePast());
    r.end = EndOf(*info, r.start);
  }
  const bool scheduled = Str(o, "status") == "Granted";
  r.state = scheduled ? "scheduled" : (eligibility ? "eligible" : "active");
  return r;
}

RoleEntry RoleFromArmSchedule(const boost::json::object& o, bool eligibility) {
  RoleEntry r;
  r.area = Area::kAzureResource;
  r.schedule_id = Str(o, "name");
  r.eligibility = eligibility;
  const boost::json::object* p = Obj(o, "properties");
  if (p == nullptr) return r;
  r.target_id = LastSegment(Str(*p, "roleDefinitionId"));
  r.scope = Str(*p, "scope");
  r.member_type = Str(*p, "memberType");
  if (!eligibility) r.assignment_type = Str(*p, "assignmentType");
  if (const boost::json::object* e = Obj(*p, "expandedProperties")) {
    r.name = NestedStr(*e, "roleDefinition", "displayName");
    r.scope_name = NestedStr(*e, "scope", "displayName");
  }
  if (r.name.empty()) r.name = r.target_id;
  r.start = TimeOr(Str(*p, "startDateTime"), absl::InfinitePast());
  r.end = TimeOr(Str(*p, "endDateTime"), absl::InfiniteFuture());
  const bool scheduled = Str(*p, "status") == "Granted";
  r.state = scheduled ? "scheduled" : (eligibility ? "eligible" : "active");
  return r;
}

RequestEntry RequestFromGraph(const boost::json::object& o, Area area) {
  RequestEntry r;
  r.area = area;
  r.id = Str(o, "id");
  r.action = Str(o, "action");
  r.status = Str(o, "status");
  r.principal_id = Str(o, "principalId");
  r.justification = Str(o, "justification");
  r.approval_id = Str(o, "approvalId");
  r.created = TimeOr(Str(o, "createdDateTime"), absl::InfinitePast());
  if (area == Area::kGroup) {
    r.target_id = Str(o, "groupId");
    r.access = Str(o, "accessId");
    r.scope = "/";
    r.name = NestedStr(o, "group", "displayName");
  } else {
    r.target_id = Str(o, "roleDefinitionId");
    r.scope = Str(o, "directoryScopeId");
    r.name = NestedStr(o, "roleDefinition", "displayName");
  }
  const boost::json::object* info = Obj(o, "scheduleInfo");
  if (info != nullptr) r.start = TimeOr(Str(*info, "startDateTime"), absl::InfinitePast());
  r.expiration = ExpirationText(info);
  return r;
}

RequestEntry RequestFromArm(const boost::json::object& o) {
  RequestEntry r;
  r.area = Area::kAzureResource;
  r.id = Str(o, "name");
  const boost::json::object* p = Obj(o, "properties");
  if (p == nullptr) return r;
  r.action = LowerFirst(Str(*p, "requestType"));
  r.status = Str(*p, "status");
  r.principal_id = Str(*p, "principalId");
  r.justification = Str(*p, "justification");
  r.approval_id = Str(*p, "approvalId");
  r.target_id = LastSegment(Str(*p, "roleDefinitionId"));
  r.scope = Str(*p, "scope");
  r.created = TimeOr(Str(*p, "createdOn"), absl::InfinitePast());
  if (const boost::json::object* e = Obj(*p, "expandedProperties")) {
    r.name = NestedStr(*e, "roleDefinition", "displayName");
  }
  const boost::json::object* info = Obj(*p, "scheduleInfo");
  if (info != nullptr) r.start = TimeOr(Str(*info, "startDateTime"), absl::InfinitePast());
  r.expiration = ExpirationText(info);
  return r;
}

absl::StatusOr<std::vector<RoleEntry>> PimClient::Roles() {
  std::vector<RoleEntry> out;
  struct GraphSource {
    std::string path;
    Area area;
    bool eligibility;
  };
  const std::string me = "filterByCurrentUser(on='principal')";
  const GraphSource graph[] = {
      {absl::StrCat(Sv(kDir), "/roleEligibilitySchedules/", me, "?$expand=roleDefinition"),
       Area::kDirectoryRole, true},
      {absl::StrCat(Sv(kDir), "/roleAssignmentSchedules/", me, "?$expand=roleDefinition"),
       Area::kDirectoryRole, false},
      {absl::StrCat(Sv(kGroup), "/eligibilitySchedules/", me, "?$expand=group"), Area::kGroup,
       true},
      {absl::StrCat(Sv(kGroup), "/assignmentSchedules/", me, "?$expand=group"), Area::kGroup,
       false},
  };
  for (const GraphSource& source : graph) {
    PIM_RETURN_IF_ERROR(AppendAll(
        session_, source.path,
        [&source](const boost::json::object& o) {
          return RoleFromGraphSchedule(o, source.area, source.eligibility);
        },
        out));
  }
  for (const bool eligibility : {true, false}) {
    PIM_RETURN_IF_ERROR(AppendAll(
        session_,
        ArmCollection("/", eligibility ? "roleEligibilitySchedules" : "roleAssignmentSchedules",
                      "asTarget()"),
        [eligibility](const boost::json::object& o) { return RoleFromArmSchedule(o, eligibility); },
        out));
  }
  return out;
}

absl::StatusOr<std::vector<RequestEntry>> PimClient::Requests() {
  std::vector<RequestEntry> out;
  PIM_RETURN_IF_ERROR(
      AppendGraphRequests(session_, "filterByCurrentUser(on='principal')", "", out));
  PIM_RETURN_IF_ERROR(AppendArmRequests(session_, "asRequestor()", out));
  std::stable_sort(out.begin(), out.end(), [](const RequestEntry& a, const RequestEntry& b) {
    return a.created < b.created;
  });
  return out;
}

absl::StatusOr<std::vector<RequestEntry>> PimClient::PendingApprovals() {
  std::vector<RequestEntry> out;
  PIM_RETURN_IF_ERROR(AppendGraphRequests(session_, "filterByCurrentUser(on='approver')",
                                          "status eq 'PendingApproval'", out));
  // Azure resource roles: the requests the caller may decide, as Microsoft's approval sample
  // lists them (the request's approvalId is the roleAssignmentApprovals id Decide uses).
  PIM_RETURN_IF_ERROR(
      AppendArmRequests(session_, "asApprover() and status eq 'PendingApproval'", out));
  return out;
}

absl::StatusOr<RequestEntry> PimClient::Submit(const RoleEntry& target, const RequestSpec& spec) {
  PIM_ASSIGN_OR_RETURN(std::string me, session_.UserId());
  if (!spec.principal_id.empty()) me = spec.principal_id;
  const std::string_view set = RequestSet(target.area, spec.eligibility);
  ApiCall call;
  call.method = "POST";
  if (!spec.mfa_code.empty()) call.headers.emplace_back("X-Pim-Mfa-Code", spec.mfa_code);
  boost::json::object ticket;
  if (!spec.ticket_number.empty() || !spec.ticket_system.empty()) {
    ticket["ticketNumber"] = spec.ticket_number;
    ticket["ticketSystem"] = spec.ticket_system;
  }
  if (target.area == Area::kAzureResource) {
    boost::json::object p;
    p["principalId"] = me;
    p["roleDefinitionId"] =
        absl::StrCat(ArmScopePath(target.scope), Sv(kAuth), "/roleDefinitions/", target.target_id);
    p["requestType"] = UpperFirst(spec.action);
    if (spec.action == "selfActivate" && target.state == "eligible" &&
        target.member_type != "Group") {
      p["linkedRoleEligibilityScheduleId"] = target.schedule_id;
    }
    if (!spec.justification.empty()) p["justification"] = spec.justification;
    if (!ticket.empty()) p["ticketInfo"] = ticket;
    if (NeedsSchedule(spec.action)) {
      boost::json::object info = ScheduleInfoJson(spec);
      if (boost::json::value* e = info.if_contains("expiration"); e != nullptr) {
        boost::json::object& x = e->as_object();
        x["type"] = UpperFirst(std::string(x["type"].as_string()));
      }
      p["scheduleInfo"] = std::move(info);
    }
    call.method = "PUT";
    // An eligibility is a roleEligibilityScheduleRequest: sent as an assignment request it
    // would grant standing access instead.
    call.path = absl::StrCat(ArmScopePath(target.scope), Sv(kAuth), "/", Sv(set), "/",
                             identity::RandomGuid(), "?api-version=", kArmApiVersion);
    call.body = boost::json::object{{"properties", std::move(p)}};
    PIM_ASSIGN_OR_RETURN(ApiResult result, session_.Call(call));
    if (!result.json.is_object()) return absl::DataLossError("the server answered no request");
    RequestEntry r = RequestFromArm(result.json.get_object());
    r.eligibility = spec.eligibility;
    if (r.name.empty()) r.name = target.name;
    return r;
  }
  boost::json::object body;
  body["action"] = spec.action;
  body["principalId"] = me;
  if (target.area == Area::kGroup) {
    body["groupId"] = target.target_id;
    body["accessId"] = target.access.empty() ? "member" : target.access;
    call.path = absl::StrCat(Sv(kGroup), "/", Sv(set));
  } else {
    body["roleDefinitionId"] = target.target_id;
    body["directoryScopeId"] = target.scope.empty() ? "/" : target.scope;
    call.path = absl::StrCat(Sv(kDir), "/", Sv(set));
  }
  if (!spec.justification.empty()) body["justification"] = spec.justification;
  if (!ticket.empty()) body["ticketInfo"] = ticket;
  if (NeedsSchedule(spec.action)) body["scheduleInfo"] = ScheduleInfoJson(spec);
  call.body = std::move(body);
  PIM_ASSIGN_OR_RETURN(ApiResult result, session_.Call(call));
  if (!result.json.is_object()) return absl::DataLossError("the server answered no request");
  RequestEntry r = RequestFromGraph(result.json.get_object(), target.area);
  r.eligibility = spec.eligibility;
  if (r.name.empty()) r.name = target.name;
  return r;
}

absl::StatusOr<RequestEntry> PimClient::GetRequest(Area area, const std::string& id,
                                                   const std::string& scope, bool eligibility) {
  const std::string_view set = RequestSet(area, eligibility);
  ApiCall call;
  switch (area) {
    case Area::kDirectoryRole:
      call.path =
          absl::StrCat(Sv(kDir), "/", Sv(set), "/", PercentEncode(id), "?$expand=roleDefinition");
      break;
    case Area::kGroup:
      call.path = absl::StrCat(Sv(kGroup), "/", Sv(set), "/", PercentEncode(id), "?$expand=group");
      break;
    case Area::kAzureResource:
      call.path = absl::StrCat(ArmScopePath(scope), Sv(kAuth), "/", Sv(set), "/", PercentEncode(id),
                               "?api-version=", kArmApiVersion);
      break;
  }
  PIM_ASSIGN_OR_RETURN(ApiResult result, session_.Call(call));
  if (!result.json.is_object()) return absl::DataLossError("the server answered no request");
  RequestEntry r = area == Area::kAzureResource ? RequestFromArm(result.json.get_object())
                                                : RequestFromGraph(result.json.get_object(), area);
  r.eligibility = eligibility;
  return r;
}

absl::StatusOr<RequestEntry> PimClient::FindOwnRequest(const std::string& id) {
  PIM_ASSIGN_OR_RETURN(std::vector<RequestEntry> all, Requests());
  for (const RequestEntry& r : all) {
    if (absl::EqualsIgnoreCase(r.id, id)) return r;
  }
  return WithExitCode(absl::NotFoundError(absl::StrCat("you have no request ", id)),
                      ExitCode::kNotFound);
}

absl::Status PimClient::Cancel(const RequestEntry& request) {
  ApiCall call;
  call.method = "POST";
  switch (request.area) {
    case Area::kDirectoryRole:
      call.path = absl::StrCat(Sv(kDir), "/", Sv(RequestSet(request.area, request.eligibility)),
                               "/", PercentEncode(request.id), "/cancel");
      break;
    case Area::kGroup:
      call.path = absl::StrCat(Sv(kGroup), "/", Sv(RequestSet(request.area, request.eligibility)),
                               "/", PercentEncode(request.id), "/cancel");
      break;
    case Area::kAzureResource:
      call.path = absl::StrCat(ArmScopePath(request.scope), Sv(kAuth), "/",
                               Sv(RequestSet(request.area, request.eligibility)), "/",
                               PercentEncode(request.id), "/cancel?api-version=", kArmApiVersion);
      break;
  }
  return session_.Call(call).status();
}

absl::StatusOr<Area> PimClient::Decide(const std::string& id, bool approve,
                                       const std::string& justification,
                                       const std::string& mfa_code) {
  // Where an approval may be: Graph (directory roles, groups) and ARM's roleAssignmentApprovals
  // (Azure resource roles; the stage's fields sit in `properties` and its id is its `name`).
  struct Place {
    Area area;
    std::string base;
    const char* stages;
    std::string query;  // appended to every path
  };
  const Place places[] = {
      {Area::kDirectoryRole, absl::StrCat(Sv(kDir), "/roleAssignmentApprovals/"), "steps", ""},
      {Area::kGroup, absl::StrCat(Sv(kGroup), "/assignmentApprovals/"), "stages", ""},
      {Area::kAzureResource, absl::StrCat(Sv(kAuth), "/roleAssignmentApprovals/"), "stages",
       absl::StrCat("?api-version=", kArmApprovalsApiVersion)},
  };
  for (const Place& place : places) {
    const bool arm = place.area == Area::kAzureResource;
    ApiCall get;
    get.path = absl::StrCat(place.base, PercentEncode(id), place.query);
    auto approval = session_.Call(get);
    if (!approval.ok()) {
      auto e = ServerErrorOf(approval.status());
      if (e.has_value() && e->http_status == 404) continue;
      return approval.status();
    }
    const boost::json::object* o = approval->json.if_object();
    if (arm && o != nullptr) {
      const boost::json::value* props = o->if_contains("properties");
      o = props == nullptr ? nullptr : props->if_object();
    }
    const boost::json::value* stages = o == nullptr ? nullptr : o->if_contains(place.stages);
    if (stages == nullptr || !stages->is_array()) {
      return absl::DataLossError("the approval has no stages");
    }
    // The first stage in progress that is assigned to the caller (stages in parallel may be
    // several), else the first in progress, for the server to say why it is not theirs.
    std::string stage_id;
    bool assigned = false;
    for (const boost::json::value& s : stages->get_array()) {
      if (!s.is_object()) continue;
      const boost::json::object& stage = s.get_object();
      const boost::json::object* p = &stage;
      if (arm) {
        const boost::json::value* props = stage.if_contains("properties");
        p = props == nullptr ? nullptr : props->if_object();
      }
      if (p == nullptr || Str(*p, "status") != "InProgress") continue;
      const boost::json::value* mine = p->if_contains("assignedToMe");
      const bool to_me = mine != nullptr && mine->is_bool() && mine->get_bool();
      if (stage_id.empty() || (to_me && !assigned)) {
        stage_id = Str(stage, arm ? "name" : "id");
        assigned = to_me;
      }
    }
    if (stage_id.empty()) {
      return WithExitCode(
          absl::FailedPreconditionError(absl::StrCat("approval ", id, " is no longer pending")),
          ExitCode::kError);
    }
    ApiCall patch;
    patch.method = "PATCH";
    patch.path = absl::StrCat(place.base, PercentEncode(id), "/", place.stages, "/",
                              PercentEncode(stage_id), place.query);
    boost::json::object review{{"reviewResult", approve ? "Approve" : "Deny"},
                               {"justification", justification}};
    if (arm) {
      patch.body = boost::json::object{{"properties", std::move(review)}};
    } else {
      patch.body = std::move(review);
    }
    if (!mfa_code.empty()) patch.headers.emplace_back("X-Pim-Mfa-Code", mfa_code);
    PIM_RETURN_IF_ERROR(session_.Call(patch).status());
    return place.area;
  }
  return WithExitCode(absl::NotFoundError(absl::StrCat("no approval ", id, " is waiting for you")),
                      ExitCode::kNotFound);
}

absl::StatusOr<std::string> PimClient::ResolvePrincipal(const std::string& name) {
  std::vector<std::string> found;
  for (const char* path : {"/v1.0/users", "/v1.0/groups"}) {
    PIM_ASSIGN_OR_RETURN(boost::json::array items, session_.ListAll(path));
    for (const boost::json::value& v : items) {
      if (!v.is_object()) continue;
      const boost::json::object& o = v.get_object();
      for (const char* key : {"id", "userPrincipalName", "mail", "displayName"}) {
        if (absl::EqualsIgnoreCase(Str(o, key), name)) {
          found.push_back(Str(o, "id"));
          break;
        }
      }
    }
  }
  if (found.empty()) {
    return WithExitCode(absl::NotFoundError(absl::StrCat("no user or group '", name, "'")),
                        ExitCode::kNotFound);
  }
  if (found.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", name,
        "' names several users or groups; give the object id: ", absl::StrJoin(found, ", ")));
  }
  return found.front();
}

absl::StatusOr<RoleEntry> PimClient::ResolveDefinition(Area area, const std::string& name,
                                                       const std::string& scope,
                                                       const std::string& access) {
  RoleEntry r;
  r.area = area;
  r.state = "expired";
  r.access = access;
  r.scope = scope.empty() ? "/" : scope;
  std::string path;
  switch (area) {
    case Area::kDirectoryRole:
      path = absl::StrCat(Sv(kDir), "/roleDefinitions");
      break;
    case Area::kGroup:
      path = "/v1.0/groups";
      break;
    case Area::kAzureResource:
      path = ArmCollection(r.scope, "roleDefinitions", "");
      break;
  }
  PIM_ASSIGN_OR_RETURN(boost::json::array items, session_.ListAll(path));
  // An id names one; a display name may name several (two groups called "Ops"), and picking
  // the first would act on whichever the server happened to list first.
  std::vector<std::pair<std::string, std::string>> by_name;  // id, display name
  for (const boost::json::value& v : items) {
    if (!v.is_object()) continue;
    const boost::json::object& o = v.get_object();
    std::string id = area == Area::kAzureResource ? Str(o, "name") : Str(o, "id");
    std::string display = Str(o, "displayName");
    if (area == Area::kAzureResource) {
      if (const boost::json::object* p = Obj(o, "properties")) display = Str(*p, "roleName");
    }
    if (absl::EqualsIgnoreCase(id, name)) {
      r.target_id = id;
      r.name = display.empty() ? id : display;
      return r;
    }
    if (absl::EqualsIgnoreCase(display, name)) by_name.emplace_back(id, display);
  }
  if (by_name.size() > 1) {
    std::vector<std::string> ids;
    ids.reserve(by_name.size());
    for (const auto& [id, display] : by_name) ids.push_back(id);
    const char* what = area == Area::kGroup           ? "groups"
                       : area == Area::kAzureResource ? "Azure resource roles"
                                                      : "directory roles";
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' names several ", what,
                                                   "; give the id: ", absl::StrJoin(ids, ", ")));
  }
  if (by_name.size() == 1) {
    r.target_id = by_name.front().first;
    r.name = by_name.front().second;
    return r;
  }
  return WithExitCode(
      absl::NotFoundError(absl::StrCat("no ", AreaName(area), " named '", name, "'")),
      ExitCode::kNotFound);
}

}  // namespace pim::cli
