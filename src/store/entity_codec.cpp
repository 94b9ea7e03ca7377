#include "pim/store/entity_codec.h"

#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "pim/domain/status.h"

namespace pim {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxNanos = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinNanos = std::numeric_limits<std::int64_t>::min();

json::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

template <typename Enum, std::size_t N>
json::string_view Name(const EnumTable<Enum, N>& table, Enum value) {
  return Sv(table.Name(value));
}

// ---------------------------------------------------------------------------------------------
// Encoding: one ToJson per domain type.

json::object ToJson(const Target& t) {
  return {{"kind", Name(kTargetKindNames, t.kind)},
          {"objectId", t.object_id},
          {"access", Name(kGroupAccessNames, t.access)},
          {"scope", t.scope}};
}

json::object ToJson(const Expiration& e) {
  json::object o{{"type", Name(kExpirationTypeNames, e.type)}};
  if (e.end) o["end"] = EncodeTime(*e.end);
  if (e.duration) o["duration"] = EncodeDuration(*e.duration);
  return o;
}

json::object ToJson(const ScheduleInfo& s) {
  json::object o{{"expiration", ToJson(s.expiration)}};
  if (s.start) o["start"] = EncodeTime(*s.start);
  return o;
}

json::object ToJson(const ApproverRef& a) {
  return {{"kind", Name(kApproverKindNames, a.kind)}, {"id", a.id}, {"description", a.description}};
}

json::object ToJson(const ApprovalStageSettings& s);
json::object ToJson(const ApprovalDecision& d);
json::object ToJson(const ApprovalStage& s);

template <typename T>
json::array ToJsonArray(const std::vector<T>& items) {
  json::array a;
  a.reserve(items.size());
  for (const T& item : items) {
    if constexpr (std::is_same_v<T, std::string>) {
      a.emplace_back(item);
    } else {
      a.emplace_back(ToJson(item));
    }
  }
  return a;
}

json::object ToJson(const ApprovalStageSettings& s) {
  return {{"timeoutDays", s.timeout_days},
          {"isApproverJustificationRequired", s.is_approver_justification_required},
          {"escalationTimeMinutes", s.escalation_time_minutes},
          {"isEscalationEnabled", s.is_escalation_enabled},
          {"primaryApprovers", ToJsonArray(s.primary_approvers)},
          {"escalationApprovers", ToJsonArray(s.escalation_approvers)},
          {"approvalsRequired", s.approvals_required}};
}

json::object ToJson(const ApprovalRule& r) {
  return {{"isApprovalRequired", r.is_approval_required},
          {"isApprovalRequiredForExtension", r.is_approval_required_for_extension},
          {"isRequestorJustificationRequired", r.is_requestor_justification_required},
          {"mode", Name(kApprovalModeNames, r.mode)},
          {"stages", ToJsonArray(r.stages)}};
}

json::object ToJson(const ExpirationRule& r) {
  return {{"isExpirationRequired", r.is_expiration_required},
          {"maximumDuration", EncodeDuration(r.maximum_duration)}};
}

json::object ToJson(const EnablementRule& r) {
  return {{"multiFactorAuthentication", r.multi_factor_authentication},
          {"justification", r.justification},
          {"ticketing", r.ticketing}};
}

json::object ToJson(const AuthenticationContextRule& r) {
  return {{"isEnabled", r.is_enabled}, {"claimValue", r.claim_value}};
}

json::object ToJson(const NotificationRule& r) {
  return {{"event", Name(kNotificationEventNames, r.event)},
          {"recipient", Name(kNotificationRecipientNames, r.recipient)},
          {"level", Name(kNotificationLevelNames, r.level)},
          {"isDefaultRecipientsEnabled", r.is_default_recipients_enabled},
          {"recipients", ToJsonArray(r.recipients)}};
}

json::object ToJson(const ApprovalDecision& d) {
  return {{"approver", d.approver.str()},
          {"approved", d.approved},
          {"justification", d.justification},
          {"at", EncodeTime(d.at)}};
}

json::object ToJson(const ApprovalStage& s) {
  json::object o{{"approvers", ToJsonArray(s.approvers)},
                 {"approvalsRequired", s.approvals_required},
                 {"isApproverJustificationRequired", s.is_approver_justification_required},
                 {"timeout", EncodeDuration(s.timeout)},
                 {"status", Name(kStageStatusNames, s.status)},
                 {"decisions", ToJsonArray(s.decisions)}};
  if (s.started) o["started"] = EncodeTime(*s.started);
  if (s.escalation) {
    o["escalation"] = json::object{{"after", EncodeDuration(s.escalation->after)},
                                   {"approvers", ToJsonArray(s.escalation->approvers)},
                                   {"escalated", s.escalation->escalated}};
  }
  return o;
}

json::object ToJson(const Principal& p) {
  return {{"id", p.id.str()},
          {"kind", Name(kPrincipalKindNames, p.kind)},
          {"displayName", p.display_name},
          {"mail", p.mail},
          {"isAssignableToRole", p.is_assignable_to_role},
          {"enabled", p.enabled},
          {"pimManaged", p.pim_managed}};
}

json::object ToJson(const DirectMembership& m) {
  return {{"group", m.group.str()},
          {"principal", m.principal.str()},
          {"access", Name(kGroupAccessNames, m.access)}};
}

json::object ToJson(const ScopeNode& s) {
  json::object o{{"path", s.path},
                 {"kind", Name(kScopeKindNames, s.kind)},
                 {"parent", s.parent},
                 {"displayName", s.display_name}};
  if (!s.spelling.empty()) o["spelling"] = s.spelling;
  return o;
}

json::object ToJson(const RoleDefinition& r) {
  return {{"id", r.id.str()},
          {"kind", Name(kRoleKindNames, r.kind)},
          {"displayName", r.display_name},
          {"description", r.description},
          {"isBuiltIn", r.is_built_in}};
}

json::object ToJson(const Schedule& s) {
  json::object o{{"id", s.id.str()},
                 {"kind", Name(kScheduleKindNames, s.kind)},
                 {"principal", s.principal.str()},
                 {"target", ToJson(s.target)},
                 {"assignmentType", Name(kAssignmentTypeNames, s.assignment_type)},
                 {"start", EncodeTime(s.start)},
                 {"expiration", ToJson(s.expiration)},
                 {"state", Name(kScheduleStateNames, s.state)},
                 {"createdUsing", s.created_using.str()},
                 {"created", EncodeTime(s.created)},
                 {"modified", EncodeTime(s.modified)},
                 {"expiryNoticesSent", s.expiry_notices_sent}};
  if (s.activated_using) o["activatedUsing"] = s.activated_using->str();
  return o;
}

json::object ToJson(const ScheduleRequest& r) {
  json::object o{{"id", r.id.str()},
                 {"kind", Name(kScheduleKindNames, r.kind)},
                 {"action", Name(kRequestActionNames, r.action)},
                 {"principal", r.principal.str()},
                 {"target", ToJson(r.target)},
                 {"scheduleInfo", ToJson(r.schedule_info)},
                 {"justification", r.justification},
                 {"ticket", {{"number", r.ticket.number}, {"system", r.ticket.system}}},
                 {"customData", r.custom_data},
                 {"status", Name(kRequestStatusNames, r.status)},
                 {"created", EncodeTime(r.created)},
                 {"createdBy", r.created_by.str()}};
  if (r.completed) o["completed"] = EncodeTime(*r.completed);
  if (r.target_schedule) o["targetSchedule"] = r.target_schedule->str();
  if (r.linked_eligibility) o["linkedEligibility"] = r.linked_eligibility->str();
  if (r.approval) o["approval"] = json::object{{"stages", ToJsonArray(r.approval->stages)}};
  return o;
}

json::object ToJson(const Policy& p) {
  json::array notifications;
  notifications.reserve(p.notifications.size());
  for (const NotificationRule& n : p.notifications) notifications.emplace_back(ToJson(n));
  return {{"id", p.id.str()},
          {"target", ToJson(p.target)},
          {"activationExpiration", ToJson(p.activation_expiration)},
          {"activationEnablement", ToJson(p.activation_enablement)},
          {"approval", ToJson(p.approval)},
          {"authenticationContext", ToJson(p.authentication_context)},
          {"eligibilityExpiration", ToJson(p.eligibility_expiration)},
          {"eligibilityEnablement", ToJson(p.eligibility_enablement)},
          {"assignmentExpiration", ToJson(p.assignment_expiration)},
          {"assignmentEnablement", ToJson(p.assignment_enablement)},
          {"notifications", std::move(notifications)},
          {"lastModified", EncodeTime(p.last_modified)},
          {"lastModifiedBy", p.last_modified_by.str()}};
}

json::object EntityToJson(const Entity& entity) {
  return std::visit([](const auto& e) { return ToJson(e); }, entity);
}

// ---------------------------------------------------------------------------------------------
// Decoding. A Reader looks up the fields of one JSON object; the first problem it meets is
// recorded in a status shared by all readers of one document, and later reads return
// defaults. That keeps each decoder a flat list of fields, and the happy path allocation-free
// (the field path for the message is only assembled on failure).

class Reader {
 public:
  // Reads the top-level document `value`, called `name` in messages.
  Reader(const json::value& value, std::string_view name, absl::Status& status)
      : status_(status), parent_(nullptr), name_(name), object_(value.if_object()) {
    if (object_ == nullptr) Fail("", "is not an object");
  }

