#include "pim/api/odata/query.h"

#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pim/domain/status.h"
#include "unit/api/odata/expect_bad_request.h"

namespace pim::api::odata {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

TEST(PercentDecodeTest, DecodesEscapesAndKeepsPlus) {
  EXPECT_EQ(*PercentDecode(""), "");
  EXPECT_EQ(*PercentDecode("a%20b%2Fc%2fd"), "a b/c/d");
  EXPECT_EQ(*PercentDecode("a+b"), "a+b");
  EXPECT_EQ(*PercentDecode("%2B"), "+");
  EXPECT_EQ(*PercentDecode("%27it%27%27s%27"), "'it''s'");
  EXPECT_EQ(*PercentDecode("%C3%A9"), "\xc3\xa9");
  EXPECT_EQ(*PercentDecode("%25"), "%");
  EXPECT_EQ(*PercentDecode("%2525"), "%25");  // decoded once only
}

TEST(PercentDecodeTest, RefusesBadEscapesAndNul) {
  for (const std::string_view bad :
       std::vector<std::string_view>{"%", "%2", "a%g0", "%0g", "%%", "%-1", "abc%",
                                     std::string_view("a\0b", 3), "%00", "x%00y"}) {
    ExpectBadRequest(PercentDecode(bad).status(), bad);
  }
  EXPECT_NE(std::string(PercentDecode("ab%zz").status().message()).find("\"%zz\" at position 2"),
            std::string::npos);
}

TEST(ParseQueryTest, EmptyQueryIsDefault) {
  const absl::StatusOr<Query> query = ParseQuery("");
  ASSERT_TRUE(query.ok());
  EXPECT_FALSE(query->filter.has_value());
  EXPECT_THAT(query->select, IsEmpty());
  EXPECT_THAT(query->expand, IsEmpty());
  EXPECT_FALSE(query->top.has_value());
  EXPECT_FALSE(query->skip.has_value());
  EXPECT_THAT(query->orderby, IsEmpty());
  EXPECT_FALSE(query->count);
  EXPECT_FALSE(query->skiptoken.has_value());
  EXPECT_THAT(query->params, IsEmpty());
}

TEST(ParseQueryTest, ReferenceGroupListExample) {
  // Reference 1.4: eligibilitySchedules list with a filter and $select, URL-encoded.
  const absl::StatusOr<Query> query = ParseQuery(
      "$filter=groupId%20eq%20'9a1c2d3e-0000-4000-8000-00000000a001'%20and%20principalId%20eq%20"
      "'5b2e7c10-0000-4000-8000-00000000b001'&$select=accessId,principalId,groupId");
  ASSERT_TRUE(query.ok()) << query.status();
  ASSERT_TRUE(query->filter.has_value());
  EXPECT_EQ(query->filter->RequiredEquals("groupId"), "9a1c2d3e-0000-4000-8000-00000000a001");
  EXPECT_EQ(query->filter->RequiredEquals("principalId"), "5b2e7c10-0000-4000-8000-00000000b001");
  EXPECT_THAT(query->select, ElementsAre("accessId", "principalId", "groupId"));
}

TEST(ParseQueryTest, ReferencePolicyAssignmentExample) {
  // Reference 3.1, as the Graph client encodes it.
  const absl::StatusOr<Query> query = ParseQuery(
      "%24filter=scopeId%20eq%20%27%2F%27%20and%20scopeType%20eq%20%27DirectoryRole%27%20and%20"
      "roleDefinitionId%20eq%20%2762e90394-69f5-4237-9190-012177145e10%27"
      "&%24expand=policy(%24expand%3Drules)");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->filter->RequiredEquals("scopeId"), "/");
  EXPECT_EQ(query->filter->RequiredEquals("scopeType"), "DirectoryRole");
  EXPECT_EQ(query->filter->RequiredEquals("roleDefinitionId"),
            "62e90394-69f5-4237-9190-012177145e10");
  ASSERT_EQ(query->expand.size(), 1U);
  EXPECT_EQ(query->expand[0].property, "policy");
  ASSERT_EQ(query->expand[0].expand.size(), 1U);
  EXPECT_EQ(query->expand[0].expand[0].property, "rules");
  EXPECT_NE(query->FindExpand("POLICY"), nullptr);
  EXPECT_EQ(query->FindExpand("rules"), nullptr);  // nested, not top level
}

