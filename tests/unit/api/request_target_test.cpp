#include "pim/api/request_target.h"

#include "gtest/gtest.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

TEST(RequestTargetTest, CollapsesDuplicateSlashesAndSplitsTheQuery) {
  auto t = ParseRequestTarget(
      "//subscriptions/s1/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/"
      "?api-version=2020-10-01&$filter=asTarget()");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->path,
            "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignmentScheduleRequests");
  EXPECT_EQ(t->raw_query, "api-version=2020-10-01&$filter=asTarget()");
}

TEST(RequestTargetTest, DecodesThePathButLeavesTheQueryEncoded) {
  auto t = ParseRequestTarget(
      "/v1.0/roleManagement/directory/"
      "roleAssignmentScheduleRequests/filterByCurrentUser(on=%27principal%27)"
      "?$filter=status%20eq%20%27PendingApproval%27");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->path,
            "/v1.0/roleManagement/directory/roleAssignmentScheduleRequests/"
            "filterByCurrentUser(on='principal')");
  EXPECT_EQ(t->raw_query, "$filter=status%20eq%20%27PendingApproval%27");
}

TEST(RequestTargetTest, RootStaysRoot) {
  auto t = ParseRequestTarget("/");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->path, "/");
}

TEST(RequestTargetTest, RefusesWhatIsNotAPlainPath) {
  for (const char* bad : {"", "v1.0/users", "http://x/", "/a/%zz", "/a/%2", "/a/%00b", "/a/../b",
                          "/a/./b", "/a/%2e%2e/b", "/a\tb"}) {
    auto t = ParseRequestTarget(bad);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ErrorCodeOf(t.status()), code::kBadRequest) << bad;
  }
}

// Fuzz regression (api_service_fuzzer): a path segment that was not UTF-8 came back in a
// "Resource not found for the segment ..." error body, which was then not valid JSON.
TEST(RequestTargetTest, RejectsPathsAndQueriesThatAreNotUtf8) {
  EXPECT_EQ(ParseRequestTarget("/v1.0/directd\x94ntity").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeOf(ParseRequestTarget("/v1.0/a%E2%E2").status()), "BadRequest");
  EXPECT_FALSE(ParseRequestTarget("/v1.0/%C0%AF").ok());     // overlong '/'
  EXPECT_FALSE(ParseRequestTarget("/v1.0/%ED%A0%80").ok());  // a surrogate
  EXPECT_FALSE(ParseRequestTarget("/v1.0/me?x=\xff").ok());  // raw byte in the query
  auto accented = ParseRequestTarget("/v1.0/users/%C3%A9t%C3%A9?q=\xc3\xa9");
  ASSERT_TRUE(accented.ok()) << accented.status();
  EXPECT_EQ(accented->path, "/v1.0/users/\xc3\xa9t\xc3\xa9");
  EXPECT_TRUE(ParseRequestTarget("/v1.0/%F0%9F%94%91").ok());  // U+1F511
}

}  // namespace
}  // namespace pim::api
