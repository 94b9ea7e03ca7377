// Graph directory objects: users, groups and their members/owners (direct plus active PIM
// assignments, never eligible ones), service principals, /me and directory role definitions.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "pim/api/graph/graph_api.h"
#include "unit/api/api_fixture.h"

namespace pim::testing {
namespace {

namespace json = boost::json;

class GraphDirectoryObjectRoutesTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    graph_ = std::make_unique<api::GraphApi>(*engine_, api::ApiOptions{});
    alice_ = AddUser("Alice");
    bob_ = AddUser("Bob");
    carol_ = AddUser("Carol");
    group_ = AddGroup("Ops");
  }
  api::HttpResponse Get(const std::string& target,
                        const std::optional<PrincipalId>& as = std::nullopt) {
    return Call(*graph_, User(as.value_or(alice_)), "GET", "/v1.0" + target);
  }
  static std::vector<std::string> Ids(const json::value& collection) {
    std::vector<std::string> ids;
    for (const auto& item : collection.at("value").as_array()) {
      ids.emplace_back(item.at("id").as_string());
    }
    return ids;
  }

  std::unique_ptr<api::GraphApi> graph_;
  PrincipalId alice_, bob_, carol_, group_;
};

TEST_F(GraphDirectoryObjectRoutesTest, UsersListAndGet) {
  auto r = Get("/users");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value list = Json(r);
  EXPECT_EQ(list.at("@odata.context"), "https://pim.test:8443/v1.0/$metadata#users");
  EXPECT_EQ(Ids(list).size(), 3u);
  r = Get("/users/" + bob_.str());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), json::parse(R"({
    "@odata.context": "https://pim.test:8443/v1.0/$metadata#users/$entity",
    "id": ")" + bob_.str() + R"(", "displayName": "Bob", "userPrincipalName": null,
    "mail": null, "accountEnabled": true})"));
  r = Get("/users?$filter=displayName%20eq%20'Carol'&$select=id");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("value"), json::parse(R"([{"id": ")" + carol_.str() + R"("}])"));
  r = Get("/users/" + NewId());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorCode(r), "Request_ResourceNotFound");
  // A group is not a user.
  EXPECT_EQ(Get("/users/" + group_.str()).status, 404);
}

TEST_F(GraphDirectoryObjectRoutesTest, MeIsTheCaller) {
  const auto r = Get("/me", bob_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("id"), J(bob_.str()));
  EXPECT_EQ(Json(r).at("displayName"), "Bob");
}

TEST_F(GraphDirectoryObjectRoutesTest, GroupShape) {
  const auto r = Get("/groups/" + group_.str());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r), json::parse(R"({
    "@odata.context": "https://pim.test:8443/v1.0/$metadata#groups/$entity",
    "id": ")" + group_.str() + R"(", "displayName": "Ops", "mail": null, "mailEnabled": false,
    "securityEnabled": true, "isAssignableToRole": false, "groupTypes": []})"));
  EXPECT_EQ(Ids(Json(Get("/groups"))), std::vector<std::string>{group_.str()});
}

TEST_F(GraphDirectoryObjectRoutesTest, MembersAreDirectPlusActivePimButNotEligible) {
  ASSERT_TRUE(
      engine_
          ->AddMembership(Caller::System(), DirectMembership{group_, alice_, GroupAccess::kMember})
          .ok());
  ASSERT_TRUE(
      MakeActive(bob_, GroupTarget(group_, GroupAccess::kMember), For(absl::Hours(2))).ok());
  ASSERT_TRUE(MakeEligible(carol_, GroupTarget(group_, GroupAccess::kMember)).ok());
  const PrincipalId nested = AddGroup("Nested");
  ASSERT_TRUE(
      engine_
          ->AddMembership(Caller::System(), DirectMembership{group_, nested, GroupAccess::kMember})
          .ok());

  auto r = Get("/groups/" + group_.str() + "/members");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value members = Json(r);
  EXPECT_EQ(members.at("@odata.context"), "https://pim.test:8443/v1.0/$metadata#directoryObjects");
  std::vector<std::string> ids = Ids(members);
  std::vector<std::string> expected = {alice_.str(), bob_.str(), nested.str()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);
  for (const auto& m : members.at("value").as_array()) {
    EXPECT_EQ(m.at("@odata.type"),
              m.at("id") == J(nested.str()) ? "#microsoft.graph.group" : "#microsoft.graph.user");
  }
  EXPECT_TRUE(Ids(Json(Get("/groups/" + group_.str() + "/owners"))).empty());

  // When the temporary assignment ends, Bob is no longer a member.
  clock_.Advance(absl::Hours(3));
  expected = {alice_.str(), nested.str()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Ids(Json(Get("/groups/" + group_.str() + "/members"))), expected);
}