TEST(ParseQueryTest, ArmListForScope) {
  // Reference 4.6 / 7.2: the ARM SDK's filter with api-version.
  const absl::StatusOr<Query> query =
      ParseQuery("api-version=2020-10-01&$filter=atScope()%20and%20principalId%20eq%20'x'");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_THAT(query->params, ElementsAre(Pair("api-version", "2020-10-01")));
  ASSERT_EQ(query->filter->Functions().size(), 1U);
  EXPECT_EQ(query->filter->Functions()[0].name, "atScope");
  EXPECT_TRUE(query->filter->Functions()[0].in_conjunction);
  EXPECT_EQ(query->filter->RequiredEquals("principalId"), "x");

  const absl::StatusOr<Query> as_target = ParseQuery("$filter=asTarget()&api-version=2020-10-01");
  ASSERT_TRUE(as_target.ok()) << as_target.status();
  EXPECT_EQ(as_target->filter->Functions()[0].name, "asTarget");
}

TEST(ParseQueryTest, PlusIsALiteralPlusNotASpace) {
  // A date-time offset survives: `+02:00` stays `+02:00`.
  const absl::StatusOr<Query> query =
      ParseQuery("$filter=createdDateTime%20gt%202024-05-01T10:00:00+02:00&x=a+b");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->filter->text(), "createdDateTime gt 2024-05-01T10:00:00+02:00");
  EXPECT_EQ(query->params.at("x"), "a+b");
  // Form-encoding's `+` for space is not honoured: the filter is malformed.
  ExpectBadRequest(ParseQuery("$filter=id+eq+'x'").status(), "plus as space");
}

TEST(ParseQueryTest, AllOptionsTogether) {
  const absl::StatusOr<Query> query = ParseQuery(
      "$FILTER=status%20eq%20'PendingApproval'&$Select=id,%20status&$expand=group($select=id,"
      "displayName,mail),principal($select=id)&$top=10&$skip=5&$orderby=createdDateTime%20desc,"
      "id&$count=true&$skiptoken=20&api-version=2020-10-01&on=x");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->filter->text(), "status eq 'PendingApproval'");
  EXPECT_THAT(query->select, ElementsAre("id", "status"));
  ASSERT_EQ(query->expand.size(), 2U);
  EXPECT_EQ(query->expand[0].property, "group");
  EXPECT_THAT(query->expand[0].select, ElementsAre("id", "displayName", "mail"));
  EXPECT_EQ(query->expand[1].property, "principal");
  EXPECT_THAT(query->expand[1].select, ElementsAre("id"));
  EXPECT_EQ(query->top, 10);
  EXPECT_EQ(query->skip, 5);
  ASSERT_EQ(query->orderby.size(), 2U);
  EXPECT_EQ(query->orderby[0].property, "createdDateTime");
  EXPECT_TRUE(query->orderby[0].descending);
  EXPECT_EQ(query->orderby[1].property, "id");
  EXPECT_FALSE(query->orderby[1].descending);
  EXPECT_TRUE(query->count);
  EXPECT_EQ(query->skiptoken, "20");
  EXPECT_THAT(query->params, ElementsAre(Pair("api-version", "2020-10-01"), Pair("on", "x")));
}

TEST(ParseQueryTest, ExpandForms) {
  struct Case {
    std::string_view value;
    std::string_view shape;  // property[select](nested...) flattened for comparison
  };
  const auto shape_of = [](const std::vector<ExpandItem>& items) {
    std::string out;
    const auto print = [&out](const auto& self, const std::vector<ExpandItem>& list) -> void {
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += ',';
        out += list[i].property;
        if (!list[i].select.empty()) {
          out += '[';
          for (std::size_t j = 0; j < list[i].select.size(); ++j) {
            if (j > 0) out += ',';
            out += list[i].select[j];
          }
          out += ']';
        }
        if (!list[i].expand.empty()) {
          out += '(';
          self(self, list[i].expand);
          out += ')';
        }
      }
    };
    print(print, items);
    return out;
  };
  for (const Case& c : std::vector<Case>{
           {"group", "group"},
           {"group,principal", "group,principal"},
           {"effectiveRules,rules", "effectiveRules,rules"},
           {"rules($select=id)", "rules[id]"},
           {"policy($expand=rules)", "policy(rules)"},
           {"group($select=id,displayName,mail)", "group[id,displayName,mail]"},
           {"policy($expand=rules($select=id);$select=id,displayName)",
            "policy[id,displayName](rules[id])"},
           {"policy($SELECT=id;$EXPAND=rules,effectiveRules),principal",
            "policy[id](rules,effectiveRules),principal"},
           {" group ( $select = id ) , principal ", "group[id],principal"},
           {"a($expand=b($expand=c($expand=d($expand=e($expand=f($expand=g($expand=h)))))))",
            "a(b(c(d(e(f(g(h)))))))"},
           {"group($select=*)", "group"},
       }) {
    const absl::StatusOr<Query> query = ParseQuery("$expand=" + std::string(c.value));
    ASSERT_TRUE(query.ok()) << c.value << ": " << query.status();
    EXPECT_EQ(shape_of(query->expand), c.shape) << c.value;
  }
}