  // Reads the nested object `value` found at `name` inside `parent`.
  Reader(const json::value* value, const Reader& parent, std::string_view name)
      : status_(parent.status_),
        parent_(&parent),
        name_(name),
        object_(value == nullptr ? nullptr : value->if_object()) {
    if (object_ == nullptr && value != nullptr) Fail("", "is not an object");
  }

  [[nodiscard]] bool ok() const { return status_.ok(); }

  std::string String(std::string_view key) {
    const json::value* v = Required(key);
    if (v == nullptr) return {};
    const json::string* s = v->if_string();
    if (s == nullptr) {
      Fail(key, "is not a string");
      return {};
    }
    return std::string(s->data(), s->size());
  }

  // "" when absent or null.
  std::string OptionalString(std::string_view key) {
    if (Optional(key) == nullptr) return {};
    return String(key);
  }

  template <typename IdType>
  IdType Id(std::string_view key) {
    return IdType(String(key));
  }

  template <typename IdType>
  std::optional<IdType> OptionalId(std::string_view key) {
    if (Optional(key) == nullptr) return std::nullopt;
    return IdType(String(key));
  }

  bool Bool(std::string_view key) {
    const json::value* v = Required(key);
    if (v == nullptr) return false;
    const bool* b = v->if_bool();
    if (b == nullptr) {
      Fail(key, "is not a boolean");
      return false;
    }
    return *b;
  }