TEST_F(GraphDirectoryObjectRoutesTest, OwnersIncludeActivatedOwnership) {
  ASSERT_TRUE(MakeEligible(carol_, GroupTarget(group_, GroupAccess::kOwner)).ok());
  EXPECT_TRUE(Ids(Json(Get("/groups/" + group_.str() + "/owners"))).empty());
  ASSERT_TRUE(Activate(carol_, GroupTarget(group_, GroupAccess::kOwner)).ok());
  EXPECT_EQ(Ids(Json(Get("/groups/" + group_.str() + "/owners"))),
            std::vector<std::string>{carol_.str()});
  EXPECT_TRUE(Ids(Json(Get("/groups/" + group_.str() + "/members"))).empty());
}

TEST_F(GraphDirectoryObjectRoutesTest, ServicePrincipals) {
  const PrincipalId app = AddPrincipal(PrincipalKind::kServicePrincipal, "Deployer");
  auto r = Get("/servicePrincipals");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Ids(Json(r)), std::vector<std::string>{app.str()});
  r = Get("/servicePrincipals/" + app.str());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("displayName"), "Deployer");
}

TEST_F(GraphDirectoryObjectRoutesTest, DirectoryRoleDefinitions) {
  auto r = Get("/roleManagement/directory/roleDefinitions");
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value list = Json(r);
  EXPECT_EQ(list.at("@odata.context"),
            "https://pim.test:8443/v1.0/$metadata#roleManagement/directory/roleDefinitions");
  const std::vector<std::string> ids = Ids(list);
  EXPECT_NE(std::find(ids.begin(), ids.end(), std::string(role::kGlobalAdministrator)), ids.end());
  // Azure resource roles are not directory roles.
  EXPECT_EQ(std::find(ids.begin(), ids.end(), std::string(role::kOwner)), ids.end());

  r = Get("/roleManagement/directory/roleDefinitions/" + std::string(role::kGlobalAdministrator));
  ASSERT_EQ(r.status, 200) << r.body;
  const json::value ga = Json(r);
  EXPECT_EQ(ga.at("displayName"), "Global Administrator");
  EXPECT_EQ(ga.at("isBuiltIn"), true);
  EXPECT_EQ(ga.at("isEnabled"), true);
  EXPECT_EQ(ga.at("templateId"), J(std::string(role::kGlobalAdministrator)));
  EXPECT_EQ(ga.at("rolePermissions"), json::array{});
  EXPECT_EQ(Get("/roleManagement/directory/roleDefinitions/" + std::string(role::kOwner)).status,
            404);
}

TEST_F(GraphDirectoryObjectRoutesTest, ReadOnlyResourcesAreMethodNotAllowed) {
  const std::vector<std::string> targets = {
      "/v1.0/me",
      "/v1.0/roleManagement/directory/roleDefinitions/" + std::string(role::kGlobalAdministrator)};
  for (const std::string& target : targets) {
    const auto r = Call(*graph_, User(alice_), "PATCH", target, R"({"displayName": "Robert"})");
    EXPECT_EQ(r.status, 405) << target;
    EXPECT_EQ(ErrorCode(r), "BadRequest");
    EXPECT_EQ(r.Header("Allow"), "GET");
  }
}

TEST_F(GraphDirectoryObjectRoutesTest, WritesNeedADirectoryRole) {
  // Directory administration (directory_admin_routes_test.cpp) is authorised by the engine: a
  // caller without an administrator role is refused and nothing changes.
  const auto r = Call(*graph_, User(alice_), "PATCH", "/v1.0/users/" + bob_.str(),
                      R"({"displayName": "Robert"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ErrorCode(r), "Authorization_RequestDenied");
  EXPECT_EQ(Json(Get("/users/" + bob_.str())).at("displayName"), "Bob");
}

TEST_F(GraphDirectoryObjectRoutesTest, UnknownSubPathsAndOtherAreas) {
  EXPECT_EQ(Get("/users/" + bob_.str() + "/memberOf").status, 400);
}

}  // namespace
}  // namespace pim::testing
