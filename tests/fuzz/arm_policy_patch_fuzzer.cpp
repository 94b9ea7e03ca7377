// The ARM policy PATCH applier on the default policy of a resource role is total: OK or
// BadRequest with a bounded message, never a crash or an exception. When a body is accepted,
// ValidatePolicy answers cleanly (OK or InvalidRoleManagementPolicy), the policy and its
// assignment still render, and the rendered rules, PATCHed back, are accepted and change
// nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/arm/arm_json.h"
#include "api/arm/arm_policy_json.h"
#include "boost/json/serialize.hpp"
#include "fuzz_check.h"
#include "pim/domain/policy.h"
#include "pim/domain/status.h"
#include "pim/engine/state.h"

namespace {

namespace arm = pim::api::arm;

const pim::Target& RoleTarget() {
  static const pim::Target target =
      pim::ResourceRoleTarget("b24988ac-6180-42a0-ab88-20f7382dd24c",
                              "/subscriptions/4f1c2b3a-0000-4000-8000-00000000c001");
  return target;
}

const pim::Policy& Default() {
  static const pim::Policy policy = pim::DefaultPolicy(
      pim::PolicyId(arm::PolicyNameFor(RoleTarget().scope, RoleTarget().object_id)), RoleTarget());
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
  const absl::StatusOr<boost::json::object> body = arm::ParseObjectBody(input);
  if (!body.ok()) {
    CheckBadRequest(body.status(), input);
    return 0;
  }
  pim::Policy policy = Default();
  const absl::Status applied = arm::ApplyArmPolicyPatch(*body, policy);
  if (!applied.ok()) {
    CheckBadRequest(applied, input);
    return 0;
  }
  PIM_FUZZ_CHECK(policy.id == Default().id && policy.target == Default().target, input);

  const absl::Status valid = pim::ValidatePolicy(policy);
  if (!valid.ok()) {
    PIM_FUZZ_CHECK(valid.code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(pim::ErrorCodeOf(valid) == "InvalidRoleManagementPolicy", input);
    PIM_FUZZ_CHECK(!valid.message().empty() && valid.message().size() <= 400, input);
  }

  static const pim::State empty_state;
  const boost::json::array rules = arm::RulesToArmJson(policy);
  PIM_FUZZ_CHECK(rules.size() == 17, input);
  (void)boost::json::serialize(arm::PolicyToArmJson(policy, RoleTarget(), empty_state));
  (void)boost::json::serialize(arm::PolicyAssignmentToArmJson(policy, RoleTarget(), empty_state));

  // What GET returns, sent back, is accepted and a no-op.
  const boost::json::object echo{{"properties", boost::json::object{{"rules", rules}}}};
  pim::Policy copy = policy;
  const absl::Status reapplied = arm::ApplyArmPolicyPatch(echo, copy);
  PIM_FUZZ_CHECK(reapplied.ok(), input);
  PIM_FUZZ_CHECK(arm::RulesToArmJson(copy) == rules, input);
  return 0;
}
