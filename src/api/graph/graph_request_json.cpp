#include "api/graph/graph_request_json.h"

#include <array>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "api/graph/graph_wire.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"
#include "pim/engine/caller.h"

namespace pim::api::graph {
namespace {

using json_body::A;

// Client text quoted in a message: at most 64 bytes (cut on a UTF-8 character boundary), so
// that an error never echoes a whole body back.
std::string Clip(std::string_view text) {
  constexpr std::size_t kMax = 64;
  if (text.size() <= kMax) return std::string(text);
  std::size_t end = kMax;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(A(text.substr(0, end)), "...");
}

bool IsOneOf(std::string_view key, std::span<const std::string_view> names) {
  for (std::string_view n : names) {
    if (key == n) return true;
  }
  return false;
}

// Properties of `request` that clients may send back but that the server owns.
constexpr std::array<std::string_view, 7> kReadOnly = {
    "id",         "status",    "createdDateTime", "completedDateTime",
    "approvalId", "createdBy", "targetScheduleId"};

absl::Status RefuseUnknown(const boost::json::object& o, std::string_view path_prefix,
                           std::initializer_list<std::string_view> known,
                           std::span<const std::string_view> ignored = {}) {
  for (const auto& kv : o) {
    const std::string_view key(kv.key().data(), kv.key().size());
    if (IsIgnoredAnnotation(key) ||
        IsOneOf(key, std::span<const std::string_view>(known.begin(), known.size())) ||
        IsOneOf(key, ignored))
      continue;
    return BadRequest(absl::StrCat("The property '", A(path_prefix), Clip(key),
                                   "' does not exist on this type. Make sure to only use "
                                   "property names that are defined by the type."));
  }
  return absl::OkStatus();
}

absl::StatusOr<Expiration> ParseExpiration(const boost::json::object& o) {
  PIM_RETURN_IF_ERROR(
      RefuseUnknown(o, "scheduleInfo/expiration/", {"type", "endDateTime", "duration"}));
  Expiration e;
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> type,
                       ReadString(o, "type", "scheduleInfo/expiration/type"));
  PIM_ASSIGN_OR_RETURN(e.end,
                       ReadDateTime(o, "endDateTime", "scheduleInfo/expiration/endDateTime"));
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> duration,
                       ReadString(o, "duration", "scheduleInfo/expiration/duration"));
  if (duration.has_value()) {
    auto d = ParseIsoDuration(*duration);
    if (!d.ok())
      return BadProperty("scheduleInfo/expiration/duration", "expected an ISO 8601 duration");
    e.duration = *d;
  }
  if (type.has_value()) {
    const auto parsed = kExpirationTypeNames.Parse(*type);
    if (!parsed.has_value()) {
      return BadProperty("scheduleInfo/expiration/type",
                         "expected notSpecified, noExpiration, afterDateTime or afterDuration");
    }
    e.type = *parsed;
  } else if (e.duration.has_value()) {
    e.type = ExpirationType::kAfterDuration;
  } else if (e.end.has_value()) {
    e.type = ExpirationType::kAfterDateTime;
  }
  if (e.type == ExpirationType::kAfterDuration && !e.duration.has_value()) {
    return BadProperty("scheduleInfo/expiration/duration", "required when type is afterDuration");
  }
  if (e.type == ExpirationType::kAfterDateTime && !e.end.has_value()) {
    return BadProperty("scheduleInfo/expiration/endDateTime",
                       "required when type is afterDateTime");
  }
  // The other member is only meaningful with its own type (reference 0.2).
  if (e.type != ExpirationType::kAfterDuration) e.duration.reset();
  if (e.type != ExpirationType::kAfterDateTime) e.end.reset();
  return e;
}

absl::StatusOr<ScheduleInfo> ParseScheduleInfo(const boost::json::object& o) {
  PIM_RETURN_IF_ERROR(
      RefuseUnknown(o, "scheduleInfo/", {"startDateTime", "expiration", "recurrence"}));
  ScheduleInfo info;
  PIM_ASSIGN_OR_RETURN(info.start, ReadDateTime(o, "startDateTime", "scheduleInfo/startDateTime"));
  if (const boost::json::value* r = o.if_contains("recurrence"); r != nullptr && !r->is_null()) {
    return BadProperty("scheduleInfo/recurrence", "recurring schedules are not supported");
  }
  PIM_ASSIGN_OR_RETURN(const boost::json::object* expiration,
                       ReadObject(o, "expiration", "scheduleInfo/expiration"));
  if (expiration != nullptr) {
    PIM_ASSIGN_OR_RETURN(info.expiration, ParseExpiration(*expiration));
  }
  return info;
}

