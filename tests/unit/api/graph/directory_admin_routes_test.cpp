// Directory administration through Graph: POST/PATCH/DELETE of users, groups and service
// principals, members/owners $ref, passwords through the AccountAdmin, and Graph's directory
// errors. Authorisation itself is the engine's (tests/unit/engine/directory_admin_test.cpp);
// here each rule is seen once through the wire.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "pim/domain/ids.h"
#include "unit/api/graph/directory_admin_fixture.h"

namespace pim::testing {
namespace {

namespace json = boost::json;

constexpr std::string_view kDenied = "Insufficient privileges to complete the operation.";

class DirectoryAdminRoutesTest : public DirectoryAdminApiTest {
 protected:
  static std::string UserBody(std::string_view upn, std::string_view extra = "") {
    return Cat(R"({"displayName":"New Hire","userPrincipalName":")", upn,
               R"(","accountEnabled":true,"mailNickname":"newhire")", extra, "}");
  }
  static std::string Ref(
      std::string_view id,
      std::string_view base = "https://graph.microsoft.com/v1.0/directoryObjects/") {
    return Cat(R"({"@odata.id":")", base, id, R"("})");
  }
  // Creates a user as the system through the API and returns its id.
  PrincipalId CreateUser(std::string_view upn) {
    const auto r = Send(Caller::System(), "POST", "/v1.0/users", UserBody(upn));
    EXPECT_EQ(r.status, 201) << r.body;
    return PrincipalId(Str(Json(r), "id"));
  }
  std::vector<std::string> MemberIds(const PrincipalId& group, std::string_view what = "members") {
    std::vector<std::string> ids;
    const auto r = Send(Caller::System(), "GET", Cat("/v1.0/groups/", group.str(), "/", what));
    EXPECT_EQ(r.status, 200) << r.body;
    const json::value list = Json(r);
    for (const auto& item : list.at("value").as_array()) {
      ids.emplace_back(item.at("id").as_string());
    }
    return ids;
  }
};

// ---- Users ----

TEST_F(DirectoryAdminRoutesTest, CreateUserAnswers201WithTheUserAndItsLocation) {
  const auto r =
      Send(As(role::kUserAdministrator), "POST", "/v1.0/users", UserBody("hire@contoso.test"));
  ASSERT_EQ(r.status, 201) << r.body;
  const json::value user = Json(r);
  const std::string id = Str(user, "id");
  EXPECT_TRUE(IsGuid(id)) << id;
  EXPECT_EQ(id, absl::AsciiStrToLower(id));
  EXPECT_EQ(user, json::parse(Cat(
                      R"({
    "@odata.context": "https://pim.test:8443/v1.0/$metadata#users/$entity",
    "id": ")",
                      id, R"(", "displayName": "New Hire", "userPrincipalName": "hire@contoso.test",
    "mail": "hire@contoso.test", "accountEnabled": true})")));
  EXPECT_EQ(r.Header("Location"), Cat("https://pim.test:8443/v1.0/users/", id));
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const auto got = Send(Caller::System(), "GET", "/v1.0/users/hire@contoso.test");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Str(Json(got), "id"), id);
}

TEST_F(DirectoryAdminRoutesTest, CreateUserOnBetaWithAClientChosenIdAndDisabled) {
  const std::string id = "5B2E7C10-0000-4000-8000-00000000B001";
  const auto r =
      Send(Caller::System(), "POST", "/beta/users",
           Cat(R"({"id":")", id, R"(","displayName":"Svc","userPrincipalName":"svc@contoso.test",)",
               R"("mail":"SVC@contoso.test","accountEnabled":false})"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Json(r), "@odata.context"), "https://pim.test:8443/beta/$metadata#users/$entity");
  EXPECT_EQ(Str(Json(r), "id"), absl::AsciiStrToLower(id));
  EXPECT_EQ(Str(Json(r), "accountEnabled"), "false");
  const auto stored = Find(PrincipalId(absl::AsciiStrToLower(id)));
  ASSERT_TRUE(stored.has_value());
  EXPECT_FALSE(stored->enabled);
  EXPECT_EQ(stored->mail, "svc@contoso.test");  // userPrincipalName is what is kept
}

