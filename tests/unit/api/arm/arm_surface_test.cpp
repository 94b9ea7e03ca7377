// The ARM surface around the requests: api-version, path forms, routing errors, scope reach of
// lists, schedules and instances, paging, role definitions and the /pim/v1/resources admin API.
#include <string>

#include "absl/strings/match.h"
#include "arm_test_base.h"
#include "gmock/gmock.h"

namespace pim::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::size_t Count(const boost::json::value& v) { return v.at("value").as_array().size(); }

class ArmSurfaceTest : public ArmTest {};

TEST_F(ArmSurfaceTest, ApiVersionIsRequiredAndMustBeRecentEnough) {
  const std::string path = Cat(kSub, kAuth, "/roleEligibilitySchedules");
  auto missing = Get(User(dana_), path);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(ErrorCode(missing), "MissingApiVersionParameter");
  for (const char* bad :
       {"2019-08-01-preview", "2020-09-30", "yesterday", "2021-02-30", "2022-04-01-beta"}) {
    auto r = Get(User(dana_), Cat(path, "?api-version=", bad));
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(ErrorCode(r), "InvalidApiVersionParameter") << bad;
  }
  for (const char* good :
       {"2020-10-01", "2022-04-01", "2022-04-01-preview", "2024-09-01-preview", "2030-01-01"}) {
    EXPECT_EQ(Get(User(dana_), Cat(path, "?api-version=", good)).status, 200) << good;
  }
}

TEST_F(ArmSurfaceTest, PathFormsTheJsClientSendsAreServedWithoutRedirect) {
  const std::string eligibility = EligibleOverArm(dana_);
  for (const std::string& target :
       {Cat("/", kSub, kAuth, "/roleEligibilitySchedules?", kV),
        Cat("/providers/Microsoft.Subscription", kSub, kAuth, "/roleEligibilitySchedules?", kV),
        Cat(kSub, "/PROVIDERS/microsoft.authorization/roleeligibilityschedules?", kV)}) {
    auto r = Get(User(dana_), target);
    ASSERT_EQ(r.status, 200) << target << " " << r.body;
    ASSERT_EQ(Count(Json(r)), 1U) << target;
    EXPECT_EQ(Str(Json(r).at("value").at(0).at("name")), eligibility);
  }
}

