// Graph /policies routes: listing with the required scope filter, the 17 rules with the
// defaults of reference 3.5, rule PATCH round trips (3.6) that the engine then enforces, and
// malformed bodies that change nothing.
#include <memory>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "pim/api/graph/graph_api.h"
#include "unit/api/api_fixture.h"

namespace pim::testing {
namespace {

namespace json = boost::json;

json::value Parse(std::string_view text) { return json::parse(text); }
class GraphPolicyRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    graph_ = std::make_unique<api::GraphApi>(*engine_, api::ApiOptions{});
    admin_ = AddUser("Admin");
    ASSERT_TRUE(MakeActive(admin_, GA()).ok());
    user_ = AddUser("User");
  }

  api::HttpResponse Get(const std::string& target) {
    return Call(*graph_, User(admin_), "GET", "/v1.0" + target);
  }
  api::HttpResponse Patch(const std::string& target, const std::string& body,
                          const std::optional<Caller>& caller = std::nullopt) {
    return Call(*graph_, caller.value_or(User(admin_)), "PATCH", "/v1.0" + target, body);
  }
  std::string HelpdeskPolicy() { return engine_->PolicyIdFor(Helpdesk()).str(); }
  std::string RulePath(const std::string& rule) {
    return "/policies/roleManagementPolicies/" + HelpdeskPolicy() + "/rules/" + rule;
  }
  json::value GetRule(const std::string& rule) {
    const auto r = Get(RulePath(rule));
    EXPECT_EQ(r.status, 200) << r.body;
    json::value v = Json(r);
    if (v.is_object()) v.as_object().erase("@odata.context");
    return v;
  }

  std::unique_ptr<api::GraphApi> graph_;
  PrincipalId admin_;
  PrincipalId user_;
};

TEST_F(GraphPolicyRoutesTest, ListWithoutScopeFilterIsBadRequest) {
  for (const std::string target :
       {"/policies/roleManagementPolicies", "/policies/roleManagementPolicyAssignments",
        "/policies/roleManagementPolicies?$filter=scopeId%20eq%20'/'",
        "/policies/roleManagementPolicies?$filter=scopeId%20eq%20'x'%20and%20scopeType%20eq%20"
        "'DirectoryRole'",
        "/policies/roleManagementPolicies?$filter=scopeId%20eq%20'/'%20and%20scopeType%20eq%20"
        "'Tenant'"}) {
    const auto r = Get(target);
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    EXPECT_EQ(ErrorCode(r), "BadRequest") << target;
  }
}

TEST_F(GraphPolicyRoutesTest, ListsOnePolicyPerDirectoryRole) {
  const auto r =
      Get("/policies/roleManagementPolicies?$filter=scopeId%20eq%20'/'%20and%20scopeType%20eq%20"
          "'DirectoryRole'");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const json::value v = Json(r);
  EXPECT_EQ(v.at("@odata.context"),
            "https://pim.test:8443/v1.0/$metadata#policies/roleManagementPolicies");
  bool found = false;
  for (const auto& p : v.at("value").as_array()) {
    EXPECT_EQ(p.at("scopeId"), "/");
    EXPECT_EQ(p.at("scopeType"), "DirectoryRole");
    EXPECT_FALSE(p.as_object().contains("rules"));
    if (p.at("id") == J(HelpdeskPolicy())) found = true;
  }
  EXPECT_TRUE(found) << r.body;
}

// Reference 3.1/3.2: the list also answers scopeType 'Directory' (so spelled back), and a
// policy id may be written with the "Directory_" prefix.
TEST_F(GraphPolicyRoutesTest, DirectoryIsAnAliasOfDirectoryRole) {
  const auto r =
      Get("/policies/roleManagementPolicies?$filter=scopeId%20eq%20'/'%20and%20scopeType%20eq%20"
          "'Directory'");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value v = Json(r);
  ASSERT_FALSE(v.at("value").as_array().empty()) << r.body;
  for (const auto& p : v.at("value").as_array()) EXPECT_EQ(p.at("scopeType"), "Directory");
  const std::string alias =
      "Directory_" + HelpdeskPolicy().substr(std::string("DirectoryRole_").size());
  const auto one = Get("/policies/roleManagementPolicies/" + alias);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Json(one).at("id"), J(HelpdeskPolicy()));
  EXPECT_EQ(Get("/policies/roleManagementPolicies/Directory_nope").status, 404);
}

