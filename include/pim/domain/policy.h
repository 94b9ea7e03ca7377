// Role management policies ("role settings"): one per group × member|owner, per directory role,
// and per resource role at a scope (the nearest registered ancestor's policy applies below it).
// The 17 Graph rules are held as named fields; the API layer maps rule ids to them.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "pim/domain/enum_table.h"
#include "pim/domain/ids.h"
#include "pim/domain/target.h"

namespace pim {

// Who may approve. kUser and kGroupMembers come from policies (`singleUser`, `groupMembers`);
// the others are resolved by the engine for built-in routing (extend/renew, default approvers):
// kDirectoryRoleHolders = active holders of directory role `id` at "/";
// kResourceRoleHoldersAtTarget = active holders of resource role `id` at or above the scope of
// the request being approved.
enum class ApproverKind {
  kUser,
  kGroupMembers,
  kGroupOwners,
  kDirectoryRoleHolders,
  kResourceRoleHoldersAtTarget
};
inline constexpr auto kApproverKindNames = MakeEnumTable<ApproverKind>(
    std::pair{ApproverKind::kUser, std::string_view("singleUser")},
    std::pair{ApproverKind::kGroupMembers, std::string_view("groupMembers")},
    std::pair{ApproverKind::kGroupOwners, std::string_view("groupOwners")},
    std::pair{ApproverKind::kDirectoryRoleHolders, std::string_view("directoryRoleHolders")},
    std::pair{ApproverKind::kResourceRoleHoldersAtTarget,
              std::string_view("resourceRoleHoldersAtTarget")});

struct ApproverRef {
  ApproverKind kind = ApproverKind::kUser;
  std::string id;  // user id, group id, or role definition id
  std::string description;
  friend bool operator==(const ApproverRef&, const ApproverRef&) = default;
};

struct ApprovalStageSettings {
  int timeout_days = 1;  // approvalStageTimeOutInDays; the request times out after this
  bool is_approver_justification_required = true;
  int escalation_time_minutes = 0;
  bool is_escalation_enabled = false;
  std::vector<ApproverRef> primary_approvers;
  std::vector<ApproverRef> escalation_approvers;
  int approvals_required = 1;  // pim extension: N of M; Entra's behaviour is 1
  friend bool operator==(const ApprovalStageSettings&, const ApprovalStageSettings&) = default;
};

enum class ApprovalMode { kSingleStage, kSerial, kParallel, kNoApproval };
inline constexpr auto kApprovalModeNames = MakeEnumTable<ApprovalMode>(
    std::pair{ApprovalMode::kSingleStage, std::string_view("SingleStage")},
    std::pair{ApprovalMode::kSerial, std::string_view("Serial")},
    std::pair{ApprovalMode::kParallel, std::string_view("Parallel")},
    std::pair{ApprovalMode::kNoApproval, std::string_view("NoApproval")});

struct ApprovalRule {
  bool is_approval_required = false;
  bool is_approval_required_for_extension = false;
  bool is_requestor_justification_required = true;
  ApprovalMode mode = ApprovalMode::kSingleStage;
  std::vector<ApprovalStageSettings> stages{ApprovalStageSettings{}};
  friend bool operator==(const ApprovalRule&, const ApprovalRule&) = default;
};

struct ExpirationRule {
  bool is_expiration_required = false;
  absl::Duration maximum_duration = absl::ZeroDuration();
  friend bool operator==(const ExpirationRule&, const ExpirationRule&) = default;
};

struct EnablementRule {
  bool multi_factor_authentication = false;
  bool justification = false;
  bool ticketing = false;
  friend bool operator==(const EnablementRule&, const EnablementRule&) = default;
};

struct AuthenticationContextRule {
  bool is_enabled = false;
  std::string claim_value;  // e.g. "c1"
  friend bool operator==(const AuthenticationContextRule&,
                         const AuthenticationContextRule&) = default;
};

enum class NotificationRecipient { kAdmin, kRequestor, kApprover };
inline constexpr auto kNotificationRecipientNames = MakeEnumTable<NotificationRecipient>(
    std::pair{NotificationRecipient::kAdmin, std::string_view("Admin")},
    std::pair{NotificationRecipient::kRequestor, std::string_view("Requestor")},
    std::pair{NotificationRecipient::kApprover, std::string_view("Approver")});

enum class NotificationLevel { kNone, kCritical, kAll };
inline constexpr auto kNotificationLevelNames = MakeEnumTable<NotificationLevel>(
    std::pair{NotificationLevel::kNone, std::string_view("None")},
    std::pair{NotificationLevel::kCritical, std::string_view("Critical")},
    std::pair{NotificationLevel::kAll, std::string_view("All")});

// Which event a notification rule is about (rule id suffix).
enum class NotificationEvent { kAdminEligibility, kAdminAssignment, kEndUserAssignment };
inline constexpr auto kNotificationEventNames = MakeEnumTable<NotificationEvent>(
    std::pair{NotificationEvent::kAdminEligibility, std::string_view("Admin_Eligibility")},
    std::pair{NotificationEvent::kAdminAssignment, std::string_view("Admin_Assignment")},
    std::pair{NotificationEvent::kEndUserAssignment, std::string_view("EndUser_Assignment")});

struct NotificationRule {
  NotificationEvent event = NotificationEvent::kAdminEligibility;
  NotificationRecipient recipient = NotificationRecipient::kAdmin;
  NotificationLevel level = NotificationLevel::kAll;
  bool is_default_recipients_enabled = true;
  std::vector<std::string> recipients;  // extra e-mail addresses
  friend bool operator==(const NotificationRule&, const NotificationRule&) = default;
};

struct Policy {
  PolicyId id;
  Target target;  // kind, object_id, access; scope "/" for directory roles, ARM scope for resources
  // Activation (EndUser / Assignment).
  ExpirationRule activation_expiration;              // Expiration_EndUser_Assignment
  EnablementRule activation_enablement;              // Enablement_EndUser_Assignment
  ApprovalRule approval;                             // Approval_EndUser_Assignment
  AuthenticationContextRule authentication_context;  // AuthenticationContext_EndUser_Assignment
  // Admin assignment (Admin / Eligibility, Admin / Assignment).
  ExpirationRule eligibility_expiration;          // Expiration_Admin_Eligibility
  EnablementRule eligibility_enablement;          // Enablement_Admin_Eligibility
  ExpirationRule assignment_expiration;           // Expiration_Admin_Assignment
  EnablementRule assignment_enablement;           // Enablement_Admin_Assignment
  std::array<NotificationRule, 9> notifications;  // Notification_{recipient}_{event}
  absl::Time last_modified = absl::UnixEpoch();
  PrincipalId last_modified_by;

  friend bool operator==(const Policy&, const Policy&) = default;
};

// Bounds on the activation maximum duration a policy may set.
inline constexpr absl::Duration kMinActivationMaximum = absl::Minutes(30);
inline constexpr absl::Duration kMaxActivationMaximum = absl::Hours(24);

// The Entra defaults for `target` (directory-role defaults, mirrored for groups and resources):
// activation ≤ 8 h with MFA and justification, no approval (one 24 h stage configured),
// permanent eligibility allowed (1 year offered), permanent active allowed (180 days offered),
// justification on active assignment, all nine notifications on.
[[nodiscard]] Policy DefaultPolicy(PolicyId id, Target target);

// Checks a policy an administrator submits: activation maximum within [30 min, 24 h], other
// maxima positive when expiration is required, 1–2 approval stages, each with approvers when
// approval is required, approvals_required in [1, number of approver entries], timeouts ≥ 1
// day. InvalidArgument (code InvalidRoleManagementPolicy) naming the first violation.
[[nodiscard]] absl::Status ValidatePolicy(const Policy& policy);

}  // namespace pim
