// PIM for Groups over Graph: requests, schedules, instances (reference 1.1-1.5).
#include "gtest/gtest.h"
#include "unit/api/graph/graph_pim_fixture.h"

namespace pim::testing {
namespace {

class GraphGroupPimTest : public GraphPimTest {
 protected:
  void SetUp() override {
    GraphPimTest::SetUp();
    user_ = AddUser("Dana");
    group_ = AddGroup("Ops");
    ASSERT_TRUE(MakeEligible(user_, GroupTarget(group_, GroupAccess::kMember)).ok());
  }
  PrincipalId user_;
  PrincipalId group_;
};

TEST_F(GraphGroupPimTest, ListsMyEligibleGroups) {
  const auto r = Get(User(user_), G("/eligibilitySchedules/filterByCurrentUser(on='principal')"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const auto v = Json(r);
  EXPECT_EQ(Str(v, "@odata.context"),
            "https://pim.test:8443/v1.0/$metadata#identityGovernance/privilegedAccess/group/"
            "eligibilitySchedules");
  ASSERT_EQ(Value(v).size(), 1u);
  const auto& s = Value(v)[0];
  EXPECT_EQ(Str(s, "groupId"), group_.str());
  EXPECT_EQ(Str(s, "principalId"), user_.str());
  EXPECT_EQ(Str(s, "accessId"), "member");
  EXPECT_EQ(Str(s, "memberType"), "Direct");
  EXPECT_EQ(Str(s, "status"), "Provisioned");
  EXPECT_EQ(Str(s.at("scheduleInfo").at("expiration"), "type"), "noExpiration");
  EXPECT_FALSE(s.as_object().contains("assignmentType"));

  // Eligibility instances: the same schedule, in force now, same id.
  const auto i = Get(User(user_), G("/eligibilityScheduleInstances?$filter=principalId%20eq%20'" +
                                    user_.str() + "'"));
  ASSERT_EQ(i.status, 200) << i.body;
  ASSERT_EQ(Value(Json(i)).size(), 1u);
  EXPECT_EQ(Str(Value(Json(i))[0], "id"), Str(s, "id"));
  EXPECT_EQ(Str(Value(Json(i))[0], "eligibilityScheduleId"), Str(s, "id"));
  EXPECT_EQ(Str(Value(Json(i))[0], "endDateTime"), "<null>");
}

TEST_F(GraphGroupPimTest, SelfActivateReturnsProvisionedRequestInWireShape) {
  const auto r =
      Post(User(user_), G("/assignmentScheduleRequests"), GroupActivation(user_, group_, "PT2H"));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto v = Json(r);
  const auto& o = v.as_object();
  EXPECT_EQ(Str(v, "@odata.context"),
            "https://pim.test:8443/v1.0/$metadata#identityGovernance/privilegedAccess/group/"
            "assignmentScheduleRequests/$entity");
  EXPECT_EQ(Str(v, "status"), "Provisioned");
  EXPECT_EQ(Str(v, "action"), "selfActivate");
  EXPECT_EQ(Str(v, "createdDateTime"), "2026-01-05T09:00:00Z");
  EXPECT_EQ(Str(v, "completedDateTime"), "2026-01-05T09:00:00Z");
  EXPECT_EQ(Str(v, "approvalId"), "<null>");
  EXPECT_EQ(Str(v, "customData"), "<null>");
  EXPECT_EQ(Str(v, "justification"), "INC-1");
  EXPECT_EQ(Str(v, "isValidationOnly"), "false");
  EXPECT_EQ(Str(v, "accessId"), "member");
  EXPECT_EQ(Str(v, "principalId"), user_.str());
  EXPECT_EQ(Str(v, "groupId"), group_.str());
  EXPECT_NE(Str(v, "targetScheduleId"), "<null>");
  EXPECT_EQ(boost::json::serialize(o.at("createdBy")),
            R"({"application":null,"device":null,"user":{"displayName":null,"id":")" + user_.str() +
                R"("}})");
  EXPECT_EQ(boost::json::serialize(o.at("scheduleInfo")),
            R"({"startDateTime":"2026-01-05T09:00:00Z","recurrence":null,)"
            R"("expiration":{"type":"afterDuration","endDateTime":null,"duration":"PT2H"}})");
  EXPECT_EQ(boost::json::serialize(o.at("ticketInfo")),
            R"({"ticketNumber":null,"ticketSystem":null})");

