#include "pim/domain/policy.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/status.h"
#include "text_util.h"

namespace pim {
namespace {

// Graph accepts at most two approval stages.
constexpr std::size_t kMaxApprovalStages = 2;

absl::Status Invalid(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kInvalidPolicy, message);
}

ExpirationRule MakeExpirationRule(bool required, absl::Duration maximum) {
  ExpirationRule rule;
  rule.is_expiration_required = required;
  rule.maximum_duration = maximum;
  return rule;
}

// Plausible, not RFC 5322: one '@' with something on each side, no whitespace or control bytes.
bool IsPlausibleEmail(std::string_view address) {
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (const char c : address) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return false;
  }
  return true;
}

// ISO 8601 for messages, negative values included ("-PT1H").
std::string Show(absl::Duration d) {
  return d < absl::ZeroDuration() ? "-" + FormatIsoDuration(-d) : FormatIsoDuration(d);
}

absl::Status CheckExpiration(std::string_view rule_id, const ExpirationRule& rule) {
  if (rule.maximum_duration < absl::ZeroDuration()) {
    return Invalid(absl::StrCat(internal::ToAbsl(rule_id), ": maximumDuration ",
                                Show(rule.maximum_duration), " is negative"));
  }
  if (rule.is_expiration_required && rule.maximum_duration == absl::ZeroDuration()) {
    return Invalid(absl::StrCat(internal::ToAbsl(rule_id),
                                ": maximumDuration must be positive when "
                                "isExpirationRequired is true"));
  }
  return absl::OkStatus();
}

