// Bulk import of users and groups (JSON and CSV): each row applied on its own under the engine's
// rules, rejected rows reported and left unapplied, idempotent re-import, whole-document errors.
// The unit-test binaries see include/ and tests/ only; ImportDirectory is declared with the Graph
// surface's internals under src/ (the pim API routes it), hence the relative path.
#include "api/graph/directory_import.h"

#include <optional>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "unit/api/graph/directory_admin_fixture.h"

namespace pim::testing {
namespace {

namespace json = boost::json;

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kCsv = "text/csv";

class DirectoryImportTest : public DirectoryAdminApiTest {
 protected:
  absl::StatusOr<json::object> Import(const Caller& caller, std::string_view body,
                                      std::string_view type = kJson,
                                      const api::ImportLimits& limits = {}) {
    return api::ImportDirectory(*engine_, accounts_.get(), caller, body, type, limits);
  }
  // Imports as the system and expects the document to be accepted.
  json::object ImportOk(std::string_view body, std::string_view type = kJson,
                        const Caller& caller = Caller::System()) {
    auto report = Import(caller, body, type);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : json::object{};
  }
  static const json::object& RowOf(const json::object& report, std::int64_t n) {
    static const json::object kNone;
    for (const auto& row : report.at("rows").as_array()) {
      if (row.at("row").as_int64() == n) return row.as_object();
    }
    ADD_FAILURE() << "no row " << n << " in " << json::serialize(report);
    return kNone;
  }
  static std::string StatusOfRow(const json::object& report, std::int64_t n) {
    return Str(RowOf(report, n), "status");
  }
  static std::vector<std::int64_t> Counts(const json::object& report) {
    return {report.at("imported").as_int64(), report.at("unchanged").as_int64(),
            report.at("rejected").as_int64()};
  }
  std::optional<Principal> UserNamed(std::string_view upn) {
    std::optional<Principal> found;
    engine_->Read([&](const State& s) {
      for (const auto& [id, p] : s.principals()) {
        if (p.kind == PrincipalKind::kUser && p.mail == upn) found = p;
      }
    });
    return found;
  }
  std::optional<Principal> GroupNamed(std::string_view name) {
    std::optional<Principal> found;
    engine_->Read([&](const State& s) {
      for (const auto& [id, p] : s.principals()) {
        if (p.kind == PrincipalKind::kGroup && p.display_name == name) found = p;
      }
    });
    return found;
  }
};

constexpr std::string_view kMixed = R"({
  "users": [
    {"displayName": "Ada", "userPrincipalName": "ada@contoso.test"},
    {"displayName": "No Name Given"},
    {"displayName": "Bob", "userPrincipalName": "bob@contoso.test", "accountEnabled": false,
     "jobTitle": "unknown property"},
    {"displayName": "Cy", "userPrincipalName": "cy@contoso.test", "accountEnabled": false}
  ],
  "groups": [
    {"displayName": "Ops", "members": ["ada@contoso.test"], "owners": ["CY@contoso.test"]},
    {"displayName": "Ghosts", "members": ["ada@contoso.test", "nobody@contoso.test"]},
    "not an object"
  ]})";