  // The activation is an instance in force, with the request's target schedule as its id.
  const auto i = Get(
      User(user_), G("/assignmentScheduleInstances?$filter=groupId%20eq%20'" + group_.str() + "'"));
  ASSERT_EQ(i.status, 200) << i.body;
  ASSERT_EQ(Value(Json(i)).size(), 1u);
  const boost::json::value inst = Value(Json(i))[0];
  EXPECT_EQ(Str(inst, "id"), Str(v, "targetScheduleId"));
  EXPECT_EQ(Str(inst, "assignmentType"), "Activated");
  EXPECT_EQ(Str(inst, "memberType"), "Direct");
  EXPECT_EQ(Str(inst, "startDateTime"), "2026-01-05T09:00:00Z");
  EXPECT_EQ(Str(inst, "endDateTime"), "2026-01-05T11:00:00Z");
  EXPECT_EQ(Str(inst, "assignmentScheduleId"), Str(v, "targetScheduleId"));

  // GET by id returns the same entity.
  const auto one = Get(User(user_), G("/assignmentScheduleRequests/" + Str(v, "id")));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Str(Json(one), "status"), "Provisioned");
}

TEST_F(GraphGroupPimTest, ScheduledActivationIsGrantedThenAppearsAsInstance) {
  const auto r = Post(User(user_), G("/assignmentScheduleRequests"),
                      GroupActivation(user_, group_, "PT1H", "2026-01-05T10:00:00Z"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Json(r), "status"), "Granted");
  const std::string instances =
      G("/assignmentScheduleInstances/filterByCurrentUser(on='principal')");
  EXPECT_TRUE(Value(Json(Get(User(user_), instances))).empty());
  // The future schedule is listed among schedules already.
  const auto s = Get(User(user_), G("/assignmentSchedules/filterByCurrentUser(on='principal')"));
  ASSERT_EQ(Value(Json(s)).size(), 1u);
  EXPECT_EQ(Str(Value(Json(s))[0], "status"), "Granted");

  clock_.Advance(absl::Hours(1));
  const auto after = Json(Get(User(user_), instances));
  ASSERT_EQ(Value(after).size(), 1u);
  EXPECT_EQ(Str(Value(after)[0], "startDateTime"), "2026-01-05T10:00:00Z");
  EXPECT_EQ(
      Str(Json(Get(User(user_), G("/assignmentScheduleRequests/" + Str(Json(r), "id")))), "status"),
      "Provisioned");
}

TEST_F(GraphGroupPimTest, CancelGrantedActivationThenSecondCancelIsRejected) {
  const auto r = Post(User(user_), G("/assignmentScheduleRequests"),
                      GroupActivation(user_, group_, "PT1H", "2026-01-05T12:00:00Z"));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = Str(Json(r), "id");
  const auto c = Post(User(user_), G("/assignmentScheduleRequests/" + id + "/cancel"), "");
  EXPECT_EQ(c.status, 204) << c.body;
  EXPECT_TRUE(c.body.empty());
  EXPECT_EQ(Str(Json(Get(User(user_), G("/assignmentScheduleRequests/" + id))), "status"),
            "Canceled");
  const auto again = Post(User(user_), G("/assignmentScheduleRequests/" + id + "/cancel"), "");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(ErrorCode(again), "RoleAssignmentRequestNotCancelable");
  const auto unknown =
      Post(User(user_), G("/assignmentScheduleRequests/" + NewId() + "/cancel"), "");
  EXPECT_EQ(unknown.status, 404);
}

TEST_F(GraphGroupPimTest, SelfDeactivateWithinFiveMinutesIsRejected) {
  ASSERT_EQ(
      Post(User(user_), G("/assignmentScheduleRequests"), GroupActivation(user_, group_)).status,
      201);
  const std::string body = R"({"accessId":"member","principalId":")" + user_.str() +
                           R"(","groupId":")" + group_.str() + R"(","action":"selfDeactivate"})";
  const auto early = Post(User(user_), G("/assignmentScheduleRequests"), body);
  EXPECT_EQ(early.status, 400) << early.body;
  EXPECT_EQ(ErrorCode(early), "ActiveDurationTooShort");

  clock_.Advance(absl::Minutes(10));
  const auto later = Post(User(user_), G("/assignmentScheduleRequests"), body);
  ASSERT_EQ(later.status, 201) << later.body;
  const auto v = Json(later);
  EXPECT_EQ(Str(v, "status"), "Revoked");
  EXPECT_EQ(Str(v, "action"), "selfDeactivate");
  EXPECT_EQ(Str(v, "scheduleInfo"), "<null>");
  EXPECT_EQ(Str(v, "completedDateTime"), "<null>");
  EXPECT_EQ(Str(v, "targetScheduleId"), "<null>");
  EXPECT_TRUE(Value(Json(Get(User(user_), G("/assignmentScheduleInstances/"
                                            "filterByCurrentUser(on='principal')"))))
                  .empty());
}

