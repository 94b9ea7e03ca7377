#include "api/arm/arm_request_json.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/arm/arm_json.h"
#include "pim/domain/ids.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

constexpr std::string_view kFingerprintPrefix = "arm-put:";

// A member name quoted in a message: at most 64 bytes (cut on a UTF-8 character boundary), so
// that an error never echoes a whole body back.
absl::string_view Clip(std::string_view name) {
  constexpr std::size_t kMax = 64;
  std::size_t end = std::min(name.size(), kMax);
  while (end < name.size() && end > 0 && (static_cast<unsigned char>(name[end]) & 0xC0) == 0x80) {
    --end;
  }
  return {name.data(), end};
}

// An object's members keyed by lower-cased name. A name given twice (in any casing) is refused.
using Members = absl::flat_hash_map<std::string, const boost::json::value*>;

absl::StatusOr<Members> MembersOf(const boost::json::object& obj, std::string_view where) {
  Members out;
  for (const auto& kv : obj) {
    std::string key = absl::AsciiStrToLower(absl::string_view(kv.key().data(), kv.key().size()));
    if (!out.emplace(key, &kv.value()).second) {
      return BadProperty(absl::StrCat(absl::string_view(where.data(), where.size()), ".",
                                      Clip(std::string_view(kv.key().data(), kv.key().size()))),
                         "is given more than once.");
    }
  }
  return out;
}

// Refuses members not in `known` (lower-case names).
absl::Status OnlyKnown(const Members& members, std::initializer_list<std::string_view> known,
                       std::string_view where) {
  for (const auto& [key, value] : members) {
    bool found = false;
    for (std::string_view k : known) found = found || key == k;
    if (!found) {
      return BadProperty(
          absl::StrCat(absl::string_view(where.data(), where.size()), ".", Clip(key)),
          "is not supported.");
    }
  }
  return absl::OkStatus();
}

std::string Where(std::string_view parent, std::string_view name) {
  return absl::StrCat(absl::string_view(parent.data(), parent.size()), ".",
                      absl::string_view(name.data(), name.size()));
}

absl::StatusOr<std::optional<std::string>> Str(const Members& m, std::string_view key,
                                               std::string_view parent, std::string_view name) {
  auto it = m.find(absl::string_view(key.data(), key.size()));
  if (it == m.end() || it->second->is_null()) return std::optional<std::string>();
  const boost::json::string* s = it->second->if_string();
  if (s == nullptr) return BadProperty(Where(parent, name), "must be a string.");
  return std::optional<std::string>(std::string(s->data(), s->size()));
}

absl::StatusOr<const boost::json::object*> Obj(const Members& m, std::string_view key,
                                               std::string_view parent, std::string_view name) {
  auto it = m.find(absl::string_view(key.data(), key.size()));
  if (it == m.end() || it->second->is_null())
    return static_cast<const boost::json::object*>(nullptr);
  const boost::json::object* o = it->second->if_object();
  if (o == nullptr) return BadProperty(Where(parent, name), "must be an object.");
  return o;
}