  std::int64_t Int64(std::string_view key) {
    const json::value* v = Required(key);
    if (v == nullptr) return 0;
    if (const std::int64_t* i = v->if_int64()) return *i;
    if (const std::uint64_t* u = v->if_uint64(); u != nullptr && *u <= std::uint64_t{kMaxNanos}) {
      return static_cast<std::int64_t>(*u);
    }
    Fail(key, "is not a 64-bit integer");
    return 0;
  }

  int Int(std::string_view key) {
    const std::int64_t i = Int64(key);
    if (i < std::numeric_limits<int>::min() || i > std::numeric_limits<int>::max()) {
      Fail(key, "is out of range");
      return 0;
    }
    return static_cast<int>(i);
  }

  absl::Time Time(std::string_view key) { return DecodeTime(Int64(key)); }
  absl::Duration Duration(std::string_view key) { return DecodeDuration(Int64(key)); }

  std::optional<absl::Time> OptionalTime(std::string_view key) {
    if (Optional(key) == nullptr) return std::nullopt;
    return Time(key);
  }

  std::optional<absl::Duration> OptionalDuration(std::string_view key) {
    if (Optional(key) == nullptr) return std::nullopt;
    return Duration(key);
  }

  template <typename Enum, std::size_t N>
  Enum Enumerator(std::string_view key, const EnumTable<Enum, N>& table) {
    const json::value* v = Required(key);
    if (v == nullptr) return table.entries[0].first;
    const json::string* s = v->if_string();
    if (s == nullptr) {
      Fail(key, "is not a string");
      return table.entries[0].first;
    }
    // Exact spelling: this code wrote it (EnumTable::Parse would also accept other cases).
    for (const auto& [value, name] : table.entries) {
      if (std::string_view(s->data(), s->size()) == name) return value;
    }
    Fail(key, "names no known value");
    return table.entries[0].first;
  }

  // The nested object at `key`; a failed reader (reads return defaults) when it is missing.
  Reader Object(std::string_view key) { return Reader(Required(key), *this, key); }