absl::Status CheckApprovers(std::string_view what, std::size_t stage,
                            const std::vector<ApproverRef>& approvers) {
  for (const ApproverRef& approver : approvers) {
    if (approver.id.empty()) {
      return Invalid(absl::StrCat(
          "Approval_EndUser_Assignment: stage ", stage + 1, " has ", internal::ToAbsl(what),
          " of type ", internal::ToAbsl(kApproverKindNames.Name(approver.kind)), " without an id"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckApproval(const Target& target, const ApprovalRule& rule) {
  constexpr char kRule[] = "Approval_EndUser_Assignment";
  if (rule.stages.size() > kMaxApprovalStages) {
    return Invalid(absl::StrCat(kRule, ": ", rule.stages.size(),
                                " approval stages given; at most 2 are supported"));
  }
  if (rule.is_approval_required && rule.stages.empty()) {
    return Invalid(absl::StrCat(kRule, ": approval is required but no approval stage is given"));
  }
  if (rule.is_approval_required && rule.mode == ApprovalMode::kNoApproval) {
    return Invalid(absl::StrCat(kRule, ": approval is required but approvalMode is NoApproval"));
  }
  // Every configured stage runs, so the mode must say how: one stage alone, or two in series or
  // in parallel. (Two stages under SingleStage would otherwise run silently as Serial.)
  if (rule.is_approval_required && rule.mode == ApprovalMode::kSingleStage &&
      rule.stages.size() > 1) {
    return Invalid(absl::StrCat(kRule, ": approvalMode SingleStage takes one approval stage, but ",
                                rule.stages.size(), " are given; use Serial or Parallel"));
  }
  for (std::size_t i = 0; i < rule.stages.size(); ++i) {
    const ApprovalStageSettings& stage = rule.stages[i];
    const auto prefix = absl::StrCat(kRule, ": stage ", i + 1, ": ");
    if (stage.timeout_days < 1) {
      return Invalid(absl::StrCat(prefix, "approvalStageTimeOutInDays is ", stage.timeout_days,
                                  "; it must be at least 1"));
    }
    if (stage.escalation_time_minutes < 0) {
      return Invalid(absl::StrCat(prefix, "escalationTimeInMinutes is ",
                                  stage.escalation_time_minutes, "; it must not be negative"));
    }
    if (stage.is_escalation_enabled) {
      // Escalation hands the stage to more approvers while it can still be decided.
      const std::int64_t timeout_minutes = std::int64_t{stage.timeout_days} * 24 * 60;
      if (stage.escalation_time_minutes < 1 || stage.escalation_time_minutes >= timeout_minutes) {
        return Invalid(absl::StrCat(prefix, "escalationTimeInMinutes is ",
                                    stage.escalation_time_minutes,
                                    "; with escalation enabled it must be at least 1 and less "
                                    "than the stage's timeout (",
                                    timeout_minutes, " minutes)"));
      }
      if (stage.escalation_approvers.empty()) {
        return Invalid(
            absl::StrCat(prefix, "escalation is enabled but no escalation approver is given"));
      }
    }
    PIM_RETURN_IF_ERROR(CheckApprovers("a primary approver", i, stage.primary_approvers));
    PIM_RETURN_IF_ERROR(CheckApprovers("an escalation approver", i, stage.escalation_approvers));
    // Entra routes approval of directory roles to Privileged Role Administrators and Global
    // Administrators when no approver is listed; groups and Azure resources have no default.
    if (rule.is_approval_required && stage.primary_approvers.empty() &&
        target.kind != TargetKind::kDirectoryRole) {
      return Invalid(absl::StrCat(prefix, "approval is required but no approver is given (",
                                  internal::ToAbsl(kTargetKindNames.Name(target.kind)),
                                  " targets have no default approvers)"));
    }
    if (stage.approvals_required < 1) {
      return Invalid(absl::StrCat(prefix, "approvalsRequired is ", stage.approvals_required,
                                  "; it must be at least 1"));
    }
    // N of M can be checked here only when every entry is one user; a group entry stands for
    // its members, counted when a request is submitted.
    const bool only_users =
        std::all_of(stage.primary_approvers.begin(), stage.primary_approvers.end(),
                    [](const ApproverRef& a) { return a.kind == ApproverKind::kUser; });
    if (!stage.primary_approvers.empty() && only_users &&
        static_cast<std::size_t>(stage.approvals_required) > stage.primary_approvers.size()) {
      return Invalid(absl::StrCat(prefix, "approvalsRequired is ", stage.approvals_required,
                                  " but only ", stage.primary_approvers.size(),
                                  " primary approver entries are given"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Policy DefaultPolicy(PolicyId id, Target target) {
  Policy policy;
  policy.id = std::move(id);
  policy.target = std::move(target);

  policy.activation_expiration = MakeExpirationRule(true, absl::Hours(8));
  policy.activation_enablement.multi_factor_authentication = true;
  policy.activation_enablement.justification = true;
  policy.activation_enablement.ticketing = false;

  ApprovalStageSettings stage;
  stage.timeout_days = 1;
  stage.is_approver_justification_required = true;
  stage.escalation_time_minutes = 0;
  stage.is_escalation_enabled = false;
  stage.approvals_required = 1;
  policy.approval.is_approval_required = false;
  policy.approval.is_approval_required_for_extension = false;
  policy.approval.is_requestor_justification_required = true;
  policy.approval.mode = ApprovalMode::kSingleStage;
  policy.approval.stages = {stage};

  policy.authentication_context = AuthenticationContextRule{};
  policy.eligibility_expiration = MakeExpirationRule(false, absl::Hours(24 * 365));
  policy.eligibility_enablement = EnablementRule{};
  policy.assignment_expiration = MakeExpirationRule(false, absl::Hours(24 * 180));
  policy.assignment_enablement = EnablementRule{};
  policy.assignment_enablement.justification = true;

  // Graph's rule order: per event, Admin, Requestor, Approver.
  std::size_t i = 0;
  for (const NotificationEvent event :
       {NotificationEvent::kAdminEligibility, NotificationEvent::kAdminAssignment,
        NotificationEvent::kEndUserAssignment}) {
    for (const NotificationRecipient recipient :
         {NotificationRecipient::kAdmin, NotificationRecipient::kRequestor,
          NotificationRecipient::kApprover}) {
      NotificationRule& rule = policy.notifications[i++];
      rule.event = event;
      rule.recipient = recipient;
      rule.level = NotificationLevel::kAll;
      rule.is_default_recipients_enabled = true;
      rule.recipients.clear();
    }
  }
  return policy;
}

absl::Status ValidatePolicy(const Policy& policy) {
  const absl::Duration activation_max = policy.activation_expiration.maximum_duration;
  if (activation_max < kMinActivationMaximum || activation_max > kMaxActivationMaximum) {
    return Invalid(absl::StrCat("Expiration_EndUser_Assignment: maximumDuration ",
                                Show(activation_max), " is outside [", Show(kMinActivationMaximum),
                                ", ", Show(kMaxActivationMaximum), "]"));
  }
  // Just in time means an activation always ends: its expiration cannot be switched off.
  if (!policy.activation_expiration.is_expiration_required) {
    return Invalid("Expiration_EndUser_Assignment: isExpirationRequired must be true");
  }
  PIM_RETURN_IF_ERROR(CheckApproval(policy.target, policy.approval));
  if (policy.authentication_context.is_enabled &&
      policy.authentication_context.claim_value.empty()) {
    return Invalid(
        "AuthenticationContext_EndUser_Assignment: claimValue is required when it is enabled");
  }
  PIM_RETURN_IF_ERROR(
      CheckExpiration("Expiration_Admin_Eligibility", policy.eligibility_expiration));
  PIM_RETURN_IF_ERROR(CheckExpiration("Expiration_Admin_Assignment", policy.assignment_expiration));
  for (const NotificationRule& rule : policy.notifications) {
    for (const std::string& address : rule.recipients) {
      if (!IsPlausibleEmail(address)) {
        return Invalid(absl::StrCat(
            "Notification_", internal::ToAbsl(kNotificationRecipientNames.Name(rule.recipient)),
            "_", internal::ToAbsl(kNotificationEventNames.Name(rule.event)),
            ": notification recipient ", internal::Quote(address), " is not an e-mail address"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace pim