TEST_F(ArmSurfaceTest, RoutingErrorsAreArmErrors) {
  auto unknown = Get(User(dana_), Url(kSub, "roleFrobnications"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(ErrorCode(unknown), "ObjectNotFound");
  auto method = Call(*arm_, User(dana_), "DELETE", Url(kSub, "roleEligibilitySchedules"));
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.Header("Allow"), "GET");
  EXPECT_EQ(ErrorCode(method), "BadRequest");
  auto action = Call(*arm_, User(dana_), "POST",
                     Url(kSub, Cat("roleAssignmentScheduleRequests/", NewId(), "/frob")));
  EXPECT_EQ(action.status, 404);
  auto au = Get(User(dana_), Url("/administrativeUnits/x", "roleEligibilitySchedules"));
  EXPECT_EQ(au.status, 400);
  auto unregistered = Get(User(dana_), Url("/subscriptions/unknown", "roleEligibilitySchedules"));
  EXPECT_EQ(ErrorCode(unregistered), "ScopeNotFound");
  auto bad_query = Get(User(dana_), Url(kSub, "roleEligibilitySchedules", "$frob=1"));
  EXPECT_EQ(bad_query.status, 400);

  api::HttpRequest http;
  http.method = "GET";
  const api::RequestContext ctx{http, "/v1.0/me", "", User(dana_), "r", "c", clock_.Now()};
  EXPECT_FALSE(arm_->Handle(ctx).has_value());
}

TEST_F(ArmSurfaceTest, UnknownFilterFunctionsAndPropertiesAreBadRequests) {
  for (const char* filter : {"asFrobnicator()", "asApprover()", "displayName%20eq%20'x'",
                             "asTarget()%20or%20status%20eq%20'Provisioned'"}) {
    auto r = Get(User(dana_), Url(kSub, "roleEligibilitySchedules", Cat("$filter=", filter)));
    EXPECT_EQ(r.status, 400) << filter << " " << r.body;
    EXPECT_EQ(ErrorCode(r), "BadRequest") << filter;
  }
}

TEST_F(ArmSurfaceTest, AtScopeReachesUpwardsAndTheDefaultDownwards) {
  const std::string at_sub = EligibleOverArm(dana_, kSub);
  const PrincipalId erin = AddUser("Erin");
  const std::string at_rg = EligibleOverArm(erin, kRg);
  auto names = [&](const std::string& target) {
    auto r = Get(User(owner_), target);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    const auto v = Json(r);
    for (const auto& item : v.at("value").as_array()) out.insert(Str(item.at("name")));
    return out;
  };
  EXPECT_EQ(names(Url(kSub, "roleEligibilitySchedules")), (std::set<std::string>{at_sub, at_rg}));
  EXPECT_EQ(names(Url(kSub, "roleEligibilitySchedules", "$filter=atScope()")),
            (std::set<std::string>{at_sub}));
  EXPECT_EQ(names(Url(kRg, "roleEligibilitySchedules")), (std::set<std::string>{at_rg}));
  EXPECT_EQ(names(Url(kRg, "roleEligibilitySchedules", "$filter=atScope()")),
            (std::set<std::string>{at_sub, at_rg}));
  // principalId eq reaches above and below.
  EXPECT_EQ(names(Url(kRg, "roleEligibilitySchedules",
                      Cat("$filter=principalId%20eq%20'", dana_.str(), "'"))),
            (std::set<std::string>{at_sub}));

  auto inherited = Get(User(dana_), Url(kRg, "roleEligibilitySchedules", "$filter=asTarget()"));
  ASSERT_EQ(Count(Json(inherited)), 1U) << inherited.body;
  EXPECT_EQ(Str(Json(inherited).at("value").at(0).at("properties").at("memberType")), "Inherited");
}

TEST_F(ArmSurfaceTest, SchedulesAndInstancesHaveTheirShapes) {
  const std::string eligibility = EligibleOverArm(dana_);
  auto list = Get(User(dana_), Url(kSub, "roleEligibilitySchedules", "$filter=asTarget()"));
  ASSERT_EQ(Count(Json(list)), 1U) << list.body;
  const auto listed = Json(list);
  const auto& item = listed.at("value").at(0);
  EXPECT_EQ(Str(item.at("id")), Cat(kSub, kAuth, "/RoleEligibilitySchedules/", eligibility));
  EXPECT_EQ(Str(item.at("type")), "Microsoft.Authorization/RoleEligibilitySchedules");
  const auto& p = item.at("properties");
  EXPECT_EQ(Str(p.at("status")), "Provisioned");
  EXPECT_EQ(Str(p.at("memberType")), "Direct");
  EXPECT_EQ(Str(p.at("principalType")), "User");
  EXPECT_EQ(Str(p.at("startDateTime")), "2026-01-05T09:00:00Z");
  EXPECT_EQ(Str(p.at("endDateTime")), "2027-01-05T09:00:00Z");
  EXPECT_THAT(Str(p.at("roleEligibilityScheduleRequestId")),
              StartsWith(Cat(kSub, kAuth, "/RoleEligibilityScheduleRequests/")));
  EXPECT_EQ(Str(p.at("expandedProperties").at("roleDefinition").at("displayName")), "Contributor");

  auto one = Get(User(dana_), Url(kSub, Cat("roleEligibilitySchedules/", eligibility)));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Json(one), item);
  auto instance =
      Get(User(dana_), Url(kSub, Cat("roleEligibilityScheduleInstances/", eligibility)));
  ASSERT_EQ(instance.status, 200) << instance.body;
  EXPECT_THAT(Str(Json(instance).at("properties").at("roleEligibilityScheduleId")),
              HasSubstr(eligibility));
  // Another user without a role at the scope cannot read it.
  const PrincipalId erin = AddUser("Erin");
  EXPECT_EQ(Get(User(erin), Url(kSub, Cat("roleEligibilitySchedules/", eligibility))).status, 404);
  EXPECT_EQ(Get(User(dana_), Url(kSub, Cat("roleAssignmentSchedules/", eligibility))).status, 404);
}