absl::StatusOr<TicketInfo> ParseTicket(const boost::json::object& o) {
  PIM_RETURN_IF_ERROR(RefuseUnknown(o, "ticketInfo/", {"ticketNumber", "ticketSystem"}));
  TicketInfo t;
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> number,
                       ReadString(o, "ticketNumber", "ticketInfo/ticketNumber"));
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> system,
                       ReadString(o, "ticketSystem", "ticketInfo/ticketSystem"));
  t.number = number.value_or("");
  t.system = system.value_or("");
  return t;
}

absl::StatusOr<Target> ParseGroupTarget(const boost::json::object& o) {
  PIM_ASSIGN_OR_RETURN(std::string group, ReadGuid(o, "groupId", "groupId"));
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> access, ReadString(o, "accessId", "accessId"));
  if (!access.has_value()) return BadRequest("The property 'accessId' is required.");
  const auto parsed = kGroupAccessNames.Parse(*access);
  if (!parsed.has_value()) return BadProperty("accessId", "expected member or owner");
  return GroupTarget(PrincipalId(group), *parsed);
}

absl::StatusOr<Target> ParseRoleTarget(const boost::json::object& o) {
  PIM_ASSIGN_OR_RETURN(std::string role, ReadGuid(o, "roleDefinitionId", "roleDefinitionId"));
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> scope,
                       ReadString(o, "directoryScopeId", "directoryScopeId"));
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> app_scope,
                       ReadString(o, "appScopeId", "appScopeId"));
  // App-specific scopes have no meaning here; "/" is what Graph itself echoes for "tenant".
  if (app_scope.has_value() && *app_scope != "/") {
    return BadProperty("appScopeId", "application scopes are not supported; use directoryScopeId");
  }
  if (!scope.has_value() || scope->empty()) {
    if (!app_scope.has_value()) {
      return BadRequest("One of the properties 'directoryScopeId' or 'appScopeId' is required.");
    }
    scope = "/";
  }
  return DirectoryRoleTarget(role, *scope);
}

}  // namespace

absl::StatusOr<RequestInput> ParseScheduleRequestBody(std::string_view body, PimArea area,
                                                      ScheduleKind kind) {
  PIM_ASSIGN_OR_RETURN(boost::json::object o, ParseObjectBody(body));
  if (area == PimArea::kGroup) {
    PIM_RETURN_IF_ERROR(
        RefuseUnknown(o, "",
                      {"accessId", "action", "groupId", "principalId", "scheduleInfo",
                       "justification", "ticketInfo", "customData", "isValidationOnly"},
                      kReadOnly));
  } else {
    PIM_RETURN_IF_ERROR(RefuseUnknown(
        o, "",
        {"action", "principalId", "roleDefinitionId", "directoryScopeId", "appScopeId",
         "scheduleInfo", "justification", "ticketInfo", "customData", "isValidationOnly"},
        kReadOnly));
  }
  RequestInput in;
  in.kind = kind;
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> action, ReadString(o, "action", "action"));
  if (!action.has_value()) return BadRequest("The property 'action' is required.");
  const auto parsed_action = kRequestActionNames.Parse(*action);
  if (!parsed_action.has_value()) {
    return BadProperty("action", absl::StrCat("unknown action '", Clip(*action), "'"));
  }
  in.action = *parsed_action;
  PIM_ASSIGN_OR_RETURN(std::string principal, ReadGuid(o, "principalId", "principalId"));
  in.principal = PrincipalId(std::move(principal));
  if (area == PimArea::kGroup) {
    PIM_ASSIGN_OR_RETURN(in.target, ParseGroupTarget(o));
  } else {
    PIM_ASSIGN_OR_RETURN(in.target, ParseRoleTarget(o));
  }
  PIM_ASSIGN_OR_RETURN(const boost::json::object* schedule,
                       ReadObject(o, "scheduleInfo", "scheduleInfo"));
  if (schedule != nullptr) {
    PIM_ASSIGN_OR_RETURN(in.schedule_info, ParseScheduleInfo(*schedule));
  }
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> justification,
                       ReadString(o, "justification", "justification"));
  in.justification = justification.value_or("");
  PIM_ASSIGN_OR_RETURN(const boost::json::object* ticket,
                       ReadObject(o, "ticketInfo", "ticketInfo"));
  if (ticket != nullptr) {
    PIM_ASSIGN_OR_RETURN(in.ticket, ParseTicket(*ticket));
  }
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> custom,
                       ReadString(o, "customData", "customData"));
  in.custom_data = custom.value_or("");
  PIM_ASSIGN_OR_RETURN(std::optional<bool> validation_only,
                       ReadBool(o, "isValidationOnly", "isValidationOnly"));
  in.is_validation_only = validation_only.value_or(false);
  return in;
}