TEST(ParseQueryTest, SelectStarMeansEverything) {
  const absl::StatusOr<Query> query = ParseQuery("$select=*");
  ASSERT_TRUE(query.ok());
  EXPECT_THAT(query->select, IsEmpty());
  EXPECT_THAT(ParseQuery("$select=id,ID,status")->select, ElementsAre("id", "status"));
}

TEST(ParseQueryTest, Boundaries) {
  EXPECT_EQ(ParseQuery("$top=0")->top, 0);
  EXPECT_EQ(ParseQuery("$top=1000")->top, 1000);
  EXPECT_EQ(ParseQuery("$top=0001")->top, 1);
  EXPECT_EQ(ParseQuery("$skip=0")->skip, 0);
  EXPECT_EQ(ParseQuery("$skip=9223372036854775807")->skip, INT64_MAX);
  EXPECT_EQ(ParseQuery("$skiptoken=0")->skiptoken, "0");
  EXPECT_EQ(ParseQuery("$skiptoken=9223372036854775807")->skiptoken, "9223372036854775807");
  EXPECT_FALSE(ParseQuery("$count=false")->count);
  EXPECT_TRUE(ParseQuery("$count=TRUE")->count);
  EXPECT_EQ(ParseQuery("flag")->params.at("flag"), "");
  EXPECT_EQ(ParseQuery("a=b=c")->params.at("a"), "b=c");
  EXPECT_EQ(ParseQuery("&&a=1&")->params.at("a"), "1");
  EXPECT_EQ(ParseQuery("filter=anything")->params.at("filter"), "anything");  // no `$`: plain
  EXPECT_EQ(ParseQuery("a=%26%3D")->params.at("a"), "&=");
  EXPECT_EQ(ParseQuery("$filter=id%20eq%20'a%26b'")->filter->RequiredEquals("id"), "a&b");
}

struct QueryRefusalCase {
  std::string_view query;
  std::string_view mentions;
};

class ParseQueryRefusalTest : public ::testing::TestWithParam<QueryRefusalCase> {};

