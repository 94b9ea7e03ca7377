// ARM roleManagementPolicies / roleManagementPolicyAssignments: list and get at a scope, the
// documented partial PATCH (only the rules sent change; the answer carries all 17), the engine
// enforcing the result, and malformed or unauthorised writes that change nothing.
#include <string>
#include <string_view>
#include <vector>

#include "arm_test_base.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"

namespace pim::testing {
namespace {

namespace json = boost::json;

class ArmPolicyRoutesTest : public ArmTest {
 protected:
  // The Contributor policy at `scope`, found through the documented $filter.
  json::value ContributorPolicy(std::string_view scope = kSub) {
    const auto r =
        Get(User(owner_),
            Url(scope, "roleManagementPolicies",
                Cat("$filter=roleDefinitionId%20eq%20'", RoleId(scope, role::kContributor), "'")));
    EXPECT_EQ(r.status, 200) << r.body;
    const json::value v = Json(r);
    EXPECT_EQ(v.at("value").as_array().size(), 1u) << r.body;
    return v.at("value").at(0);
  }
  std::string ContributorPolicyName(std::string_view scope = kSub) {
    return std::string(ContributorPolicy(scope).at("name").as_string());
  }
  // The name of `role`'s policy at the subscription, as its owner lists it.
  std::string PolicyNameOf(std::string_view role) {
    const auto r =
        Get(User(owner_), Url(kSub, "roleManagementPolicies",
                              Cat("$filter=roleDefinitionId%20eq%20'", RoleId(kSub, role), "'")));
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(Json(r).at("value").at(0).at("name").as_string());
  }
  api::HttpResponse PatchPolicy(const Caller& caller, const std::string& name,
                                const std::string& body) {
    return Call(*arm_, caller, "PATCH", Url(kSub, Cat("roleManagementPolicies/", name)), body);
  }
  static json::value Rule(const json::value& policy, std::string_view id) {
    for (const auto& r : policy.at("properties").at("rules").as_array()) {
      if (r.at("id") == J(std::string(id))) return r;
    }
    ADD_FAILURE() << "no rule " << id;
    return nullptr;
  }
};

TEST_F(ArmPolicyRoutesTest, ListsOnePolicyPerResourceRole) {
  const auto r = Get(User(owner_), Url(kSub, "roleManagementPolicies"));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value v = Json(r);
  EXPECT_TRUE(v.at("nextLink").is_null());
  const json::array& value = v.at("value").as_array();
  EXPECT_GE(value.size(), 4u);  // Owner, Contributor, Reader, User Access Administrator
  for (const auto& p : value) {
    EXPECT_EQ(p.at("type"), "Microsoft.Authorization/RoleManagementPolicies");
    const std::string name(p.at("name").as_string());
    EXPECT_TRUE(IsGuid(name)) << name;
    EXPECT_EQ(p.at("id"), J(Cat(kSub, kAuth, "/roleManagementPolicies/", name)));
    EXPECT_EQ(p.at("properties").at("scope"), kSub);
    EXPECT_EQ(p.at("properties").at("rules").as_array().size(), 17u);
    EXPECT_EQ(p.at("properties").at("effectiveRules"), p.at("properties").at("rules"));
    EXPECT_EQ(p.at("properties").at("policyProperties").at("scope").at("type"), "subscription");
  }
}

TEST_F(ArmPolicyRoutesTest, DefaultRulesInArmShape) {
  const json::value policy = ContributorPolicy();
  EXPECT_EQ(Rule(policy, "Expiration_Admin_Assignment"), json::parse(R"({
    "isExpirationRequired": false, "maximumDuration": "P180D",
    "id": "Expiration_Admin_Assignment", "ruleType": "RoleManagementPolicyExpirationRule",
    "target": {"caller": "Admin", "operations": ["All"], "level": "Assignment",
               "targetObjects": null, "inheritableSettings": null, "enforcedSettings": null}})"));
  EXPECT_EQ(Rule(policy, "Approval_EndUser_Assignment").at("setting"), json::parse(R"({
    "isApprovalRequired": false, "isApprovalRequiredForExtension": false,
    "isRequestorJustificationRequired": true, "approvalMode": "SingleStage",
    "approvalStages": [{"approvalStageTimeOutInDays": 1, "isApproverJustificationRequired": true,
      "escalationTimeInMinutes": 0, "isEscalationEnabled": false, "primaryApprovers": [],
      "escalationApprovers": []}]})"));
  EXPECT_EQ(Rule(policy, "Notification_Requestor_EndUser_Assignment").at("ruleType"),
            "RoleManagementPolicyNotificationRule");
  EXPECT_EQ(Rule(policy, "Enablement_EndUser_Assignment").at("enabledRules"),
            json::parse(R"(["MultiFactorAuthentication", "Justification"])"));
}

TEST_F(ArmPolicyRoutesTest, PolicyNamesAreStablePerScopeAndRole) {
  const std::string at_sub = ContributorPolicyName(kSub);
  EXPECT_EQ(ContributorPolicyName(kSub), at_sub);
  EXPECT_NE(ContributorPolicyName(kRg), at_sub);
  const auto r = Get(User(owner_), Url(kSub, "roleManagementPolicies/" + at_sub));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), ContributorPolicy());
  const auto missing = Get(User(owner_), Url(kSub, "roleManagementPolicies/" + NewId()));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing), "RoleManagementPolicyNotFound");
}

