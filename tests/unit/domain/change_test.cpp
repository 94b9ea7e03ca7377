#include "pim/domain/change.h"

#include <string>

#include "gtest/gtest.h"

namespace pim {
namespace {

TEST(ChangeTest, KindOfAndKeyOfCoverEveryEntity) {
  Principal principal;
  principal.id = PrincipalId("user-1");

  DirectMembership membership;
  membership.group = PrincipalId("group-1");
  membership.principal = PrincipalId("user-1");
  membership.access = GroupAccess::kOwner;

  ScopeNode scope;
  scope.path = "/subscriptions/s1";
  scope.kind = ScopeKind::kSubscription;
  scope.parent = "/";

  RoleDefinition role;
  role.id = RoleDefinitionId("role-1");

  Schedule schedule;
  schedule.id = ScheduleId("schedule-1");

  ScheduleRequest request;
  request.id = RequestId("request-1");

  Policy policy;
  policy.id = PolicyId("policy-1");

  const std::pair<Entity, std::pair<EntityKind, std::string>> cases[] = {
      {principal, {EntityKind::kPrincipal, "user-1"}},
      {membership, {EntityKind::kMembership, "group-1/owner/user-1"}},
      {scope, {EntityKind::kScope, "/subscriptions/s1"}},
      {role, {EntityKind::kRoleDefinition, "role-1"}},
      {schedule, {EntityKind::kSchedule, "schedule-1"}},
      {request, {EntityKind::kRequest, "request-1"}},
      {policy, {EntityKind::kPolicy, "policy-1"}},
  };
  ASSERT_EQ(std::size(cases), kEntityKindNames.entries.size());
  for (const auto& [entity, expected] : cases) {
    EXPECT_EQ(KindOf(entity), expected.first) << expected.second;
    EXPECT_EQ(KeyOf(entity), expected.second);
  }
}

}  // namespace
}  // namespace pim