TEST_F(GraphGroupPimTest, PlainListWithoutGroupOrPrincipalFilterIsBadRequest) {
  for (const char* set : {"/assignmentScheduleRequests", "/eligibilityScheduleRequests",
                          "/assignmentSchedules", "/eligibilityScheduleInstances"}) {
    const auto none = Get(User(user_), G(set));
    EXPECT_EQ(none.status, 400) << set;
    EXPECT_EQ(ErrorCode(none), "BadRequest") << set;
    const auto other = Get(User(user_), G(std::string(set) + "?$filter=status%20eq%20'Granted'"));
    EXPECT_EQ(other.status, 400) << set;
    // Under `or` the term does not narrow the set, so it does not count.
    const auto ored = Get(User(user_), G(std::string(set) + "?$filter=groupId%20eq%20'" +
                                         group_.str() + "'%20or%20status%20eq%20'Granted'"));
    EXPECT_EQ(ored.status, 400) << set;
  }
  const auto ok = Get(User(user_), G("/eligibilityScheduleRequests?$filter=groupId%20eq%20'" +
                                     group_.str() + "'%20and%20status%20eq%20'Provisioned'"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Value(Json(ok)).size(), 1u);
}

TEST_F(GraphGroupPimTest, UnknownSegmentIsBadRequestNamingIt) {
  const auto r = Get(User(user_), G("/assignmentThings"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorCode(r), "BadRequest");
  EXPECT_EQ(ErrorMessage(r), "Resource not found for the segment 'assignmentThings'.");
  const auto top = Get(User(user_), "/v1.0/bogus/things");
  EXPECT_EQ(top.status, 400);
  EXPECT_EQ(ErrorMessage(top), "Resource not found for the segment 'bogus'.");
  const auto deep = Get(User(user_), G("/assignmentScheduleRequests/x/y/z"));
  EXPECT_EQ(ErrorMessage(deep), "Resource not found for the segment 'y'.");
  const auto v = Json(r);
  EXPECT_EQ(Str(v.at("error").at("innerError"), "request-id"), "request-1");
  EXPECT_EQ(Str(v.at("error").at("innerError"), "client-request-id"), "client-1");
}

TEST_F(GraphGroupPimTest, PathsOutsideGraphVersionsAreDeclined) {
  api::HttpRequest http;
  http.method = "GET";
  http.target = "/v2.0/identityGovernance";
  http.base_url = std::string(kBaseUrl);
  const api::RequestContext ctx{http,        "/v2.0/identityGovernance", "", User(user_), "r", "c",
                                clock_.Now()};
  EXPECT_FALSE(graph_->Handle(ctx).has_value());
  const api::RequestContext arm{http, "/subscriptions/x", "", User(user_), "r", "c", clock_.Now()};
  EXPECT_FALSE(graph_->Handle(arm).has_value());
}

TEST_F(GraphGroupPimTest, MalformedBodiesAreBadRequestNamingTheProperty) {
  const std::string path = G("/assignmentScheduleRequests");
  struct Case {
    std::string body;
    std::string message_part;
  };
  const std::string who = user_.str();
  const std::string grp = group_.str();
  const std::vector<Case> cases = {
      {"{not json", "not valid JSON"},
      {"[1,2]", "JSON object"},
      {"", "empty"},
      {R"({"accessId":"member","principalId":")" + who + R"(","groupId":")" + grp +
           R"(","action":"fly"})",
       "'action'"},
      {R"({"accessId":"member","principalId":"nope","groupId":")" + grp +
           R"(","action":"selfActivate"})",
       "'principalId'"},
      {R"({"accessId":"member","principalId":")" + who + R"(","groupId":")" + grp +
           R"(","action":"selfActivate","scheduleInfo":{"startDateTime":"yesterday"}})",
       "'scheduleInfo/startDateTime'"},
      {R"({"accessId":"member","principalId":")" + who + R"(","groupId":")" + grp +
           R"(","action":"selfActivate","scheduleInfo":{"expiration":{"type":"afterDuration","duration":"P1Y"}}})",
       "'scheduleInfo/expiration/duration'"},
      {R"({"accessId":"member","principalId":")" + who + R"(","groupId":")" + grp +
           R"(","action":"selfActivate","justification":42})",
       "'justification'"},
      {R"({"accessId":"visitor","principalId":")" + who + R"(","groupId":")" + grp +
           R"(","action":"selfActivate"})",
       "'accessId'"},
      {R"({"accessId":"member","principalId":")" + who + R"(","groupId":")" + grp +
           R"(","action":"selfActivate","colour":"blue"})",
       "'colour'"},
      {R"({"accessId":"member","principalId":")" + who + R"(","groupId":")" + grp +
           R"(","action":"selfActivate","scheduleInfo":{"recurrence":{"pattern":{}}}})",
       "'scheduleInfo/recurrence'"},
  };
  for (const Case& c : cases) {
    const auto r = Post(User(user_), path, c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(ErrorCode(r), "BadRequest") << c.body;
    EXPECT_NE(ErrorMessage(r).find(c.message_part), std::string::npos)
        << c.body << " -> " << ErrorMessage(r);
  }
}

