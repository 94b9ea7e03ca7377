#include "api/arm/arm_approval_json.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/arm/arm_json.h"
#include "api/common/json_body.h"
#include "boost/json/array.hpp"
#include "pim/domain/principal.h"
#include "pim/domain/status.h"

namespace pim::api::arm {
namespace {

std::string ApprovalArmId(const State& state, std::string_view canonical_scope,
                          const ScheduleRequest& request) {
  return ArmId(state, canonical_scope, "roleAssignmentApprovals", request.id.str());
}

boost::json::value ActorIdentity(const State& state, const PrincipalId& who) {
  boost::json::object actor{{"principalId", who.str()}};
  const Principal* p = state.FindPrincipal(who.str());
  actor["principalType"] =
      p != nullptr && p->kind == PrincipalKind::kServicePrincipal ? "servicePrincipal" : "user";
  actor["principalName"] = p != nullptr ? StringOrNull(p->display_name) : nullptr;
  actor["userPrincipalName"] = p != nullptr ? StringOrNull(p->mail) : nullptr;
  return actor;
}

}  // namespace

std::vector<std::string> ApprovalStageIds(const ScheduleRequest& request) {
  // The same ids as the Graph surface (graph_approval_json.cpp), so that one approval reads
  // alike on both.
  std::vector<std::string> ids;
  if (!request.approval.has_value()) return ids;
  for (std::size_t i = 0; i < request.approval->stages.size(); ++i) {
    ids.push_back(i == 0 ? request.id.str() : absl::StrCat(request.id.str(), "-", i + 1));
  }
  return ids;
}

boost::json::object ArmApprovalStageToJson(const State& state, std::string_view canonical_scope,
                                           const ScheduleRequest& request, std::size_t index,
                                           bool assigned_to_me) {
  const ApprovalStage& stage = request.approval->stages[index];
  const std::string stage_id = ApprovalStageIds(request)[index];
  // With N-of-M stages the latest decision is the one that settled (or last moved) the stage.
  const ApprovalDecision* last = stage.decisions.empty() ? nullptr : &stage.decisions.back();
  boost::json::object p;
  p["displayName"] = absl::StrCat("Stage ", index + 1);
  p["status"] = std::string(kStageStatusNames.Name(stage.status));
  p["assignedToMe"] = assigned_to_me && stage.status == StageStatus::kInProgress;
  p["reviewedBy"] = last != nullptr ? ActorIdentity(state, last->approver) : nullptr;
  p["reviewedDateTime"] = last != nullptr ? TimeOrNull(last->at) : boost::json::value(nullptr);
  p["reviewResult"] = last == nullptr ? "NotReviewed" : (last->approved ? "Approve" : "Deny");
  p["justification"] = last != nullptr ? last->justification : std::string();
  return boost::json::object{
      {"id", absl::StrCat(ApprovalArmId(state, canonical_scope, request), "/stages/", stage_id)},
      {"name", stage_id},
      {"type", kApprovalStageType},
      {"properties", std::move(p)}};
}

boost::json::object ArmApprovalToJson(const State& state, std::string_view canonical_scope,
                                      const ScheduleRequest& request,
                                      const std::vector<bool>& assigned) {
  boost::json::array stages;
  if (request.approval.has_value()) {
    for (std::size_t i = 0; i < request.approval->stages.size(); ++i) {
      stages.emplace_back(ArmApprovalStageToJson(state, canonical_scope, request, i,
                                                 i < assigned.size() && assigned[i]));
    }
  }
  return boost::json::object{{"id", ApprovalArmId(state, canonical_scope, request)},
                             {"name", request.id.str()},
                             {"type", kApprovalType},
                             {"properties", boost::json::object{{"stages", std::move(stages)}}}};
}

absl::StatusOr<ArmReview> ParseArmReviewBody(std::string_view body) {
  PIM_ASSIGN_OR_RETURN(boost::json::object outer, ParseObjectBody(body));
  const boost::json::object* props = &outer;
  std::string where_prefix;
  if (outer.contains("properties")) {
    PIM_RETURN_IF_ERROR(json_body::CheckKeys(outer, {"id", "name", "type", "properties"}, "body"));
    PIM_ASSIGN_OR_RETURN(props, OptObject(outer, "properties", "properties"));
    if (props == nullptr) return BadProperty("properties", "must be an object.");
    where_prefix = "properties.";
  }
  PIM_RETURN_IF_ERROR(
      json_body::CheckKeys(*props,
                           {"reviewResult", "justification", "displayName", "status",
                            "assignedToMe", "reviewedBy", "reviewedDateTime"},
                           where_prefix.empty() ? "body" : "properties"));
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> result,
                       OptString(*props, "reviewResult", where_prefix + "reviewResult"));
  if (!result.has_value()) {
    return BadProperty(where_prefix + "reviewResult", "is required: Approve or Deny.");
  }
  ArmReview review;
  if (absl::EqualsIgnoreCase(*result, "Approve")) {
    review.approve = true;
  } else if (!absl::EqualsIgnoreCase(*result, "Deny")) {
    return BadProperty(where_prefix + "reviewResult", "must be Approve or Deny.");
  }
  PIM_ASSIGN_OR_RETURN(std::optional<std::string> justification,
                       OptString(*props, "justification", where_prefix + "justification"));
  review.justification = justification.value_or("");
  return review;
}

}  // namespace pim::api::arm