TEST_F(ArmPolicyRoutesTest, PartialPatchChangesOnlyTheRulesSentAndIsEnforced) {
  const std::string name = ContributorPolicyName();
  const auto r = PatchPolicy(User(owner_), name,
                             Cat(R"({"properties": {"rules": [
    {"id": "Expiration_EndUser_Assignment", "ruleType": "RoleManagementPolicyExpirationRule",
     "isExpirationRequired": true, "maximumDuration": "PT2H",
     "target": {"caller": "EndUser", "operations": ["All"], "level": "Assignment",
                "targetObjects": null, "inheritableSettings": null, "enforcedSettings": null}},
    {"id": "Approval_EndUser_Assignment", "ruleType": "RoleManagementPolicyApprovalRule",
     "setting": {"isApprovalRequired": true, "isApprovalRequiredForExtension": false,
       "isRequestorJustificationRequired": true, "approvalMode": "SingleStage",
       "approvalStages": [{"approvalStageTimeOutInDays": 1, "isApproverJustificationRequired": true,
         "escalationTimeInMinutes": 0, "isEscalationEnabled": false, "escalationApprovers": null,
         "primaryApprovers": [{"id": ")",
                                 owner_.str(), R"(", "description": "Olga",
           "isBackup": false, "userType": "User"}]}]},
     "target": {"caller": "EndUser", "operations": ["All"], "level": "Assignment",
                "targetObjects": null, "inheritableSettings": null, "enforcedSettings": null}}
  ]}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value policy = Json(r);
  EXPECT_EQ(policy.at("name"), J(name));
  EXPECT_EQ(policy.at("properties").at("rules").as_array().size(), 17u);
  EXPECT_EQ(Rule(policy, "Expiration_EndUser_Assignment").at("maximumDuration"), "PT2H");
  EXPECT_EQ(
      Rule(policy, "Approval_EndUser_Assignment")
          .at("setting")
          .at("approvalStages")
          .at(0)
          .at("primaryApprovers"),
      json::parse(Cat(R"([{"id": ")", owner_.str(),
                      R"(", "description": "Olga", "isBackup": false, "userType": "User"}])")));
  // Rules not sent keep their values.
  EXPECT_EQ(Rule(policy, "Expiration_Admin_Assignment").at("maximumDuration"), "P180D");
  EXPECT_EQ(Rule(policy, "Enablement_EndUser_Assignment"),
            Rule(ContributorPolicy(kRg), "Enablement_EndUser_Assignment"));
  EXPECT_EQ(policy.at("properties").at("lastModifiedBy").at("id"), J(owner_.str()));
  EXPECT_EQ(policy.at("properties").at("lastModifiedBy").at("type"), "User");
  // The same answer on a later GET.
  EXPECT_EQ(ContributorPolicy(), policy);

  // The engine enforces the new policy.
  EligibleOverArm(dana_);
  EXPECT_ERROR(Activate(dana_, Contributor(), absl::Hours(3)), absl::StatusCode::kInvalidArgument,
               code::kPolicyValidationFailed);
  const auto request = Activate(dana_, Contributor(), absl::Hours(1));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->status, RequestStatus::kPendingApproval);
}

