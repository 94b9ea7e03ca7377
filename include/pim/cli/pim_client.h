// What pimctl asks of pimd, in its own terms: the caller's roles, requests and approvals across
// the three PIM areas (directory roles and PIM for Groups through Graph v1.0, Azure resource
// roles through ARM), and the requests it submits. Which API serves what:
//   directory roles   /v1.0/roleManagement/directory/role{Eligibility,Assignment}Schedules and
//                     roleAssignmentScheduleRequests (filterByCurrentUser), roleAssignmentApprovals
//   groups            /v1.0/identityGovernance/privilegedAccess/group/... and assignmentApprovals
//   Azure resources   /providers/Microsoft.Authorization/role*Schedules?$filter=asTarget() at the
//                     tenant root, roleAssignmentScheduleRequests PUT at the role's scope
//                     (asApprover() lists what to decide), roleAssignmentApprovals
// Thread-compatible; borrows the Session.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/value.hpp"
#include "pim/cli/session.h"

namespace pim::cli {

enum class Area { kDirectoryRole, kGroup, kAzureResource };

// "directoryRole", "group", "azureResource" (the JSON spelling).
[[nodiscard]] const char* AreaName(Area area);

inline constexpr char kArmApiVersion[] = "2020-10-01";
// roleAssignmentApprovals exists only in this preview version.
inline constexpr char kArmApprovalsApiVersion[] = "2021-01-01-preview";

// One eligibility or assignment of the caller.
struct RoleEntry {
  Area area = Area::kDirectoryRole;
  std::string state;            // "eligible", "active" or "scheduled" (active later)
  std::string name;             // role or group display name
  std::string target_id;        // role definition GUID or group id
  std::string access;           // groups: "member" / "owner"
  std::string scope;            // directory scope "/" or ARM scope "/subscriptions/…"
  std::string scope_name;       // ARM scope display name, else ""
  std::string assignment_type;  // active: "Activated" / "Assigned"
  std::string member_type;      // "Direct", "Group", "Inherited"
  std::string schedule_id;
  bool eligibility = false;  // an eligibility schedule (its requests go to role*Eligibility…)
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();  // InfiniteFuture: permanent
};

// One schedule request (activation, deactivation, extension, …).
struct RequestEntry {
  Area area = Area::kDirectoryRole;
  std::string id;
  std::string action;  // "selfActivate", …
  std::string status;  // "PendingApproval", "Provisioned", …
  std::string name;    // role or group display name when known
  std::string target_id;
  std::string access;
  std::string scope;
  std::string principal_id;
  std::string justification;
  std::string approval_id;
  bool eligibility = false;  // a role*EligibilityScheduleRequest (else an assignment request)
  absl::Time created = absl::InfinitePast();
  absl::Time start = absl::InfinitePast();
  std::string expiration;  // "PT2H", an end date-time, or "" when none
};

// What a new request asks for.
struct RequestSpec {
  std::string action;  // selfActivate, selfDeactivate, selfExtend, selfRenew, adminAssign, …
  std::string principal_id;  // whose access; empty: the signed-in user
  bool eligibility = false;  // an eligibility (role*EligibilityScheduleRequests), not access
  bool permanent = false;    // expiration noExpiration
  std::optional<absl::Duration> duration;
  std::optional<absl::Time> start;
  std::optional<absl::Time> until;  // afterDateTime instead of a duration
  std::string justification;
  std::string ticket_system;
  std::string ticket_number;
  std::string mfa_code;  // sent as X-Pim-Mfa-Code when not empty
};

// The RoleEntry / RequestEntry JSON shapes of `--output json` (docs/pimctl.md).
[[nodiscard]] boost::json::object ToJson(const RoleEntry& role);
[[nodiscard]] boost::json::object ToJson(const RequestEntry& request);

// Parsers of the wire entities (exposed for tests). `state` is the RoleEntry state to use
// when the schedule is in force ("eligible" or "active").
[[nodiscard]] RoleEntry RoleFromGraphSchedule(const boost::json::object& o, Area area,
                                              bool eligibility);
[[nodiscard]] RoleEntry RoleFromArmSchedule(const boost::json::object& o, bool eligibility);
[[nodiscard]] RequestEntry RequestFromGraph(const boost::json::object& o, Area area);
[[nodiscard]] RequestEntry RequestFromArm(const boost::json::object& o);

// True for statuses after which a request changes no more.
[[nodiscard]] bool IsFinalStatus(std::string_view status);

class PimClient {
 public:
  explicit PimClient(Session& session) : session_(session) {}

  // The caller's eligible, active and scheduled access in all three areas.
  [[nodiscard]] absl::StatusOr<std::vector<RoleEntry>> Roles();

  // The caller's own requests (as principal), oldest first.
  [[nodiscard]] absl::StatusOr<std::vector<RequestEntry>> Requests();

  // Requests the caller may decide now (PendingApproval), in all three areas.
  [[nodiscard]] absl::StatusOr<std::vector<RequestEntry>> PendingApprovals();

  // Submits `spec` for `target` (an entry from Roles(), or one built for a renewal) and returns
  // the request the server created: to the eligibility request collection of the target's area
  // when `spec.eligibility`, else to the assignment one. Errors: the server's.
  [[nodiscard]] absl::StatusOr<RequestEntry> Submit(const RoleEntry& target,
                                                    const RequestSpec& spec);

  // Reads request `id` of `area` (ARM: `scope` needed), an eligibility request when
  // `eligibility`. Errors: NotFound, the server's.
  [[nodiscard]] absl::StatusOr<RequestEntry> GetRequest(Area area, const std::string& id,
                                                        const std::string& scope, bool eligibility);

  // Finds request `id` among the caller's own requests in every area. Errors: NotFound.
  [[nodiscard]] absl::StatusOr<RequestEntry> FindOwnRequest(const std::string& id);

  // Cancels `request`. Errors: the server's (400 when it can no longer be canceled).
  [[nodiscard]] absl::Status Cancel(const RequestEntry& request);

  // Decides approval `id` (directory role, group or Azure resource role): approve or deny, with
  // a justification, on the stage in progress.
  // Returns the area it belonged to. Errors: NotFound (exit 4) when no approval `id` is visible
  // to the caller; 409 ApprovalStageAlreadyDecided; 403 NotAnApprover; the server's.
  [[nodiscard]] absl::StatusOr<Area> Decide(const std::string& id, bool approve,
                                            const std::string& justification,
                                            const std::string& mfa_code);

  // The object id of a user (id, userPrincipalName, mail or display name) or group (id or
  // display name). Errors: NotFound (exit 4); InvalidArgument when several match.
  [[nodiscard]] absl::StatusOr<std::string> ResolvePrincipal(const std::string& name);

  // Role definitions by display name or id for renewals of expired access (which no longer
  // appears among Roles()): directory role definitions, groups, or ARM roles at `scope`.
  [[nodiscard]] absl::StatusOr<RoleEntry> ResolveDefinition(Area area, const std::string& name,
                                                            const std::string& scope,
                                                            const std::string& access);

 private:
  Session& session_;
};

}  // namespace pim::cli