  // The nested object at `key`, or nullopt when it is absent or null.
  std::optional<Reader> OptionalObject(std::string_view key) {
    const json::value* v = Optional(key);
    if (v == nullptr) return std::nullopt;
    return Reader(v, *this, key);
  }

  // Decodes each element of the array at `key` with `decode(Reader&)`.
  template <typename Decode>
  auto List(std::string_view key, Decode decode) {
    using T = decltype(decode(std::declval<Reader&>()));
    std::vector<T> out;
    const json::array* array = Array(key);
    if (array == nullptr) return out;
    out.reserve(array->size());
    for (const json::value& element : *array) {
      Reader item(&element, *this, key);
      out.push_back(decode(item));
      if (!ok()) break;
    }
    return out;
  }

  std::vector<std::string> StringList(std::string_view key) {
    std::vector<std::string> out;
    const json::array* array = Array(key);
    if (array == nullptr) return out;
    out.reserve(array->size());
    for (const json::value& element : *array) {
      const json::string* s = element.if_string();
      if (s == nullptr) {
        Fail(key, "has an element that is not a string");
        break;
      }
      out.emplace_back(s->data(), s->size());
    }
    return out;
  }

  const json::array* Array(std::string_view key) {
    const json::value* v = Required(key);
    if (v == nullptr) return nullptr;
    const json::array* array = v->if_array();
    if (array == nullptr) Fail(key, "is not an array");
    return array;
  }

  // Records the first failure: field `key` (empty for this object itself) has `problem`.
  void Fail(std::string_view key, std::string_view problem) {
    if (!status_.ok()) return;
    std::string path(key);
    for (const Reader* r = this; r != nullptr; r = r->parent_) {
      const std::string name(r->name_);  // absl::StrCat takes no std::string_view here
      path = path.empty() ? name : absl::StrCat(name, ".", path);
    }
    status_ = absl::DataLossError(absl::StrCat("stored ", path, " ", std::string(problem)));
  }

 private:
  const json::value* Optional(std::string_view key) const {
    if (object_ == nullptr || !status_.ok()) return nullptr;
    const json::value* v = object_->if_contains(Sv(key));
    return v == nullptr || v->is_null() ? nullptr : v;
  }

  const json::value* Required(std::string_view key) {
    if (object_ == nullptr || !status_.ok()) return nullptr;
    const json::value* v = object_->if_contains(Sv(key));
    if (v == nullptr) Fail(key, "is missing");
    return v;
  }