TEST_F(DirectoryImportTest, JsonRowsAreAppliedOneByOneAndFailuresReported) {
  const json::object report = ImportOk(kMixed);
  EXPECT_EQ(Counts(report), (std::vector<std::int64_t>{3, 0, 4})) << json::serialize(report);
  ASSERT_EQ(report.at("rows").as_array().size(), 7u);
  EXPECT_EQ(StatusOfRow(report, 1), "created");
  EXPECT_EQ(StatusOfRow(report, 2), "rejected");
  EXPECT_EQ(Str(RowOf(report, 2), "code"), "BadRequest");
  EXPECT_NE(Str(RowOf(report, 2), "message").find("userPrincipalName"), std::string::npos);
  EXPECT_EQ(StatusOfRow(report, 3), "rejected");
  EXPECT_NE(Str(RowOf(report, 3), "message").find("jobTitle"), std::string::npos);
  EXPECT_EQ(StatusOfRow(report, 4), "created");
  EXPECT_EQ(StatusOfRow(report, 5), "created");
  EXPECT_EQ(StatusOfRow(report, 6), "rejected");
  EXPECT_EQ(Str(RowOf(report, 6), "code"), code::kSubjectNotFound);
  EXPECT_EQ(StatusOfRow(report, 7), "rejected");
  // Accepted rows carry the id of what they created; their objects are as the file says.
  const auto ada = UserNamed("ada@contoso.test");
  const auto cy = UserNamed("cy@contoso.test");
  const auto ops = GroupNamed("Ops");
  ASSERT_TRUE(ada && cy && ops);
  EXPECT_EQ(Str(RowOf(report, 1), "id"), ada->id.str());
  EXPECT_EQ(Str(RowOf(report, 5), "id"), ops->id.str());
  EXPECT_EQ(ada->display_name, "Ada");
  EXPECT_TRUE(ada->enabled);
  EXPECT_FALSE(cy->enabled);
  EXPECT_TRUE(HasMembership(ops->id, ada->id));
  EXPECT_TRUE(HasMembership(ops->id, cy->id, GroupAccess::kOwner));
  // Nothing of a rejected row: Bob and the Ghosts group do not exist.
  EXPECT_FALSE(UserNamed("bob@contoso.test").has_value());
  EXPECT_FALSE(GroupNamed("Ghosts").has_value());
  EXPECT_FALSE(RowOf(report, 1).contains("code"));
  // A rejected row that would have created something names no id.
  EXPECT_FALSE(RowOf(report, 3).contains("id"));
  EXPECT_FALSE(RowOf(report, 6).contains("id"));
}

TEST_F(DirectoryImportTest, ReimportingTheSameFileChangesNothing) {
  ImportOk(kMixed);
  const Revision before = engine_->revision();
  const json::object again = ImportOk(kMixed);
  EXPECT_EQ(Counts(again), (std::vector<std::int64_t>{0, 3, 4})) << json::serialize(again);
  EXPECT_EQ(StatusOfRow(again, 1), "unchanged");
  EXPECT_EQ(StatusOfRow(again, 5), "unchanged");
  EXPECT_EQ(Str(RowOf(again, 1), "id"), UserNamed("ada@contoso.test")->id.str());
  EXPECT_EQ(engine_->revision(), before);
}

TEST_F(DirectoryImportTest, ChangedRowsUpdateTheObjectTheyName) {
  ImportOk(kMixed);
  const PrincipalId ada = UserNamed("ada@contoso.test")->id;
  const PrincipalId cy = UserNamed("cy@contoso.test")->id;
  const json::object report = ImportOk(R"({
    "users": [{"displayName": "Ada Lovelace", "userPrincipalName": "ADA@contoso.test"},
              {"displayName": "Cy", "userPrincipalName": "cy@contoso.test"}],
    "groups": [{"displayName": "ops", "members": ["cy@contoso.test"]}]})");
  EXPECT_EQ(Counts(report), (std::vector<std::int64_t>{2, 1, 0})) << json::serialize(report);
  // Matched by userPrincipalName ignoring case; the new case is kept.
  EXPECT_EQ(StatusOfRow(report, 1), "updated");
  EXPECT_EQ(Find(ada)->display_name, "Ada Lovelace");
  EXPECT_EQ(Find(ada)->mail, "ADA@contoso.test");
  // accountEnabled left out keeps the stored value.
  EXPECT_EQ(StatusOfRow(report, 2), "unchanged");
  EXPECT_FALSE(Find(cy)->enabled);
  // The group is matched by name and gains a member; memberships are only ever added.
  EXPECT_EQ(StatusOfRow(report, 3), "updated");
  const PrincipalId ops(Str(RowOf(report, 3), "id"));
  EXPECT_EQ(Find(ops)->display_name, "ops");
  EXPECT_TRUE(HasMembership(ops, cy));
  EXPECT_TRUE(HasMembership(ops, ada));
}