absl::StatusOr<ScheduleInfo> ParseScheduleInfo(const boost::json::object& obj) {
  constexpr std::string_view kWhere = "properties.scheduleInfo";
  PIM_ASSIGN_OR_RETURN(const Members m, MembersOf(obj, kWhere));
  PIM_RETURN_IF_ERROR(OnlyKnown(m, {"startdatetime", "expiration"}, kWhere));
  ScheduleInfo info;
  PIM_ASSIGN_OR_RETURN(const auto start, Str(m, "startdatetime", kWhere, "startDateTime"));
  if (start) {
    auto t = ParseDateTime(*start);
    if (!t.ok()) {
      return BadProperty(Where(kWhere, "startDateTime"), "is not an ISO 8601 date-time.");
    }
    info.start = *t;
  }
  PIM_ASSIGN_OR_RETURN(const boost::json::object* exp, Obj(m, "expiration", kWhere, "expiration"));
  if (exp == nullptr) return info;
  constexpr std::string_view kExp = "properties.scheduleInfo.expiration";
  PIM_ASSIGN_OR_RETURN(const Members e, MembersOf(*exp, kExp));
  PIM_RETURN_IF_ERROR(OnlyKnown(e, {"type", "enddatetime", "duration"}, kExp));
  PIM_ASSIGN_OR_RETURN(const auto type, Str(e, "type", kExp, "type"));
  PIM_ASSIGN_OR_RETURN(const auto end, Str(e, "enddatetime", kExp, "endDateTime"));
  PIM_ASSIGN_OR_RETURN(const auto duration, Str(e, "duration", kExp, "duration"));
  if (type) {
    const auto parsed = kExpirationTypeNames.Parse(*type);
    if (!parsed) {
      return BadProperty(Where(kExp, "type"),
                         "must be one of AfterDuration, AfterDateTime, NoExpiration.");
    }
    info.expiration.type = *parsed;
  } else if (duration) {
    info.expiration.type = ExpirationType::kAfterDuration;
  } else if (end) {
    info.expiration.type = ExpirationType::kAfterDateTime;
  }
  // Only the member that belongs to the type is used; clients commonly send the other as null
  // and some send both.
  if (info.expiration.type == ExpirationType::kAfterDuration) {
    if (!duration) return BadProperty(Where(kExp, "duration"), "is required for AfterDuration.");
    auto d = ParseIsoDuration(*duration);
    if (!d.ok()) return BadProperty(Where(kExp, "duration"), "is not an ISO 8601 duration.");
    info.expiration.duration = *d;
  }
  if (info.expiration.type == ExpirationType::kAfterDateTime) {
    if (!end) return BadProperty(Where(kExp, "endDateTime"), "is required for AfterDateTime.");
    auto t = ParseDateTime(*end);
    if (!t.ok()) return BadProperty(Where(kExp, "endDateTime"), "is not an ISO 8601 date-time.");
    info.expiration.end = *t;
  }
  return info;
}

void Fnv(uint64_t& h, std::string_view s) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  h ^= 0xff;  // field separator: no field text contains a lone 0xff byte in valid UTF-8
  h *= 1099511628211ULL;
}

}  // namespace

std::string_view RequestTypeSegment(ScheduleKind kind) {
  return kind == ScheduleKind::kAssignment ? "RoleAssignmentScheduleRequests"
                                           : "RoleEligibilityScheduleRequests";
}