TEST_F(ArmSurfaceTest, AssignedToIncludesGroupInheritedSchedules) {
  const PrincipalId group = AddGroup("Deployers");
  ASSERT_TRUE(
      engine_->AddMembership(Caller::System(), DirectMembership{group, dana_, GroupAccess::kMember})
          .ok());
  const std::string via_group = EligibleOverArm(group);
  auto r = Get(User(owner_), Url(kSub, "roleEligibilitySchedules",
                                 Cat("$filter=assignedTo('", dana_.str(), "')")));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Count(Json(r)), 1U) << r.body;
  EXPECT_EQ(Str(Json(r).at("value").at(0).at("name")), via_group);
  EXPECT_EQ(Str(Json(r).at("value").at(0).at("properties").at("memberType")), "Group");
  EXPECT_EQ(Str(Json(r).at("value").at(0).at("properties").at("principalType")), "Group");
  auto mine = Get(User(dana_), Url(kSub, "roleEligibilitySchedules", "$filter=asTarget()"));
  EXPECT_EQ(Count(Json(mine)), 1U) << mine.body;
}

TEST_F(ArmSurfaceTest, ListsPageWithAnAbsoluteNextLinkThatKeepsTheApiVersion) {
  SetPageSize(2);
  for (int i = 0; i < 3; ++i) EligibleOverArm(AddUser("user" + std::to_string(i)));
  auto first = Get(User(owner_), Url(kSub, "roleEligibilitySchedules"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Count(Json(first)), 2U);
  const std::string next = Str(Json(first).at("nextLink"));
  EXPECT_THAT(next, StartsWith(Cat(kBaseUrl, kSub, kAuth, "/roleEligibilitySchedules?")));
  EXPECT_THAT(next, HasSubstr("api-version=2020-10-01"));
  auto second = Get(User(owner_), next.substr(std::string(kBaseUrl).size()));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Count(Json(second)), 1U);
  EXPECT_TRUE(Json(second).at("nextLink").is_null());
}

TEST_F(ArmSurfaceTest, RoleDefinitionsListResourceRolesOnly) {
  auto list = Get(User(dana_), Url(kSub, "roleDefinitions"));
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::string> names;
  const auto roles = Json(list);
  for (const auto& item : roles.at("value").as_array()) {
    names.insert(Str(item.at("properties").at("roleName")));
  }
  EXPECT_EQ(names,
            (std::set<std::string>{"Contributor", "Owner", "Reader", "User Access Administrator"}));
  auto one = Get(User(dana_), Url(kSub, Cat("roleDefinitions/", role::kContributor)));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Str(Json(one).at("id")), RoleId(kSub, role::kContributor));
  EXPECT_EQ(Str(Json(one).at("properties").at("type")), "BuiltInRole");
  EXPECT_EQ(Get(User(dana_), Url(kSub, Cat("roleDefinitions/", role::kGlobalAdministrator))).status,
            404);
  auto filtered =
      Get(User(dana_), Url(kSub, "roleDefinitions", "$filter=roleName%20eq%20'Reader'"));
  EXPECT_EQ(Count(Json(filtered)), 1U) << filtered.body;
}

