#include "api/graph/graph_approval_json.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/graph/graph_wire.h"
#include "pim/domain/status.h"

namespace pim::api::graph {

std::vector<std::string> StageIds(const ScheduleRequest& request) {
  std::vector<std::string> ids;
  if (!request.approval.has_value()) return ids;
  for (std::size_t i = 0; i < request.approval->stages.size(); ++i) {
    ids.push_back(i == 0 ? request.id.str() : absl::StrCat(request.id.str(), "-", i + 1));
  }
  return ids;
}

boost::json::object ApprovalStageToJson(const ScheduleRequest& request, std::size_t index,
                                        bool assigned_to_me) {
  const ApprovalStage& stage = request.approval->stages[index];
  const std::vector<std::string> ids = StageIds(request);
  boost::json::object o;
  o["id"] = ids[index];
  o["displayName"] = nullptr;
  // With N-of-M stages the latest decision is the one that settled (or last moved) the stage.
  const ApprovalDecision* last = stage.decisions.empty() ? nullptr : &stage.decisions.back();
  o["reviewedDateTime"] = last != nullptr ? TimeOrNull(last->at) : boost::json::value(nullptr);
  o["reviewResult"] = last == nullptr ? "NotReviewed" : (last->approved ? "Approve" : "Deny");
  // Graph's stage statuses are InProgress, Initializing, Completed and Expired: a serial stage
  // that has not started yet is Initializing there (ARM keeps NotStarted).
  o["status"] = stage.status == StageStatus::kNotStarted
                    ? std::string("Initializing")
                    : std::string(kStageStatusNames.Name(stage.status));
  o["assignedToMe"] = assigned_to_me && stage.status == StageStatus::kInProgress;
  o["justification"] = last != nullptr ? last->justification : std::string();
  if (last != nullptr) {
    boost::json::object by;
    by["id"] = last->approver.str();
    by["displayName"] = nullptr;
    o["reviewedBy"] = std::move(by);
  } else {
    o["reviewedBy"] = nullptr;
  }
  return o;
}

boost::json::array ApprovalStagesToJson(const ScheduleRequest& request,
                                        const std::vector<bool>& assigned) {
  boost::json::array stages;
  if (!request.approval.has_value()) return stages;
  for (std::size_t i = 0; i < request.approval->stages.size(); ++i) {
    stages.emplace_back(ApprovalStageToJson(request, i, i < assigned.size() && assigned[i]));
  }
  return stages;
}

boost::json::object ApprovalToJson(const ScheduleRequest& request, std::string_view stages_key,
                                   const std::vector<bool>& assigned) {
  boost::json::object o;
  o["id"] = request.id.str();
  o[boost::json::string_view(stages_key.data(), stages_key.size())] =
      ApprovalStagesToJson(request, assigned);
  return o;
}

absl::StatusOr<Review> ParseReviewBody(std::string_view body) {
  PIM_ASSIGN_OR_RETURN(boost::json::object o, ParseObjectBody(body));
  for (const auto& kv : o) {
    const std::string_view key(kv.key().data(), kv.key().size());
    if (IsIgnoredAnnotation(key) || key == "reviewResult" || key == "justification") continue;
    return BadRequest(absl::StrCat("The property '", absl::string_view(key.data(), key.size()),
                                   "' does not exist on this type. Make sure to only use "
                                   "property names that are defined by the type."));
  }
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> result,
                       ReadString(o, "reviewResult", "reviewResult"));
  if (!result.has_value()) return BadRequest("The property 'reviewResult' is required.");
  Review review;
  if (absl::EqualsIgnoreCase(*result, "Approve")) {
    review.approve = true;
  } else if (absl::EqualsIgnoreCase(*result, "Deny")) {
    review.approve = false;
  } else {
    return BadProperty("reviewResult", "expected Approve or Deny");
  }
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> justification,
                       ReadString(o, "justification", "justification"));
  review.justification = justification.value_or("");
  return review;
}

}  // namespace pim::api::graph
