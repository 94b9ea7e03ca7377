// Errors: absl::Status carrying a stable machine code (the Graph/ARM `code`) next to the
// canonical status code, plus the two propagation macros used everywhere.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace pim {

// The stable machine codes a client can see. One registry: add new codes here only.
namespace code {
inline constexpr std::string_view kPolicyValidationFailed =
    "RoleAssignmentRequestPolicyValidationFailed";
inline constexpr std::string_view kAcrsValidationFailed =
    "RoleAssignmentRequestAcrsValidationFailed";
inline constexpr std::string_view kActiveDurationTooShort = "ActiveDurationTooShort";
inline constexpr std::string_view kRoleAssignmentExists = "RoleAssignmentExists";
inline constexpr std::string_view kRoleAssignmentDoesNotExist = "RoleAssignmentDoesNotExist";
inline constexpr std::string_view kPendingRequestExists = "PendingRoleAssignmentRequest";
inline constexpr std::string_view kRequestExists = "RoleAssignmentRequestExists";
inline constexpr std::string_view kRequestNotFound = "RoleAssignmentRequestNotFound";
inline constexpr std::string_view kRequestNotCancelable = "RoleAssignmentRequestNotCancelable";
inline constexpr std::string_view kRoleNotFound = "RoleNotFound";
inline constexpr std::string_view kSubjectNotFound = "SubjectNotFound";
inline constexpr std::string_view kScopeNotFound = "ScopeNotFound";
inline constexpr std::string_view kPolicyNotFound = "RoleManagementPolicyNotFound";
inline constexpr std::string_view kInvalidPolicy = "InvalidRoleManagementPolicy";
inline constexpr std::string_view kBadRequest = "BadRequest";
inline constexpr std::string_view kAuthorizationFailed = "AuthorizationFailed";
inline constexpr std::string_view kLastAdministrator = "LastGlobalOrPrivilegedRoleAdministrator";
inline constexpr std::string_view kLastGroupOwner = "LastGroupOwner";
inline constexpr std::string_view kExtendWindow = "RoleAssignmentNotInExtensionWindow";
inline constexpr std::string_view kRenewWindow = "RoleAssignmentNotInRenewalWindow";
inline constexpr std::string_view kNoApprovers = "NoApproversAvailable";
inline constexpr std::string_view kApprovalNotFound = "ApprovalNotFound";
inline constexpr std::string_view kApprovalAlreadyDecided = "ApprovalStageAlreadyDecided";
inline constexpr std::string_view kNotAnApprover = "NotAnApprover";
inline constexpr std::string_view kObjectExists = "ObjectAlreadyExists";
inline constexpr std::string_view kObjectNotFound = "ObjectNotFound";
inline constexpr std::string_view kInternal = "InternalServerError";
inline constexpr std::string_view kUnavailable = "ServiceUnavailable";
inline constexpr std::string_view kMissingApiVersion = "MissingApiVersionParameter";
inline constexpr std::string_view kInvalidApiVersion = "InvalidApiVersionParameter";
}  // namespace code

// Builds a status with `canonical` code, machine `code` and a message for people (no secrets).
[[nodiscard]] absl::Status Error(absl::StatusCode canonical, std::string_view code,
                                 std::string_view message);

// The machine code attached by Error(), or a generic one derived from the canonical code.
[[nodiscard]] std::string ErrorCodeOf(const absl::Status& status);

}  // namespace pim

#define PIM_STATUS_CONCAT_INNER_(a, b) a##b
#define PIM_STATUS_CONCAT_(a, b) PIM_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define PIM_RETURN_IF_ERROR(expr)                       \
  do {                                                  \
    if (auto _pim_status = (expr); !_pim_status.ok()) { \
      return _pim_status;                               \
    }                                                   \
  } while (false)

// `lhs = value of rexpr`, or returns its status from the enclosing function.
#define PIM_ASSIGN_OR_RETURN(lhs, rexpr) \
  PIM_ASSIGN_OR_RETURN_IMPL_(PIM_STATUS_CONCAT_(_pim_statusor_, __LINE__), lhs, rexpr)
// NOLINTBEGIN(bugprone-macro-parentheses): `statusor` is a name and `lhs` a declaration.
#define PIM_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)   \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
// NOLINTEND(bugprone-macro-parentheses)
