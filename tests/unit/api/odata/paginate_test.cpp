#include <string>
#include <string_view>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pim/api/odata/query.h"

namespace pim::api::odata {
namespace {

using ::testing::ElementsAre;

constexpr std::string_view kBase = "https://pim.test:8443/v1.0";
constexpr std::string_view kPath = "/identityGovernance/privilegedAccess/group/assignmentSchedules";

boost::json::array Items(std::string_view json) {
  return boost::json::parse(boost::json::string_view(json.data(), json.size())).as_array();
}

// Seven schedules: ids s1..s7, two groups, created at increasing times (s7 earliest).
boost::json::array Schedules() {
  return Items(R"([
    {"@odata.type": "#t", "id": "s1", "groupId": "g1", "principalId": "p1",
     "createdDateTime": "2024-05-07T00:00:00Z", "status": "Provisioned"},
    {"id": "s2", "groupId": "g2", "principalId": "p1",
     "createdDateTime": "2024-05-06T00:00:00.123Z", "status": "Provisioned"},
    {"id": "s3", "groupId": "g1", "principalId": "p2",
     "createdDateTime": "2024-05-05T00:00:00.1234567Z", "status": "PendingApproval"},
    {"id": "s4", "groupId": "g1", "principalId": "p3",
     "createdDateTime": "2024-05-04T02:00:00+02:00", "status": "Provisioned"},
    {"id": "s5", "groupId": "g1", "principalId": "p4",
     "createdDateTime": "2024-05-03T00:00:00Z", "status": "Provisioned"},
    {"id": "s6", "groupId": "g2", "principalId": "p5",
     "createdDateTime": "2024-05-02T00:00:00Z", "status": "Provisioned"},
    {"id": "s7", "groupId": "g1", "principalId": "p6",
     "createdDateTime": "2024-05-01T00:00:00Z", "status": "Provisioned"}
  ])");
}

std::vector<std::string> Ids(const boost::json::array& value) {
  std::vector<std::string> ids;
  for (const boost::json::value& item : value) {
    const boost::json::value* id = item.as_object().if_contains("id");
    ids.emplace_back(id == nullptr ? "-" : std::string(id->as_string()));
  }
  return ids;
}

// The query part of an absolute nextLink that must start with base + path + "?".
std::string QueryOf(const std::string& link) {
  const std::string prefix = std::string(kBase) + std::string(kPath) + "?";
  EXPECT_EQ(link.substr(0, prefix.size()), prefix) << link;
  return link.substr(prefix.size());
}

TEST(PaginateTest, ThreePagesFollowingNextLink) {
  std::string raw =
      "$filter=groupId%20eq%20'g1'&$orderby=createdDateTime&$count=true&$top=2&api-version=x";
  std::vector<std::vector<std::string>> pages;
  std::vector<std::string> links;
  for (int i = 0; i < 10; ++i) {
    const absl::StatusOr<Query> query = ParseQuery(raw);
    ASSERT_TRUE(query.ok()) << raw << ": " << query.status();
    const Page page = Paginate(Schedules(), *query, kBase, kPath, raw);
    EXPECT_EQ(page.count, 5);  // every page reports the total
    pages.push_back(Ids(page.value));
    if (!page.next_link) break;
    links.push_back(*page.next_link);
    raw = QueryOf(*page.next_link);
  }
  EXPECT_THAT(pages,
              ElementsAre(ElementsAre("s7", "s5"), ElementsAre("s4", "s3"), ElementsAre("s1")));
  EXPECT_THAT(links,
              ElementsAre("https://pim.test:8443/v1.0/identityGovernance/privilegedAccess/group/"
                          "assignmentSchedules?$filter=groupId%20eq%20'g1'&$orderby="
                          "createdDateTime&$count=true&$top=2&api-version=x&$skiptoken=2",
                          "https://pim.test:8443/v1.0/identityGovernance/privilegedAccess/group/"
                          "assignmentSchedules?$filter=groupId%20eq%20'g1'&$orderby="
                          "createdDateTime&$count=true&$top=2&api-version=x&$skiptoken=4"));
}

TEST(PaginateTest, PageSizeBoundsPagesWithoutTop) {
  const Query query = *ParseQuery("");
  const Page first = Paginate(Schedules(), query, kBase, kPath, "", 3);
  EXPECT_THAT(Ids(first.value), ElementsAre("s1", "s2", "s3"));
  ASSERT_TRUE(first.next_link.has_value());
  EXPECT_EQ(QueryOf(*first.next_link), "$skiptoken=3");
  EXPECT_FALSE(first.count.has_value());

  const Query second_query = *ParseQuery("$skiptoken=6");
  const Page last = Paginate(Schedules(), second_query, kBase, kPath, "$skiptoken=6", 3);
  EXPECT_THAT(Ids(last.value), ElementsAre("s7"));
  EXPECT_FALSE(last.next_link.has_value());

  // $top above the page size: the page size wins.
  const Page capped = Paginate(Schedules(), *ParseQuery("$top=5"), kBase, kPath, "$top=5", 2);
  EXPECT_THAT(Ids(capped.value), ElementsAre("s1", "s2"));
  EXPECT_EQ(QueryOf(*capped.next_link), "$top=5&$skiptoken=2");
}

TEST(PaginateTest, SkipTokenIsReplacedInPlaceAndOtherOptionsKeptVerbatim) {
  const std::string raw = "api-version=2020-10-01&%24skiptoken=2&$filter=asTarget()&x=a+b%2B";
  const Page page = Paginate(Schedules(), *ParseQuery(raw), kBase, kPath, raw, 2);
  EXPECT_THAT(Ids(page.value), ElementsAre("s3", "s4"));
  ASSERT_TRUE(page.next_link.has_value());
  EXPECT_EQ(QueryOf(*page.next_link),
            "api-version=2020-10-01&$skiptoken=4&$filter=asTarget()&x=a+b%2B");
  const absl::StatusOr<Query> again = ParseQuery(QueryOf(*page.next_link));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->params.at("x"), "a+b+");
}

