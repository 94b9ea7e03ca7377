#include "pim/audit/audit_entry.h"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pim/domain/status.h"

namespace pim::audit {
namespace {

// The entities a record touched, first of each kind; the state after the change when there is
// one (a deletion leaves only the state before).
struct Touched {
  const ScheduleRequest* request = nullptr;
  const Schedule* schedule = nullptr;
  const Policy* policy = nullptr;
  const DirectMembership* membership = nullptr;
  const Principal* principal = nullptr;
  const ScopeNode* scope = nullptr;
  const RoleDefinition* role = nullptr;
};

template <typename T>
void Take(const Mutation& m, const T*& slot) {
  if (slot != nullptr) return;
  const std::optional<Entity>& e = m.after ? m.after : m.before;
  if (e) slot = std::get_if<T>(&*e);
}

Touched TouchedBy(const ChangeRecord& record) {
  Touched t;
  for (const Mutation& m : record.mutations) {
    Take(m, t.request);
    Take(m, t.schedule);
    Take(m, t.policy);
    Take(m, t.membership);
    Take(m, t.principal);
    Take(m, t.scope);
    Take(m, t.role);
  }
  return t;
}

bool IsGroup(const Target& t) { return t.kind == TargetKind::kGroup; }
std::string Eligible(ScheduleKind kind) {
  return kind == ScheduleKind::kEligibility ? "eligible " : "";
}
const char* Term(const Expiration& e) {
  return e.type == ExpirationType::kNoExpiration ? "permanent" : "timebound";
}

// Entra's PIM audit vocabulary (docs/audit.md lists which names are Entra's and which are
// pim's own): roles, groups (membership or ownership: the "role" is member or owner, named in
// the target) and Azure resource roles all read "member ... role".
//
// The phrase for a request's action and the qualifier in parentheses: "Add member to role" /
// "PIM activation", "Add eligible member to role in PIM" / "permanent", "Update member in PIM" /
// "extend", ...
std::pair<std::string, std::string> RequestPhrase(const ScheduleRequest& r, const Touched& t) {
  const std::string e = Eligible(r.kind);
  // An admin request's term: the schedule it asked for, else (remove) the schedule it ended.
  const Expiration& expiration =
      r.schedule_info.expiration.type == ExpirationType::kNotSpecified && t.schedule != nullptr
          ? t.schedule->expiration
          : r.schedule_info.expiration;
  const std::string term(Term(expiration));
  switch (r.action) {
    case RequestAction::kSelfActivate:
      return {"Add member to role", "PIM activation"};
    case RequestAction::kSelfDeactivate:
      return {"Remove member from role", "PIM deactivate"};
    case RequestAction::kSelfExtend:
    case RequestAction::kAdminExtend:
      return {absl::StrCat("Update ", e, "member in PIM"), "extend"};
    case RequestAction::kSelfRenew:
    case RequestAction::kAdminRenew:
      return {absl::StrCat("Add ", e, "member to role in PIM"), "renew"};
    case RequestAction::kAdminAssign:
      return {absl::StrCat("Add ", e, "member to role in PIM"), term};
    case RequestAction::kAdminUpdate:
      return {absl::StrCat("Update ", e, "member of role in PIM"), term};
    case RequestAction::kAdminRemove:
      return {absl::StrCat("Remove ", e, "member from role in PIM"), term};
  }
  return {"Change request in PIM", term};
}

std::string RequestActivity(const char* verb, const ScheduleRequest& r, const Touched& t) {
  auto [phrase, qualifier] = RequestPhrase(r, t);
  return absl::StrCat(phrase, " ", verb, " (", qualifier, ")");
}

bool ExtendsOrRenews(const ScheduleRequest& r) {
  return r.action == RequestAction::kSelfExtend || r.action == RequestAction::kSelfRenew ||
         r.action == RequestAction::kAdminExtend || r.action == RequestAction::kAdminRenew;
}

// An approver's decision: Entra names activations and extensions/renewals differently.
std::string DecisionActivity(bool approved, const ScheduleRequest& r, const Touched& t) {
  if (ExtendsOrRenews(r)) {
    return approved ? "Update member in PIM approved by admin (extend/renew)"
                    : "Update member in PIM denied by admin (extend/renew)";
  }
  return RequestActivity(approved ? "request approved" : "request denied", r, t);
}

std::string ScheduleActivity(std::string_view event, const Schedule& s) {
  const bool activation =
      s.kind == ScheduleKind::kAssignment && s.assignment_type == AssignmentType::kActivated;
  const bool eligibility = s.kind == ScheduleKind::kEligibility;
  if (event == "schedule.started") {
    if (activation) return "Add member to role completed (PIM activation)";
    return absl::StrCat("Add ", Eligible(s.kind), "member to role in PIM completed (",
                        Term(s.expiration), ")");
  }
  if (event == "schedule.expired") {
    if (activation) return "Remove member from role (PIM activation expired)";
    return eligibility ? "Remove eligible member from role (PIM eligibility expired)"
                       : "Remove member from role (PIM assignment expired)";
  }
  const char* object = IsGroup(s.target) ? "group" : "role";
  if (event == "schedule.expiryNotice") {
    return absl::StrCat(eligibility ? "Eligible " : "Active ", object,
                        " assignment expiring soon in PIM");
  }
  // schedule.purged
  return absl::StrCat("Delete expired ", eligibility ? "eligible " : "active ", object,
                      " assignment in PIM");
}

const char* PrincipalNoun(const Principal* p) {
  if (p == nullptr) return "user";
  switch (p->kind) {
    case PrincipalKind::kUser:
      return "user";
    case PrincipalKind::kGroup:
      return "group";
    case PrincipalKind::kServicePrincipal:
      return "service principal";
  }
  return "user";
}

// Entra files PIM for Groups under GroupManagement, Azure resource roles under
// ResourceManagement and directory roles under RoleManagement.
const char* Category(const Target& t) {
  switch (t.kind) {
    case TargetKind::kGroup:
      return "GroupManagement";
    case TargetKind::kResourceRole:
      return "ResourceManagement";
    case TargetKind::kDirectoryRole:
      return "RoleManagement";
  }
  return "RoleManagement";
}

AuditTarget TargetOf(const Target& t, const PrincipalId& principal) {
  return AuditTarget{std::string(kTargetKindNames.Name(t.kind)), t.object_id,
                     IsGroup(t) ? std::string(kGroupAccessNames.Name(t.access)) : std::string(),
                     t.scope, principal.str()};
}

void Describe(const ChangeRecord& record, const Touched& t, AuditEntry& e) {
  const std::string_view event = record.event;
  if (event.starts_with("request.") && t.request != nullptr) {
    const ScheduleRequest& r = *t.request;
    e.target = TargetOf(r.target, r.principal);
    e.category = Category(r.target);
    e.justification = r.justification;
    e.ticket_system = r.ticket.system;
    e.ticket_number = r.ticket.number;
    e.request_id = r.id.str();
    if (event == "request.pendingApproval") {
      // Entra: an activation is "approval requested"; an extension or renewal "requested".
      e.activity = RequestActivity(ExtendsOrRenews(r) ? "requested" : "approval requested", r, t);
    } else if (event == "request.approvalRecorded" || event == "request.approvalStageCompleted") {
      e.activity = DecisionActivity(true, r, t);
    } else if (event == "request.approvalEscalated") {
      e.activity = RequestActivity("approval escalated", r, t);
    } else if (event == "request.denied") {
      e.activity = DecisionActivity(false, r, t);
    } else if (event == "request.canceled") {
      e.activity = RequestActivity("canceled", r, t);
    } else if (event == "request.failed") {
      e.activity = RequestActivity("failed", r, t);
      e.result = "failure";
    } else if (event == "request.timedOut") {
      e.activity = r.action == RequestAction::kSelfActivate
                       ? std::string("PIM activation request expired")
                       : RequestActivity("request expired", r, t);
      e.result = "failure";
    } else if (event == "request.purged") {
      e.activity = "Remove request";
    } else {
      // request.<action>: carried out now, or (a future start) accepted and scheduled.
      e.activity =
          RequestActivity(r.status == RequestStatus::kGranted ? "requested" : "completed", r, t);
    }
    return;
  }
  if (event.starts_with("schedule.") && t.schedule != nullptr) {
    const Schedule& s = *t.schedule;
    e.target = TargetOf(s.target, s.principal);
    e.category = Category(s.target);
    e.request_id = s.created_using.str();
    e.activity = ScheduleActivity(event, s);
    return;
  }
  // (A reset back to the defaults is a policy.updated that erases the stored policy: the
  // policy comes from the state before. Records of the older event "policy.reset" keep the
  // entry they were hashed with.)
  if (event == "policy.updated" && t.policy != nullptr) {
    e.target = TargetOf(t.policy->target, PrincipalId());
    e.category = Category(t.policy->target);
    e.activity = "Update role setting in PIM";  // Entra's name for groups too
    return;
  }
  if (event.starts_with("membership.") && t.membership != nullptr) {
    const DirectMembership& m = *t.membership;
    e.target = AuditTarget{"membership", m.group.str(),
                           std::string(kGroupAccessNames.Name(m.access)), "", m.principal.str()};
    e.category = "GroupManagement";
    const bool added = event == "membership.added";
    e.activity =
        absl::StrCat(added ? "Add " : "Remove ", std::string(kGroupAccessNames.Name(m.access)),
                     added ? " to group" : " from group");
    return;
  }
  if (event.starts_with("principal.") && t.principal != nullptr) {
    const Principal& p = *t.principal;
    static constexpr std::string_view kKinds[] = {"user", "group", "servicePrincipal"};
    e.target = AuditTarget{std::string(kKinds[static_cast<int>(p.kind)]), p.id.str(), "", "", ""};
    e.category = p.kind == PrincipalKind::kUser    ? "UserManagement"
                 : p.kind == PrincipalKind::kGroup ? "GroupManagement"
                                                   : "ApplicationManagement";
    const char* noun = PrincipalNoun(&p);
    if (event == "principal.created") {
      e.activity = absl::StrCat("Add ", noun);
    } else if (event == "principal.deleted") {
      e.activity =
          absl::StrCat(p.kind == PrincipalKind::kServicePrincipal ? "Remove " : "Delete ", noun);
    } else {
      e.activity = absl::StrCat("Update ", noun);
    }
    return;
  }
  if (event.starts_with("scope.") && t.scope != nullptr) {
    e.target = AuditTarget{"scope", t.scope->path, "", t.scope->path, ""};
    e.category = "ResourceManagement";
    e.activity = event == "scope.registered" ? "Onboarded resource to PIM" : "Resource updated";
    return;
  }
  if (event.starts_with("roleDefinition.") && t.role != nullptr) {
    e.target = AuditTarget{"roleDefinition", t.role->id.str(), "", "", ""};
    e.category = "RoleManagement";
    e.activity =
        event == "roleDefinition.created" ? "Add role definition" : "Update role definition";
    return;
  }
  if (event.starts_with("alert.")) {
    // Which alert is in `event` and `detail`.
    e.activity = "Triggered PIM alert";
  } else {
    e.activity = "Other change in PIM";
  }
  e.category = "RoleManagement";
}

void AppendEscaped(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

bool AppendCanonical(std::string& out, const boost::json::value& v, int depth) {
  if (depth > 32) return false;
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return true;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return true;
    case boost::json::kind::int64:
      absl::StrAppend(&out, v.get_int64());
      return true;
    case boost::json::kind::uint64:
      absl::StrAppend(&out, v.get_uint64());
      return true;
    case boost::json::kind::double_:
      return false;
    case boost::json::kind::string:
      AppendEscaped(out, std::string_view(v.get_string().data(), v.get_string().size()));
      return true;
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        if (!AppendCanonical(out, item, depth + 1)) return false;
      }
      out.push_back(']');
      return true;
    }
    case boost::json::kind::object: {
      std::vector<const boost::json::key_value_pair*> members;
      members.reserve(v.get_object().size());
      for (const auto& kv : v.get_object()) members.push_back(&kv);
      std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
        return std::string_view(a->key().data(), a->key().size()) <
               std::string_view(b->key().data(), b->key().size());
      });
      for (std::size_t i = 1; i < members.size(); ++i) {
        if (members[i]->key() == members[i - 1]->key()) return false;  // ambiguous
      }
      out.push_back('{');
      bool first = true;
      for (const auto* kv : members) {
        if (!first) out.push_back(',');
        first = false;
        AppendEscaped(out, std::string_view(kv->key().data(), kv->key().size()));
        out.push_back(':');
        if (!AppendCanonical(out, kv->value(), depth + 1)) return false;
      }
      out.push_back('}');
      return true;
    }
  }
  return false;
}

}  // namespace

