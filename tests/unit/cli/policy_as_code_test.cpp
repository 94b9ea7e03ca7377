#include "pim/cli/policy_as_code.h"

#include <gtest/gtest.h>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"

namespace pim::cli {
namespace {

boost::json::object Obj(const char* text) { return boost::json::parse(text).as_object(); }

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
  PolicyTarget ua{"directoryRole", "fe93", "User Administrator", ""};
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
  PolicyTarget ops{"group", "g1", "Prod Operators", "member"};
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
            R"("policyId":"p1","ruleId":"Expiration_EndUser_Assignment",)"
            R"("changes":[{"path":"maximumDuration","from":"PT8H","to":"PT4H"}]})");
}

}  // namespace
}  // namespace pim::cli