TEST_F(GraphPolicyRoutesTest, GetPolicyEntityShape) {
  const auto r = Get("/policies/roleManagementPolicies/" + HelpdeskPolicy());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), Parse(R"({
    "@odata.context": "https://pim.test:8443/v1.0/$metadata#policies/roleManagementPolicies/$entity",
    "id": ")" + HelpdeskPolicy() +
                           R"(",
    "displayName": "DirectoryRole", "description": "DirectoryRole",
    "isOrganizationDefault": false, "scopeId": "/", "scopeType": "DirectoryRole",
    "lastModifiedDateTime": null, "lastModifiedBy": {"displayName": null, "id": null}})"));
}

TEST_F(GraphPolicyRoutesTest, DefaultRulesAreTheReferenceDefaults) {
  const auto r = Get("/policies/roleManagementPolicies/" + HelpdeskPolicy() + "?$expand=rules");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value v = Json(r);
  const json::array& rules = v.at("rules").as_array();
  ASSERT_EQ(rules.size(), 17u);
  auto rule = [&](std::string_view id) -> json::value {
    for (const auto& x : rules) {
      if (x.at("id") == J(std::string(id))) return x;
    }
    ADD_FAILURE() << "no rule " << id;
    return nullptr;
  };
  auto target = [](std::string_view caller, std::string_view level) {
    return std::string(R"("target": {"caller": ")") + std::string(caller) +
           R"(", "operations": ["all"], "level": ")" + std::string(level) +
           R"(", "inheritableSettings": [], "enforcedSettings": []})";
  };
  EXPECT_EQ(rule("Expiration_EndUser_Assignment"),
            Parse(R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
      "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true,
      "maximumDuration": "PT8H", )" +
                  target("EndUser", "Assignment") + "}"));
  EXPECT_EQ(rule("Enablement_EndUser_Assignment"),
            Parse(R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
      "id": "Enablement_EndUser_Assignment",
      "enabledRules": ["MultiFactorAuthentication", "Justification"], )" +
                  target("EndUser", "Assignment") + "}"));
  EXPECT_EQ(rule("Approval_EndUser_Assignment"),
            Parse(R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
      "id": "Approval_EndUser_Assignment",
      "setting": {"isApprovalRequired": false, "isApprovalRequiredForExtension": false,
        "isRequestorJustificationRequired": true, "approvalMode": "SingleStage",
        "approvalStages": [{"approvalStageTimeOutInDays": 1, "isApproverJustificationRequired": true,
          "escalationTimeInMinutes": 0, "isEscalationEnabled": false, "primaryApprovers": [],
          "escalationApprovers": []}]}, )" +
                  target("EndUser", "Assignment") + "}"));
  EXPECT_EQ(
      rule("AuthenticationContext_EndUser_Assignment"),
      Parse(
          R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule",
      "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": false, "claimValue": null, )" +
          target("EndUser", "Assignment") + "}"));
  EXPECT_EQ(rule("Expiration_Admin_Eligibility"),
            Parse(R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
      "id": "Expiration_Admin_Eligibility", "isExpirationRequired": false,
      "maximumDuration": "P365D", )" +
                  target("Admin", "Eligibility") + "}"));
  EXPECT_EQ(rule("Enablement_Admin_Eligibility").at("enabledRules"), json::array{});
  EXPECT_EQ(rule("Expiration_Admin_Assignment").at("maximumDuration"), "P180D");
  EXPECT_EQ(rule("Expiration_Admin_Assignment").at("isExpirationRequired"), false);
  EXPECT_EQ(rule("Enablement_Admin_Assignment").at("enabledRules"), Parse(R"(["Justification"])"));
  EXPECT_EQ(rule("Notification_Approver_EndUser_Assignment"),
            Parse(R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule",
      "id": "Notification_Approver_EndUser_Assignment", "notificationType": "Email",
      "recipientType": "Approver", "notificationLevel": "All", "isDefaultRecipientsEnabled": true,
      "notificationRecipients": [], )" +
                  target("EndUser", "Assignment") + "}"));
  int notifications = 0;
  for (const auto& x : rules) {
    if (x.at("@odata.type") != "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule") {
      continue;
    }
    ++notifications;
    EXPECT_EQ(x.at("notificationLevel"), "All");
    EXPECT_EQ(x.at("isDefaultRecipientsEnabled"), true);
  }
  EXPECT_EQ(notifications, 9);
}

