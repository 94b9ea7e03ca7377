#include "pim/cli/policy_as_code.h"

#include <gtest/gtest.h>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "unit/cli/cli_test_util.h"

namespace pim::cli {
namespace {

const char* kCurrent = R"({
  "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
  "id": "Approval_EndUser_Assignment",
  "target": {"caller": "EndUser", "operations": ["all"], "level": "Assignment"},
  "setting": {"isApprovalRequired": false, "approvalMode": "SingleStage",
              "approvalStages": [{"approvalStageTimeOutInDays": 1, "primaryApprovers": []}]}})";

TEST(PolicyDiffTest, AnExportedRuleHasNoChanges) {
  EXPECT_TRUE(DiffRule(Obj(kCurrent), Obj(kCurrent)).empty());
}

TEST(PolicyDiffTest, ComparesOnlyWhatTheFileSaysAndIgnoresEnumCasing) {
  const auto changes = DiffRule(Obj(kCurrent), Obj(R"({"id": "Approval_EndUser_Assignment",
      "target": {"operations": ["All"]}, "setting": {"approvalMode": "singlestage"}})"));
  EXPECT_TRUE(changes.empty());
}

TEST(PolicyDiffTest, NamesEachChangedSettingWithItsOldAndNewValue) {
  const auto changes = DiffRule(Obj(kCurrent), Obj(R"({"id": "Approval_EndUser_Assignment",
      "setting": {"isApprovalRequired": true,
                  "approvalStages": [{"approvalStageTimeOutInDays": 1,
                    "primaryApprovers": [{"@odata.type": "#microsoft.graph.singleUser", "userId": "u1"}]}]}})"));
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_EQ(DescribeChange(changes[0]), "setting.isApprovalRequired: false -> true");
  EXPECT_EQ(changes[1].path, "setting.approvalStages");
  EXPECT_EQ(boost::json::serialize(changes[1].from),
            R"([{"approvalStageTimeOutInDays":1,"primaryApprovers":[]}])");
}

TEST(PolicyDiffTest, ASettingTheServerDoesNotHaveIsAChangeFromNull) {
  const auto changes =
      DiffRule(Obj(R"({"id": "x"})"), Obj(R"({"id": "x", "maximumDuration": "PT4H"})"));
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(DescribeChange(changes[0]), R"(maximumDuration: null -> "PT4H")");
}

TEST(PolicyMergeTest, LaysTheFileOverTheCurrentRule) {
  const boost::json::object merged =
      MergeRule(Obj(kCurrent), Obj(R"({"id": "Approval_EndUser_Assignment",
                                     "setting": {"isApprovalRequired": true}})"));
  EXPECT_EQ(merged.at("setting").at("isApprovalRequired"), true);
  EXPECT_EQ(merged.at("setting").at("approvalMode"), "SingleStage");  // kept
  EXPECT_EQ(merged.at("@odata.type"), "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule");
  EXPECT_EQ(merged.at("target").at("level"), "Assignment");
}

TEST(PolicyPlanTest, RendersOneBlockPerPolicyAndOneLinePerSetting) {
  std::vector<RulePlan> plan;
  PolicyTarget ua{"directoryRole", "fe93", "User Administrator", "", ""};
  plan.push_back(RulePlan{ua,
                          "p1",
                          "Expiration_EndUser_Assignment",
                          {SettingChange{"maximumDuration", "PT8H", "PT4H"}},
                          {}});
  plan.push_back(RulePlan{ua,
                          "p1",
                          "Enablement_EndUser_Assignment",
                          {SettingChange{"enabledRules", boost::json::array{"Justification"},
                                         boost::json::array{"Justification", "Ticketing"}}},
                          {}});
  PolicyTarget ops{"group", "g1", "Prod Operators", "member", ""};
  plan.push_back(RulePlan{ops,
                          "p2",
                          "Approval_EndUser_Assignment",
                          {SettingChange{"setting.isApprovalRequired", true, false}},
                          {}});
  EXPECT_EQ(PlanToText(plan),
            "directoryRole User Administrator [policy p1]\n"
            "  Expiration_EndUser_Assignment: maximumDuration: \"PT8H\" -> \"PT4H\"\n"
            "  Enablement_EndUser_Assignment: enabledRules: [\"Justification\"] -> "
            "[\"Justification\",\"Ticketing\"]\n"
            "group Prod Operators (member) [policy p2]\n"
            "  Approval_EndUser_Assignment: setting.isApprovalRequired: true -> false\n");
  const boost::json::object json = PlanToJson(plan, false);
  EXPECT_EQ(json.at("applied"), false);
  EXPECT_EQ(json.at("changes").as_array().size(), 3U);
  EXPECT_EQ(boost::json::serialize(json.at("changes").as_array()[0]),
            R"({"kind":"directoryRole","id":"fe93","name":"User Administrator","access":null,)"
            R"("scope":null,"policyId":"p1","ruleId":"Expiration_EndUser_Assignment",)"
            R"("changes":[{"path":"maximumDuration","from":"PT8H","to":"PT4H"}]})");
}

