// ARM wire form of approvals (Microsoft.Authorization/roleAssignmentApprovals, api-version
// 2021-01-01-preview, swagger authorization-RoleAssignmentApprovalCalls.json): the approval
// resource with its `stages`, one stage, and the decision body an approver sends.
//
// Ids are the engine's, exactly as the Graph approval routes show them: an approval's id is its
// request's id (the request's `approvalId` on the ARM request routes too); the first stage's id
// is that id as well, later stages are "{id}-{n}" (n from 2). Resource ids are built at the
// scope the client addressed, as in the swagger examples ("/providers/..." at the tenant).
//
// Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "pim/domain/schedule_request.h"
#include "pim/engine/state.h"

namespace pim::api::arm {

inline constexpr std::string_view kApprovalType = "Microsoft.Authorization/roleAssignmentApprovals";
inline constexpr std::string_view kApprovalStageType =
    "Microsoft.Authorization/roleAssignmentApprovals/stages";

// The stage ids of `request`'s approval, in order (empty when it has none).
[[nodiscard]] std::vector<std::string> ApprovalStageIds(const ScheduleRequest& request);

// Stage `index` of `request`'s approval (which must exist) as ARM's RoleAssignmentApprovalStep:
// {id, name, type, properties: {displayName, status, assignedToMe, reviewedBy, reviewedDateTime,
// reviewResult, justification}}. `reviewedBy` is RoleAssignmentApprovalActorIdentity
// {principalId, principalType ("user" / "servicePrincipal"), principalName, userPrincipalName}
// of the latest decision, or null; reviewResult is NotReviewed, Approve or Deny.
// `assigned_to_me`: whether the caller may decide this stage now (Visibility::StagesToDecide),
// reported only while it is in progress.
[[nodiscard]] boost::json::object ArmApprovalStageToJson(const State& state,
                                                         std::string_view canonical_scope,
                                                         const ScheduleRequest& request,
                                                         std::size_t index, bool assigned_to_me);
// The approval as ARM's RoleAssignmentApproval: {id, name, type, properties: {stages: [...]}}.
// `assigned`: per stage, as StagesToDecide gives it.
[[nodiscard]] boost::json::object ArmApprovalToJson(const State& state,
                                                    std::string_view canonical_scope,
                                                    const ScheduleRequest& request,
                                                    const std::vector<bool>& assigned);

struct ArmReview {
  bool approve = false;
  std::string justification;
};
// Parses a PATCH/PUT body of a stage. The swagger declares the body as the stage properties
// themselves ({"reviewResult", "justification"}), while its examples wrap them in
// {"properties": {...}}; both are accepted. reviewResult is required, "Approve" or "Deny"
// (case-insensitive); justification is a string or absent; displayName and the read-only
// stage properties a client may echo are ignored. Errors: InvalidArgument (BadRequest) naming
// the property for anything else.
[[nodiscard]] absl::StatusOr<ArmReview> ParseArmReviewBody(std::string_view body);

}  // namespace pim::api::arm