TEST_F(GraphPolicyRoutesTest, ExpandRulesSelectIdAndEffectiveRules) {
  auto r =
      Get("/policies/roleManagementPolicies/" + HelpdeskPolicy() + "?$expand=rules($select=id)");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = Json(r);
  ASSERT_EQ(v.at("rules").as_array().size(), 17u);
  for (const auto& rule : v.at("rules").as_array()) {
    EXPECT_EQ(rule.as_object().size(), 2u) << json::serialize(rule);  // @odata.type and id
    EXPECT_TRUE(rule.as_object().contains("id"));
  }
  r = Get("/policies/roleManagementPolicies/" + HelpdeskPolicy() + "?$expand=effectiveRules,rules");
  ASSERT_EQ(r.status, 200) << r.body;
  v = Json(r);
  EXPECT_EQ(v.at("effectiveRules"), v.at("rules"));
  r = Get("/policies/roleManagementPolicies/" + HelpdeskPolicy() + "?$expand=owner");
  EXPECT_EQ(r.status, 400);
}

TEST_F(GraphPolicyRoutesTest, RulesCollectionAndSingleRule) {
  auto r = Get("/policies/roleManagementPolicies/" + HelpdeskPolicy() + "/rules");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("value").as_array().size(), 17u);
  EXPECT_EQ(Json(r).at("@odata.context"),
            J("https://pim.test:8443/v1.0/$metadata#policies/roleManagementPolicies('" +
              HelpdeskPolicy() + "')/rules"));
  r = Get(RulePath("Expiration_EndUser_Assignment"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("@odata.context"),
            J("https://pim.test:8443/v1.0/$metadata#policies/roleManagementPolicies('" +
              HelpdeskPolicy() + "')/rules/$entity"));
  EXPECT_EQ(Get(RulePath("NoSuchRule")).status, 404);
  EXPECT_EQ(Get("/policies/roleManagementPolicies/DirectoryRole_x_y").status, 404);
}

TEST_F(GraphPolicyRoutesTest, ExpirationRulePatchRoundTripsAndIsEnforced) {
  ASSERT_TRUE(MakeEligible(user_, Helpdesk()).ok());
  const auto r = Patch(RulePath("Expiration_EndUser_Assignment"), R"({
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
    "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true, "maximumDuration": "PT2H",
    "target": {"@odata.type": "microsoft.graph.unifiedRoleManagementPolicyRuleTarget",
      "caller": "EndUser", "operations": ["All"], "level": "Assignment",
      "inheritableSettings": [], "enforcedSettings": []}})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(GetRule("Expiration_EndUser_Assignment").at("maximumDuration"), "PT2H");
  EXPECT_EQ(engine_->EffectivePolicy(Helpdesk()).activation_expiration.maximum_duration,
            absl::Hours(2));
  EXPECT_ERROR(Activate(user_, Helpdesk(), absl::Hours(3)), absl::StatusCode::kInvalidArgument,
               code::kPolicyValidationFailed);
  EXPECT_TRUE(Activate(user_, Helpdesk(), absl::Hours(2)).ok());
  const auto policy = Json(Get("/policies/roleManagementPolicies/" + HelpdeskPolicy()));
  EXPECT_EQ(policy.at("lastModifiedBy").at("id"), J(admin_.str()));
  EXPECT_EQ(policy.at("lastModifiedBy").at("displayName"), "Admin");
  EXPECT_EQ(policy.at("lastModifiedDateTime"), J(FormatDateTime(clock_.Now())));
}

