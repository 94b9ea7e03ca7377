#include "api/common/policy_rules.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/common/json_body.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"

namespace pim::api::rules {
namespace json = boost::json;
using json_body::A;
using json_body::Bad;
using json_body::CheckKeys;
using json_body::NullableString;
using json_body::Quote;
using json_body::ReadBool;
using json_body::ReadEnum;
using json_body::ReadInt;
using json_body::ReadString;
using json_body::ReadStrings;
using json_body::Same;
namespace {

using NR = NotificationRecipient;
using NE = NotificationEvent;
constexpr std::string_view kEndUser = "EndUser";
constexpr std::string_view kAdmin = "Admin";
constexpr std::string_view kAssignmentLevel = "Assignment";
constexpr std::string_view kEligibilityLevel = "Eligibility";

// Reference 3.4's order.
constexpr std::array<Spec, 17> kRules{{
    {"Expiration_EndUser_Assignment", Kind::kExpiration, kEndUser, kAssignmentLevel,
     Slot::kActivation},
    {"Enablement_EndUser_Assignment", Kind::kEnablement, kEndUser, kAssignmentLevel,
     Slot::kActivation},
    {"Approval_EndUser_Assignment", Kind::kApproval, kEndUser, kAssignmentLevel},
    {"AuthenticationContext_EndUser_Assignment", Kind::kAuthenticationContext, kEndUser,
     kAssignmentLevel},
    {"Expiration_Admin_Eligibility", Kind::kExpiration, kAdmin, kEligibilityLevel,
     Slot::kEligibility},
    {"Enablement_Admin_Eligibility", Kind::kEnablement, kAdmin, kEligibilityLevel,
     Slot::kEligibility},
    {"Expiration_Admin_Assignment", Kind::kExpiration, kAdmin, kAssignmentLevel, Slot::kAssignment},
    {"Enablement_Admin_Assignment", Kind::kEnablement, kAdmin, kAssignmentLevel, Slot::kAssignment},
    {"Notification_Admin_Admin_Eligibility", Kind::kNotification, kAdmin, kEligibilityLevel,
     Slot::kNone, NR::kAdmin, NE::kAdminEligibility},
    {"Notification_Requestor_Admin_Eligibility", Kind::kNotification, kAdmin, kEligibilityLevel,
     Slot::kNone, NR::kRequestor, NE::kAdminEligibility},
    {"Notification_Approver_Admin_Eligibility", Kind::kNotification, kAdmin, kEligibilityLevel,
     Slot::kNone, NR::kApprover, NE::kAdminEligibility},
    {"Notification_Admin_Admin_Assignment", Kind::kNotification, kAdmin, kAssignmentLevel,
     Slot::kNone, NR::kAdmin, NE::kAdminAssignment},
    {"Notification_Requestor_Admin_Assignment", Kind::kNotification, kAdmin, kAssignmentLevel,
     Slot::kNone, NR::kRequestor, NE::kAdminAssignment},
    {"Notification_Approver_Admin_Assignment", Kind::kNotification, kAdmin, kAssignmentLevel,
     Slot::kNone, NR::kApprover, NE::kAdminAssignment},
    {"Notification_Admin_EndUser_Assignment", Kind::kNotification, kEndUser, kAssignmentLevel,
     Slot::kNone, NR::kAdmin, NE::kEndUserAssignment},
    {"Notification_Requestor_EndUser_Assignment", Kind::kNotification, kEndUser, kAssignmentLevel,
     Slot::kNone, NR::kRequestor, NE::kEndUserAssignment},
    {"Notification_Approver_EndUser_Assignment", Kind::kNotification, kEndUser, kAssignmentLevel,
     Slot::kNone, NR::kApprover, NE::kEndUserAssignment},
}};

constexpr std::array<std::string_view, 17> kRuleIds = [] {
  std::array<std::string_view, 17> ids{};
  for (std::size_t i = 0; i < kRules.size(); ++i) ids[i] = kRules[i].id;
  return ids;
}();

std::string_view TypeName(const Dialect& d, Kind kind) {
  return d.type_names[static_cast<std::size_t>(kind)];
}

// Works on const and mutable policies alike.
template <typename P>
auto& ExpirationOf(P& policy, Slot slot) {
  return slot == Slot::kActivation    ? policy.activation_expiration
         : slot == Slot::kEligibility ? policy.eligibility_expiration
                                      : policy.assignment_expiration;
}
template <typename P>
auto& EnablementOf(P& policy, Slot slot) {
  return slot == Slot::kActivation    ? policy.activation_enablement
         : slot == Slot::kEligibility ? policy.eligibility_enablement
                                      : policy.assignment_enablement;
}
template <typename P>
auto* NotificationOf(P& policy, const Spec& spec) {
  decltype(&policy.notifications[0]) found = nullptr;
  for (auto& rule : policy.notifications) {
    if (rule.recipient == spec.recipient && rule.event == spec.event) found = &rule;
  }
  return found;
}

// ---- Rendering ----

json::object TargetToJson(const Spec& spec, const Dialect& d) {
  json::object out{{"caller", spec.caller},
                   {"operations", json::array{json::string(d.all_operations)}},
                   {"level", spec.level}};
  if (d.null_target_lists) {
    out["targetObjects"] = nullptr;
    out["inheritableSettings"] = nullptr;
    out["enforcedSettings"] = nullptr;
  } else {
    out["inheritableSettings"] = json::array{};
    out["enforcedSettings"] = json::array{};
  }
  return out;
}

json::array ApproversToJson(const std::vector<ApproverRef>& approvers, const Dialect& d) {
  json::array out;
  for (const ApproverRef& a : approvers) out.emplace_back(d.approver_to_json(a));
  return out;
}

json::object ApprovalSettingToJson(const ApprovalRule& rule, const Dialect& d) {
  json::array stages;
  for (const ApprovalStageSettings& s : rule.stages) {
    stages.emplace_back(
        json::object{{"approvalStageTimeOutInDays", s.timeout_days},
                     {"isApproverJustificationRequired", s.is_approver_justification_required},
                     {"escalationTimeInMinutes", s.escalation_time_minutes},
                     {"isEscalationEnabled", s.is_escalation_enabled},
                     {"primaryApprovers", ApproversToJson(s.primary_approvers, d)},
                     {"escalationApprovers", ApproversToJson(s.escalation_approvers, d)}});
  }
  return json::object{
      {"isApprovalRequired", rule.is_approval_required},
      {"isApprovalRequiredForExtension", rule.is_approval_required_for_extension},
      {"isRequestorJustificationRequired", rule.is_requestor_justification_required},
      {"approvalMode", kApprovalModeNames.Name(rule.mode)},
      {"approvalStages", std::move(stages)}};
}

json::array EnabledRules(const EnablementRule& rule) {
  json::array out;
  if (rule.multi_factor_authentication) out.emplace_back("MultiFactorAuthentication");
  if (rule.justification) out.emplace_back("Justification");
  if (rule.ticketing) out.emplace_back("Ticketing");
  return out;
}

// The kind's own properties of rule `spec`, appended to `out`.
void AppendSettings(const Policy& policy, const Spec& spec, const Dialect& d, json::object& out) {
  switch (spec.kind) {
    case Kind::kExpiration: {
      const ExpirationRule& rule = ExpirationOf(policy, spec.slot);
      out["isExpirationRequired"] = rule.is_expiration_required;
      out["maximumDuration"] = FormatIsoDuration(rule.maximum_duration);
      break;
    }
    case Kind::kEnablement:
      out["enabledRules"] = EnabledRules(EnablementOf(policy, spec.slot));
      break;
    case Kind::kApproval:
      out["setting"] = ApprovalSettingToJson(policy.approval, d);
      break;
    case Kind::kAuthenticationContext:
      out["isEnabled"] = policy.authentication_context.is_enabled;
      out["claimValue"] = NullableString(policy.authentication_context.claim_value);
      break;
    case Kind::kNotification: {
      NotificationRule rule;  // defaults, should a stored policy lack the entry
      if (const NotificationRule* stored = NotificationOf(policy, spec)) rule = *stored;
      out["notificationType"] = "Email";
      out["recipientType"] = kNotificationRecipientNames.Name(spec.recipient);
      out["notificationLevel"] = kNotificationLevelNames.Name(rule.level);
      out["isDefaultRecipientsEnabled"] = rule.is_default_recipients_enabled;
      json::array recipients;
      for (const std::string& r : rule.recipients) recipients.emplace_back(r);
      out["notificationRecipients"] = std::move(recipients);
      break;
    }
  }
}

// ---- Reading request bodies ----

constexpr std::array<std::string_view, 8> kOperations = {
    "All", "Activate", "Deactivate", "Assign", "Update", "Remove", "Extend", "Renew"};

absl::Status CheckTarget(const json::value& value, const Spec& spec) {
  const std::string where = absl::StrCat(A(spec.id), ".target");
  if (value.is_null()) return absl::OkStatus();
  if (!value.is_object()) return Bad(absl::StrCat(where, " must be an object."));
  const json::object& t = value.get_object();
  PIM_RETURN_IF_ERROR(CheckKeys(
      t,
      {"caller", "operations", "level", "inheritableSettings", "enforcedSettings", "targetObjects"},
      where));
  using Expected = std::pair<std::string_view, std::string_view>;
  for (const auto& [key, expected] :
       {Expected{"caller", spec.caller}, Expected{"level", spec.level}}) {
    std::string got;
    const json::value* v = json_body::Find(t, key);
    if (v == nullptr || v->is_null()) continue;
    PIM_RETURN_IF_ERROR(ReadString(t, key, where, got));
    if (!Same(got, expected)) {
      return Bad(absl::StrCat(where, ".", A(key), " ", Quote(got), " does not match rule ",
                              A(spec.id), " (", A(expected), ")."));
    }
  }
  std::optional<std::vector<std::string>> operations;
  PIM_RETURN_IF_ERROR(ReadStrings(t, "operations", where, operations));
  for (const std::string& op : operations.value_or(std::vector<std::string>{})) {
    if (std::none_of(kOperations.begin(), kOperations.end(),
                     [&](std::string_view known) { return Same(known, op); })) {
      return Bad(absl::StrCat(where, ".operations: ", Quote(op), " is not a valid operation."));
    }
  }
  std::optional<std::vector<std::string>> ignored;
  PIM_RETURN_IF_ERROR(ReadStrings(t, "inheritableSettings", where, ignored));
  PIM_RETURN_IF_ERROR(ReadStrings(t, "enforcedSettings", where, ignored));
  if (const json::value* objects = json_body::Find(t, "targetObjects");
      objects != nullptr && !objects->is_null() &&
      !(objects->is_array() && objects->get_array().empty())) {
    return Bad(absl::StrCat(where, ".targetObjects is not supported."));
  }
  return absl::OkStatus();
}

absl::Status ApplyExpiration(const json::object& o, const Spec& spec, const Dialect& d,
                             ExpirationRule& rule) {
  PIM_RETURN_IF_ERROR(CheckKeys(o, {"id", "target", "isExpirationRequired", "maximumDuration"},
                                spec.id, d.expiration_keys));
  PIM_RETURN_IF_ERROR(ReadBool(o, "isExpirationRequired", spec.id, rule.is_expiration_required));
  if (const json::value* v = json_body::Find(o, "maximumDuration"); v != nullptr) {
    if (!v->is_string()) {
      return Bad(absl::StrCat(A(spec.id), ": 'maximumDuration' must be an ISO 8601 duration."));
    }
    const std::string_view text(v->get_string().data(), v->get_string().size());
    auto duration = ParseIsoDuration(text);
    if (!duration.ok()) {
      return Bad(absl::StrCat(A(spec.id), ": 'maximumDuration' ", Quote(text),
                              " is not a valid ISO 8601 duration."));
    }
    rule.maximum_duration = *duration;
  }
  return absl::OkStatus();
}

absl::Status ApplyEnablement(const json::object& o, const Spec& spec, const Dialect& d,
                             EnablementRule& rule) {
  PIM_RETURN_IF_ERROR(CheckKeys(o, {"id", "target", "enabledRules"}, spec.id, d.rule_keys));
  std::optional<std::vector<std::string>> enabled;
  PIM_RETURN_IF_ERROR(ReadStrings(o, "enabledRules", spec.id, enabled));
  if (!enabled.has_value()) return absl::OkStatus();
  EnablementRule updated;
  for (const std::string& name : *enabled) {
    if (Same(name, "MultiFactorAuthentication")) {
      updated.multi_factor_authentication = true;
    } else if (Same(name, "Justification")) {
      updated.justification = true;
    } else if (Same(name, "Ticketing")) {
      updated.ticketing = true;
    } else {
      return Bad(absl::StrCat(A(spec.id), ": ", Quote(name),
                              " is not a valid enabled rule (MultiFactorAuthentication, "
                              "Justification, Ticketing)."));
    }
  }
  rule = updated;
  return absl::OkStatus();
}

absl::Status ReadApprovers(const json::object& stage, std::string_view key, std::string_view where,
                           const Dialect& d, std::vector<ApproverRef>& out) {
  const json::value* v = json_body::Find(stage, key);
  if (v == nullptr) return absl::OkStatus();
  const std::string at = absl::StrCat(A(where), ".", A(key));
  if (v->is_null()) {
    out.clear();
    return absl::OkStatus();
  }
  const std::string not_array =
      absl::StrCat(at, " must be an array of ", A(d.approvers_shape), ".");
  if (!v->is_array()) return Bad(not_array);
  std::vector<ApproverRef> approvers;
  for (const json::value& item : v->get_array()) {
    if (!item.is_object()) return Bad(not_array);
    const json::object& subject = item.get_object();
    ApproverRef ref;
    PIM_RETURN_IF_ERROR(d.read_approver(subject, at, ref));
    PIM_RETURN_IF_ERROR(ReadString(subject, "description", at, ref.description));
    bool backup = false;
    PIM_RETURN_IF_ERROR(ReadBool(subject, "isBackup", at, backup));
    approvers.push_back(std::move(ref));
  }
  out = std::move(approvers);
  return absl::OkStatus();
}

absl::Status ApplyApproval(const json::object& o, const Spec& spec, const Dialect& d,
                           ApprovalRule& rule) {
  PIM_RETURN_IF_ERROR(CheckKeys(o, {"id", "target", "setting"}, spec.id, d.rule_keys));
  const json::value* v = json_body::Find(o, "setting");
  if (v == nullptr) return absl::OkStatus();
  const std::string where = absl::StrCat(A(spec.id), ".setting");
  if (!v->is_object()) return Bad(absl::StrCat(where, " must be an approvalSettings object."));
  const json::object& s = v->get_object();
  PIM_RETURN_IF_ERROR(
      CheckKeys(s,
                {"isApprovalRequired", "isApprovalRequiredForExtension",
                 "isRequestorJustificationRequired", "approvalMode", "approvalStages"},
                where));
  PIM_RETURN_IF_ERROR(ReadBool(s, "isApprovalRequired", where, rule.is_approval_required));
  PIM_RETURN_IF_ERROR(ReadBool(s, "isApprovalRequiredForExtension", where,
                               rule.is_approval_required_for_extension));
  PIM_RETURN_IF_ERROR(ReadBool(s, "isRequestorJustificationRequired", where,
                               rule.is_requestor_justification_required));
  PIM_RETURN_IF_ERROR(ReadEnum(s, "approvalMode", where, kApprovalModeNames, rule.mode));
  const json::value* stages = json_body::Find(s, "approvalStages");
  if (stages == nullptr) return absl::OkStatus();
  std::vector<ApprovalStageSettings> updated;
  if (!stages->is_null()) {
    if (!stages->is_array()) {
      return Bad(absl::StrCat(where, ".approvalStages must be an array of unifiedApprovalStage."));
    }
    for (std::size_t i = 0; i < stages->get_array().size(); ++i) {
      const json::value& item = stages->get_array()[i];
      const std::string at = absl::StrCat(where, ".approvalStages[", i, "]");
      if (!item.is_object()) return Bad(absl::StrCat(at, " must be an object."));
      const json::object& st = item.get_object();
      PIM_RETURN_IF_ERROR(
          CheckKeys(st,
                    {"approvalStageTimeOutInDays", "isApproverJustificationRequired",
                     "escalationTimeInMinutes", "isEscalationEnabled", "primaryApprovers",
                     "escalationApprovers"},
                    at));
      // Graph cannot express pim's N-of-M, so an existing stage keeps its setting.
      ApprovalStageSettings stage =
          i < rule.stages.size() ? rule.stages[i] : ApprovalStageSettings{};
      PIM_RETURN_IF_ERROR(ReadInt(st, "approvalStageTimeOutInDays", at, stage.timeout_days));
      PIM_RETURN_IF_ERROR(ReadBool(st, "isApproverJustificationRequired", at,
                                   stage.is_approver_justification_required));
      PIM_RETURN_IF_ERROR(
          ReadInt(st, "escalationTimeInMinutes", at, stage.escalation_time_minutes));
      PIM_RETURN_IF_ERROR(ReadBool(st, "isEscalationEnabled", at, stage.is_escalation_enabled));
      PIM_RETURN_IF_ERROR(ReadApprovers(st, "primaryApprovers", at, d, stage.primary_approvers));
      PIM_RETURN_IF_ERROR(
          ReadApprovers(st, "escalationApprovers", at, d, stage.escalation_approvers));
      const std::size_t entries = stage.primary_approvers.size();
      if (stage.approvals_required < 1 ||
          static_cast<std::size_t>(stage.approvals_required) > std::max<std::size_t>(entries, 1)) {
        stage.approvals_required = 1;
      }
      updated.push_back(std::move(stage));
    }
  }
  rule.stages = std::move(updated);
  return absl::OkStatus();
}

absl::Status ApplyAuthenticationContext(const json::object& o, const Spec& spec, const Dialect& d,
                                        AuthenticationContextRule& rule) {
  PIM_RETURN_IF_ERROR(
      CheckKeys(o, {"id", "target", "isEnabled", "claimValue"}, spec.id, d.rule_keys));
  PIM_RETURN_IF_ERROR(ReadBool(o, "isEnabled", spec.id, rule.is_enabled));
  return ReadString(o, "claimValue", spec.id, rule.claim_value);
}

absl::Status ApplyNotification(const json::object& o, const Spec& spec, const Dialect& d,
                               NotificationRule& rule) {
  PIM_RETURN_IF_ERROR(
      CheckKeys(o,
                {"id", "target", "notificationType", "recipientType", "notificationLevel",
                 "isDefaultRecipientsEnabled", "notificationRecipients"},
                spec.id, d.rule_keys));
  if (const json::value* v = json_body::Find(o, "notificationType"); v != nullptr) {
    if (!v->is_string() ||
        !Same(std::string_view(v->get_string().data(), v->get_string().size()), "Email")) {
      return Bad(absl::StrCat(A(spec.id), ": 'notificationType' must be \"Email\"."));
    }
  }
  NotificationRecipient recipient = spec.recipient;
  PIM_RETURN_IF_ERROR(
      ReadEnum(o, "recipientType", spec.id, kNotificationRecipientNames, recipient));
  if (recipient != spec.recipient) {
    return Bad(absl::StrCat(A(spec.id), ": 'recipientType' must be \"",
                            A(kNotificationRecipientNames.Name(spec.recipient)),
                            "\" for this rule."));
  }
  PIM_RETURN_IF_ERROR(
      ReadEnum(o, "notificationLevel", spec.id, kNotificationLevelNames, rule.level));
  PIM_RETURN_IF_ERROR(
      ReadBool(o, "isDefaultRecipientsEnabled", spec.id, rule.is_default_recipients_enabled));
  std::optional<std::vector<std::string>> recipients;
  PIM_RETURN_IF_ERROR(ReadStrings(o, "notificationRecipients", spec.id, recipients));
  if (recipients.has_value()) rule.recipients = std::move(*recipients);
  return absl::OkStatus();
}

}  // namespace

std::span<const Spec> Catalogue() { return kRules; }

std::span<const std::string_view> Ids() { return kRuleIds; }

const Spec* Find(std::string_view id) {
  for (const Spec& r : kRules) {
    if (Same(r.id, id)) return &r;
  }
  return nullptr;
}

json::object ToJson(const Policy& policy, const Spec& spec, const Dialect& dialect) {
  json::object out;
  if (dialect.discriminator_first) {
    out[dialect.discriminator] = TypeName(dialect, spec.kind);
    out["id"] = spec.id;
    AppendSettings(policy, spec, dialect, out);
  } else {
    AppendSettings(policy, spec, dialect, out);
    out["id"] = spec.id;
    out[dialect.discriminator] = TypeName(dialect, spec.kind);
  }
  out["target"] = TargetToJson(spec, dialect);
  return out;
}

json::array AllToJson(const Policy& policy, const Dialect& dialect) {
  json::array out;
  for (const Spec& spec : kRules) out.emplace_back(ToJson(policy, spec, dialect));
  return out;
}

absl::Status Apply(const json::object& rule, std::string_view rule_id, const Dialect& dialect,
                   Policy& policy) {
  const Spec* spec = Find(rule_id);
  if (spec == nullptr) return Bad(absl::StrCat(Quote(rule_id), " is not a policy rule id."));
  PIM_RETURN_IF_ERROR(dialect.check_type(rule, TypeName(dialect, spec->kind), spec->id));
  if (const json::value* id = json_body::Find(rule, "id"); id != nullptr) {
    if (!id->is_string() ||
        !Same(std::string_view(id->get_string().data(), id->get_string().size()), spec->id)) {
      return Bad(absl::StrCat(A(spec->id), ": the body's 'id' does not name this rule."));
    }
  }
  if (const json::value* target = json_body::Find(rule, "target"); target != nullptr) {
    PIM_RETURN_IF_ERROR(CheckTarget(*target, *spec));
  }
  switch (spec->kind) {
    case Kind::kExpiration:
      return ApplyExpiration(rule, *spec, dialect, ExpirationOf(policy, spec->slot));
    case Kind::kEnablement:
      return ApplyEnablement(rule, *spec, dialect, EnablementOf(policy, spec->slot));
    case Kind::kApproval:
      return ApplyApproval(rule, *spec, dialect, policy.approval);
    case Kind::kAuthenticationContext:
      return ApplyAuthenticationContext(rule, *spec, dialect, policy.authentication_context);
    case Kind::kNotification: {
      NotificationRule* stored = NotificationOf(policy, *spec);
      if (stored == nullptr) {
        return Error(absl::StatusCode::kInternal, code::kInternal,
                     "The stored policy lacks a notification rule.");
      }
      return ApplyNotification(rule, *spec, dialect, *stored);
    }
  }
  return Bad("Unknown rule type.");
}

}  // namespace pim::api::rules