TEST_F(ArmPolicyRoutesTest, MalformedPatchesAreRejectedAndChangeNothing) {
  const std::string name = ContributorPolicyName();
  const std::string exp =
      R"("id": "Expiration_EndUser_Assignment", "ruleType": "RoleManagementPolicyExpirationRule")";
  const std::pair<std::string, std::string> cases[] = {
      {"not json", "{"},
      {"no properties", R"({"rules": []})"},
      {"rules not an array", R"({"properties": {"rules": {}}})"},
      {"rule without id", R"({"properties": {"rules": [{"maximumDuration": "PT2H"}]}})"},
      {"unknown rule id", R"({"properties": {"rules": [{"id": "Expiration_Robot",
          "ruleType": "RoleManagementPolicyExpirationRule"}]}})"},
      {"no ruleType",
       R"({"properties": {"rules": [{"id": "Expiration_EndUser_Assignment", "maximumDuration": "PT2H"}]}})"},
      {"wrong ruleType", R"({"properties": {"rules": [{"id": "Expiration_EndUser_Assignment",
          "ruleType": "RoleManagementPolicyEnablementRule", "enabledRules": []}]}})"},
      {"bad duration",
       Cat(R"({"properties": {"rules": [{)", exp, R"(, "maximumDuration": "8h"}]}})")},
      {"bad boolean",
       Cat(R"({"properties": {"rules": [{)", exp, R"(, "isExpirationRequired": 1}]}})")},
      {"bad userType", R"({"properties": {"rules": [{"id": "Approval_EndUser_Assignment",
          "ruleType": "RoleManagementPolicyApprovalRule", "setting": {"approvalStages": [
          {"primaryApprovers": [{"id": "x", "userType": "Robot"}]}]}}]}})"},
      {"bad approval mode", R"({"properties": {"rules": [{"id": "Approval_EndUser_Assignment",
          "ruleType": "RoleManagementPolicyApprovalRule", "setting": {"approvalMode": "Maybe"}}]}})"},
      {"bad level",
       Cat(R"({"properties": {"rules": [{)", exp, R"(, "target": {"level": "Eligibility"}}]}})")},
      // The second rule is bad: the first must not be applied either.
      {"second rule bad", Cat(R"({"properties": {"rules": [{)", exp,
                              R"(, "maximumDuration": "PT2H"}, {"id": "Nope"}]}})")},
  };
  const Policy before = engine_->EffectivePolicy(Contributor());
  for (const auto& [what, body] : cases) {
    const auto r = PatchPolicy(User(owner_), name, body);
    EXPECT_EQ(r.status, 400) << what << ": " << r.body;
    EXPECT_EQ(ErrorCode(r), "BadRequest") << what << ": " << r.body;
  }
  const auto invalid = PatchPolicy(
      User(owner_), name,
      Cat(R"({"properties": {"rules": [{)", exp, R"(, "maximumDuration": "PT10M"}]}})"));
  EXPECT_EQ(invalid.status, 400) << invalid.body;
  EXPECT_EQ(ErrorCode(invalid), "InvalidRoleManagementPolicy");
  EXPECT_EQ(engine_->EffectivePolicy(Contributor()), before);
}