TEST_F(GraphPolicyRoutesTest, ApprovalRuleExampleRoundTrips) {
  const PrincipalId approvers = AddGroup("Approvers");
  const std::string body = R"({
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
    "id": "Approval_EndUser_Assignment",
    "target": {"caller": "EndUser", "operations": ["All"], "level": "Assignment",
               "inheritableSettings": [], "enforcedSettings": []},
    "setting": {"@odata.type": "microsoft.graph.approvalSettings",
      "isApprovalRequired": true, "isApprovalRequiredForExtension": false,
      "isRequestorJustificationRequired": true, "approvalMode": "SingleStage",
      "approvalStages": [{"@odata.type": "microsoft.graph.unifiedApprovalStage",
        "approvalStageTimeOutInDays": 1, "isApproverJustificationRequired": true,
        "escalationTimeInMinutes": 0, "isEscalationEnabled": false,
        "primaryApprovers": [
          {"@odata.type": "#microsoft.graph.singleUser", "userId": ")" +
                           admin_.str() + R"("},
          {"@odata.type": "#microsoft.graph.groupMembers", "groupId": ")" +
                           approvers.str() + R"("}],
        "escalationApprovers": []}]}})";
  ASSERT_EQ(Patch(RulePath("Approval_EndUser_Assignment"), body).status, 204);
  const json::value rule = GetRule("Approval_EndUser_Assignment");
  EXPECT_EQ(rule.at("setting").at("isApprovalRequired"), true);
  EXPECT_EQ(rule.at("setting").at("approvalStages").at(0).at("primaryApprovers"),
            Parse(R"([{"@odata.type": "#microsoft.graph.singleUser", "userId": ")" + admin_.str() +
                  R"(", "description": null},
                      {"@odata.type": "#microsoft.graph.groupMembers", "groupId": ")" +
                  approvers.str() + R"(", "description": null}])"));
  // The engine now routes an activation to approval.
  ASSERT_TRUE(MakeEligible(user_, Helpdesk()).ok());
  const auto request = Activate(user_, Helpdesk());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->status, RequestStatus::kPendingApproval);
}

TEST_F(GraphPolicyRoutesTest, OtherDocumentedRulePatches) {
  ASSERT_EQ(Patch(RulePath("Enablement_EndUser_Assignment"), R"({
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
    "id": "Enablement_EndUser_Assignment",
    "enabledRules": ["Justification", "MultiFactorAuthentication", "Ticketing"]})")
                .status,
            204);
  EXPECT_EQ(GetRule("Enablement_EndUser_Assignment").at("enabledRules"),
            Parse(R"(["MultiFactorAuthentication", "Justification", "Ticketing"])"));
  for (const std::string rule : {"Expiration_Admin_Eligibility", "Expiration_Admin_Assignment"}) {
    ASSERT_EQ(Patch(RulePath(rule), R"({
      "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
      "id": ")" + rule + R"(", "isExpirationRequired": true, "maximumDuration": "P90D"})")
                  .status,
              204);
    EXPECT_EQ(GetRule(rule).at("maximumDuration"), "P90D");
    EXPECT_EQ(GetRule(rule).at("isExpirationRequired"), true);
  }
  ASSERT_EQ(Patch(RulePath("Notification_Admin_Admin_Assignment"), R"({
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule",
    "id": "Notification_Admin_Admin_Assignment", "notificationType": "Email",
    "recipientType": "Admin", "notificationLevel": "critical",
    "isDefaultRecipientsEnabled": false, "notificationRecipients": ["sec@example.com"]})")
                .status,
            204);
  const json::value n = GetRule("Notification_Admin_Admin_Assignment");
  EXPECT_EQ(n.at("notificationLevel"), "Critical");
  EXPECT_EQ(n.at("isDefaultRecipientsEnabled"), false);
  EXPECT_EQ(n.at("notificationRecipients"), Parse(R"(["sec@example.com"])"));
  ASSERT_EQ(Patch(RulePath("AuthenticationContext_EndUser_Assignment"), R"({
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule",
    "isEnabled": true, "claimValue": "c1"})")
                .status,
            204);
  EXPECT_EQ(GetRule("AuthenticationContext_EndUser_Assignment").at("claimValue"), "c1");
}