absl::StatusOr<RequestInput> ParseRequestBody(std::string_view body, ScheduleKind kind,
                                              const std::string& scope, const std::string& name) {
  PIM_ASSIGN_OR_RETURN(const boost::json::object top, ParseObjectBody(body));
  PIM_ASSIGN_OR_RETURN(const Members t, MembersOf(top, "body"));
  PIM_RETURN_IF_ERROR(OnlyKnown(t, {"properties", "id", "name", "type"}, "body"));
  PIM_ASSIGN_OR_RETURN(const boost::json::object* props,
                       Obj(t, "properties", "body", "properties"));
  if (props == nullptr) return BadProperty("properties", "is required.");

  const bool assignment = kind == ScheduleKind::kAssignment;
  constexpr std::string_view kP = "properties";
  PIM_ASSIGN_OR_RETURN(const Members p, MembersOf(*props, kP));
  // Writable members, then read-only ones a client may echo back from a GET (ignored).
  PIM_RETURN_IF_ERROR(OnlyKnown(
      p,
      assignment
          ? std::initializer_list<std::string_view>{"principalid", "roledefinitionid",
                                                    "requesttype", "targetroleassignmentscheduleid",
                                                    "targetroleassignmentscheduleinstanceid",
                                                    "linkedroleeligibilityscheduleid",
                                                    "scheduleinfo", "justification", "ticketinfo",
                                                    "condition", "conditionversion", "scope",
                                                    "principaltype", "status", "approvalid",
                                                    "createdon", "requestorid",
                                                    "expandedproperties"}
          : std::initializer_list<std::string_view>{"principalid", "roledefinitionid",
                                                    "requesttype",
                                                    "targetroleeligibilityscheduleid",
                                                    "targetroleeligibilityscheduleinstanceid",
                                                    "scheduleinfo", "justification", "ticketinfo",
                                                    "condition", "conditionversion", "scope",
                                                    "principaltype", "status", "approvalid",
                                                    "createdon", "requestorid",
                                                    "expandedproperties"},
      kP));

  RequestInput in;
  in.id = RequestId(name);
  in.kind = kind;

  PIM_ASSIGN_OR_RETURN(const auto principal, Str(p, "principalid", kP, "principalId"));
  if (!principal || principal->empty())
    return BadProperty("properties.principalId", "is required.");
  in.principal = PrincipalId(IsGuid(*principal) ? absl::AsciiStrToLower(*principal) : *principal);

  PIM_ASSIGN_OR_RETURN(const auto role, Str(p, "roledefinitionid", kP, "roleDefinitionId"));
  if (!role) return BadProperty("properties.roleDefinitionId", "is required.");
  const auto guid = RoleGuidOf(*role);
  if (!guid) {
    return BadProperty("properties.roleDefinitionId",
                       "must be a role definition GUID or a full id ending in "
                       "/providers/Microsoft.Authorization/roleDefinitions/{guid}.");
  }
  in.target = ResourceRoleTarget(*guid, scope);

  PIM_ASSIGN_OR_RETURN(const auto type, Str(p, "requesttype", kP, "requestType"));
  if (!type) return BadProperty("properties.requestType", "is required.");
  const auto action = kRequestActionNames.Parse(*type);
  if (!action) {
    return BadProperty("properties.requestType",
                       "must be one of AdminAssign, AdminRemove, AdminUpdate, AdminExtend, "
                       "AdminRenew, SelfActivate, SelfDeactivate, SelfExtend, SelfRenew.");
  }
  in.action = *action;

  PIM_ASSIGN_OR_RETURN(const boost::json::object* schedule,
                       Obj(p, "scheduleinfo", kP, "scheduleInfo"));
  if (schedule != nullptr) {
    PIM_ASSIGN_OR_RETURN(in.schedule_info, ParseScheduleInfo(*schedule));
  }
  PIM_ASSIGN_OR_RETURN(const auto justification, Str(p, "justification", kP, "justification"));
  in.justification = justification.value_or("");

  PIM_ASSIGN_OR_RETURN(const boost::json::object* ticket, Obj(p, "ticketinfo", kP, "ticketInfo"));
  if (ticket != nullptr) {
    constexpr std::string_view kT = "properties.ticketInfo";
    PIM_ASSIGN_OR_RETURN(const Members tm, MembersOf(*ticket, kT));
    PIM_RETURN_IF_ERROR(OnlyKnown(tm, {"ticketnumber", "ticketsystem"}, kT));
    PIM_ASSIGN_OR_RETURN(const auto number, Str(tm, "ticketnumber", kT, "ticketNumber"));
    PIM_ASSIGN_OR_RETURN(const auto system, Str(tm, "ticketsystem", kT, "ticketSystem"));
    in.ticket.number = number.value_or("");
    in.ticket.system = system.value_or("");
  }
  if (assignment) {
    PIM_ASSIGN_OR_RETURN(const auto linked, Str(p, "linkedroleeligibilityscheduleid", kP,
                                                "linkedRoleEligibilityScheduleId"));
    if (linked && !linked->empty()) {
      const std::string id = absl::AsciiStrToLower(LastSegment(*linked));
      if (!IsGuid(id)) {
        return BadProperty("properties.linkedRoleEligibilityScheduleId",
                           "must be a schedule GUID or its full id.");
      }
      in.linked_eligibility = ScheduleId(id);
    }
  }
  // The target schedule ids are accepted for compatibility; the engine finds the schedule a
  // request changes from principal, role and scope. Their type is still checked.
  for (const auto& [key, label] :
       {std::pair<std::string_view, std::string_view>{"targetroleassignmentscheduleid",
                                                      "targetRoleAssignmentScheduleId"},
        {"targetroleassignmentscheduleinstanceid", "targetRoleAssignmentScheduleInstanceId"},
        {"targetroleeligibilityscheduleid", "targetRoleEligibilityScheduleId"},
        {"targetroleeligibilityscheduleinstanceid", "targetRoleEligibilityScheduleInstanceId"},
        {"conditionversion", "conditionVersion"}}) {
    PIM_ASSIGN_OR_RETURN(const auto ignored, Str(p, key, kP, label));
    (void)ignored;
  }
  PIM_ASSIGN_OR_RETURN(const auto condition, Str(p, "condition", kP, "condition"));
  if (condition && !condition->empty()) {
    return BadProperty("properties.condition", "is not supported: pim has no ABAC conditions.");
  }
  in.custom_data = RequestFingerprint(in);
  return in;
}

