// JSON mapping for Graph approvals of schedule requests (reference 1.6): the `approval`
// entity with its `stages` (v1.0, approvalStage) or `steps` (beta, approvalStep), and the
// PATCH body an approver sends. An approval's id is its request's id; the first stage's id is
// that id too (observed: single stage), later stages are "{id}-{n}" (n from 2).
// Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "pim/domain/schedule_request.h"

namespace pim::api::graph {

// The stage ids of `request`'s approval, in order (empty when it has none).
[[nodiscard]] std::vector<std::string> StageIds(const ScheduleRequest& request);

// One stage: id, displayName, reviewedDateTime, reviewResult (NotReviewed / Approve / Deny),
// status, assignedToMe, justification, reviewedBy. `assigned_to_me`: whether the caller may
// decide this stage now (Visibility::StagesToDecide), reported only while it is in progress.
[[nodiscard]] boost::json::object ApprovalStageToJson(const ScheduleRequest& request,
                                                      std::size_t index, bool assigned_to_me);
// Every stage; `assigned`: per stage, as StagesToDecide gives it.
[[nodiscard]] boost::json::array ApprovalStagesToJson(const ScheduleRequest& request,
                                                      const std::vector<bool>& assigned);
// {"id", "<stages_key>": [...]}; `stages_key` is "stages" or "steps".
[[nodiscard]] boost::json::object ApprovalToJson(const ScheduleRequest& request,
                                                 std::string_view stages_key,
                                                 const std::vector<bool>& assigned);

struct Review {
  bool approve = false;
  std::string justification;
};
// Parses {"reviewResult": "Approve"|"Deny" (case-insensitive, required), "justification"}.
// Errors: InvalidArgument / BadRequest naming the property.
[[nodiscard]] absl::StatusOr<Review> ParseReviewBody(std::string_view body);

}  // namespace pim::api::graph