struct BadBody {
  std::string name;
  std::string rule;
  std::string body;
  std::string code = "BadRequest";
};

TEST_F(GraphPolicyRoutesTest, MalformedRuleBodiesAreRejectedAndChangeNothing) {
  const std::string exp =
      R"("@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule")";
  const BadBody cases[] = {
      {"not json", "Expiration_EndUser_Assignment", "{"},
      {"not an object", "Expiration_EndUser_Assignment", "[]"},
      {"empty", "Expiration_EndUser_Assignment", ""},
      {"no odata type", "Expiration_EndUser_Assignment", R"({"maximumDuration": "PT2H"})"},
      {"wrong odata type", "Expiration_EndUser_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
           "enabledRules": []})"},
      {"bad duration", "Expiration_EndUser_Assignment",
       "{" + exp + R"(, "maximumDuration": "2 hours"})"},
      {"duration of wrong type", "Expiration_EndUser_Assignment",
       "{" + exp + R"(, "maximumDuration": 7200})"},
      {"boolean of wrong type", "Expiration_EndUser_Assignment",
       "{" + exp + R"(, "isExpirationRequired": "yes"})"},
      {"unknown property", "Expiration_EndUser_Assignment",
       "{" + exp + R"(, "maximumDurationX": "PT2H"})"},
      {"id of another rule", "Expiration_EndUser_Assignment",
       "{" + exp + R"(, "id": "Expiration_Admin_Assignment", "maximumDuration": "PT2H"})"},
      {"target caller mismatch", "Expiration_EndUser_Assignment",
       "{" + exp + R"(, "maximumDuration": "PT2H", "target": {"caller": "Admin"}})"},
      {"unknown operation", "Expiration_EndUser_Assignment",
       "{" + exp + R"(, "maximumDuration": "PT2H", "target": {"operations": ["Fly"]}})"},
      {"unknown rule id", "Expiration_Nobody", "{" + exp + "}"},
      {"unknown enabled rule", "Enablement_EndUser_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule",
           "enabledRules": ["Justification", "Prayer"]})"},
      {"unknown approval mode", "Approval_EndUser_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
           "setting": {"approvalMode": "Sometimes"}})"},
      {"unknown approver type", "Approval_EndUser_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
           "setting": {"approvalStages": [{"primaryApprovers": [
             {"@odata.type": "#microsoft.graph.requestorManager", "managerLevel": 1}]}]}})"},
      {"approver without id", "Approval_EndUser_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
           "setting": {"approvalStages": [{"primaryApprovers": [
             {"@odata.type": "#microsoft.graph.singleUser"}]}]}})"},
      {"timeout not an integer", "Approval_EndUser_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
           "setting": {"approvalStages": [{"approvalStageTimeOutInDays": 1.5}]}})"},
      {"wrong recipient type", "Notification_Admin_Admin_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule",
           "recipientType": "Approver"})"},
      {"unknown notification level", "Notification_Admin_Admin_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule",
           "notificationLevel": "Loud"})"},
      {"sms notifications", "Notification_Admin_Admin_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule",
           "notificationType": "Sms"})"},
      // Well-formed, but the engine's ValidatePolicy refuses it.
      {"activation maximum above 24h", "Expiration_EndUser_Assignment",
       "{" + exp + R"(, "maximumDuration": "PT25H"})", "InvalidRoleManagementPolicy"},
      {"activation without expiration", "Expiration_EndUser_Assignment",
       "{" + exp + R"(, "isExpirationRequired": false})", "InvalidRoleManagementPolicy"},
      {"approval required without stages", "Approval_EndUser_Assignment",
       R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule",
           "setting": {"isApprovalRequired": true, "approvalStages": []}})",
       "InvalidRoleManagementPolicy"},
  };
  const Policy before = engine_->EffectivePolicy(Helpdesk());
  for (const BadBody& c : cases) {
    const auto r = Patch(RulePath(c.rule), c.body);
    EXPECT_EQ(r.status, 400) << c.name << ": " << r.body;
    EXPECT_EQ(ErrorCode(r), c.code) << c.name << ": " << r.body;
  }
  EXPECT_EQ(engine_->EffectivePolicy(Helpdesk()), before);
}