TEST_P(ParseQueryRefusalTest, IsBadRequestNamingTheOption) {
  const absl::StatusOr<Query> query = ParseQuery(GetParam().query);
  ASSERT_FALSE(query.ok()) << GetParam().query;
  ExpectBadRequest(query.status(), GetParam().query);
  EXPECT_NE(std::string(query.status().message()).find(GetParam().mentions), std::string::npos)
      << query.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ParseQueryRefusalTest,
    ::testing::Values(
        QueryRefusalCase{"$search=x", "\"$search\" is not supported"},
        QueryRefusalCase{"$format=json", "\"$format\" is not supported"},
        QueryRefusalCase{"$=1", "\"$\" is not supported"},
        QueryRefusalCase{"$top=1&$top=2", "$top is repeated"},
        QueryRefusalCase{"$top=1&$TOP=2", "$top is repeated"},
        QueryRefusalCase{"$filter=a%20eq%201&%24filter=a%20eq%201", "$filter is repeated"},
        QueryRefusalCase{"api-version=1&api-version=2", "\"api-version\" is repeated"},
        QueryRefusalCase{"api-version=1&API-VERSION=1", "is repeated"},
        QueryRefusalCase{"=x", "empty name"},
        QueryRefusalCase{"a%ZZ=1", "malformed percent-escape"},
        QueryRefusalCase{"a=%ZZ", "malformed percent-escape"}, QueryRefusalCase{"a=%00", "NUL"},
        QueryRefusalCase{"$top=", "$top: \"\""},
        QueryRefusalCase{"$top=1001", "$top: \"1001\" is not an integer from 0 to 1000"},
        QueryRefusalCase{"$top=-1", "$top"}, QueryRefusalCase{"$top=+1", "$top"},
        QueryRefusalCase{"$top=%201", "$top"}, QueryRefusalCase{"$top=1.0", "$top"},
        QueryRefusalCase{"$top=99999999999999999999999", "$top"},
        QueryRefusalCase{"$skip=-5", "$skip"},
        QueryRefusalCase{"$skip=9223372036854775808", "$skip"},
        QueryRefusalCase{"$skip=abc", "$skip"},
        QueryRefusalCase{"$count=yes", "$count: \"yes\" is not true or false"},
        QueryRefusalCase{"$count=", "$count"}, QueryRefusalCase{"$skiptoken=abc", "$skiptoken"},
        QueryRefusalCase{"$skiptoken=-1", "$skiptoken"},
        QueryRefusalCase{"$skiptoken=", "$skiptoken"},
        QueryRefusalCase{"$skiptoken=99999999999999999999", "$skiptoken"},
        QueryRefusalCase{"$select=", "$select: \"\" is not a property name"},
        QueryRefusalCase{"$select=id,", "$select"},
        QueryRefusalCase{"$select=a/b", "$select: \"a/b\""},
        QueryRefusalCase{"$select=id,*", "$select: \"*\""},
        QueryRefusalCase{"$select=displayName;id", "$select"},
        QueryRefusalCase{"$expand=", "$expand: unexpected end"},
        QueryRefusalCase{"$expand=*", "$expand: unexpected \"*\""},
        QueryRefusalCase{"$expand=group,", "$expand"},
        QueryRefusalCase{"$expand=group,group", "\"group\" is repeated"},
        QueryRefusalCase{"$expand=group(", "$expand"},
        QueryRefusalCase{"$expand=group()", "$expand"},
        QueryRefusalCase{"$expand=group($select=)", "$expand"},
        QueryRefusalCase{"$expand=group($select=id", "$expand: unexpected end"},
        QueryRefusalCase{"$expand=group($select=id))", "\")\" at position 17"},
        QueryRefusalCase{"$expand=group($filter=id%20eq%201)", "\"$filter\" is repeated or not"},
        QueryRefusalCase{"$expand=group($top=1)", "\"$top\""},
        QueryRefusalCase{"$expand=group($select=id;$select=mail)", "\"$select\" is repeated"},
        QueryRefusalCase{"$expand=group(select=id)", "$expand"},
        QueryRefusalCase{"$expand=group/members", "\"/\""},
        QueryRefusalCase{"$expand=a($expand=b($expand=c($expand=d($expand=e($expand=f($expand=g("
                         "$expand=h($expand=i))))))))",
                         "nesting deeper than 8"},
        QueryRefusalCase{"$orderby=", "$orderby"},
        QueryRefusalCase{"$orderby=id%20up", "$orderby: \"id up\""},
        QueryRefusalCase{"$orderby=id%20desc%20asc", "$orderby"},
        QueryRefusalCase{"$orderby=id,", "$orderby"}, QueryRefusalCase{"$orderby=a//b", "$orderby"},
        QueryRefusalCase{"$orderby=tolower(id)", "$orderby"},
        QueryRefusalCase{"$filter=", "$filter: empty"},
        QueryRefusalCase{"$filter=id%20eq", "$filter: unexpected end of input"},
        QueryRefusalCase{"$filter=id eq 'x' and", "$filter"}));

TEST(ParseQueryTest, RefusesHugeQueries) {
  ExpectBadRequest(ParseQuery(std::string(16 * 1024 + 1, 'a')).status(), "16 KiB");
}

TEST(ParseQueryTest, DeepExpandDoesNotExhaustTheStack) {
  std::string text = "$expand=";
  for (int i = 0; i < 2000; ++i) text += "a($expand=";
  ExpectBadRequest(ParseQuery(text).status(), "2000 levels");
}

}  // namespace
}  // namespace pim::api::odata