TEST(PaginateTest, SkipComesBeforeThePageAndStaysInTheLink) {
  const std::string raw = "$skip=1&$top=2";
  const Page first = Paginate(Schedules(), *ParseQuery(raw), kBase, kPath, raw);
  EXPECT_THAT(Ids(first.value), ElementsAre("s2", "s3"));
  EXPECT_EQ(QueryOf(*first.next_link), "$skip=1&$top=2&$skiptoken=2");
  const std::string next = QueryOf(*first.next_link);
  const Page second = Paginate(Schedules(), *ParseQuery(next), kBase, kPath, next);
  EXPECT_THAT(Ids(second.value), ElementsAre("s4", "s5"));
}

TEST(PaginateTest, TopZeroAndOffsetsPastTheEnd) {
  const Page none =
      Paginate(Schedules(), *ParseQuery("$top=0&$count=true"), kBase, kPath, "$top=0&$count=true");
  EXPECT_TRUE(none.value.empty());
  EXPECT_FALSE(none.next_link.has_value());
  EXPECT_EQ(none.count, 7);

  const std::string huge = "$skip=9223372036854775807&$skiptoken=9223372036854775807";
  const Page past = Paginate(Schedules(), *ParseQuery(huge), kBase, kPath, huge);
  EXPECT_TRUE(past.value.empty());
  EXPECT_FALSE(past.next_link.has_value());
}

TEST(PaginateTest, CountIsTheTotalMatchingBeforeSkipAndPaging) {
  const std::string raw = "$count=true&$skip=2&$top=1&$filter=status%20eq%20'provisioned'";
  const Page page = Paginate(Schedules(), *ParseQuery(raw), kBase, kPath, raw);
  EXPECT_EQ(page.count, 6);
  EXPECT_THAT(Ids(page.value), ElementsAre("s4"));
}