TEST_F(GraphPolicyRoutesTest, NonAdministratorCannotPatch) {
  const Policy before = engine_->EffectivePolicy(Helpdesk());
  const auto r = Patch(RulePath("Expiration_EndUser_Assignment"), R"({
    "@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
    "maximumDuration": "PT2H"})",
                       User(user_));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(engine_->EffectivePolicy(Helpdesk()), before);
}

TEST_F(GraphPolicyRoutesTest, PatchPolicyAppliesRules) {
  auto r = Patch("/policies/roleManagementPolicies/" + HelpdeskPolicy(), R"({"rules": [
    {"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
     "id": "Expiration_EndUser_Assignment", "maximumDuration": "PT4H"}]})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(GetRule("Expiration_EndUser_Assignment").at("maximumDuration"), "PT4H");
  r = Patch("/policies/roleManagementPolicies/" + HelpdeskPolicy(), R"({"rules": [{"id": 1}]})");
  EXPECT_EQ(r.status, 400);
  r = Call(*graph_, User(admin_), "DELETE",
           "/v1.0/policies/roleManagementPolicies/" + HelpdeskPolicy());
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(ErrorCode(r), "BadRequest");
}

TEST_F(GraphPolicyRoutesTest, GroupPoliciesMemberAndOwner) {
  const PrincipalId group = AddGroup("Ops");
  const std::string filter =
      "?$filter=scopeId%20eq%20'" + group.str() + "'%20and%20scopeType%20eq%20'Group'";
  auto r = Get("/policies/roleManagementPolicies" + filter + "&$expand=rules($select=id)");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value list = Json(r);
  const json::array& value = list.at("value").as_array();
  ASSERT_EQ(value.size(), 2u);
  EXPECT_EQ(value.at(0).at("id"), J("Group_" + group.str() + "_member"));
  EXPECT_EQ(value.at(1).at("id"), J("Group_" + group.str() + "_owner"));
  EXPECT_EQ(value.at(0).at("scopeType"), "Group");
  EXPECT_EQ(value.at(0).at("rules").as_array().size(), 17u);

  // Each of the two policies changes on its own.
  r = Patch("/policies/roleManagementPolicies/Group_" + group.str() +
                "_member/rules/Expiration_EndUser_Assignment",
            R"({"@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule",
                "maximumDuration": "PT1H"})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(engine_->EffectivePolicy(GroupTarget(group, GroupAccess::kMember))
                .activation_expiration.maximum_duration,
            absl::Hours(1));
  EXPECT_EQ(engine_->EffectivePolicy(GroupTarget(group, GroupAccess::kOwner))
                .activation_expiration.maximum_duration,
            absl::Hours(8));

  r = Get("/policies/roleManagementPolicyAssignments" + filter +
          "%20and%20roleDefinitionId%20eq%20'owner'");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      Json(r).at("value"), Parse(R"([{"id": "Group_)" + group.str() + R"(_owner_owner",
    "policyId": "Group_)" + group.str() +
                                 R"(_owner", "scopeId": ")" + group.str() +
                                 R"(", "scopeType": "Group", "roleDefinitionId": "owner"}])"));
}