TEST_F(DirectoryImportTest, RowsNamingAnObjectOfAnotherKindOrAnAmbiguousGroupAreRejected) {
  const PrincipalId team = AddGroup("Twins");
  AddGroup("Twins");
  const json::object report =
      ImportOk(Cat(R"({
    "users": [{"id": ")",
                   team.str(), R"(", "displayName": "X", "userPrincipalName": "x@c.test"}],
    "groups": [{"displayName": "Twins"}, {"id": ")",
                   team.str(), R"(", "displayName": "Twins"}]})"));
  EXPECT_EQ(StatusOfRow(report, 1), "rejected");
  EXPECT_NE(Str(RowOf(report, 1), "message").find("is a Group"), std::string::npos);
  EXPECT_EQ(StatusOfRow(report, 2), "rejected");
  EXPECT_NE(Str(RowOf(report, 2), "message").find("Several groups"), std::string::npos);
  EXPECT_EQ(StatusOfRow(report, 3), "unchanged");
}

TEST_F(DirectoryImportTest, EachRowIsAuthorisedOnItsOwn) {
  const json::object report = ImportOk(R"({
    "users": [{"displayName": "U", "userPrincipalName": "u@contoso.test"}],
    "groups": [{"displayName": "Plain"}, {"displayName": "Tier0", "isAssignableToRole": true}]})",
                                       kJson, As(role::kGroupsAdministrator));
  EXPECT_EQ(Counts(report), (std::vector<std::int64_t>{1, 0, 2})) << json::serialize(report);
  EXPECT_EQ(Str(RowOf(report, 1), "code"), code::kAuthorizationFailed);
  EXPECT_EQ(StatusOfRow(report, 2), "created");
  EXPECT_EQ(Str(RowOf(report, 3), "code"), code::kAuthorizationFailed);
  EXPECT_FALSE(UserNamed("u@contoso.test").has_value());
  EXPECT_FALSE(GroupNamed("Tier0").has_value());
  ASSERT_TRUE(GroupNamed("Plain").has_value());
}

TEST_F(DirectoryImportTest, PasswordsAreSetOnlyForUsersTheImportCreates) {
  const std::string body = R"({"users": [
    {"displayName": "P", "userPrincipalName": "p@contoso.test",
     "passwordProfile": {"password": "Initial-pass1", "forceChangePasswordNextSignIn": true}},
    {"displayName": "W", "userPrincipalName": "w@contoso.test",
     "passwordProfile": {"password": "weak"}}]})";
  json::object report = ImportOk(body);
  EXPECT_EQ(StatusOfRow(report, 1), "created");
  EXPECT_EQ(StatusOfRow(report, 2), "rejected");
  EXPECT_FALSE(UserNamed("w@contoso.test").has_value());
  const PrincipalId p = UserNamed("p@contoso.test")->id;
  ASSERT_EQ(accounts_->Methods(), (std::vector<std::string>{"check", "set", "check"}));
  EXPECT_EQ(accounts_->calls()[1].id, p.str());
  EXPECT_TRUE(accounts_->calls()[1].user_existed);
  EXPECT_TRUE(accounts_->calls()[1].force_change);

  accounts_->Clear();
  report = ImportOk(body);
  EXPECT_EQ(StatusOfRow(report, 1), "unchanged");
  for (const auto& call : accounts_->calls()) EXPECT_NE(call.id, p.str()) << call.method;

  // A failing credential store leaves no user behind.
  accounts_->Clear();
  accounts_->fail_set = true;
  report = ImportOk(
      R"({"users":[{"displayName":"F","userPrincipalName":"f@contoso.test",
         "passwordProfile":{"password":"Initial-pass1"}}]})");
  EXPECT_EQ(StatusOfRow(report, 1), "rejected");
  EXPECT_EQ(Str(RowOf(report, 1), "code"), "ServiceUnavailable");
  EXPECT_FALSE(UserNamed("f@contoso.test").has_value());

  // Without an AccountAdmin the row is refused.
  auto bare = api::ImportDirectory(*engine_, nullptr, Caller::System(),
                                   R"({"users":[{"displayName":"N","userPrincipalName":"n@c.test",
                                      "passwordProfile":{"password":"Initial-pass1"}}]})",
                                   kJson);
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_EQ(StatusOfRow(*bare, 1), "rejected");
  EXPECT_EQ(Str(RowOf(*bare, 1), "message"), "Passwords are not managed by this server.");
}