TEST(PaginateTest, SelectProjectsEachItemKeepingODataAnnotationsAndExpandedProperties) {
  boost::json::array items = Schedules();
  items[0].as_object()["group"] = boost::json::object{{"id", "g1"}};
  items[0].as_object()["group@odata.context"] = "ctx";
  const std::string raw = "$select=ID,status&$expand=group&$top=1";
  const Page page = Paginate(std::move(items), *ParseQuery(raw), kBase, kPath, raw);
  ASSERT_EQ(page.value.size(), 1U);
  EXPECT_EQ(boost::json::serialize(page.value[0]),
            R"({"@odata.type":"#t","id":"s1","status":"Provisioned","group":{"id":"g1"},)"
            R"("group@odata.context":"ctx"})");
}

TEST(PaginateTest, NextLinkJoinsBaseAndPathWithOneSlash) {
  const Page page = Paginate(Schedules(), *ParseQuery(""), "https://h/", "v1.0/x", "", 1);
  EXPECT_EQ(page.next_link, "https://h/v1.0/x?$skiptoken=1");
}

TEST(PaginateTest, NonObjectItemsAreDropped) {
  const Page page = Paginate(Items(R"([1, "x", null, {"id": "a"}, [], {"id": "b"}])"),
                             *ParseQuery("$count=true"), kBase, kPath, "$count=true");
  EXPECT_THAT(Ids(page.value), ElementsAre("a", "b"));
  EXPECT_EQ(page.count, 2);
}

TEST(ProjectTest, EmptySelectKeepsEverything) {
  const boost::json::object entity = Schedules()[0].as_object();
  EXPECT_EQ(Project(entity, {}), entity);
  EXPECT_EQ(boost::json::serialize(Project(entity, {"groupId", "nothere"})),
            R"({"@odata.type":"#t","groupId":"g1"})");
}

TEST(SortTest, OrdersByTypeThenValueWithNullsFirstAscending) {
  boost::json::array items = Items(R"([
    {"id": "str-b", "v": "b"},
    {"id": "null", "v": null},
    {"id": "date-late", "v": "2024-05-01T08:00:00.5Z"},
    {"id": "num-2.5", "v": 2.5},
    {"id": "missing"},
    {"id": "str-A", "v": "A"},
    {"id": "true", "v": true},
    {"id": "num-big", "v": 18446744073709551615},
    {"id": "date-early", "v": "2024-05-01T10:00:00.1234567+04:00"},
    {"id": "obj", "v": {}},
    {"id": "num--3", "v": -3},
    {"id": "false", "v": false}
  ])");
  Sort(items, {{"v", false}});
  EXPECT_THAT(Ids(items),
              ElementsAre("null", "missing", "false", "true", "num--3", "num-2.5", "num-big",
                          "date-early", "date-late", "str-A", "str-b", "obj"));
  Sort(items, {{"v", true}});
  EXPECT_THAT(Ids(items), ElementsAre("obj", "str-b", "str-A", "date-late", "date-early", "num-big",
                                      "num-2.5", "num--3", "true", "false", "null", "missing"));
}

TEST(SortTest, SeveralKeysAndNestedPathsAreStable) {
  boost::json::array items = Items(R"([
    {"id": "1", "g": "b", "p": {"n": 2}},
    {"id": "2", "g": "a", "p": {"n": 2}},
    {"id": "3", "g": "B", "p": {"n": 1}},
    {"id": "4", "g": "a", "p": {"n": 1}},
    {"id": "5", "g": "A", "p": {"n": 2}}
  ])");
  Sort(items, {{"g", false}, {"p/n", true}});
  EXPECT_THAT(Ids(items), ElementsAre("2", "5", "4", "1", "3"));
}

}  // namespace
}  // namespace pim::api::odata