std::string RequestFingerprint(const RequestInput& input) {
  uint64_t h = 14695981039346656037ULL;
  Fnv(h, kScheduleKindNames.Name(input.kind));
  Fnv(h, kRequestActionNames.Name(input.action));
  Fnv(h, input.principal.str());
  Fnv(h, input.target.Key());
  Fnv(h, input.schedule_info.start ? FormatDateTime(*input.schedule_info.start) : "");
  const Expiration& e = input.schedule_info.expiration;
  Fnv(h, kExpirationTypeNames.Name(e.type));
  Fnv(h, e.end ? FormatDateTime(*e.end) : "");
  Fnv(h, e.duration ? FormatIsoDuration(*e.duration) : "");
  Fnv(h, input.justification);
  Fnv(h, input.ticket.number);
  Fnv(h, input.ticket.system);
  Fnv(h, input.linked_eligibility ? input.linked_eligibility->str() : "");
  return absl::StrFormat("%s%016x", kFingerprintPrefix, h);
}

boost::json::object RequestToJson(const State& state, const ScheduleRequest& r,
                                  std::string_view status) {
  const bool assignment = r.kind == ScheduleKind::kAssignment;
  boost::json::object p;
  const std::string target_schedule = r.target_schedule ? r.target_schedule->str() : "";
  if (assignment) {
    p["targetRoleAssignmentScheduleId"] = StringOrNull(target_schedule);
    p["targetRoleAssignmentScheduleInstanceId"] = nullptr;
  } else {
    p["targetRoleEligibilityScheduleId"] = StringOrNull(target_schedule);
    p["targetRoleEligibilityScheduleInstanceId"] = nullptr;
  }
  p["scope"] = DisplayScope(state, r.target.scope);
  p["roleDefinitionId"] = RoleDefinitionArmId(state, r.target.scope, r.target.object_id);
  p["principalId"] = r.principal.str();
  p["principalType"] = PrincipalType(state, r.principal.str());
  p["requestType"] = Pascal(kRequestActionNames.Name(r.action));
  p["status"] =
      status.empty() ? std::string(kRequestStatusNames.Name(r.status)) : std::string(status);
  p["approvalId"] = r.approval ? boost::json::value(r.id.str()) : boost::json::value(nullptr);
  if (r.schedule_info == ScheduleInfo{}) {
    p["scheduleInfo"] = nullptr;  // removals and deactivations carry no schedule
  } else {
    const Expiration& e = r.schedule_info.expiration;
    boost::json::object expiration{
        {"type", Pascal(kExpirationTypeNames.Name(e.type))},
        {"endDateTime", TimeOrNull(e.end)},
        {"duration", e.duration ? boost::json::value(FormatIsoDuration(*e.duration))
                                : boost::json::value(nullptr)}};
    p["scheduleInfo"] = boost::json::object{{"startDateTime", TimeOrNull(r.schedule_info.start)},
                                            {"expiration", std::move(expiration)}};
  }
  p["ticketInfo"] = boost::json::object{{"ticketNumber", StringOrNull(r.ticket.number)},
                                        {"ticketSystem", StringOrNull(r.ticket.system)}};
  p["justification"] = StringOrNull(r.justification);
  p["requestorId"] = r.created_by.str();
  p["createdOn"] = FormatDateTime(r.created);
  if (assignment) {
    p["linkedRoleEligibilityScheduleId"] = r.linked_eligibility
                                               ? boost::json::value(r.linked_eligibility->str())
                                               : boost::json::value(nullptr);
  }
  p["condition"] = nullptr;
  p["conditionVersion"] = nullptr;
  p["expandedProperties"] = ExpandedProperties(state, r.target, r.principal.str());
  const std::string_view segment = RequestTypeSegment(r.kind);
  return boost::json::object{
      {"properties", std::move(p)},
      {"name", r.id.str()},
      {"id", ArmId(state, r.target.scope, segment, r.id.str())},
      {"type", absl::StrCat("Microsoft.Authorization/",
                            absl::string_view(segment.data(), segment.size()))}};
}

}  // namespace pim::api::arm