TEST_F(DirectoryAdminRoutesTest, CreateUserRejectsBadBodiesAndCreatesNothing) {
  const Caller ua = As(role::kUserAdministrator);
  const std::size_t users = CountOf(PrincipalKind::kUser);
  struct Case {
    std::string body;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {R"({"userPrincipalName":"a@contoso.test"})", "'displayName' is required"},
      {R"({"displayName":"A"})", "'userPrincipalName' is required"},
      {R"({"displayName":"A","userPrincipalName":"no-at-sign"})", "userPrincipalName"},
      {R"({"displayName":"A","userPrincipalName":"a b@contoso.test"})", "userPrincipalName"},
      {R"({"displayName":"","userPrincipalName":"a@contoso.test"})", "displayName"},
      {UserBody("a@contoso.test", R"(,"jobTitle":"CEO")"),
       "Property 'jobTitle' does not exist as a declared property or extension property."},
      {UserBody("a@contoso.test", R"(,"mail":"other@contoso.test")"), "must equal"},
      {UserBody("a@contoso.test", R"(,"id":"not-a-guid")"), "'id'"},
      {R"({"displayName":"A","userPrincipalName":"a@contoso.test","accountEnabled":"yes"})",
       "accountEnabled"},
      {UserBody("a@contoso.test", R"(,"passwordProfile":{"password":""})"), "password"},
      {UserBody("a@contoso.test", R"(,"passwordProfile":{"password":"x","hint":"y"})"), "hint"},
      {"not json", "not valid JSON"},
      {"[]", "JSON object"},
  };
  for (const Case& c : cases) {
    const auto r = Send(ua, "POST", "/v1.0/users", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.body;
    EXPECT_EQ(ErrorCode(r), "Request_BadRequest") << c.body;
    EXPECT_NE(ErrorMessage(r).find(c.message_part), std::string::npos)
        << c.body << " -> " << ErrorMessage(r);
  }
  EXPECT_EQ(CountOf(PrincipalKind::kUser), users);
  EXPECT_TRUE(accounts_->calls().empty());
}

TEST_F(DirectoryAdminRoutesTest, DuplicateUserPrincipalNameOrIdIs400) {
  const PrincipalId first = CreateUser("dup@contoso.test");
  auto r = Send(Caller::System(), "POST", "/v1.0/users", UserBody("DUP@Contoso.test"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_BadRequest");
  EXPECT_EQ(ErrorMessage(r),
            "Another object with the same value for property userPrincipalName already exists.");
  r = Send(Caller::System(), "POST", "/v1.0/users",
           UserBody("other@contoso.test", Cat(R"(,"id":")", first.str(), R"(")")));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_BadRequest");
  EXPECT_EQ(Find(first)->mail, "dup@contoso.test");
}

TEST_F(DirectoryAdminRoutesTest, CreatingAUserNeedsAUserAdministrator) {
  const std::size_t users = CountOf(PrincipalKind::kUser);
  for (const std::string_view role :
       {role::kHelpdeskAdministrator, role::kGroupsAdministrator, role::kGlobalReader}) {
    const Caller caller = As(role);
    const auto r = Send(caller, "POST", "/v1.0/users", UserBody("x@contoso.test"));
    EXPECT_EQ(r.status, 403) << role << " " << r.body;
    EXPECT_EQ(ErrorCode(r), "Authorization_RequestDenied");
    EXPECT_EQ(ErrorMessage(r), kDenied);
  }
  EXPECT_EQ(CountOf(PrincipalKind::kUser), users + 3);  // only the three callers
}

// ---- Passwords ----

TEST_F(DirectoryAdminRoutesTest, PasswordIsCheckedBeforeAndSetAfterTheUserIsCreated) {
  const auto r =
      Send(As(role::kUserAdministrator), "POST", "/v1.0/users",
           UserBody("pw@contoso.test", R"(,"passwordProfile":{"password":"Str0ng-pass"})"));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = Str(Json(r), "id");
  ASSERT_EQ(accounts_->Methods(), (std::vector<std::string>{"check", "set"}));
  EXPECT_EQ(accounts_->calls()[0].id, id);
  EXPECT_FALSE(accounts_->calls()[0].user_existed);
  EXPECT_EQ(accounts_->calls()[1].id, id);
  EXPECT_TRUE(accounts_->calls()[1].user_existed);
  EXPECT_EQ(accounts_->calls()[1].password, "Str0ng-pass");
  EXPECT_TRUE(accounts_->calls()[1].force_change);  // Graph's default
  EXPECT_EQ(r.body.find("Str0ng-pass"), std::string::npos);

  accounts_->Clear();
  const auto no_force =
      Send(Caller::System(), "POST", "/v1.0/users",
           UserBody("pw2@contoso.test", R"(,"passwordProfile":{"password":"Str0ng-pass",)"
                                        R"("forceChangePasswordNextSignIn":false})"));
  ASSERT_EQ(no_force.status, 201) << no_force.body;
  ASSERT_EQ(accounts_->Methods(), (std::vector<std::string>{"check", "set"}));
  EXPECT_FALSE(accounts_->calls()[1].force_change);
}

TEST_F(DirectoryAdminRoutesTest, APasswordThePolicyRefusesCreatesNothing) {
  const std::size_t users = CountOf(PrincipalKind::kUser);
  const auto r = Send(Caller::System(), "POST", "/v1.0/users",
                      UserBody("weak@contoso.test", R"(,"passwordProfile":{"password":"short"})"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_BadRequest");
  EXPECT_EQ(ErrorMessage(r), "The password must have at least 8 characters.");
  EXPECT_EQ(accounts_->Methods(), std::vector<std::string>{"check"});
  EXPECT_EQ(CountOf(PrincipalKind::kUser), users);
}

TEST_F(DirectoryAdminRoutesTest, AnUnauthorisedCallerNeverSetsAPassword) {
  const Caller helpdesk = As(role::kHelpdeskAdministrator);
  const auto r =
      Send(helpdesk, "POST", "/v1.0/users",
           UserBody("x@contoso.test", R"(,"passwordProfile":{"password":"Str0ng-pass"})"));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(accounts_->Methods(), std::vector<std::string>{"check"});
}

TEST_F(DirectoryAdminRoutesTest, AFailedSetPasswordUndoesTheCreation) {
  accounts_->fail_set = true;
  const std::size_t users = CountOf(PrincipalKind::kUser);
  const auto r =
      Send(Caller::System(), "POST", "/v1.0/users",
           UserBody("x@contoso.test", R"(,"passwordProfile":{"password":"Str0ng-pass"})"));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(accounts_->Methods(), (std::vector<std::string>{"check", "set"}));
  EXPECT_EQ(CountOf(PrincipalKind::kUser), users);
}

TEST_F(DirectoryAdminRoutesTest, WithoutAnAccountAdminPasswordsAreRefused) {
  api::GraphApi bare(*engine_, api::ApiOptions{});
  const PrincipalId user = CreateUser("u@contoso.test");
  auto r = Call(bare, Caller::System(), "POST", "/v1.0/users",
                UserBody("x@contoso.test", R"(,"passwordProfile":{"password":"Str0ng-pass"})"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_BadRequest");
  EXPECT_EQ(ErrorMessage(r), "Passwords are not managed by this server.");
  r = Call(bare, Caller::System(), "PATCH", Cat("/v1.0/users/", user.str()),
           R"({"passwordProfile":{"password":"Str0ng-pass"}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorMessage(r), "Passwords are not managed by this server.");
  // Everything else works without one.
  r = Call(bare, Caller::System(), "POST", "/v1.0/users", UserBody("x@contoso.test"));
  EXPECT_EQ(r.status, 201) << r.body;
}

// ---- PATCH and DELETE users ----

TEST_F(DirectoryAdminRoutesTest, PatchUserChangesWhatTheBodySays) {
  const PrincipalId user = CreateUser("pat@contoso.test");
  const Caller ua = As(role::kUserAdministrator);
  auto r = Send(ua, "PATCH", Cat("/v1.0/users/", user.str()),
                R"({"displayName":"Pat","accountEnabled":false})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(Find(user)->display_name, "Pat");
  EXPECT_FALSE(Find(user)->enabled);
  // By userPrincipalName, and renaming it.
  r = Send(ua, "PATCH", "/v1.0/users/PAT@contoso.test",
           R"({"userPrincipalName":"patricia@contoso.test","accountEnabled":true})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Find(user)->mail, "patricia@contoso.test");
  EXPECT_TRUE(Find(user)->enabled);
  EXPECT_EQ(Find(user)->display_name, "Pat");
  EXPECT_TRUE(accounts_->calls().empty());
}

TEST_F(DirectoryAdminRoutesTest, PatchUserPasswordOnly) {
  const PrincipalId user = CreateUser("pw@contoso.test");
  accounts_->Clear();
  const auto r = Send(As(role::kUserAdministrator), "PATCH", Cat("/v1.0/users/", user.str()),
                      R"({"passwordProfile":{"password":"N3w-password",)"
                      R"("forceChangePasswordNextSignIn":true}})");
  ASSERT_EQ(r.status, 204) << r.body;
  ASSERT_EQ(accounts_->Methods(), (std::vector<std::string>{"check", "set"}));
  EXPECT_EQ(accounts_->calls()[1].id, user.str());
  EXPECT_EQ(accounts_->calls()[1].password, "N3w-password");
  EXPECT_TRUE(accounts_->calls()[1].force_change);
}

TEST_F(DirectoryAdminRoutesTest, PatchUserErrors) {
  const PrincipalId user = CreateUser("e@contoso.test");
  auto r = Send(Caller::System(), "PATCH", Cat("/v1.0/users/", NewId()), R"({"displayName":"x"})");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_ResourceNotFound");
  r = Send(Caller::System(), "PATCH", Cat("/v1.0/users/", user.str()),
           Cat(R"({"id":")", NewId(), R"("})"));
  EXPECT_EQ(r.status, 400) << r.body;
  r = Send(Caller::System(), "PATCH", Cat("/v1.0/users/", user.str()), R"({"displayName":null})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorMessage(r), "The property 'displayName' cannot be null.");
  r = Send(Caller::System(), "PATCH", Cat("/v1.0/users/", user.str()), R"({"department":"x"})");
  EXPECT_EQ(r.status, 400) << r.body;
  // Renaming onto another user's name.
  CreateUser("taken@contoso.test");
  r = Send(Caller::System(), "PATCH", Cat("/v1.0/users/", user.str()),
           R"({"userPrincipalName":"Taken@contoso.test"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_BadRequest");
  EXPECT_EQ(Find(user)->mail, "e@contoso.test");
}

TEST_F(DirectoryAdminRoutesTest, UserAdministratorCannotPatchOrResetAPrivilegedUser) {
  const PrincipalId admin = CreateUser("admin@contoso.test");
  ASSERT_TRUE(MakeEligible(admin, DirectoryRoleTarget(role::kSecurityAdministrator)).ok());
  accounts_->Clear();
  const Caller ua = As(role::kUserAdministrator);
  auto r = Send(ua, "PATCH", Cat("/v1.0/users/", admin.str()),
                R"({"passwordProfile":{"password":"Takeover-1"}})");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(ErrorCode(r), "Authorization_RequestDenied");
  for (const auto& call : accounts_->calls()) EXPECT_NE(call.method, "set");
  r = Send(ua, "DELETE", Cat("/v1.0/users/", admin.str()));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_TRUE(Find(admin).has_value());
  // A Global Administrator may.
  r = Send(As(role::kGlobalAdministrator), "PATCH", Cat("/v1.0/users/", admin.str()),
           R"({"passwordProfile":{"password":"Reset-by-ga-1"}})");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(accounts_->Methods().back(), "set");
}

TEST_F(DirectoryAdminRoutesTest, DeleteUserForgetsItsCredentials) {
  const PrincipalId user = CreateUser("bye@contoso.test");
  accounts_->Clear();
  auto r = Send(As(role::kUserAdministrator), "DELETE", "/v1.0/users/bye@contoso.test");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_FALSE(Find(user).has_value());
  ASSERT_EQ(accounts_->Methods(), std::vector<std::string>{"forget"});
  EXPECT_EQ(accounts_->calls()[0].id, user.str());
  EXPECT_FALSE(accounts_->calls()[0].user_existed);
  r = Send(Caller::System(), "DELETE", Cat("/v1.0/users/", user.str()));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_ResourceNotFound");
}

TEST_F(DirectoryAdminRoutesTest, TheLastGlobalAdministratorCannotBeDeletedOrDisabled) {
  const PrincipalId root = AdminWith(role::kGlobalAdministrator);
  accounts_->Clear();
  auto r = Send(User(root), "DELETE", Cat("/v1.0/users/", root.str()));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), code::kLastAdministrator);
  r = Send(User(root), "PATCH", Cat("/v1.0/users/", root.str()), R"({"accountEnabled":false})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), code::kLastAdministrator);
  EXPECT_TRUE(Find(root)->enabled);
  EXPECT_TRUE(accounts_->calls().empty());
}

// ---- Groups ----

TEST_F(DirectoryAdminRoutesTest, CreateGroupAnswers201WithTheGroup) {
  const auto r = Send(As(role::kGroupsAdministrator), "POST", "/v1.0/groups",
                      R"({"displayName":"Ops","mailNickname":"ops","mailEnabled":false,)"
                      R"("securityEnabled":true,"description":"Operators","groupTypes":[]})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = Str(Json(r), "id");
  EXPECT_EQ(Json(r),
            json::parse(Cat(R"({
    "@odata.context": "https://pim.test:8443/v1.0/$metadata#groups/$entity",
    "id": ")",
                            id, R"(", "displayName": "Ops", "mail": null, "mailEnabled": false,
    "securityEnabled": true, "isAssignableToRole": false, "groupTypes": []})")));
  EXPECT_EQ(r.Header("Location"), Cat("https://pim.test:8443/v1.0/groups/", id));
}

TEST_F(DirectoryAdminRoutesTest, RoleAssignableGroupsNeedAPrivilegedRoleAdministrator) {
  const std::string body = R"({"displayName":"Tier0","isAssignableToRole":true})";
  auto r = Send(As(role::kGroupsAdministrator), "POST", "/v1.0/groups", body);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(ErrorCode(r), "Authorization_RequestDenied");
  r = Send(As(role::kPrivilegedRoleAdministrator), "POST", "/v1.0/groups", body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Json(r), "isAssignableToRole"), "true");
}

TEST_F(DirectoryAdminRoutesTest, GroupKindsThisServerDoesNotKeepAreRefused) {
  for (const std::string_view body :
       {R"({"displayName":"G","securityEnabled":false})",
        R"({"displayName":"G","mailEnabled":true})",
        R"({"displayName":"G","groupTypes":["Unified"]})",
        R"({"displayName":"G","visibility":"Private"})", R"({"mailNickname":"g"})"}) {
    const auto r = Send(Caller::System(), "POST", "/v1.0/groups", std::string(body));
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(ErrorCode(r), "Request_BadRequest") << body;
  }
  EXPECT_EQ(CountOf(PrincipalKind::kGroup), 0u);
}

TEST_F(DirectoryAdminRoutesTest, PatchGroupButNeverItsRoleAssignability) {
  const PrincipalId group = AddGroup("Ops");
  const Caller groups_admin = As(role::kGroupsAdministrator);
  auto r = Send(groups_admin, "PATCH", Cat("/v1.0/groups/", group.str()),
                R"({"displayName":"Operators","description":"x","isAssignableToRole":false})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Find(group)->display_name, "Operators");
  r = Send(Caller::System(), "PATCH", Cat("/v1.0/groups/", group.str()),
           R"({"isAssignableToRole":true})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_BadRequest");
  EXPECT_FALSE(Find(group)->is_assignable_to_role);
}

TEST_F(DirectoryAdminRoutesTest, CreateGroupWithBoundMembersIsAllOrNothing) {
  const PrincipalId alice = CreateUser("alice@contoso.test");
  const PrincipalId bob = CreateUser("bob@contoso.test");
  const std::string base = "https://graph.microsoft.com/v1.0/directoryObjects/";
  auto r = Send(Caller::System(), "POST", "/v1.0/groups",
                Cat(R"({"displayName":"Team","members@odata.bind":[")", base, alice.str(), R"(",")",
                    base, NewId(), R"("]})"));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_ResourceNotFound");
  EXPECT_EQ(CountOf(PrincipalKind::kGroup), 0u);

  r = Send(Caller::System(), "POST", "/v1.0/groups",
           Cat(R"({"displayName":"Team","members@odata.bind":[")", base, alice.str(),
               R"("],"owners@odata.bind":["https://graph.microsoft.com/v1.0/users/)", bob.str(),
               R"("]})"));
  ASSERT_EQ(r.status, 201) << r.body;
  const PrincipalId team(Str(Json(r), "id"));
  EXPECT_EQ(MemberIds(team), std::vector<std::string>{alice.str()});
  EXPECT_EQ(MemberIds(team, "owners"), std::vector<std::string>{bob.str()});
}

TEST_F(DirectoryAdminRoutesTest, DeleteGroup) {
  const PrincipalId group = AddGroup("Old");
  auto r = Send(As(role::kGroupsAdministrator), "DELETE", Cat("/v1.0/groups/", group.str()));
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_FALSE(Find(group).has_value());
  EXPECT_TRUE(accounts_->calls().empty());  // groups have no credentials
}

// ---- Members and owners ----

TEST_F(DirectoryAdminRoutesTest, AddAndRemoveMembersAndOwnersByReference) {
  const PrincipalId group = AddGroup("Ops");
  const PrincipalId alice = CreateUser("alice@contoso.test");
  const PrincipalId bob = CreateUser("bob@contoso.test");
  const Caller groups_admin = As(role::kGroupsAdministrator);
  const std::string members = Cat("/v1.0/groups/", group.str(), "/members/$ref");
  auto r = Send(groups_admin, "POST", members, Ref(alice.str()));
  ASSERT_EQ(r.status, 204) << r.body;
  // Any base URL, a users/ path, upper-case GUIDs.
  r = Send(groups_admin, "POST", members,
           Ref(absl::AsciiStrToUpper(bob.str()), "https://example.test/beta/users/"));
  ASSERT_EQ(r.status, 204) << r.body;
  std::vector<std::string> expected = {alice.str(), bob.str()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(MemberIds(group), expected);

  r = Send(groups_admin, "POST", members, Ref(alice.str()));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_BadRequest");
  EXPECT_EQ(ErrorMessage(r),
            "One or more added object references already exist for the following modified "
            "properties: 'members'.");

  r = Send(groups_admin, "POST", Cat("/v1.0/groups/", group.str(), "/owners/$ref"),
           Ref(alice.str()));
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(MemberIds(group, "owners"), std::vector<std::string>{alice.str()});

  r = Send(groups_admin, "DELETE",
           Cat("/v1.0/groups/", group.str(), "/members/", bob.str(), "/$ref"));
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(MemberIds(group), std::vector<std::string>{alice.str()});
  r = Send(groups_admin, "DELETE",
           Cat("/v1.0/groups/", group.str(), "/members/", bob.str(), "/$ref"));
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_ResourceNotFound");
  // Owners are users or service principals, never groups.
  const PrincipalId other_group = AddGroup("Other");
  r = Send(groups_admin, "POST", Cat("/v1.0/groups/", group.str(), "/owners/$ref"),
           Ref(other_group.str()));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "Request_BadRequest");
  EXPECT_EQ(MemberIds(group, "owners"), std::vector<std::string>{alice.str()});
  // A group's last owner stays until another is added.
  const std::string alice_owner =
      Cat("/v1.0/groups/", group.str(), "/owners/", alice.str(), "/$ref");
  r = Send(groups_admin, "DELETE", alice_owner);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "LastGroupOwner");
  EXPECT_EQ(MemberIds(group, "owners"), std::vector<std::string>{alice.str()});
  r = Send(groups_admin, "POST", Cat("/v1.0/groups/", group.str(), "/owners/$ref"), Ref(bob.str()));
  ASSERT_EQ(r.status, 204) << r.body;
  r = Send(groups_admin, "DELETE", alice_owner);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(MemberIds(group, "owners"), std::vector<std::string>{bob.str()});
}

TEST_F(DirectoryAdminRoutesTest, ReferenceErrors) {
  const PrincipalId group = AddGroup("Ops");
  const std::string members = Cat("/v1.0/groups/", group.str(), "/members/$ref");
  struct Case {
    std::string target;
    std::string body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {members, Ref(NewId()), 404, "Request_ResourceNotFound"},
      {Cat("/v1.0/groups/", NewId(), "/members/$ref"), Ref(group.str()), 404,
       "Request_ResourceNotFound"},
      {members, R"({"@odata.id":"https://graph.microsoft.com/v1.0/users/alice"})", 400,
       "Request_BadRequest"},
      {members, R"({"id":"x"})", 400, "Request_BadRequest"},
      {members, R"({})", 400, "Request_BadRequest"},
      {members, Ref(group.str()), 400, "Request_BadRequest"},  // a group cannot contain itself
  };
  for (const Case& c : cases) {
    const auto r = Send(Caller::System(), "POST", c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.target << " " << c.body << " -> " << r.body;
    EXPECT_EQ(ErrorCode(r), c.code) << c.body;
  }
}

TEST_F(DirectoryAdminRoutesTest, AGroupOwnerManagesMembersButNotOwners) {
  const PrincipalId group = AddGroup("Ops");
  const PrincipalId owner = CreateUser("owner@contoso.test");
  const PrincipalId alice = CreateUser("alice@contoso.test");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, owner, GroupAccess::kOwner}).ok());
  auto r = Send(User(owner), "POST", Cat("/v1.0/groups/", group.str(), "/members/$ref"),
                Ref(alice.str()));
  EXPECT_EQ(r.status, 204) << r.body;
  r = Send(User(owner), "POST", Cat("/v1.0/groups/", group.str(), "/owners/$ref"),
           Ref(alice.str()));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(ErrorCode(r), "Authorization_RequestDenied");
  EXPECT_FALSE(HasMembership(group, alice, GroupAccess::kOwner));
}

// As in Entra, removing a member through the Groups API ends an active PIM assignment too: an
// adminRemove request in the caller's name, under its rules, in the audit trail.
TEST_F(DirectoryAdminRoutesTest, AnActivePimMembershipIsEndedThroughRef) {
  const PrincipalId group = AddGroup("Ops");
  const PrincipalId alice = CreateUser("alice@contoso.test");
  const PrincipalId owner = CreateUser("owner@contoso.test");
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, owner, GroupAccess::kOwner}).ok());
  const Target member = GroupTarget(group, GroupAccess::kMember);
  ASSERT_TRUE(MakeActive(alice, member, For(absl::Hours(2))).ok());
  const std::string ref = Cat("/v1.0/groups/", group.str(), "/members/", alice.str(), "/$ref");
  // Within five minutes of the assignment it may not be removed, by any path.
  auto r = Send(User(owner), "DELETE", ref);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "ActiveDurationTooShort");
  EXPECT_TRUE(Holds(alice, member));
  clock_.Advance(absl::Minutes(10));
  // Someone who may not manage the group's assignments may not end one this way either.
  const PrincipalId mallory = CreateUser("mallory@contoso.test");
  r = Send(User(mallory), "DELETE", ref);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_TRUE(Holds(alice, member));
  r = Send(User(owner), "DELETE", ref);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_FALSE(Holds(alice, member));
  bool recorded = false;
  for (const ScheduleRequest& q : engine_->RequestsOf(alice)) {
    recorded |= q.action == RequestAction::kAdminRemove && q.created_by == owner &&
                q.status == RequestStatus::kRevoked;
  }
  EXPECT_TRUE(recorded);
  // Gone now: a second removal finds nothing.
  r = Send(User(owner), "DELETE", ref);
  EXPECT_EQ(r.status, 404) << r.body;
}