TEST_F(GraphGroupPimTest, EnumInputIsCaseInsensitiveAndOutputCamelCase) {
  const std::string body =
      R"({"@odata.type":"#microsoft.graph.privilegedAccessGroupAssignmentScheduleRequest",)"
      R"("accessId":"MEMBER","principalId":")" +
      user_.str() + R"(","groupId":")" + group_.str() +
      R"(","action":"SelfActivate","justification":"x",)"
      R"("scheduleInfo":{"expiration":{"type":"AfterDuration","duration":"PT1H45M"}},)"
      R"("ticketInfo":{"ticketNumber":"INC-42","ticketSystem":"ServiceNow"}})";
  const auto r = Post(User(user_), G("/assignmentScheduleRequests"), body);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto v = Json(r);
  EXPECT_EQ(Str(v, "action"), "selfActivate");
  EXPECT_EQ(Str(v, "accessId"), "member");
  EXPECT_EQ(Str(v.at("scheduleInfo").at("expiration"), "type"), "afterDuration");
  EXPECT_EQ(Str(v.at("scheduleInfo").at("expiration"), "duration"), "PT1H45M");
  EXPECT_EQ(Str(v.at("ticketInfo"), "ticketNumber"), "INC-42");
  EXPECT_EQ(Str(v.at("ticketInfo"), "ticketSystem"), "ServiceNow");
  // $filter values compare case-insensitively too.
  const auto f = Get(User(user_), G("/assignmentScheduleRequests?$filter=principalId%20eq%20'" +
                                    user_.str() + "'%20and%20action%20eq%20'SELFACTIVATE'"));
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(Value(Json(f)).size(), 1u);
}

TEST_F(GraphGroupPimTest, PlusInQueryIsALiteralPlus) {
  std::string body = GroupActivation(user_, group_);
  body.replace(body.find("INC-1"), 5, "a+b c");
  ASSERT_EQ(Post(User(user_), G("/assignmentScheduleRequests"), body).status, 201);
  const std::string base =
      G("/assignmentScheduleRequests?$filter=groupId%20eq%20'" + group_.str() + "'");
  const auto plus = Get(User(user_), base + "%20and%20justification%20eq%20'a+b%20c'");
  ASSERT_EQ(plus.status, 200) << plus.body;
  EXPECT_EQ(Value(Json(plus)).size(), 1u);
  const auto space = Get(User(user_), base + "%20and%20justification%20eq%20'a%20b%20c'");
  ASSERT_EQ(space.status, 200) << space.body;
  EXPECT_EQ(Value(Json(space)).size(), 0u);
}

TEST_F(GraphGroupPimTest, SelectExpandTopAndPaging) {
  Principal named;
  named.id = group_;
  named.kind = PrincipalKind::kGroup;
  named.display_name = "Ops";
  named.mail = "ops@contoso.example";
  ASSERT_TRUE(engine_->PutPrincipal(Caller::System(), named).ok());
  for (int i = 0; i < 2; ++i) {
    clock_.Advance(absl::Seconds(1));
    ASSERT_TRUE(
        MakeEligible(user_, GroupTarget(AddGroup("G" + std::to_string(i)), GroupAccess::kOwner))
            .ok());
  }
  const std::string path = G("/eligibilitySchedules?$filter=principalId%20eq%20'" + user_.str() +
                             "'&$select=groupId,accessId&$expand=group($select=id,displayName)"
                             "&$top=2&$count=true");
  const auto r = Get(User(user_), path);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto v = Json(r);
  EXPECT_EQ(Str(v, "@odata.context"),
            "https://pim.test:8443/v1.0/$metadata#identityGovernance/privilegedAccess/group/"
            "eligibilitySchedules(groupId,accessId,group(id,displayName))");
  EXPECT_EQ(Str(v, "@odata.count"), "3");
  ASSERT_EQ(Value(v).size(), 2u);
  const auto& first = Value(v)[0].as_object();
  EXPECT_EQ(first.size(), 3u) << boost::json::serialize(first);
  EXPECT_EQ(Str(first, "groupId"), group_.str());
  EXPECT_EQ(Str(first, "accessId"), "member");
  EXPECT_EQ(boost::json::serialize(first.at("group")),
            R"({"@odata.type":"#microsoft.graph.group","id":")" + group_.str() +
                R"(","displayName":"Ops"})");
  const std::string next = Str(v, "@odata.nextLink");
  ASSERT_EQ(next.rfind(std::string(kBaseUrl), 0), 0u) << next;
  const auto page2 = Get(User(user_), next.substr(kBaseUrl.size()));
  ASSERT_EQ(page2.status, 200) << page2.body;
  ASSERT_EQ(Value(Json(page2)).size(), 1u);
  EXPECT_EQ(Str(Value(Json(page2))[0], "accessId"), "owner");
  EXPECT_EQ(Str(Json(page2), "@odata.nextLink"), "<missing>");
}