boost::json::object RequestScheduleToJson(const std::optional<absl::Time>& start,
                                          const Expiration& expiration) {
  boost::json::object exp;
  exp["type"] = std::string(kExpirationTypeNames.Name(expiration.type));
  exp["endDateTime"] = TimeOrNull(expiration.end);
  if (expiration.duration.has_value()) {
    exp["duration"] = FormatIsoDuration(*expiration.duration);
  } else {
    exp["duration"] = nullptr;
  }
  boost::json::object out;
  out["startDateTime"] = TimeOrNull(start);
  out["recurrence"] = nullptr;
  out["expiration"] = std::move(exp);
  return out;
}

boost::json::object IdentitySetToJson(const PrincipalId& user) {
  boost::json::object out;
  out["application"] = nullptr;
  out["device"] = nullptr;
  out["user"] = nullptr;
  if (user == Caller::System().id) {
    // pim itself (bootstrap, directory sync): an application, not a user with a fake id.
    out["application"] = boost::json::object{{"displayName", "pim"}, {"id", nullptr}};
    return out;
  }
  out["user"] = boost::json::object{{"displayName", nullptr}, {"id", user.str()}};
  return out;
}

boost::json::object ScheduleRequestToJson(const ScheduleRequest& r, PimArea area,
                                          bool is_validation_only) {
  // A removal carries no schedule and, once revoked, no completion time or target schedule
  // (observed, reference 0.4 and 2.4).
  const bool removal =
      r.action == RequestAction::kAdminRemove || r.action == RequestAction::kSelfDeactivate;
  const bool revoked = r.status == RequestStatus::kRevoked;
  boost::json::object o;
  o["id"] = r.id.str();
  o["status"] = std::string(kRequestStatusNames.Name(r.status));
  o["createdDateTime"] = TimeOrNull(r.created);
  o["completedDateTime"] = revoked ? boost::json::value(nullptr) : TimeOrNull(r.completed);
  o["approvalId"] = r.approval.has_value() ? boost::json::value(r.id.str()) : nullptr;
  o["customData"] = StringOrNull(r.custom_data);
  o["createdBy"] = IdentitySetToJson(r.created_by);
  o["action"] = std::string(kRequestActionNames.Name(r.action));
  o["isValidationOnly"] = is_validation_only;
  o["justification"] = StringOrNull(r.justification);
  if (removal) {
    o["scheduleInfo"] = nullptr;
  } else {
    o["scheduleInfo"] = RequestScheduleToJson(r.schedule_info.start, r.schedule_info.expiration);
  }
  boost::json::object ticket;
  ticket["ticketNumber"] = StringOrNull(r.ticket.number);
  ticket["ticketSystem"] = StringOrNull(r.ticket.system);
  o["ticketInfo"] = std::move(ticket);
  o["principalId"] = r.principal.str();
  if (area == PimArea::kGroup) {
    o["accessId"] = std::string(kGroupAccessNames.Name(r.target.access));
    o["groupId"] = r.target.object_id;
  } else {
    o["roleDefinitionId"] = r.target.object_id;
    o["directoryScopeId"] = DirectoryScopeId(r.target.scope);
    o["appScopeId"] = nullptr;
  }
  if (revoked || !r.target_schedule.has_value()) {
    o["targetScheduleId"] = nullptr;
  } else {
    o["targetScheduleId"] = r.target_schedule->str();
  }
  return o;
}

}  // namespace pim::api::graph