  absl::Status& status_;
  const Reader* const parent_;
  const std::string_view name_;
  const json::object* const object_;
};

Target ReadTarget(Reader r) {
  Target t;
  t.kind = r.Enumerator("kind", kTargetKindNames);
  t.object_id = r.String("objectId");
  t.access = r.Enumerator("access", kGroupAccessNames);
  t.scope = r.String("scope");
  return t;
}

Expiration ReadExpiration(Reader r) {
  Expiration e;
  e.type = r.Enumerator("type", kExpirationTypeNames);
  e.end = r.OptionalTime("end");
  e.duration = r.OptionalDuration("duration");
  return e;
}

ScheduleInfo ReadScheduleInfo(Reader r) {
  ScheduleInfo s;
  s.start = r.OptionalTime("start");
  s.expiration = ReadExpiration(r.Object("expiration"));
  return s;
}

ApproverRef ReadApproverRef(Reader& r) {
  ApproverRef a;
  a.kind = r.Enumerator("kind", kApproverKindNames);
  a.id = r.String("id");
  a.description = r.String("description");
  return a;
}

ApprovalStageSettings ReadStageSettings(Reader& r) {
  ApprovalStageSettings s;
  s.timeout_days = r.Int("timeoutDays");
  s.is_approver_justification_required = r.Bool("isApproverJustificationRequired");
  s.escalation_time_minutes = r.Int("escalationTimeMinutes");
  s.is_escalation_enabled = r.Bool("isEscalationEnabled");
  s.primary_approvers = r.List("primaryApprovers", ReadApproverRef);
  s.escalation_approvers = r.List("escalationApprovers", ReadApproverRef);
  s.approvals_required = r.Int("approvalsRequired");
  return s;
}

ApprovalRule ReadApprovalRule(Reader r) {
  ApprovalRule a;
  a.is_approval_required = r.Bool("isApprovalRequired");
  a.is_approval_required_for_extension = r.Bool("isApprovalRequiredForExtension");
  a.is_requestor_justification_required = r.Bool("isRequestorJustificationRequired");
  a.mode = r.Enumerator("mode", kApprovalModeNames);
  a.stages = r.List("stages", ReadStageSettings);
  return a;
}

ExpirationRule ReadExpirationRule(Reader r) {
  ExpirationRule e;
  e.is_expiration_required = r.Bool("isExpirationRequired");
  e.maximum_duration = r.Duration("maximumDuration");
  return e;
}

EnablementRule ReadEnablementRule(Reader r) {
  EnablementRule e;
  e.multi_factor_authentication = r.Bool("multiFactorAuthentication");
  e.justification = r.Bool("justification");
  e.ticketing = r.Bool("ticketing");
  return e;
}

AuthenticationContextRule ReadAuthenticationContext(Reader r) {
  AuthenticationContextRule a;
  a.is_enabled = r.Bool("isEnabled");
  a.claim_value = r.String("claimValue");
  return a;
}

NotificationRule ReadNotificationRule(Reader& r) {
  NotificationRule n;
  n.event = r.Enumerator("event", kNotificationEventNames);
  n.recipient = r.Enumerator("recipient", kNotificationRecipientNames);
  n.level = r.Enumerator("level", kNotificationLevelNames);
  n.is_default_recipients_enabled = r.Bool("isDefaultRecipientsEnabled");
  n.recipients = r.StringList("recipients");
  return n;
}

ApprovalDecision ReadDecision(Reader& r) {
  ApprovalDecision d;
  d.approver = r.Id<PrincipalId>("approver");
  d.approved = r.Bool("approved");
  d.justification = r.String("justification");
  d.at = r.Time("at");
  return d;
}

ApprovalStage ReadApprovalStage(Reader& r) {
  ApprovalStage s;
  s.approvers = r.List("approvers", ReadApproverRef);
  s.approvals_required = r.Int("approvalsRequired");
  s.is_approver_justification_required = r.Bool("isApproverJustificationRequired");
  s.timeout = r.Duration("timeout");
  s.status = r.Enumerator("status", kStageStatusNames);
  s.started = r.OptionalTime("started");
  s.decisions = r.List("decisions", ReadDecision);
  if (auto escalation = r.OptionalObject("escalation")) {
    s.escalation = StageEscalation{escalation->Duration("after"),
                                   escalation->List("approvers", ReadApproverRef),
                                   escalation->Bool("escalated")};
  }
  return s;
}

Principal ReadPrincipal(Reader& r) {
  Principal p;
  p.id = r.Id<PrincipalId>("id");
  p.kind = r.Enumerator("kind", kPrincipalKindNames);
  p.display_name = r.String("displayName");
  p.mail = r.String("mail");
  p.is_assignable_to_role = r.Bool("isAssignableToRole");
  p.enabled = r.Bool("enabled");
  p.pim_managed = r.Bool("pimManaged");
  return p;
}

DirectMembership ReadMembership(Reader& r) {
  DirectMembership m;
  m.group = r.Id<PrincipalId>("group");
  m.principal = r.Id<PrincipalId>("principal");
  m.access = r.Enumerator("access", kGroupAccessNames);
  return m;
}

ScopeNode ReadScope(Reader& r) {
  ScopeNode s;
  s.path = r.String("path");
  s.kind = r.Enumerator("kind", kScopeKindNames);
  s.parent = r.String("parent");
  s.display_name = r.String("displayName");
  s.spelling = r.OptionalString("spelling");
  return s;
}

RoleDefinition ReadRoleDefinition(Reader& r) {
  RoleDefinition d;
  d.id = r.Id<RoleDefinitionId>("id");
  d.kind = r.Enumerator("kind", kRoleKindNames);
  d.display_name = r.String("displayName");
  d.description = r.String("description");
  d.is_built_in = r.Bool("isBuiltIn");
  return d;
}

Schedule ReadSchedule(Reader& r) {
  Schedule s;
  s.id = r.Id<ScheduleId>("id");
  s.kind = r.Enumerator("kind", kScheduleKindNames);
  s.principal = r.Id<PrincipalId>("principal");
  s.target = ReadTarget(r.Object("target"));
  s.assignment_type = r.Enumerator("assignmentType", kAssignmentTypeNames);
  s.start = r.Time("start");
  s.expiration = ReadExpiration(r.Object("expiration"));
  s.state = r.Enumerator("state", kScheduleStateNames);
  s.created_using = r.Id<RequestId>("createdUsing");
  s.activated_using = r.OptionalId<ScheduleId>("activatedUsing");
  s.created = r.Time("created");
  s.modified = r.Time("modified");
  s.expiry_notices_sent = r.Int("expiryNoticesSent");
  return s;
}

ScheduleRequest ReadRequest(Reader& r) {
  ScheduleRequest q;
  q.id = r.Id<RequestId>("id");
  q.kind = r.Enumerator("kind", kScheduleKindNames);
  q.action = r.Enumerator("action", kRequestActionNames);
  q.principal = r.Id<PrincipalId>("principal");
  q.target = ReadTarget(r.Object("target"));
  q.schedule_info = ReadScheduleInfo(r.Object("scheduleInfo"));
  q.justification = r.String("justification");
  Reader ticket = r.Object("ticket");
  q.ticket.number = ticket.String("number");
  q.ticket.system = ticket.String("system");
  q.custom_data = r.String("customData");
  q.status = r.Enumerator("status", kRequestStatusNames);
  q.created = r.Time("created");
  q.completed = r.OptionalTime("completed");
  q.created_by = r.Id<PrincipalId>("createdBy");
  q.target_schedule = r.OptionalId<ScheduleId>("targetSchedule");
  q.linked_eligibility = r.OptionalId<ScheduleId>("linkedEligibility");
  if (std::optional<Reader> approval = r.OptionalObject("approval")) {
    q.approval = Approval{approval->List("stages", ReadApprovalStage)};
  }
  return q;
}

Policy ReadPolicy(Reader& r) {
  Policy p;
  p.id = r.Id<PolicyId>("id");
  p.target = ReadTarget(r.Object("target"));
  p.activation_expiration = ReadExpirationRule(r.Object("activationExpiration"));
  p.activation_enablement = ReadEnablementRule(r.Object("activationEnablement"));
  p.approval = ReadApprovalRule(r.Object("approval"));
  p.authentication_context = ReadAuthenticationContext(r.Object("authenticationContext"));
  p.eligibility_expiration = ReadExpirationRule(r.Object("eligibilityExpiration"));
  p.eligibility_enablement = ReadEnablementRule(r.Object("eligibilityEnablement"));
  p.assignment_expiration = ReadExpirationRule(r.Object("assignmentExpiration"));
  p.assignment_enablement = ReadEnablementRule(r.Object("assignmentEnablement"));
  std::vector<NotificationRule> notifications = r.List("notifications", ReadNotificationRule);
  if (r.ok() && notifications.size() != p.notifications.size()) {
    r.Fail("notifications", "does not hold exactly 9 rules");
  }
  if (r.ok()) std::move(notifications.begin(), notifications.end(), p.notifications.begin());
  p.last_modified = r.Time("lastModified");
  p.last_modified_by = r.Id<PrincipalId>("lastModifiedBy");
  return p;
}

std::optional<Entity> ReadEntity(EntityKind kind, Reader& r) {
  switch (kind) {
    case EntityKind::kPrincipal:
      return ReadPrincipal(r);
    case EntityKind::kMembership:
      return ReadMembership(r);
    case EntityKind::kScope:
      return ReadScope(r);
    case EntityKind::kRoleDefinition:
      return ReadRoleDefinition(r);
    case EntityKind::kSchedule:
      return ReadSchedule(r);
    case EntityKind::kRequest:
      return ReadRequest(r);
    case EntityKind::kPolicy:
      return ReadPolicy(r);
  }
  return std::nullopt;
}

Mutation ReadMutation(Reader& r) {
  Mutation m;
  m.kind = r.Enumerator("kind", kEntityKindNames);
  m.key = r.String("key");
  for (auto [field, slot] : {std::pair{"before", &m.before}, std::pair{"after", &m.after}}) {
    if (std::optional<Reader> entity = r.OptionalObject(field)) *slot = ReadEntity(m.kind, *entity);
  }
  return m;
}

ChangeRecord ReadChangeRecord(Reader& r) {
  ChangeRecord c;
  c.revision = r.Int64("revision");
  c.at = r.Time("at");
  c.actor = r.Id<PrincipalId>("actor");
  c.event = r.String("event");
  c.detail = r.String("detail");
  // Absent in records written before the request origin was kept.
  c.correlation_id = r.OptionalString("correlationId");
  c.client_address = r.OptionalString("clientAddress");
  c.mutations = r.List("mutations", ReadMutation);
  return c;
}

bool IsValidKind(EntityKind kind) { return !kEntityKindNames.Name(kind).empty(); }

// Parses `text` and runs `read` over it. Small documents are parsed into a stack buffer, so
// a bulk load does not allocate for the JSON tree. Catches the only exception the parser can
// throw (allocation failure) so that nothing escapes the codec.
template <typename Read>
auto ParseAndRead(std::string_view text, std::string_view name, Read read)
    -> absl::StatusOr<decltype(read(std::declval<Reader&>()))> {
  try {
    unsigned char buffer[4096];
    json::monotonic_resource resource(buffer, sizeof(buffer));
    json::error_code ec;
    const json::value value = json::parse(Sv(text), ec, &resource);
    if (ec)
      return absl::DataLossError(absl::StrCat("stored ", std::string(name), " is not valid JSON"));
    absl::Status status;
    Reader reader(value, name, status);
    auto result = read(reader);
    if (!status.ok()) return status;
    return result;
  } catch (const std::exception&) {
    return absl::ResourceExhaustedError(
        absl::StrCat("out of memory decoding stored ", std::string(name)));
  }
}

}  // namespace

