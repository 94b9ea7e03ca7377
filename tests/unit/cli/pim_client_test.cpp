#include "pim/cli/pim_client.h"

#include <gtest/gtest.h>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "pim/domain/iso8601.h"
#include "unit/cli/cli_test_util.h"

namespace pim::cli {
namespace {

TEST(RoleEntryTest, GraphScheduleEndsAfterItsDuration) {
  const RoleEntry r = RoleFromGraphSchedule(
      Obj(R"({"id":"s1","roleDefinitionId":"r1","directoryScopeId":"/","memberType":"Direct",
              "assignmentType":"Activated","status":"Provisioned",
              "scheduleInfo":{"startDateTime":"2026-01-05T09:00:00Z",
                              "expiration":{"type":"afterDuration","duration":"PT2H"}},
              "roleDefinition":{"displayName":"User Administrator"}})"),
      Area::kDirectoryRole, /*eligibility=*/false);
  EXPECT_EQ(r.state, "active");
  EXPECT_FALSE(r.eligibility);
  EXPECT_EQ(r.name, "User Administrator");
  EXPECT_EQ(r.assignment_type, "Activated");
  EXPECT_EQ(FormatDateTime(r.end), "2026-01-05T11:00:00Z");
}

TEST(RoleEntryTest, AGrantedScheduleIsScheduledAndGroupsCarryTheirAccess) {
  const RoleEntry r = RoleFromGraphSchedule(
      Obj(R"({"id":"g_member_1","groupId":"g1","accessId":"member","status":"Granted",
              "scheduleInfo":{"startDateTime":"2026-01-06T09:00:00Z",
                              "expiration":{"type":"afterDateTime","endDateTime":"2026-01-06T13:00:00Z"}},
              "group":{"displayName":"Prod Operators"}})"),
      Area::kGroup, false);
  EXPECT_EQ(r.state, "scheduled");
  EXPECT_EQ(r.access, "member");
  EXPECT_EQ(r.name, "Prod Operators");
  EXPECT_EQ(FormatDateTime(r.end), "2026-01-06T13:00:00Z");
}

TEST(RoleEntryTest, ArmScheduleUsesExpandedNamesAndRoleGuid) {
  const RoleEntry r =
      RoleFromArmSchedule(Obj(R"({"name":"e9","properties":{"scope":"/subscriptions/s",
              "roleDefinitionId":"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b24988ac",
              "memberType":"Group","status":"Provisioned","startDateTime":"2026-01-05T09:00:00Z",
              "endDateTime":null,
              "expandedProperties":{"roleDefinition":{"displayName":"Contributor"},
                                    "scope":{"displayName":"Production"}}}})"),
                          /*eligibility=*/true);
  EXPECT_EQ(r.state, "eligible");
  EXPECT_TRUE(r.eligibility);
  EXPECT_EQ(r.target_id, "b24988ac");
  EXPECT_EQ(r.scope_name, "Production");
  EXPECT_EQ(r.member_type, "Group");
  EXPECT_EQ(r.end, absl::InfiniteFuture());
}

TEST(JsonShapeTest, RoleAndRequestShapesAreStable) {
  RoleEntry r;
  r.state = "eligible";
  r.name = "User Administrator";
  r.target_id = "fe93";
  r.scope = "/";
  r.schedule_id = "s1";
  EXPECT_EQ(boost::json::serialize(ToJson(r)),
            R"({"kind":"directoryRole","state":"eligible","name":"User Administrator","id":"fe93",)"
            R"("access":null,"scope":"/","scopeName":null,"assignmentType":null,"memberType":null,)"
            R"("start":null,"end":null,"scheduleId":"s1"})");
  const RequestEntry q = RequestFromArm(Obj(
      R"({"name":"n1","properties":{"requestType":"SelfActivate","status":"PendingApproval",
          "principalId":"p","roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/c",
          "scope":"/subscriptions/s","createdOn":"2026-01-05T09:00:00Z","approvalId":"a1",
          "scheduleInfo":{"startDateTime":"2026-01-05T09:00:00Z","expiration":{"type":"AfterDuration","duration":"PT1H"}}}})"));
  EXPECT_EQ(
      boost::json::serialize(ToJson(q)),
      R"({"id":"n1","kind":"azureResource","action":"selfActivate","status":"PendingApproval",)"
      R"("name":null,"targetId":"c","access":null,"scope":"/subscriptions/s","principalId":"p",)"
      R"("justification":null,"approvalId":"a1","created":"2026-01-05T09:00:00Z",)"
      R"("start":"2026-01-05T09:00:00Z","expiration":"PT1H","eligibility":false})");
}

TEST(StatusTest, FinalStatuses) {
  for (const char* s : {"Provisioned", "Denied", "Canceled", "Failed", "TimedOut", "Revoked",
                        "FailedAsResourceIsLocked", "ScheduleCreated"}) {
    EXPECT_TRUE(IsFinalStatus(s)) << s;
  }
  for (const char* s : {"PendingApproval", "Granted", "PendingProvisioning"}) {
    EXPECT_FALSE(IsFinalStatus(s)) << s;
  }
}

}  // namespace
}  // namespace pim::cli
