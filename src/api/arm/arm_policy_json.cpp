#include "api/arm/arm_policy_json.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "api/arm/arm_json.h"
#include "openssl/evp.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/scope.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace json = boost::json;
namespace {

absl::string_view A(std::string_view s) { return {s.data(), s.size()}; }
bool Same(std::string_view a, std::string_view b) { return absl::EqualsIgnoreCase(A(a), A(b)); }

// ---- The 17 rules ----

enum class RuleType { kExpiration, kEnablement, kApproval, kAuthenticationContext, kNotification };
// Which of the three expiration / enablement rules of a Policy a rule id backs.
enum class Slot { kActivation, kEligibility, kAssignment, kNone };

struct RuleSpec {
  std::string_view id;
  RuleType type;
  std::string_view caller;  // target.caller
  std::string_view level;   // target.level
  Slot slot = Slot::kNone;
  NotificationRecipient recipient = NotificationRecipient::kAdmin;  // notifications only
  NotificationEvent event = NotificationEvent::kAdminEligibility;   // notifications only
};

using NR = NotificationRecipient;
using NE = NotificationEvent;
constexpr std::string_view kEndUser = "EndUser";
constexpr std::string_view kAdmin = "Admin";
constexpr std::string_view kAssignmentLevel = "Assignment";
constexpr std::string_view kEligibilityLevel = "Eligibility";

// Reference 3.4's order.
constexpr std::array<RuleSpec, 17> kRules{{
    {"Expiration_EndUser_Assignment", RuleType::kExpiration, kEndUser, kAssignmentLevel,
     Slot::kActivation},
    {"Enablement_EndUser_Assignment", RuleType::kEnablement, kEndUser, kAssignmentLevel,
     Slot::kActivation},
    {"Approval_EndUser_Assignment", RuleType::kApproval, kEndUser, kAssignmentLevel},
    {"AuthenticationContext_EndUser_Assignment", RuleType::kAuthenticationContext, kEndUser,
     kAssignmentLevel},
    {"Expiration_Admin_Eligibility", RuleType::kExpiration, kAdmin, kEligibilityLevel,
     Slot::kEligibility},
    {"Enablement_Admin_Eligibility", RuleType::kEnablement, kAdmin, kEligibilityLevel,
     Slot::kEligibility},
    {"Expiration_Admin_Assignment", RuleType::kExpiration, kAdmin, kAssignmentLevel,
     Slot::kAssignment},
    {"Enablement_Admin_Assignment", RuleType::kEnablement, kAdmin, kAssignmentLevel,
     Slot::kAssignment},
    {"Notification_Admin_Admin_Eligibility", RuleType::kNotification, kAdmin, kEligibilityLevel,
     Slot::kNone, NR::kAdmin, NE::kAdminEligibility},
    {"Notification_Requestor_Admin_Eligibility", RuleType::kNotification, kAdmin, kEligibilityLevel,
     Slot::kNone, NR::kRequestor, NE::kAdminEligibility},
    {"Notification_Approver_Admin_Eligibility", RuleType::kNotification, kAdmin, kEligibilityLevel,
     Slot::kNone, NR::kApprover, NE::kAdminEligibility},
    {"Notification_Admin_Admin_Assignment", RuleType::kNotification, kAdmin, kAssignmentLevel,
     Slot::kNone, NR::kAdmin, NE::kAdminAssignment},
    {"Notification_Requestor_Admin_Assignment", RuleType::kNotification, kAdmin, kAssignmentLevel,
     Slot::kNone, NR::kRequestor, NE::kAdminAssignment},
    {"Notification_Approver_Admin_Assignment", RuleType::kNotification, kAdmin, kAssignmentLevel,
     Slot::kNone, NR::kApprover, NE::kAdminAssignment},
    {"Notification_Admin_EndUser_Assignment", RuleType::kNotification, kEndUser, kAssignmentLevel,
     Slot::kNone, NR::kAdmin, NE::kEndUserAssignment},
    {"Notification_Requestor_EndUser_Assignment", RuleType::kNotification, kEndUser,
     kAssignmentLevel, Slot::kNone, NR::kRequestor, NE::kEndUserAssignment},
    {"Notification_Approver_EndUser_Assignment", RuleType::kNotification, kEndUser,
     kAssignmentLevel, Slot::kNone, NR::kApprover, NE::kEndUserAssignment},
}};

const RuleSpec* FindRule(std::string_view id) {
  for (const RuleSpec& r : kRules) {
    if (Same(r.id, id)) return &r;
  }
  return nullptr;
}

std::string_view RuleTypeName(RuleType type) {
  switch (type) {
    case RuleType::kExpiration:
      return "RoleManagementPolicyExpirationRule";
    case RuleType::kEnablement:
      return "RoleManagementPolicyEnablementRule";
    case RuleType::kApproval:
      return "RoleManagementPolicyApprovalRule";
    case RuleType::kAuthenticationContext:
      return "RoleManagementPolicyAuthenticationContextRule";
    case RuleType::kNotification:
      return "RoleManagementPolicyNotificationRule";
  }
  return {};
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
auto* NotificationOf(P& policy, const RuleSpec& spec) {
  decltype(&policy.notifications[0]) found = nullptr;
  for (auto& rule : policy.notifications) {
    if (rule.recipient == spec.recipient && rule.event == spec.event) found = &rule;
  }
  return found;
}

// ---- Rendering ----

json::value NullableString(std::string_view s) {
  return s.empty() ? json::value(nullptr) : json::value(json::string(s));
}

json::object TargetToJson(const RuleSpec& spec) {
  return json::object{{"caller", spec.caller},
                      {"operations", json::array{"All"}},
                      {"level", spec.level},
                      {"targetObjects", nullptr},
                      {"inheritableSettings", nullptr},
                      {"enforcedSettings", nullptr}};
}

// ARM `UserSet`. Only users and groups exist in policies written through the APIs.
json::object ApproverToJson(const ApproverRef& a) {
  return json::object{{"id", a.id},
                      {"description", NullableString(a.description)},
                      {"isBackup", false},
                      {"userType", a.kind == ApproverKind::kUser ? "User" : "Group"}};
}

json::array ApproversToJson(const std::vector<ApproverRef>& approvers) {
  json::array out;
  for (const ApproverRef& a : approvers) out.emplace_back(ApproverToJson(a));
  return out;
}

json::object ApprovalSettingToJson(const ApprovalRule& rule) {
  json::array stages;
  for (const ApprovalStageSettings& s : rule.stages) {
    stages.emplace_back(
        json::object{{"approvalStageTimeOutInDays", s.timeout_days},
                     {"isApproverJustificationRequired", s.is_approver_justification_required},
                     {"escalationTimeInMinutes", s.escalation_time_minutes},
                     {"isEscalationEnabled", s.is_escalation_enabled},
                     {"primaryApprovers", ApproversToJson(s.primary_approvers)},
                     {"escalationApprovers", ApproversToJson(s.escalation_approvers)}});
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

// ---- Reading request bodies ----

absl::Status Bad(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, message);
}

// `text` quoted for a message: escaped, at most 64 characters.
std::string Quote(std::string_view text) {
  constexpr std::size_t kMax = 64;
  std::string escaped = absl::CHexEscape(A(text.substr(0, kMax)));
  if (text.size() > kMax) escaped += "...";
  return absl::StrCat("'", escaped, "'");
}

// The value of `key` (case-insensitive), or nullptr.
const json::value* Find(const json::object& o, std::string_view key) {
  for (const auto& kv : o) {
    if (Same(std::string_view(kv.key().data(), kv.key().size()), key)) return &kv.value();
  }
  return nullptr;
}

// Rejects properties outside `allowed`; OData annotations ("@odata.type", "x@odata.type") pass.
absl::Status CheckKeys(const json::object& o, std::initializer_list<std::string_view> allowed,
                       std::string_view where) {
  for (const auto& kv : o) {
    const std::string_view key(kv.key().data(), kv.key().size());
    if (key.find('@') != std::string_view::npos) continue;
    const bool known = std::any_of(allowed.begin(), allowed.end(),
                                   [&](std::string_view a) { return Same(a, key); });
    if (!known) {
      return Bad(absl::StrCat(A(where), ": property ", Quote(key),
                              " does not exist on this type or cannot be set."));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadBool(const json::object& o, std::string_view key, std::string_view where,
                      bool& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_bool()) {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' must be a Boolean."));
  }
  out = v->get_bool();
  return absl::OkStatus();
}

absl::Status ReadInt(const json::object& o, std::string_view key, std::string_view where,
                     int& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= std::numeric_limits<std::uint32_t>::max()) {
    n = static_cast<std::int64_t>(v->get_uint64());
  } else {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' must be an integer."));
  }
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' is out of range."));
  }
  out = static_cast<int>(n);
  return absl::OkStatus();
}

// A string or null (null reads as "").
absl::Status ReadString(const json::object& o, std::string_view key, std::string_view where,
                        std::string& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  if (v->is_null()) {
    out.clear();
  } else if (v->is_string()) {
    out = std::string(v->get_string());
  } else {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' must be a string."));
  }
  return absl::OkStatus();
}

// An array of strings, or null (read as empty).
absl::Status ReadStrings(const json::object& o, std::string_view key, std::string_view where,
                         std::optional<std::vector<std::string>>& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  std::vector<std::string> items;
  if (v->is_array()) {
    for (const json::value& item : v->get_array()) {
      if (!item.is_string()) {
        return Bad(absl::StrCat(A(where), ": '", A(key), "' must be an array of strings."));
      }
      items.emplace_back(item.get_string());
    }
  } else if (!v->is_null()) {
    return Bad(absl::StrCat(A(where), ": '", A(key), "' must be an array of strings."));
  }
  out = std::move(items);
  return absl::OkStatus();
}

template <typename Table, typename Enum>
absl::Status ReadEnum(const json::object& o, std::string_view key, std::string_view where,
                      const Table& table, Enum& out) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return Bad(absl::StrCat(A(where), ": '", A(key), "' must be a string."));
  const std::string_view text(v->get_string().data(), v->get_string().size());
  const auto parsed = table.Parse(text);
  if (!parsed.has_value()) {
    return Bad(
        absl::StrCat(A(where), ": ", Quote(text), " is not a valid value for '", A(key), "'."));
  }
  out = *parsed;
  return absl::OkStatus();
}

// Checks the `ruleType` discriminator against the rule's type.
absl::Status CheckRuleType(const json::object& o, std::string_view expected,
                           std::string_view where) {
  const json::value* v = Find(o, "ruleType");
  if (v == nullptr || !v->is_string()) {
    return Bad(
        absl::StrCat(A(where), ": the rule must carry \"ruleType\": \"", A(expected), "\"."));
  }
  const std::string_view got(v->get_string().data(), v->get_string().size());
  if (!Same(got, expected)) {
    return Bad(absl::StrCat(A(where), ": ruleType ", Quote(got), " does not match the rule; ",
                            "expected \"", A(expected), "\"."));
  }
  return absl::OkStatus();
}

constexpr std::array<std::string_view, 8> kOperations = {
    "All", "Activate", "Deactivate", "Assign", "Update", "Remove", "Extend", "Renew"};

absl::Status CheckTarget(const json::value& value, const RuleSpec& spec) {
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
    const json::value* v = Find(t, key);
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
  if (const json::value* objects = Find(t, "targetObjects");
      objects != nullptr && !objects->is_null() &&
      !(objects->is_array() && objects->get_array().empty())) {
    return Bad(absl::StrCat(where, ".targetObjects is not supported."));
  }
  return absl::OkStatus();
}

absl::Status ApplyExpiration(const json::object& o, const RuleSpec& spec, ExpirationRule& rule) {
  PIM_RETURN_IF_ERROR(CheckKeys(
      o,
      {"id", "ruleType", "target", "isExpirationRequired", "maximumDuration", "exceptionMembers"},
      spec.id));
  PIM_RETURN_IF_ERROR(ReadBool(o, "isExpirationRequired", spec.id, rule.is_expiration_required));
  if (const json::value* v = Find(o, "maximumDuration"); v != nullptr) {
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

absl::Status ApplyEnablement(const json::object& o, const RuleSpec& spec, EnablementRule& rule) {
  PIM_RETURN_IF_ERROR(CheckKeys(o, {"id", "ruleType", "target", "enabledRules"}, spec.id));
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
                           std::vector<ApproverRef>& out) {
  const json::value* v = Find(stage, key);
  if (v == nullptr) return absl::OkStatus();
  const std::string at = absl::StrCat(A(where), ".", A(key));
  if (v->is_null()) {
    out.clear();
    return absl::OkStatus();
  }
  if (!v->is_array()) return Bad(absl::StrCat(at, " must be an array of UserSet objects."));
  std::vector<ApproverRef> approvers;
  for (const json::value& item : v->get_array()) {
    if (!item.is_object()) return Bad(absl::StrCat(at, " must be an array of UserSet objects."));
    const json::object& set = item.get_object();
    PIM_RETURN_IF_ERROR(CheckKeys(set, {"id", "description", "isBackup", "userType"}, at));
    ApproverRef ref;
    std::string user_type;
    PIM_RETURN_IF_ERROR(ReadString(set, "userType", at, user_type));
    if (Same(user_type, "User")) {
      ref.kind = ApproverKind::kUser;
    } else if (Same(user_type, "Group")) {
      ref.kind = ApproverKind::kGroupMembers;
    } else {
      return Bad(
          absl::StrCat(at, ": userType ", Quote(user_type), " is not valid (User or Group)."));
    }
    PIM_RETURN_IF_ERROR(ReadString(set, "id", at, ref.id));
    if (ref.id.empty()) return Bad(absl::StrCat(at, ": 'id' is required."));
    ref.id = absl::AsciiStrToLower(A(ref.id));
    PIM_RETURN_IF_ERROR(ReadString(set, "description", at, ref.description));
    bool backup = false;
    PIM_RETURN_IF_ERROR(ReadBool(set, "isBackup", at, backup));
    approvers.push_back(std::move(ref));
  }
  out = std::move(approvers);
  return absl::OkStatus();
}

absl::Status ApplyApproval(const json::object& o, const RuleSpec& spec, ApprovalRule& rule) {
  PIM_RETURN_IF_ERROR(CheckKeys(o, {"id", "ruleType", "target", "setting"}, spec.id));
  const json::value* v = Find(o, "setting");
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
  const json::value* stages = Find(s, "approvalStages");
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
      PIM_RETURN_IF_ERROR(ReadApprovers(st, "primaryApprovers", at, stage.primary_approvers));
      PIM_RETURN_IF_ERROR(ReadApprovers(st, "escalationApprovers", at, stage.escalation_approvers));
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

absl::Status ApplyAuthenticationContext(const json::object& o, const RuleSpec& spec,
                                        AuthenticationContextRule& rule) {
  PIM_RETURN_IF_ERROR(
      CheckKeys(o, {"id", "ruleType", "target", "isEnabled", "claimValue"}, spec.id));
  PIM_RETURN_IF_ERROR(ReadBool(o, "isEnabled", spec.id, rule.is_enabled));
  return ReadString(o, "claimValue", spec.id, rule.claim_value);
}

absl::Status ApplyNotification(const json::object& o, const RuleSpec& spec,
                               NotificationRule& rule) {
  PIM_RETURN_IF_ERROR(
      CheckKeys(o,
                {"id", "ruleType", "target", "notificationType", "recipientType",
                 "notificationLevel", "isDefaultRecipientsEnabled", "notificationRecipients"},
                spec.id));
  if (const json::value* v = Find(o, "notificationType"); v != nullptr) {
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

json::object RuleToArmJson(const Policy& policy, std::string_view rule_id) {
  const RuleSpec* spec = FindRule(rule_id);
  if (spec == nullptr) return {};
  json::object out;
  switch (spec->type) {
    case RuleType::kExpiration: {
      const ExpirationRule& rule = ExpirationOf(policy, spec->slot);
      out["isExpirationRequired"] = rule.is_expiration_required;
      out["maximumDuration"] = FormatIsoDuration(rule.maximum_duration);
      break;
    }
    case RuleType::kEnablement:
      out["enabledRules"] = EnabledRules(EnablementOf(policy, spec->slot));
      break;
    case RuleType::kApproval:
      out["setting"] = ApprovalSettingToJson(policy.approval);
      break;
    case RuleType::kAuthenticationContext:
      out["isEnabled"] = policy.authentication_context.is_enabled;
      out["claimValue"] = NullableString(policy.authentication_context.claim_value);
      break;
    case RuleType::kNotification: {
      NotificationRule rule;  // defaults, should a stored policy lack the entry
      if (const NotificationRule* stored = NotificationOf(policy, *spec)) rule = *stored;
      out["notificationType"] = "Email";
      out["recipientType"] = kNotificationRecipientNames.Name(spec->recipient);
      out["notificationLevel"] = kNotificationLevelNames.Name(rule.level);
      out["isDefaultRecipientsEnabled"] = rule.is_default_recipients_enabled;
      json::array recipients;
      for (const std::string& r : rule.recipients) recipients.emplace_back(r);
      out["notificationRecipients"] = std::move(recipients);
      break;
    }
  }
  out["id"] = spec->id;
  out["ruleType"] = RuleTypeName(spec->type);
  out["target"] = TargetToJson(*spec);
  return out;
}

absl::Status ApplyRuleJson(const json::object& rule, std::string_view rule_id, Policy& policy) {
  const RuleSpec* spec = FindRule(rule_id);
  if (spec == nullptr) return Bad(absl::StrCat(Quote(rule_id), " is not a policy rule id."));
  PIM_RETURN_IF_ERROR(CheckRuleType(rule, RuleTypeName(spec->type), spec->id));
  if (const json::value* id = Find(rule, "id"); id != nullptr) {
    if (!id->is_string() ||
        !Same(std::string_view(id->get_string().data(), id->get_string().size()), spec->id)) {
      return Bad(absl::StrCat(A(spec->id), ": the body's 'id' does not name this rule."));
    }
  }
  if (const json::value* target = Find(rule, "target"); target != nullptr) {
    PIM_RETURN_IF_ERROR(CheckTarget(*target, *spec));
  }
  switch (spec->type) {
    case RuleType::kExpiration:
      return ApplyExpiration(rule, *spec, ExpirationOf(policy, spec->slot));
    case RuleType::kEnablement:
      return ApplyEnablement(rule, *spec, EnablementOf(policy, spec->slot));
    case RuleType::kApproval:
      return ApplyApproval(rule, *spec, policy.approval);
    case RuleType::kAuthenticationContext:
      return ApplyAuthenticationContext(rule, *spec, policy.authentication_context);
    case RuleType::kNotification: {
      NotificationRule* stored = NotificationOf(policy, *spec);
      if (stored == nullptr) {
        return Error(absl::StatusCode::kInternal, code::kInternal,
                     "The stored policy lacks a notification rule.");
      }
      return ApplyNotification(rule, *spec, *stored);
    }
  }
  return Bad("Unknown rule type.");
}

absl::Status CheckExceptionMembers(const json::object& o, std::string_view where) {
  const json::value* v = Find(o, "exceptionMembers");
  if (v == nullptr || v->is_null() || (v->is_array() && v->get_array().empty())) {
    return absl::OkStatus();
  }
  return Bad(absl::StrCat(A(where), ": exceptionMembers is not supported."));
}

// "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" from a SHA-1 of the namespace and `name` (RFC 4122 4.3).
std::string NameBasedUuid(std::string_view name) {
  // A fixed namespace for pim's policy names (itself a random UUID).
  static constexpr std::array<unsigned char, 16> kNamespace = {0x3c, 0x6e, 0x0b, 0x8a, 0x51, 0x2f,
                                                               0x4d, 0x1e, 0x9a, 0x7b, 0x52, 0x6d,
                                                               0xf0, 0x13, 0x8e, 0x44};
  std::string input(kNamespace.begin(), kNamespace.end());
  input.append(name);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &length, EVP_sha1(), nullptr) != 1 ||
      length < 16) {
    // SHA-1 cannot fail on in-memory input short of allocation failure.
    return "00000000-0000-5000-8000-000000000000";
  }
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0f) | 0x50);
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3f) | 0x80);
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

// {id, displayName, type, email} of who last changed the policy, or null.
json::value LastModifiedBy(const Policy& policy, const State& state) {
  if (policy.last_modified_by.empty()) return nullptr;
  json::object who{{"id", policy.last_modified_by.str()}};
  const Principal* p = state.FindPrincipal(policy.last_modified_by.str());
  who["displayName"] = p != nullptr ? NullableString(p->display_name) : json::value(nullptr);
  who["type"] =
      p != nullptr ? json::value(kPrincipalKindNames.Name(p->kind)) : json::value(nullptr);
  who["email"] = p != nullptr ? NullableString(p->mail) : json::value(nullptr);
  return who;
}

json::value LastModifiedDateTime(const Policy& policy) {
  if (policy.last_modified_by.empty()) return nullptr;
  return json::string(FormatDateTime(policy.last_modified));
}

}  // namespace

std::string PolicyNameFor(std::string_view scope, std::string_view role_id) {
  return NameBasedUuid(absl::StrCat("roleManagementPolicy:", A(CanonicalScope(scope)), ":",
                                    absl::AsciiStrToLower(A(role_id))));
}

json::array RulesToArmJson(const Policy& policy) {
  json::array out;
  for (const RuleSpec& spec : kRules) out.emplace_back(RuleToArmJson(policy, spec.id));
  return out;
}

json::object PolicyToArmJson(const Policy& policy, const Target& target, const State& state) {
  const std::string name = PolicyNameFor(target.scope, target.object_id);
  const json::object expanded = ExpandedProperties(state, target, "");
  json::object properties;
  properties["scope"] = DisplayScope(target.scope);
  properties["displayName"] = "";
  properties["description"] = "";
  properties["isOrganizationDefault"] = false;
  properties["lastModifiedBy"] = LastModifiedBy(policy, state);
  properties["lastModifiedDateTime"] = LastModifiedDateTime(policy);
  properties["rules"] = RulesToArmJson(policy);
  // No wider policy is inherited (reference 4.7), so the effective rules are the rules.
  properties["effectiveRules"] = RulesToArmJson(policy);
  properties["policyProperties"] = json::object{{"scope", expanded.at("scope")}};
  return json::object{{"id", ArmId(target.scope, "roleManagementPolicies", name)},
                      {"name", name},
                      {"type", "Microsoft.Authorization/RoleManagementPolicies"},
                      {"properties", std::move(properties)}};
}

json::object PolicyAssignmentToArmJson(const Policy& policy, const Target& target,
                                       const State& state) {
  const std::string policy_name = PolicyNameFor(target.scope, target.object_id);
  const std::string name = absl::StrCat(policy_name, "_", target.object_id);
  const std::string policy_id = ArmId(target.scope, "roleManagementPolicies", policy_name);
  const json::object expanded = ExpandedProperties(state, target, "");
  json::object properties;
  properties["scope"] = DisplayScope(target.scope);
  properties["roleDefinitionId"] = RoleDefinitionArmId(target.scope, target.object_id);
  properties["policyId"] = policy_id;
  properties["effectiveRules"] = RulesToArmJson(policy);
  properties["policyAssignmentProperties"] = json::object{
      {"scope", expanded.at("scope")},
      {"roleDefinition", expanded.at("roleDefinition")},
      {"policy", json::object{{"id", policy_id},
                              {"lastModifiedBy", LastModifiedBy(policy, state)},
                              {"lastModifiedDateTime", LastModifiedDateTime(policy)}}}};
  return json::object{{"id", ArmId(target.scope, "roleManagementPolicyAssignments", name)},
                      {"name", name},
                      {"type", "Microsoft.Authorization/RoleManagementPolicyAssignment"},
                      {"properties", std::move(properties)}};
}

absl::Status ApplyArmPolicyPatch(const json::object& body, Policy& policy) {
  PIM_RETURN_IF_ERROR(CheckKeys(body, {"id", "name", "type", "properties"}, "policy"));
  const json::value* props = Find(body, "properties");
  if (props == nullptr || !props->is_object()) {
    return Bad("The body must carry a 'properties' object with the rules to change.");
  }
  const json::object& p = props->get_object();
  PIM_RETURN_IF_ERROR(
      CheckKeys(p,
                {"scope", "displayName", "description", "isOrganizationDefault", "lastModifiedBy",
                 "lastModifiedDateTime", "rules", "effectiveRules", "policyProperties"},
                "properties"));
  const json::value* rules = Find(p, "rules");
  if (rules == nullptr || rules->is_null()) return absl::OkStatus();
  if (!rules->is_array()) return Bad("'properties.rules' must be an array of rules.");
  for (const json::value& item : rules->get_array()) {
    const json::object* rule = item.if_object();
    const json::value* id = rule != nullptr ? Find(*rule, "id") : nullptr;
    if (id == nullptr || !id->is_string()) {
      return Bad("Every element of 'properties.rules' must be a rule object with its 'id'.");
    }
    const std::string_view text(id->get_string().data(), id->get_string().size());
    const RuleSpec* spec = FindRule(text);
    if (spec == nullptr) return Bad(absl::StrCat(Quote(text), " is not a policy rule id."));
    if (spec->type == RuleType::kExpiration) {
      PIM_RETURN_IF_ERROR(CheckExceptionMembers(*rule, spec->id));
    }
    PIM_RETURN_IF_ERROR(ApplyRuleJson(*rule, spec->id, policy));
  }
  return absl::OkStatus();
}

}  // namespace pim::api::arm