// A membership held both ways ends both ways, in one command: both or neither.
TEST_F(DirectoryAdminRoutesTest, AStandingAndAPimMembershipEndTogetherOrNotAtAll) {
  const PrincipalId group = AddGroup("Ops");
  const PrincipalId alice = CreateUser("alice@contoso.test");
  const Target member = GroupTarget(group, GroupAccess::kMember);
  const Target ownership = GroupTarget(group, GroupAccess::kOwner);
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, alice, GroupAccess::kMember}).ok());
  ASSERT_TRUE(MakeActive(alice, member, For(absl::Hours(8))).ok());
  // Within five minutes of the assignment: refused, and the standing membership stays too.
  const std::string ref = Cat("/v1.0/groups/", group.str(), "/members/", alice.str(), "/$ref");
  auto r = Send(Caller::System(), "DELETE", ref);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "ActiveDurationTooShort");
  EXPECT_TRUE(HasMembership(group, alice));
  clock_.Advance(absl::Minutes(10));
  r = Send(Caller::System(), "DELETE", ref);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_FALSE(HasMembership(group, alice));
  EXPECT_FALSE(Holds(alice, member));

  // The only owner, standing and through PIM: neither goes.
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {group, alice, GroupAccess::kOwner}).ok());
  ASSERT_TRUE(MakeActive(alice, ownership, For(absl::Hours(8))).ok());
  clock_.Advance(absl::Minutes(10));
  r = Send(Caller::System(), "DELETE",
           Cat("/v1.0/groups/", group.str(), "/owners/", alice.str(), "/$ref"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorCode(r), "LastGroupOwner");
  EXPECT_TRUE(HasMembership(group, alice, GroupAccess::kOwner));
  EXPECT_TRUE(Holds(alice, ownership));
  for (const ScheduleRequest& q : engine_->RequestsOf(alice)) {
    EXPECT_FALSE(q.target == ownership && q.action == RequestAction::kAdminRemove)
        << "the PIM ownership was removed";
  }
}