// A policy is read by those who manage the role or hold a role at or above the scope (Azure's
// `*/read`), and by those eligible for it, who need its rules to activate; nobody else.
TEST_F(ArmPolicyRoutesTest, OnlyReadersAndEligiblePrincipalsMayReadAPolicy) {
  const std::string name = ContributorPolicyName();
  const std::string assignment = Cat(name, "_", role::kContributor);
  const auto names = [](const api::HttpResponse& r) {
    std::vector<std::string> out;
    const json::value v = Json(r);
    for (const auto& p : v.at("value").as_array()) {
      out.emplace_back(p.at("name").as_string());
    }
    return out;
  };

  // Dana holds nothing: every read is refused, and lists leave every role out.
  auto r = Get(User(dana_), Url(kSub, "roleManagementPolicies/" + name));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("AuthorizationFailed"), std::string::npos) << r.body;
  r = Get(User(dana_), Url(kSub, "roleManagementPolicyAssignments/" + assignment));
  EXPECT_EQ(r.status, 403) << r.body;
  r = Get(User(dana_), Url(kSub, "roleManagementPolicies"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(names(r).empty()) << r.body;
  r = Get(User(dana_), Url(kSub, "roleManagementPolicyAssignments"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(names(r).empty()) << r.body;

  // Eligible for Contributor at the subscription: that policy, at that scope and below, and only
  // that one.
  EligibleOverArm(dana_);
  r = Get(User(dana_), Url(kSub, "roleManagementPolicies/" + name));
  EXPECT_EQ(r.status, 200) << r.body;
  r = Get(User(dana_), Url(kSub, "roleManagementPolicyAssignments/" + assignment));
  EXPECT_EQ(r.status, 200) << r.body;
  r = Get(User(dana_), Url(kSub, "roleManagementPolicies"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(names(r), std::vector<std::string>{name});
  r = Get(User(dana_), Url(kRg, "roleManagementPolicies"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(names(r).size(), 1u) << r.body;
  r = Get(User(dana_), Url(kSub, "roleManagementPolicies/" + PolicyNameOf(role::kReader)));
  EXPECT_EQ(r.status, 403) << r.body;

  // An active Reader at the subscription reads every policy there.
  const PrincipalId reader = AddUser("Rita Reader");
  ASSERT_TRUE(MakeActive(reader, ResourceRoleTarget(role::kReader, kSub)).ok());
  r = Get(User(reader), Url(kSub, "roleManagementPolicies"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(names(r).size(), 4u) << r.body;
}

TEST_F(ArmPolicyRoutesTest, OnlyOwnersMayPatch) {
  const Policy before = engine_->EffectivePolicy(Contributor());
  const auto r = PatchPolicy(User(dana_), ContributorPolicyName(), R"({"properties": {"rules": [
    {"id": "Expiration_EndUser_Assignment", "ruleType": "RoleManagementPolicyExpirationRule",
     "maximumDuration": "PT2H"}]}})");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(engine_->EffectivePolicy(Contributor()), before);
  const auto del =
      Call(*arm_, User(owner_), "DELETE", Url(kSub, "roleManagementPolicies/" + NewId()));
  EXPECT_EQ(del.status, 204);
}

// RoleManagementPolicies_Delete: the role's own settings at this scope are dropped, and what
// governs it is again what would without them. Only an Owner (or User Access Administrator)
// may.
TEST_F(ArmPolicyRoutesTest, DeleteResetsThePolicyToWhatGovernsItWithoutOne) {
  const Policy defaults = engine_->EffectivePolicy(Contributor());
  const std::string name = ContributorPolicyName();
  auto r = PatchPolicy(User(owner_), name, R"({"properties": {"rules": [
    {"id": "Expiration_EndUser_Assignment", "ruleType": "RoleManagementPolicyExpirationRule",
     "maximumDuration": "PT2H"}]}})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(engine_->EffectivePolicy(Contributor()).activation_expiration.maximum_duration,
            absl::Hours(2));
  const std::string url = Url(kSub, "roleManagementPolicies/" + name);
  r = Call(*arm_, User(dana_), "DELETE", url);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(engine_->EffectivePolicy(Contributor()).activation_expiration.maximum_duration,
            absl::Hours(2));
  r = Call(*arm_, User(owner_), "DELETE", url);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.body.empty()) << r.body;
  EXPECT_EQ(engine_->EffectivePolicy(Contributor()).activation_expiration,
            defaults.activation_expiration);
  // Recorded as a change of the role's settings (the audit's "Update role setting in PIM").
  const auto log = store_->ReadChanges(engine_->revision() - 1, 1);
  ASSERT_TRUE(log.ok() && log->size() == 1u);
  EXPECT_EQ(log->front().event, "policy.updated");
  r = Get(User(owner_), url);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.body, ::testing::HasSubstr(R"("maximumDuration":"PT8H")"));
  // Nothing stored any more: deleting again changes nothing and still answers 200.
  const Revision before = engine_->revision();
  r = Call(*arm_, User(owner_), "DELETE", url);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(engine_->revision(), before);
}

TEST_F(ArmPolicyRoutesTest, PolicyAssignments) {
  const std::string policy = ContributorPolicyName();
  const std::string name = Cat(policy, "_", role::kContributor);
  auto r = Get(User(owner_), Url(kSub, "roleManagementPolicyAssignments"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(Json(r).at("value").as_array().size(), 4u);

  r = Get(User(owner_), Url(kSub, "roleManagementPolicyAssignments/" + name));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value a = Json(r);
  EXPECT_EQ(a.at("name"), J(name));
  EXPECT_EQ(a.at("type"), "Microsoft.Authorization/RoleManagementPolicyAssignment");
  EXPECT_EQ(a.at("properties").at("policyId"),
            J(Cat(kSub, kAuth, "/roleManagementPolicies/", policy)));
  EXPECT_EQ(a.at("properties").at("roleDefinitionId"), J(RoleId(kSub, role::kContributor)));
  EXPECT_EQ(a.at("properties").at("effectiveRules").as_array().size(), 17u);
  EXPECT_EQ(a.at("properties").at("policyAssignmentProperties").at("roleDefinition").at("type"),
            "BuiltInRole");

  const std::string body = Cat(R"({"properties": {"scope": ")", kSub, R"(", "roleDefinitionId": ")",
                               RoleId(kSub, role::kContributor), R"(", "policyId": ")",
                               Cat(kSub, kAuth, "/roleManagementPolicies/", policy), R"("}})");
  r = Put(User(owner_), kSub, "roleManagementPolicyAssignments", name, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r), a);
  // Pointing the role at another policy is not possible.
  r = Put(User(owner_), kSub, "roleManagementPolicyAssignments", name,
          Cat(R"({"properties": {"policyId": ")", Cat(kSub, kAuth, "/roleManagementPolicies/"),
              NewId(), R"("}})"));
  EXPECT_EQ(r.status, 400) << r.body;
  r = Put(User(dana_), kSub, "roleManagementPolicyAssignments", name, body);
  EXPECT_EQ(r.status, 403) << r.body;

  r = Call(*arm_, User(owner_), "DELETE", Url(kSub, "roleManagementPolicyAssignments/" + name));
  EXPECT_EQ(r.status, 200);
  r = Call(*arm_, User(owner_), "DELETE",
           Url(kSub, Cat("roleManagementPolicyAssignments/", NewId(), "_", role::kContributor)));
  EXPECT_EQ(r.status, 204);
  r = Get(User(owner_),
          Url(kSub, Cat("roleManagementPolicyAssignments/", NewId(), "_", role::kContributor)));
  EXPECT_EQ(r.status, 404);
}

TEST_F(ArmPolicyRoutesTest, FilterOtherThanRoleIsRejected) {
  auto r = Get(User(owner_), Url(kSub, "roleManagementPolicies", "$filter=asTarget()"));
  EXPECT_EQ(r.status, 400) << r.body;
  r = Get(User(owner_),
          Url(kSub, "roleManagementPolicies", "$filter=roleDefinitionId%20eq%20'nonsense'"));
  EXPECT_EQ(r.status, 400) << r.body;
  r = Get(User(owner_),
          Url("/subscriptions/99999999-0000-4000-8000-000000000000", "roleManagementPolicies"));
  EXPECT_NE(r.status, 200);
}

}  // namespace
}  // namespace pim::testing