const char* kArmCurrent = R"({
  "id": "Expiration_EndUser_Assignment", "ruleType": "RoleManagementPolicyExpirationRule",
  "isExpirationRequired": true, "maximumDuration": "PT8H",
  "target": {"caller": "EndUser", "operations": ["All"], "level": "Assignment",
             "targetObjects": null, "inheritableSettings": null, "enforcedSettings": null}})";

TEST(PolicyDiffTest, AnArmRuleIsIdentifiedByRuleTypeWhichIsNotASetting) {
  // A file may name the rule type in either dialect (or not at all): it is not compared.
  EXPECT_TRUE(DiffRule(Obj(kArmCurrent), Obj(R"({"id": "Expiration_EndUser_Assignment",
      "ruleType": "RoleManagementPolicyEnablementRule", "maximumDuration": "pt8h"})"))
                  .empty());
  const auto changes = DiffRule(Obj(kArmCurrent), Obj(R"({"id": "Expiration_EndUser_Assignment",
      "ruleType": "RoleManagementPolicyExpirationRule", "maximumDuration": "PT4H"})"));
  ASSERT_EQ(changes.size(), 1U);
  EXPECT_EQ(DescribeChange(changes[0]), R"(maximumDuration: "PT8H" -> "PT4H")");
  // The merged rule keeps the ARM discriminator and the target as the server sent them.
  const boost::json::object merged =
      MergeRule(Obj(kArmCurrent), Obj(R"({"maximumDuration": "PT4H"})"));
  EXPECT_EQ(merged.at("ruleType"), "RoleManagementPolicyExpirationRule");
  EXPECT_FALSE(merged.contains("@odata.type"));
  EXPECT_EQ(merged.at("maximumDuration"), "PT4H");
}

TEST(PolicyPlanTest, AResourceRolePlanNamesItsScope) {
  const PolicyTarget contributor{"azureResource", "b24988ac", "Contributor", "",
                                 "/subscriptions/0d0d"};
  const std::vector<RulePlan> plan{RulePlan{contributor,
                                            "570c3619",
                                            "Expiration_EndUser_Assignment",
                                            {SettingChange{"maximumDuration", "PT8H", "PT4H"}},
                                            {}}};
  EXPECT_EQ(PlanToText(plan),
            "azureResource Contributor at /subscriptions/0d0d [policy 570c3619]\n"
            "  Expiration_EndUser_Assignment: maximumDuration: \"PT8H\" -> \"PT4H\"\n");
  EXPECT_EQ(
      boost::json::serialize(PlanToJson(plan, true)),
      R"({"changes":[{"kind":"azureResource","id":"b24988ac","name":"Contributor",)"
      R"("access":null,"scope":"/subscriptions/0d0d","policyId":"570c3619",)"
      R"("ruleId":"Expiration_EndUser_Assignment",)"
      R"("changes":[{"path":"maximumDuration","from":"PT8H","to":"PT4H"}]}],"applied":true})");
}

TEST(PolicyShapeTest, RulesAndIdOfGraphAndArmPolicies) {
  const boost::json::object graph = Obj(R"({"id": "p1", "rules": [{"id": "r1"}]})");
  const boost::json::object arm =
      Obj(R"({"id": "/subscriptions/s/providers/Microsoft.Authorization/roleManagementPolicies/g1",
      "name": "g1", "properties": {"rules": [{"id": "r1"}, {"id": "r2"}]}})");
  ASSERT_NE(RulesOf(graph), nullptr);
  EXPECT_EQ(RulesOf(graph)->size(), 1U);
  ASSERT_NE(RulesOf(arm), nullptr);
  EXPECT_EQ(RulesOf(arm)->size(), 2U);
  EXPECT_EQ(RulesOf(Obj(R"({"id": "p"})")), nullptr);
  EXPECT_EQ(PolicyIdOf(graph), "p1");
  EXPECT_EQ(PolicyIdOf(arm), "g1");
}

TEST(PolicyShapeTest, ArmScopesAreThoseOutsideTheDirectory) {
  EXPECT_TRUE(IsArmScope("/subscriptions/0d0d"));
  EXPECT_TRUE(IsArmScope("/providers/Microsoft.Management/managementGroups/mg"));
  EXPECT_FALSE(IsArmScope(""));
  EXPECT_FALSE(IsArmScope("/"));
  EXPECT_FALSE(IsArmScope("/administrativeUnits/au1"));
}

}  // namespace
}  // namespace pim::cli