// A policy is read by tenant-wide readers, by whoever manages its role or group, and by the
// principals eligible for it or holding it (they need its rules); anyone else gets 403 and
// lists leave it out.
TEST_F(GraphPolicyRoutesTest, OnlyReadersManagersEligibleAndHoldersReadAPolicy) {
  const std::string roles_filter =
      "?$filter=scopeId%20eq%20'/'%20and%20scopeType%20eq%20'DirectoryRole'";
  const std::string policy = "/policies/roleManagementPolicies/" + HelpdeskPolicy();
  const std::string assignment = "/policies/roleManagementPolicyAssignments/" + HelpdeskPolicy() +
                                 "_" + std::string(role::kHelpdeskAdministrator);
  auto as_user = [&](const std::string& target) {
    return Call(*graph_, User(user_), "GET", "/v1.0" + target);
  };
  for (const std::string& target : {policy, policy + "/rules", policy + "/effectiveRules",
                                    policy + "/rules/Expiration_EndUser_Assignment", assignment}) {
    const auto r = as_user(target);
    EXPECT_EQ(r.status, 403) << target << " " << r.body;
    EXPECT_EQ(ErrorCode(r), "AuthorizationFailed") << target;
  }
  for (const std::string set : {"roleManagementPolicies", "roleManagementPolicyAssignments"}) {
    const auto r = as_user("/policies/" + set + roles_filter);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(Json(r).at("value").as_array().empty()) << r.body;
  }

  // Eligible for Helpdesk Administrator: that policy, and only that one.
  ASSERT_TRUE(MakeEligible(user_, Helpdesk()).ok());
  EXPECT_EQ(as_user(policy).status, 200);
  EXPECT_EQ(as_user(policy + "/rules/Expiration_EndUser_Assignment").status, 200);
  EXPECT_EQ(as_user(assignment).status, 200);
  const auto listed = as_user("/policies/roleManagementPolicies" + roles_filter);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json::value listed_json = Json(listed);
  const json::array& value = listed_json.at("value").as_array();
  ASSERT_EQ(value.size(), 1U) << listed.body;
  EXPECT_EQ(value.at(0).at("id"), J(HelpdeskPolicy()));
  EXPECT_EQ(as_user("/policies/roleManagementPolicies/" + engine_->PolicyIdFor(GA()).str()).status,
            403);

  // A standing member of a group may read the group's member policy, not its owner policy.
  const PrincipalId group = AddGroup("Ops");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, user_, GroupAccess::kMember}).ok());
  const std::string group_policy = "/policies/roleManagementPolicies/Group_" + group.str();
  EXPECT_EQ(as_user(group_policy + "_member").status, 200);
  EXPECT_EQ(as_user(group_policy + "_owner").status, 403);
  // A Global Administrator reads everything.
  EXPECT_EQ(Get(group_policy + "_owner").status, 200);
}

TEST_F(GraphPolicyRoutesTest, PolicyAssignmentsWithNestedExpand) {
  const std::string role(role::kHelpdeskAdministrator);
  auto r =
      Get("/policies/roleManagementPolicyAssignments?$filter=scopeId%20eq%20'/"
          "'%20and%20scopeType%20eq%20"
          "'DirectoryRole'%20and%20roleDefinitionId%20eq%20'" +
          role + "'&$expand=policy($expand=rules)");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value v = Json(r);
  EXPECT_EQ(v.at("@odata.context"),
            "https://pim.test:8443/v1.0/$metadata#policies/roleManagementPolicyAssignments");
  ASSERT_EQ(v.at("value").as_array().size(), 1u);
  const json::value& a = v.at("value").at(0);
  EXPECT_EQ(a.at("id"), J(HelpdeskPolicy() + "_" + role));
  EXPECT_EQ(a.at("policyId"), J(HelpdeskPolicy()));
  EXPECT_EQ(a.at("roleDefinitionId"), J(role));
  EXPECT_EQ(a.at("policy").at("id"), J(HelpdeskPolicy()));
  EXPECT_EQ(a.at("policy").at("rules").as_array().size(), 17u);

  r = Get("/policies/roleManagementPolicyAssignments/" + HelpdeskPolicy() + "_" + role +
          "?$expand=policy");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("policy").at("id"), J(HelpdeskPolicy()));
  EXPECT_FALSE(Json(r).at("policy").as_object().contains("rules"));
  EXPECT_EQ(Get("/policies/roleManagementPolicyAssignments/" + HelpdeskPolicy() + "_owner").status,
            404);
  EXPECT_EQ(Get("/policies/roleManagementPolicyAssignments/" + HelpdeskPolicy() + "_" + role +
                "?$expand=rules")
                .status,
            400);
}

}  // namespace
}  // namespace pim::testing
