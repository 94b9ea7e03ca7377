// The Graph policy PATCH appliers (one rule, or a whole policy's `rules`) on the default policy
// are total: OK or BadRequest with a bounded message, never a crash or an exception. When a
// body is accepted, ValidatePolicy answers cleanly (OK or InvalidRoleManagementPolicy), the
// policy still renders, a single-rule PATCH changed no other rule, and every rendered rule,
// PATCHed back, is accepted and changes nothing.
//
// Input: the rule id (or "policy" for the policy PATCH) on the first line, then the JSON body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/graph/graph_policy_json.h"
#include "api/graph/graph_wire.h"
#include "boost/json/serialize.hpp"
#include "fuzz_check.h"
#include "pim/domain/policy.h"
#include "pim/domain/status.h"

namespace {

namespace graph = pim::api::graph;

const pim::Policy& Default() {
  static const pim::Policy policy =
      pim::DefaultPolicy(pim::PolicyId("DirectoryRole_00000000-0000-4000-8000-000000000000_"
                                       "62e90394-69f5-4237-9190-012177145e10"),
                         pim::DirectoryRoleTarget("62e90394-69f5-4237-9190-012177145e10", "/"));
  return policy;
}

void CheckBadRequest(const absl::Status& status, std::string_view input) {
  PIM_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, input);
  PIM_FUZZ_CHECK(pim::ErrorCodeOf(status) == "BadRequest", input);
  PIM_FUZZ_CHECK(!status.message().empty() && status.message().size() <= 600, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view rule_id = input.substr(0, newline);
  const std::string_view text = input.substr(newline + 1);

  const absl::StatusOr<boost::json::object> body = graph::ParseObjectBody(text);
  if (!body.ok()) {
    CheckBadRequest(body.status(), input);
    return 0;
  }
  pim::Policy policy = Default();
  const bool whole_policy = rule_id == "policy";
  const std::optional<std::string_view> canonical = graph::CanonicalRuleId(rule_id);
  const absl::Status applied = whole_policy ? graph::ApplyPolicyJson(*body, policy)
                                            : graph::ApplyRuleJson(*body, rule_id, policy);
  if (!applied.ok()) {
    CheckBadRequest(applied, input);
    return 0;
  }
  PIM_FUZZ_CHECK(whole_policy || canonical.has_value(), input);
  PIM_FUZZ_CHECK(policy.id == Default().id && policy.target == Default().target, input);

  const absl::Status valid = pim::ValidatePolicy(policy);
  if (!valid.ok()) {
    PIM_FUZZ_CHECK(valid.code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(pim::ErrorCodeOf(valid) == "InvalidRoleManagementPolicy", input);
    PIM_FUZZ_CHECK(!valid.message().empty() && valid.message().size() <= 400, input);
  }

  const boost::json::array rules = graph::RulesToJson(policy);
  PIM_FUZZ_CHECK(rules.size() == graph::PolicyRuleIds().size(), input);
  (void)boost::json::serialize(graph::PolicyToJson(policy, "DirectoryRole", ""));
  (void)boost::json::serialize(graph::PolicyAssignmentToJson(policy, "DirectoryRole"));

  const boost::json::array defaults = graph::RulesToJson(Default());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::string_view id = graph::PolicyRuleIds()[i];
    if (!whole_policy && id != *canonical) {
      PIM_FUZZ_CHECK(rules[i] == defaults[i], input);
    }
    // What GET returns, sent back, is accepted and a no-op.
    pim::Policy copy = policy;
    const absl::Status reapplied = graph::ApplyRuleJson(rules[i].as_object(), id, copy);
    PIM_FUZZ_CHECK(reapplied.ok(), input);
    PIM_FUZZ_CHECK(graph::RuleToJson(copy, id) == rules[i], input);
  }
  return 0;
}