// ---- CSV ----

TEST_F(DirectoryImportTest, CsvQuotingLineBreaksAndMemberOf) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "kind,id,displayName,userPrincipalName,accountEnabled,isAssignableToRole,memberOf\r\n"
      "user,,\"Doe, Jane \"\"JD\"\"\",jane@contoso.test,TRUE,,Ops;Dev\r\n"
      "\r\n"
      "user,,\"Multi\nLine\",ml@contoso.test,false,,\"Dev\"\r\n"
      "group,,Ops,,,false,\n"
      "group,,Dev,,,,\n";
  const json::object report = ImportOk(csv, "text/csv; charset=utf-8");
  EXPECT_EQ(Counts(report), (std::vector<std::int64_t>{4, 0, 0})) << json::serialize(report);
  const auto jane = UserNamed("jane@contoso.test");
  const auto ml = UserNamed("ml@contoso.test");
  const auto ops = GroupNamed("Ops");
  const auto dev = GroupNamed("Dev");
  ASSERT_TRUE(jane && ml && ops && dev);
  EXPECT_EQ(jane->display_name, "Doe, Jane \"JD\"");
  EXPECT_TRUE(jane->enabled);
  EXPECT_EQ(ml->display_name, "Multi\nLine");
  EXPECT_FALSE(ml->enabled);
  // Groups defined after the users that join them still count.
  EXPECT_TRUE(HasMembership(ops->id, jane->id));
  EXPECT_TRUE(HasMembership(dev->id, jane->id));
  EXPECT_TRUE(HasMembership(dev->id, ml->id));
  EXPECT_FALSE(HasMembership(ops->id, ml->id));
  // Rows are numbered after the header, blank lines skipped, in file order.
  EXPECT_EQ(Str(RowOf(report, 1), "id"), jane->id.str());
  EXPECT_EQ(Str(RowOf(report, 4), "id"), dev->id.str());

  // Columns in another order, a group joined by id; the same file again is unchanged.
  const std::string by_id = Cat("displayName,kind,memberOf,userPrincipalName\n", "Jane,user,",
                                ops->id.str(), ",jane@contoso.test\n");
  const json::object renamed = ImportOk(by_id, kCsv);
  EXPECT_EQ(StatusOfRow(renamed, 1), "updated");
  EXPECT_EQ(UserNamed("jane@contoso.test")->display_name, "Jane");
  EXPECT_EQ(StatusOfRow(ImportOk(by_id, kCsv), 1), "unchanged");
}

TEST_F(DirectoryImportTest, CsvBadRowsAreRejectedAndTheRestImported) {
  const std::string csv =
      "kind,displayName,userPrincipalName,accountEnabled,isAssignableToRole,memberOf\n"
      "user,Ok,ok@contoso.test,,,\n"
      "user,Too,few\n"
      "robot,R,r@contoso.test,,,\n"
      "user,Maybe,maybe@contoso.test,maybe,,\n"
      "group,G,g@contoso.test,,,\n"
      "user,Assignable,a@contoso.test,,true,\n"
      "user,Joiner,joiner@contoso.test,,,NoSuchGroup\n"
      "group,Tier0,,,true,\n";
  const json::object report = ImportOk(csv, kCsv);
  EXPECT_EQ(Counts(report), (std::vector<std::int64_t>{2, 0, 6})) << json::serialize(report);
  EXPECT_EQ(StatusOfRow(report, 1), "created");
  for (std::int64_t n : {2, 3, 4, 5, 6}) {
    EXPECT_EQ(StatusOfRow(report, n), "rejected") << n;
    EXPECT_EQ(Str(RowOf(report, n), "code"), "BadRequest") << n;
  }
  EXPECT_NE(Str(RowOf(report, 2), "message").find("header has 6"), std::string::npos);
  EXPECT_EQ(Str(RowOf(report, 7), "code"), code::kObjectNotFound);
  EXPECT_FALSE(UserNamed("joiner@contoso.test").has_value());
  EXPECT_EQ(StatusOfRow(report, 8), "created");
  EXPECT_TRUE(GroupNamed("Tier0")->is_assignable_to_role);
}