AuditEntry AuditEntryFor(const ChangeRecord& record) {
  AuditEntry e;
  e.seq = record.revision;
  e.at = absl::FromUnixMicros(absl::ToUnixMicros(record.at));
  e.actor_id = record.actor.str();
  e.result = "success";
  e.correlation_id = record.correlation_id;
  e.client_address = record.client_address;
  e.event = record.event;
  e.detail = record.detail;
  Describe(record, TouchedBy(record), e);
  return e;
}

std::string FormatAuditTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

boost::json::object EntryToJson(const AuditEntry& e) {
  return boost::json::object{
      {"seq", e.seq},
      {"at", FormatAuditTime(e.at)},
      {"actor", boost::json::object{{"id", e.actor_id}}},
      {"activity", e.activity},
      {"category", e.category},
      {"result", e.result},
      {"target", boost::json::object{{"kind", e.target.kind},
                                     {"id", e.target.id},
                                     {"access", e.target.access},
                                     {"scope", e.target.scope},
                                     {"principalId", e.target.principal_id}}},
      {"justification", e.justification},
      {"ticket", boost::json::object{{"system", e.ticket_system}, {"number", e.ticket_number}}},
      {"requestId", e.request_id},
      {"correlationId", e.correlation_id},
      {"clientAddress", e.client_address},
      {"event", e.event},
      {"detail", e.detail}};
}

std::optional<std::string> CanonicalJson(const boost::json::value& value) {
  std::string out;
  if (!AppendCanonical(out, value, 0)) return std::nullopt;
  return out;
}

std::string CanonicalEntry(const AuditEntry& entry) {
  // EntryToJson holds only strings, integers and objects with distinct keys: never refused.
  return CanonicalJson(EntryToJson(entry)).value_or(std::string());
}

}  // namespace pim::audit