TEST_F(GraphGroupPimTest, ExpandPrincipalAndTargetScheduleOnRequest) {
  const auto r =
      Post(User(user_), G("/assignmentScheduleRequests"), GroupActivation(user_, group_));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = Str(Json(r), "id");
  const auto e =
      Get(User(user_), G("/assignmentScheduleRequests/" + id +
                         "?$expand=principal($select=id),targetSchedule,activatedUsing"));
  ASSERT_EQ(e.status, 200) << e.body;
  const auto v = Json(e);
  EXPECT_EQ(boost::json::serialize(v.at("principal")),
            R"({"@odata.type":"#microsoft.graph.user","id":")" + user_.str() + R"("})");
  EXPECT_EQ(Str(v.at("targetSchedule"), "id"), Str(v, "targetScheduleId"));
  EXPECT_EQ(Str(v.at("targetSchedule"), "assignmentType"), "Activated");
  EXPECT_EQ(Str(v.at("activatedUsing"), "accessId"), "member");
  EXPECT_EQ(Str(v.at("activatedUsing"), "principalId"), user_.str());

  const auto bad = Get(User(user_), G("/assignmentScheduleRequests/" + id + "?$expand=owners"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorCode(bad), "BadRequest");
  const auto role =
      Get(User(user_), G("/assignmentScheduleRequests/" + id + "?$expand=roleDefinition"));
  EXPECT_EQ(role.status, 400);
}

TEST_F(GraphGroupPimTest, ValidationOnlyRequestChangesNothing) {
  std::string body = GroupActivation(user_, group_);
  body.insert(body.size() - 1, R"(,"isValidationOnly":true)");
  const auto r = Post(User(user_), G("/assignmentScheduleRequests"), body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Json(r), "isValidationOnly"), "true");
  EXPECT_TRUE(Value(Json(Get(User(user_), G("/assignmentScheduleInstances/"
                                            "filterByCurrentUser(on='principal')"))))
                  .empty());
}

TEST_F(GraphGroupPimTest, UnknownIdsAreNotFound) {
  EXPECT_EQ(Get(User(user_), G("/assignmentScheduleRequests/" + NewId())).status, 404);
  EXPECT_EQ(Get(User(user_), G("/eligibilitySchedules/" + NewId())).status, 404);
  EXPECT_EQ(Get(User(user_), G("/assignmentApprovals/" + NewId())).status, 404);
}

TEST_F(GraphGroupPimTest, FilterByCurrentUserOptionsAreChecked) {
  ASSERT_EQ(
      Post(User(user_), G("/assignmentScheduleRequests"), GroupActivation(user_, group_)).status,
      201);
  const auto mine =
      Get(User(user_), G("/assignmentScheduleRequests/filterByCurrentUser(on='principal')"));
  EXPECT_EQ(Value(Json(mine)).size(), 1u);
  const auto created =
      Get(User(user_), G("/assignmentScheduleRequests/filterByCurrentUser(on='createdBy')"));
  EXPECT_EQ(Value(Json(created)).size(), 1u);
  // The eligibility was created by the system, not by the user.
  const auto elig =
      Get(User(user_), G("/eligibilityScheduleRequests/filterByCurrentUser(on='createdBy')"));
  EXPECT_EQ(Value(Json(elig)).size(), 0u);
  const auto bad = Get(User(user_), G("/assignmentSchedules/filterByCurrentUser(on='approver')"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Get(User(user_), G("/assignmentSchedules/filterByCurrentUser")).status, 400);
}

}  // namespace
}  // namespace pim::testing