std::int64_t EncodeTime(absl::Time t) {
  if (t == absl::InfiniteFuture()) return kMaxNanos;
  if (t == absl::InfinitePast()) return kMinNanos;
  return absl::ToUnixNanos(t);  // saturates outside the int64 range
}

absl::Time DecodeTime(std::int64_t unix_nanos) {
  if (unix_nanos == kMaxNanos) return absl::InfiniteFuture();
  if (unix_nanos == kMinNanos) return absl::InfinitePast();
  return absl::FromUnixNanos(unix_nanos);
}

std::int64_t EncodeDuration(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return kMaxNanos;
  if (d == -absl::InfiniteDuration()) return kMinNanos;
  return absl::ToInt64Nanoseconds(d);  // saturates outside the int64 range
}

absl::Duration DecodeDuration(std::int64_t nanos) {
  if (nanos == kMaxNanos) return absl::InfiniteDuration();
  if (nanos == kMinNanos) return -absl::InfiniteDuration();
  return absl::Nanoseconds(nanos);
}

std::string EncodeEntity(const Entity& entity) { return json::serialize(EntityToJson(entity)); }

absl::StatusOr<Entity> DecodeEntity(EntityKind kind, std::string_view json_text) {
  if (!IsValidKind(kind)) return absl::InvalidArgumentError("unknown entity kind");
  PIM_ASSIGN_OR_RETURN(std::optional<Entity> entity,
                       ParseAndRead(json_text, kEntityKindNames.Name(kind),
                                    [kind](Reader& r) { return ReadEntity(kind, r); }));
  return *std::move(entity);
}

std::string EncodeChangeRecord(const ChangeRecord& record) {
  json::array mutations;
  mutations.reserve(record.mutations.size());
  for (const Mutation& m : record.mutations) {
    json::object o{{"kind", Name(kEntityKindNames, m.kind)}, {"key", m.key}};
    if (m.before) o["before"] = EntityToJson(*m.before);
    if (m.after) o["after"] = EntityToJson(*m.after);
    mutations.emplace_back(std::move(o));
  }
  json::object o{{"revision", record.revision}, {"at", EncodeTime(record.at)},
                 {"actor", record.actor.str()}, {"event", record.event},
                 {"detail", record.detail},     {"mutations", std::move(mutations)}};
  if (!record.correlation_id.empty()) o["correlationId"] = record.correlation_id;
  if (!record.client_address.empty()) o["clientAddress"] = record.client_address;
  return json::serialize(o);
}

absl::StatusOr<ChangeRecord> DecodeChangeRecord(std::string_view json_text) {
  return ParseAndRead(json_text, "change", ReadChangeRecord);
}

}  // namespace pim