TEST_F(ArmSurfaceTest, ResourcesAdminApiRegistersAndListsTheHierarchy) {
  const std::string mg = "/providers/Microsoft.Management/managementGroups/root-mg";
  auto created = Call(*arm_, Caller::System(), "PUT", Cat("/pim/v1/resources", mg),
                      R"({"displayName": "Root"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created),
            boost::json::parse(
                Cat(R"({"id": ")", mg,
                    R"(", "type": "managementgroup", "displayName": "Root", "parent": "/"})")));
  const std::string sub2 = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d002";
  auto under = Call(*arm_, Caller::System(), "PUT", Cat("/pim/v1/resources", sub2),
                    Cat(R"({"displayName": "Prod", "parent": ")", mg, R"("})"));
  ASSERT_EQ(under.status, 201) << under.body;
  EXPECT_EQ(Str(Json(under).at("parent")), mg);
  auto again = Call(*arm_, Caller::System(), "PUT", Cat("/pim/v1/resources", sub2),
                    Cat(R"({"displayName": "Prod", "parent": ")", mg, R"("})"));
  EXPECT_EQ(again.status, 200) << again.body;

  auto one = Get(User(dana_), Cat("/pim/v1/resources", kRg));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Str(Json(one).at("displayName")), "App resources");
  EXPECT_EQ(Str(Json(one).at("type")), "resourcegroup");
  EXPECT_EQ(Str(Json(one).at("parent")), kSub);
  auto all = Get(User(dana_), "/pim/v1/resources");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(Count(Json(all)), 4U) << all.body;

  auto denied = Call(*arm_, User(dana_), "PUT",
                     Cat("/pim/v1/resources", kSub, "/resourceGroups/other"), "{}");
  EXPECT_EQ(denied.status, 403) << denied.body;
  auto missing = Get(User(dana_), Cat("/pim/v1/resources", kSub, "/resourceGroups/none"));
  EXPECT_EQ(missing.status, 404);
  auto bad = Call(*arm_, Caller::System(), "PUT", "/pim/v1/resources/administrativeUnits/x", "{}");
  EXPECT_EQ(bad.status, 400);
  auto unknown_member =
      Call(*arm_, Caller::System(), "PUT", Cat("/pim/v1/resources", kSub), R"({"colour": 1})");
  EXPECT_EQ(unknown_member.status, 400);
  EXPECT_EQ(Call(*arm_, Caller::System(), "DELETE", Cat("/pim/v1/resources", kSub)).status, 405);
}

TEST_F(ArmSurfaceTest, IdsShowNamesInTheCaseTheyWereRegisteredWith) {
  const std::string rg = Cat(kSub, "/resourceGroups/Web-RG");
  ASSERT_EQ(Call(*arm_, Caller::System(), "PUT", Cat("/pim/v1/resources", rg), "{}").status, 201);
  const std::string lower = Cat(kSub, "/resourcegroups/web-rg");
  auto r =
      Call(*arm_, User(owner_), "PUT", Url(lower, Cat("roleEligibilityScheduleRequests/", NewId())),
           Body(dana_, RoleId(lower, role::kContributor), "AdminAssign", ForDuration("P30D")));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto v = Json(r);
  EXPECT_TRUE(absl::StartsWith(Str(v.at("id")), Cat(rg, kAuth, "/"))) << r.body;
  EXPECT_EQ(Str(v.at("properties").at("scope")), rg);
  EXPECT_EQ(Str(v.at("properties").at("roleDefinitionId")), RoleId(rg, role::kContributor));
  EXPECT_EQ(Str(v.at("properties").at("expandedProperties").at("scope").at("id")), rg);
  auto resource = Get(User(dana_), Cat("/pim/v1/resources", lower));
  ASSERT_EQ(resource.status, 200) << resource.body;
  EXPECT_EQ(Str(Json(resource).at("id")), rg);
  EXPECT_EQ(Str(Json(resource).at("displayName")), "Web-RG");
  // Errors about a scope nobody registered echo it as the client wrote it.
  auto missing = Get(User(dana_), Cat("/pim/v1/resources", kSub, "/resourceGroups/No-Such-RG"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, ::testing::HasSubstr("/resourceGroups/No-Such-RG")) << missing.body;
}

}  // namespace
}  // namespace pim::testing