// ---- Service principals ----

TEST_F(DirectoryAdminRoutesTest, ApplicationAdministratorManagesServicePrincipals) {
  const Caller app_admin = As(role::kApplicationAdministrator);
  auto r = Send(app_admin, "POST", "/v1.0/servicePrincipals",
                Cat(R"({"appId":")", NewId(), R"(","displayName":"Deployer"})"));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = Str(Json(r), "id");
  EXPECT_EQ(Json(r), json::parse(Cat(R"({
    "@odata.context": "https://pim.test:8443/v1.0/$metadata#servicePrincipals/$entity",
    "id": ")",
                                     id, R"(", "displayName": "Deployer", "accountEnabled": true,
    "servicePrincipalType": "Application"})")));
  r = Send(app_admin, "PATCH", Cat("/v1.0/servicePrincipals/", id), R"({"accountEnabled":false})");
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_FALSE(Find(PrincipalId(id))->enabled);
  r = Send(app_admin, "PATCH", Cat("/v1.0/servicePrincipals/", id),
           Cat(R"({"appId":")", NewId(), R"("})"));
  EXPECT_EQ(r.status, 400) << r.body;
  r = Send(As(role::kUserAdministrator), "DELETE", Cat("/v1.0/servicePrincipals/", id));
  EXPECT_EQ(r.status, 403) << r.body;
  r = Send(app_admin, "DELETE", Cat("/v1.0/servicePrincipals/", id));
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_FALSE(Find(PrincipalId(id)).has_value());
  EXPECT_EQ(accounts_->Methods(), std::vector<std::string>{"forget"});
}

TEST_F(DirectoryAdminRoutesTest, ServicePrincipalBodyErrors) {
  for (const std::string& body :
       {std::string(R"({"appId":"nope","displayName":"D"})"), std::string(R"({"appId":"x"})"),
        Cat(R"({"appId":")", NewId(), R"(","displayName":"D","passwordCredentials":[]})")}) {
    const auto r = Send(Caller::System(), "POST", "/v1.0/servicePrincipals", body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.body;
    EXPECT_EQ(ErrorCode(r), "Request_BadRequest");
  }
}

// ---- Methods ----

TEST_F(DirectoryAdminRoutesTest, UnsupportedMethodsAre405WithAllow) {
  const PrincipalId user = CreateUser("m@contoso.test");
  const PrincipalId group = AddGroup("G");
  struct Case {
    std::string method;
    std::string target;
    std::string allow;
  };
  const std::vector<Case> cases = {
      {"PUT", Cat("/v1.0/users/", user.str()), "GET, PATCH, DELETE"},
      {"POST", Cat("/v1.0/users/", user.str()), "GET, PATCH, DELETE"},
      {"DELETE", "/v1.0/users", "GET, POST"},
      {"POST", Cat("/v1.0/groups/", group.str(), "/members"), "GET"},
      {"DELETE", Cat("/v1.0/groups/", group.str(), "/members/$ref"), "POST"},
      {"PATCH", "/v1.0/me", "GET"},
      {"POST", "/v1.0/roleManagement/directory/roleDefinitions", "GET"},
  };
  for (const Case& c : cases) {
    const auto r = Send(Caller::System(), c.method, c.target, R"({"displayName":"x"})");
    EXPECT_EQ(r.status, 405) << c.method << " " << c.target << " -> " << r.body;
    EXPECT_EQ(r.Header("Allow"), c.allow) << c.method << " " << c.target;
  }
  EXPECT_EQ(Find(user)->display_name, "New Hire");
}

}  // namespace
}  // namespace pim::testing
