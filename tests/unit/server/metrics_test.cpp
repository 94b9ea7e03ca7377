#include "pim/server/metrics.h"

#include "gtest/gtest.h"

namespace pim::server {
namespace {

TEST(RouteLabelTest, NamesSurfaceAndCollectionNeverIds) {
  EXPECT_EQ(RouteLabel("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests"),
            "graph directory/roleAssignmentScheduleRequests");
  EXPECT_EQ(RouteLabel("/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/"
                       "5b2e7c10-0000-4000-8000-00000000b001/cancel"),
            "graph roleAssignmentScheduleRequests/cancel");
  EXPECT_EQ(RouteLabel("/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests/"
                       "filterByCurrentUser(on='principal')"),
            "graph assignmentScheduleRequests/filterByCurrentUser");
  EXPECT_EQ(RouteLabel("//subscriptions/0d0d0d0d-0000-4000-8000-00000000d001/providers/"
                       "Microsoft.Authorization/roleEligibilitySchedules"),
            "arm Microsoft.Authorization/roleEligibilitySchedules");
  EXPECT_EQ(RouteLabel("/v1.0/policies/roleManagementPolicies/"
                       "DirectoryRole_00000000-0000-4000-8000-000000000000_62e90394/rules"),
            "graph roleManagementPolicies/rules");
  EXPECT_EQ(RouteLabel("/pim/v1/check"), "pim v1/check");
  EXPECT_EQ(RouteLabel("/pim/v1/resources/subscriptions/x"), "arm subscriptions/x");
  EXPECT_LE(RouteLabel("/" + std::string(500, 'a')).size(), 96u);
}

}  // namespace
}  // namespace pim::server