TEST_F(DirectoryImportTest, MalformedCsvRejectsTheWholeFile) {
  const std::string header = "kind,displayName,userPrincipalName\n";
  struct Case {
    std::string csv;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {header + "user,Ok,ok@contoso.test\nuser,\"Unterminated,x@contoso.test\n", "line 3"},
      {header + "user,Ok,ok@contoso.test\nuser,Stray\"Quote,x@contoso.test\n", "line 3"},
      {header + "user,\"Closed\"Trailing,x@contoso.test\n", "line 2"},
      {"kind,displayName,userPrincipalName,shoeSize\nuser,Ok,ok@contoso.test,9\n", "shoeSize"},
      {"displayName,userPrincipalName\nOk,ok@contoso.test\n", "'kind'"},
      {"kind,kind,displayName\nuser,user,Ok\n", "twice"},
      {header + "user,\xC3\x28,x@contoso.test\n", "UTF-8"},
      {"", "header"},
  };
  const Revision before = engine_->revision();
  for (const Case& c : cases) {
    const auto report = Import(Caller::System(), c.csv, kCsv);
    EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument) << c.csv;
    EXPECT_EQ(ErrorCodeOf(report.status()), code::kBadRequest) << c.csv;
    EXPECT_NE(std::string(report.status().message()).find(c.message_part), std::string::npos)
        << c.csv << " -> " << report.status();
  }
  EXPECT_EQ(engine_->revision(), before);
  EXPECT_FALSE(UserNamed("ok@contoso.test").has_value());
}

TEST_F(DirectoryImportTest, DocumentLimitsAndShapes) {
  const api::ImportLimits small{/*max_rows=*/2, /*max_body_bytes=*/200};
  const std::string three_users = R"({"users":[
    {"displayName":"A","userPrincipalName":"a@c.test"},
    {"displayName":"B","userPrincipalName":"b@c.test"},
    {"displayName":"C","userPrincipalName":"c@c.test"}]})";
  auto r = Import(Caller::System(), three_users, kJson, api::ImportLimits{2, 1 << 20});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(r.status().message()).find("at most 2 rows"), std::string::npos);
  r = Import(Caller::System(), "kind,displayName\nuser,a\nuser,b\nuser,c\n", kCsv,
             api::ImportLimits{2, 1 << 20});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = Import(Caller::System(), std::string(201, ' '), kJson, small);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  for (const auto& [body, type] : std::vector<std::pair<std::string, std::string>>{
           {R"({"users":[]})", "application/xml"},
           {R"({"users":[],"devices":[]})", "application/json"},
           {R"({"users":{}})", "application/json"},
           {"not json", "application/json"},
           {"kind,displayName\n", "text/csv; charset=latin1"}}) {
    r = Import(Caller::System(), body, type);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << body << " " << type;
  }
  EXPECT_FALSE(UserNamed("a@c.test").has_value());
  // An empty import is fine.
  const json::object empty = ImportOk(R"({"users":[],"groups":[]})");
  EXPECT_EQ(Counts(empty), (std::vector<std::int64_t>{0, 0, 0}));
  EXPECT_TRUE(empty.at("rows").as_array().empty());
}

}  // namespace
}  // namespace pim::testing
