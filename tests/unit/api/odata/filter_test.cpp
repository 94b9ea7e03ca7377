#include "pim/api/odata/filter.h"

#include <string>
#include <string_view>
#include <vector>

#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pim/domain/status.h"
#include "unit/api/odata/expect_bad_request.h"

namespace pim::api::odata {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

boost::json::object Entity(std::string_view json) {
  return boost::json::parse(boost::json::string_view(json.data(), json.size())).as_object();
}

// A request as Graph and ARM serialise it, with the shapes the filters below reach into.
const boost::json::object& Sample() {
  static const boost::json::object sample(Entity(R"({
    "@odata.type": "#microsoft.graph.privilegedAccessGroupAssignmentScheduleRequest",
    "id": "req-1",
    "status": "PendingApproval",
    "groupId": "9a1c2d3e-0000-4000-8000-00000000a001",
    "principalId": "5B2E7C10-0000-4000-8000-00000000B001",
    "accessId": "member",
    "scopeId": "/",
    "scopeType": "DirectoryRole",
    "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
    "createdDateTime": "2024-05-01T08:00:00.1234567Z",
    "completedDateTime": null,
    "priority": 5,
    "ratio": 2.5,
    "big": 18446744073709551615,
    "isValidationOnly": false,
    "displayName": "Admin O'Brien",
    "createdBy": {"user": {"id": "5b2e7c10-0000-4000-8000-00000000b0ad"}},
    "tags": ["a", "b"]
  })"));
  return sample;
}

struct MatchCase {
  std::string_view filter;
  bool matches;
};

class FilterMatchTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(FilterMatchTest, MatchesTheSampleExactlyAsExpected) {
  const absl::StatusOr<Filter> filter = Filter::Parse(GetParam().filter);
  ASSERT_TRUE(filter.ok()) << GetParam().filter << ": " << filter.status();
  EXPECT_EQ(filter->Matches(Sample()), GetParam().matches) << GetParam().filter;
  // The canonical spelling parses to a filter with the same verdict and the same canonical text.
  const absl::StatusOr<Filter> again = Filter::Parse(filter->ToString());
  ASSERT_TRUE(again.ok()) << filter->ToString() << ": " << again.status();
  EXPECT_EQ(again->ToString(), filter->ToString());
  EXPECT_EQ(again->Matches(Sample()), GetParam().matches) << filter->ToString();
}

INSTANTIATE_TEST_SUITE_P(
    Forms, FilterMatchTest,
    ::testing::Values(
        // Reference 1.5 (Graph groups).
        MatchCase{"groupId eq '9a1c2d3e-0000-4000-8000-00000000a001'", true},
        MatchCase{"principalId eq '5b2e7c10-0000-4000-8000-00000000b001'", true},
        MatchCase{"groupId eq '9a1c2d3e-0000-4000-8000-00000000a001' and principalId eq "
                  "'5b2e7c10-0000-4000-8000-00000000b001'",
                  true},
        MatchCase{
            "status eq 'PendingApproval' and groupId eq '9a1c2d3e-0000-4000-8000-00000000a001'",
            true},
        MatchCase{"status eq 'PendingApproval' and groupId eq 'g'", false},
        MatchCase{"accessId eq 'member'", true}, MatchCase{"accessId ne 'owner'", true},
        MatchCase{"completedDateTime eq null", true}, MatchCase{"completedDateTime ne null", false},
        MatchCase{"createdUsing eq null", true},  // missing is null
        MatchCase{"createdUsing ne null", false}, MatchCase{"id ne 'req-1'", false},
        MatchCase{"createdBy/user/id eq '5b2e7c10-0000-4000-8000-00000000b0ad'", true},
        // Reference 3.1 (policies).
        MatchCase{"scopeId eq '/' and scopeType eq 'DirectoryRole'", true},
        MatchCase{"scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq "
                  "'62e90394-69f5-4237-9190-012177145e10'",
                  true},
        MatchCase{"scopeId eq '/' and scopeType eq 'Group'", false},
        // Reference 4.6 (ARM): surface functions are true here, the handler interprets them.
        MatchCase{"asTarget()", true}, MatchCase{"atScope()", true},
        MatchCase{"atScope() and principalId eq 'x'", false},
        MatchCase{"atScope() and principalId eq '5b2e7c10-0000-4000-8000-00000000b001'", true},
        MatchCase{"assignedTo('5b2e7c10-0000-4000-8000-00000000b001')", true},
        MatchCase{"asRequestor()", true}, MatchCase{"asApprover()", true},
        // Case-insensitive values, keywords and property names.
        MatchCase{"status eq 'pendingapproval'", true},
        MatchCase{"STATUS EQ 'PENDINGAPPROVAL' AND AccessId Eq 'MEMBER'", true},
        MatchCase{"principalId eq 5b2e7c10-0000-4000-8000-00000000b001", true},  // GUID literal
        MatchCase{"principalId eq 5B2E7C10-0000-4000-8000-00000000B002", false},
        // Precedence: and binds tighter than or; not tighter than and.
        MatchCase{"id eq 'x' and id eq 'y' or id eq 'req-1'", true},
        MatchCase{"id eq 'req-1' or id eq 'x' and id eq 'y'", true},
        MatchCase{"(id eq 'req-1' or id eq 'x') and id eq 'y'", false},
        MatchCase{"id eq 'x' and (id eq 'y' or id eq 'req-1')", false},
        MatchCase{"not id eq 'x' and id eq 'req-1'", true},
        MatchCase{"not (id eq 'x' or id eq 'req-1')", false},
        MatchCase{"not not id eq 'req-1'", true}, MatchCase{"not(id eq 'req-1')", false},
        MatchCase{"((((id eq 'req-1'))))", true},
        // in.
        MatchCase{"status in ('Provisioned', 'PendingApproval')", true},
        MatchCase{"status in ('Provisioned')", false}, MatchCase{"priority in (1, 5)", true},
        MatchCase{"completedDateTime in (null)", true},
        // Numbers.
        MatchCase{"priority eq 5", true}, MatchCase{"priority eq 5.0", true},
        MatchCase{"priority gt 4.5", true}, MatchCase{"priority le -1", false},
        MatchCase{"ratio lt 3", true}, MatchCase{"ratio ge 2.5e0", true},
        MatchCase{"big gt 9223372036854775807", true},
        MatchCase{"big eq 18446744073709551615", true}, MatchCase{"priority lt 1e300", true},
        // Booleans.
        MatchCase{"isValidationOnly eq false", true}, MatchCase{"isValidationOnly ne true", true},
        MatchCase{"isValidationOnly eq FALSE", true},
        // Date-times: 3 and 7 fractional digits, offsets, compared as instants.
        MatchCase{"createdDateTime gt 2024-05-01T08:00:00.123Z", true},
        MatchCase{"createdDateTime lt 2024-05-01T08:00:00.124Z", true},
        MatchCase{"createdDateTime eq 2024-05-01T08:00:00.1234567Z", true},
        MatchCase{"createdDateTime eq 2024-05-01T10:00:00.1234567+02:00", true},
        MatchCase{"createdDateTime ge 2024-05-01T08:00:00.1234568Z", false},
        MatchCase{"createdDateTime le 2024-05-01T03:00:00-05:00", false},
        MatchCase{"createdDateTime gt 2024-05-01T03:00:00-05:00", true},
        MatchCase{"createdDateTime lt '2024-05-02T00:00:00Z'", true},  // quoted works too
        MatchCase{"createdDateTime gt null", false},
        // String functions, case-insensitive.
        MatchCase{"startswith(displayName,'admin')", true},
        MatchCase{"endswith(displayName, 'o''brien')", true},
        MatchCase{"contains(displayName,'N O''B')", true},
        MatchCase{"contains(displayName,'x')", false},
        MatchCase{"startswith(priority,'5')", false},  // not a string
        MatchCase{"STARTSWITH(displayName,'Ad') and not contains(status,'denied')", true},
        // Quotes.
        MatchCase{"displayName eq 'Admin O''Brien'", true},
        MatchCase{"displayName eq 'Admin O''''Brien'", false},
        MatchCase{"displayName gt 'admin a' and displayName lt 'ADMIN Z'", true},
        // Type mismatch: no operator holds, ne included.
        MatchCase{"priority eq '5'", false}, MatchCase{"priority ne '5'", false},
        MatchCase{"status gt 5", false}, MatchCase{"createdBy eq 'x'", false},
        MatchCase{"tags eq 'a'", false}, MatchCase{"createdBy/user eq null", false},
        MatchCase{"createdBy/user/id/deeper eq null", true}, MatchCase{"id/x eq null", true},
        // Literal against literal.
        MatchCase{"'a' eq 'A'", true}, MatchCase{"1 lt 2", true},
        // Whitespace is free between tokens.
        MatchCase{"  id   eq\t'req-1'  ", true}, MatchCase{"id eq'req-1'", true}));

struct FilterRefusalCase {
  std::string_view filter;
  std::string_view mentions;  // a piece the message must contain
};

class FilterRefusalTest : public ::testing::TestWithParam<FilterRefusalCase> {};

TEST_P(FilterRefusalTest, IsBadRequestNamingTheProblem) {
  const absl::StatusOr<Filter> filter = Filter::Parse(GetParam().filter);
  ASSERT_FALSE(filter.ok()) << GetParam().filter;
  ExpectBadRequest(filter.status(), GetParam().filter);
  EXPECT_NE(std::string(filter.status().message()).find(GetParam().mentions), std::string::npos)
      << filter.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Forms, FilterRefusalTest,
    ::testing::Values(
        FilterRefusalCase{"", "empty"}, FilterRefusalCase{"   ", "empty"},
        FilterRefusalCase{"id eq", "end of input at position 5"},
        FilterRefusalCase{"id", "end of input"},
        FilterRefusalCase{"eq 'x'", "\"eq\" at position 0"},
        FilterRefusalCase{"id eq 'x' and", "end of input"},
        FilterRefusalCase{"id eq 'x' or or id eq 'y'", "\"or\" at position 13"},
        FilterRefusalCase{"id eq 'x' id eq 'y'", "\"id\" at position 10"},
        FilterRefusalCase{"id eq 'x')", "\")\" at position 9"},
        FilterRefusalCase{"(id eq 'x'", "end of input"},
        FilterRefusalCase{"()", "\")\" at position 1"},
        FilterRefusalCase{"id eq 'unterminated", "unterminated string literal at position 6"},
        FilterRefusalCase{"id eq 'x''", "unterminated"},
        FilterRefusalCase{"id eq \"x\"", "character \"\\\"\" at position 6"},
        FilterRefusalCase{"id eq 'x' & id eq 'y'", "\"&\" at position 10"},
        FilterRefusalCase{"id == 'x'", "\"=\""},
        FilterRefusalCase{"priority add 1 eq 6", "operator \"add\""},
        FilterRefusalCase{"priority sub 1 eq 4", "operator \"sub\""},
        FilterRefusalCase{"priority mod 2 eq 1", "operator \"mod\""},
        FilterRefusalCase{"status has 'x'", "operator \"has\""},
        FilterRefusalCase{"tags/any(t: t eq 'a')", "lambda"},
        FilterRefusalCase{"tags/all(t:t eq 'a')", "lambda"},
        FilterRefusalCase{"a/b ('x')", "bound function \"a/b\""},
        FilterRefusalCase{"id eq 'x' and a/b () ", "bound function"},
        FilterRefusalCase{"tolower(status) eq 'x'", "function \"tolower\""},
        FilterRefusalCase{"length(displayName) gt 1", "function \"length\""},
        FilterRefusalCase{"year(createdDateTime) eq 2024", "function \"year\""},
        FilterRefusalCase{"now()", "function \"now\""},
        FilterRefusalCase{"assignedTo(principalId)", "only literal arguments"},
        FilterRefusalCase{"startswith('Ad', displayName)", "(property, 'string')"},
        FilterRefusalCase{"startswith(displayName)", "(property, 'string')"},
        FilterRefusalCase{"startswith(displayName, 5)", "(property, 'string')"},
        FilterRefusalCase{"contains(displayName,'a','b')", "(property, 'string')"},
        FilterRefusalCase{"startswith(displayName,'a') eq true", "comparing the result"},
        FilterRefusalCase{"id eq asTarget()", "cannot be an operand"},
        FilterRefusalCase{"filterByCurrentUser(on='principal')", "\"=\""},
        FilterRefusalCase{"isValidationOnly", "expected a comparison operator"},
        FilterRefusalCase{"true", "expected a comparison operator"},
        FilterRefusalCase{"true()", "\"(\""}, FilterRefusalCase{"id in ()", "\")\""},
        FilterRefusalCase{"id in ('a', principalId)", "only literals"},
        FilterRefusalCase{"id in 'a'", "'(' after 'in'"},
        FilterRefusalCase{"priority eq 5L", "invalid number literal \"5L\""},
        FilterRefusalCase{"priority eq 1.5M", "invalid number literal"},
        FilterRefusalCase{"priority eq 1.", "invalid number literal"},
        FilterRefusalCase{"priority eq 1e", "invalid number literal"},
        FilterRefusalCase{"priority eq 1e999", "out of range"},
        FilterRefusalCase{"priority eq --1", "\"-\""},
        FilterRefusalCase{"createdDateTime gt 2024-05-01", "date literals without a time"},
        FilterRefusalCase{"createdDateTime gt 2024-13-01T00:00:00Z", "invalid date-time literal"},
        FilterRefusalCase{"createdDateTime gt 2024-05-01T08:00:00Zand",
                          "invalid date-time literal"},
        FilterRefusalCase{"a/ eq 1", "segment missing"},
        FilterRefusalCase{"a//b eq 1", "segment missing"},
        FilterRefusalCase{"microsoft.graph.user/id eq 'x'", "\".\" in name"},
        FilterRefusalCase{"@odata.type eq 'x'", "\"@\""},
        FilterRefusalCase{"duration'PT1H' eq 'x'", "string \"PT1H\""},
        FilterRefusalCase{"id eq 'x' and not", "end of input"},
        FilterRefusalCase{"principalId eq 'a' and in ('x')", "\"in\""},
        FilterRefusalCase{"id eq 'caf\xc3\xa9' and \xc3\xa9 eq 1", "\"\\xc3\" at position 18"}));

TEST(FilterTest, AcceptsNestingOf32AndRefusesDeeper) {
  std::string ok_filter = std::string(32, '(') + "id eq 'x'" + std::string(32, ')');
  EXPECT_TRUE(Filter::Parse(ok_filter).ok());
  std::string deep = std::string(33, '(') + "id eq 'x'" + std::string(33, ')');
  const absl::StatusOr<Filter> too_deep = Filter::Parse(deep);
  ExpectBadRequest(too_deep.status(), "33 parentheses");
  EXPECT_NE(std::string(too_deep.status().message()).find("nesting deeper than 32"),
            std::string::npos);

  std::string nots;
  for (int i = 0; i < 33; ++i) nots += "not ";
  ExpectBadRequest(Filter::Parse(nots + "id eq 'x'").status(), "33 nots");
  nots.clear();
  for (int i = 0; i < 16; ++i) nots += "not ";
  // 16 nots and 16 parentheses: 32 levels, the most allowed.
  EXPECT_TRUE(Filter::Parse(nots + std::string(16, '(') + "id eq 'x'" + std::string(16, ')')).ok());
  EXPECT_FALSE(
      Filter::Parse(nots + std::string(17, '(') + "id eq 'x'" + std::string(17, ')')).ok());
}

TEST(FilterTest, RefusesDeepNestingWithoutExhaustingTheStack) {
  ExpectBadRequest(Filter::Parse(std::string(4000, '(')).status(), "4000 parentheses");
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "not ";
  ExpectBadRequest(Filter::Parse(nots).status(), "1000 nots");
}

TEST(FilterTest, RefusesMoreThan4096Characters) {
  std::string text = "id eq '";
  text += std::string(4096 - text.size() - 1, 'a');
  text += "'";
  ASSERT_EQ(text.size(), 4096U);
  EXPECT_TRUE(Filter::Parse(text).ok());
  text.insert(7, "a");
  const absl::StatusOr<Filter> too_long = Filter::Parse(text);
  ExpectBadRequest(too_long.status(), "4097 characters");
  EXPECT_NE(std::string(too_long.status().message()).find("longer than 4096"), std::string::npos);
}

TEST(FilterTest, LongChainsStayFlat) {
  std::string text = "id eq 'x'";
  while (text.size() < 4000) text += " or id eq 'x'";
  text += " or id eq 'req-1'";
  const absl::StatusOr<Filter> filter = Filter::Parse(text);
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_TRUE(filter->Matches(Sample()));
}

TEST(FilterTest, ErrorMessagesNeverEchoMoreThanAFewDozenCharactersOfInput) {
  const std::string junk = "id eq " + std::string(3000, '"');
  const absl::StatusOr<Filter> filter = Filter::Parse("id eq 5" + std::string(3000, 'x'));
  ExpectBadRequest(filter.status(), "long number");
  EXPECT_LE(filter.status().message().size(), 120U) << filter.status().message();
  ExpectBadRequest(Filter::Parse(junk).status(), "quotes");
  const absl::StatusOr<Filter> bytes = Filter::Parse(std::string("id eq 'x' \x01\x02\x03", 13));
  ExpectBadRequest(bytes.status(), "control bytes");
  EXPECT_NE(std::string(bytes.status().message()).find("\\x01"), std::string::npos);
}

TEST(FilterTest, RequiredEqualsFindsConjunctionTermsOnly) {
  const auto required = [](std::string_view text, std::string_view property) {
    const absl::StatusOr<Filter> filter = Filter::Parse(text);
    EXPECT_TRUE(filter.ok()) << text;
    return filter.ok() ? filter->RequiredEquals(property) : std::nullopt;
  };
  EXPECT_EQ(required("groupId eq 'g1'", "groupId"), "g1");
  EXPECT_EQ(required("status eq 'PendingApproval' and groupId eq 'g1'", "groupId"), "g1");
  EXPECT_EQ(required("(status eq 'x' and (groupId eq 'g1')) and id eq 'y'", "groupId"), "g1");
  EXPECT_EQ(required("'g1' eq groupId", "groupId"), "g1");
  EXPECT_EQ(required("GroupId eq 'g1'", "groupId"), "g1");
  EXPECT_EQ(required("groupId eq 'it''s'", "groupId"), "it's");
  EXPECT_EQ(required("principalId eq 5b2e7c10-0000-4000-8000-00000000b001", "principalId"),
            "5b2e7c10-0000-4000-8000-00000000b001");
  EXPECT_EQ(required("atScope() and principalId eq 'p'", "principalId"), "p");
  EXPECT_EQ(required("groupId eq 'g1' and groupId eq 'g2'", "groupId"), "g1");
  EXPECT_EQ(required("scopeId eq '/' and scopeType eq 'DirectoryRole' and roleDefinitionId eq "
                     "'62e90394-69f5-4237-9190-012177145e10'",
                     "roleDefinitionId"),
            "62e90394-69f5-4237-9190-012177145e10");

  EXPECT_EQ(required("groupId eq 'g1' or principalId eq 'p'", "groupId"), std::nullopt);
  EXPECT_EQ(required("not groupId eq 'g1'", "groupId"), std::nullopt);
  EXPECT_EQ(required("groupId ne 'g1'", "groupId"), std::nullopt);
  EXPECT_EQ(required("groupId eq null", "groupId"), std::nullopt);
  EXPECT_EQ(required("groupId eq 5", "groupId"), std::nullopt);
  EXPECT_EQ(required("groupId in ('g1')", "groupId"), std::nullopt);
  EXPECT_EQ(required("(groupId eq 'g1' or id eq 'x') and id eq 'y'", "groupId"), std::nullopt);
  EXPECT_EQ(required("group/id eq 'g1'", "groupId"), std::nullopt);
  EXPECT_EQ(required("principalId eq 'p'", "groupId"), std::nullopt);
}

TEST(FilterTest, FunctionsListsSurfaceCallsWithTheirPlace) {
  const absl::StatusOr<Filter> filter = Filter::Parse(
      "asTarget() and (atScope() and startswith(id,'a')) and (asApprover() or "
      "assignedTo('u''1', 5, null, true, 5b2e7c10-0000-4000-8000-00000000b001)) and not "
      "asRequestor()");
  ASSERT_TRUE(filter.ok()) << filter.status();
  const std::vector<Filter::Call> calls = filter->Functions();
  ASSERT_EQ(calls.size(), 5U);
  EXPECT_EQ(calls[0].name, "asTarget");
  EXPECT_THAT(calls[0].args, IsEmpty());
  EXPECT_TRUE(calls[0].in_conjunction);
  EXPECT_EQ(calls[1].name, "atScope");
  EXPECT_TRUE(calls[1].in_conjunction);
  EXPECT_EQ(calls[2].name, "asApprover");
  EXPECT_FALSE(calls[2].in_conjunction);
  EXPECT_EQ(calls[3].name, "assignedTo");
  EXPECT_THAT(calls[3].args,
              ElementsAre("u'1", "5", "null", "true", "5b2e7c10-0000-4000-8000-00000000b001"));
  EXPECT_FALSE(calls[3].in_conjunction);
  EXPECT_EQ(calls[4].name, "asRequestor");
  EXPECT_FALSE(calls[4].in_conjunction);

  const absl::StatusOr<Filter> alone = Filter::Parse("ASTARGET()");
  ASSERT_TRUE(alone.ok());
  ASSERT_EQ(alone->Functions().size(), 1U);
  EXPECT_EQ(alone->Functions()[0].name, "ASTARGET");
  EXPECT_TRUE(alone->Functions()[0].in_conjunction);

  const absl::StatusOr<Filter> none = Filter::Parse("contains(id,'x') and id eq 'y'");
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(none->Functions(), IsEmpty());
}

TEST(FilterTest, PropertiesListsEachPathOnceInOrder) {
  const absl::StatusOr<Filter> filter = Filter::Parse(
      "principalId eq 'p' and (createdBy/user/id eq 'a' or startswith(displayName,'x')) and "
      "principalId ne 'q' and status in ('a') and 'lit' eq roleDefinitionId and asTarget()");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_THAT(filter->Properties(), ElementsAre("principalId", "createdBy/user/id", "displayName",
                                                "status", "roleDefinitionId"));
  const absl::StatusOr<Filter> functions_only = Filter::Parse("asTarget()");
  ASSERT_TRUE(functions_only.ok());
  EXPECT_THAT(functions_only->Properties(), IsEmpty());
}

TEST(FilterTest, ToStringIsCanonical) {
  const absl::StatusOr<Filter> filter = Filter::Parse(
      "NOT(a EQ 'x''y') AND (b eq 1 OR c eq TRUE) and (d in ('p','q')) or ASTARGET() and "
      "e gt 2024-05-01T08:00:00.123+02:00 and f eq 62E90394-69F5-4237-9190-012177145E10");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->ToString(),
            "not a eq 'x''y' and (b eq 1 or c eq true) and d in ('p','q') or ASTARGET() and "
            "e gt 2024-05-01T08:00:00.123+02:00 and f eq 62E90394-69F5-4237-9190-012177145E10");
  EXPECT_EQ(filter->text(),
            "NOT(a EQ 'x''y') AND (b eq 1 OR c eq TRUE) and (d in ('p','q')) or ASTARGET() and "
            "e gt 2024-05-01T08:00:00.123+02:00 and f eq 62E90394-69F5-4237-9190-012177145E10");
}

TEST(FilterTest, CopiesShareTheImmutableTree) {
  const absl::StatusOr<Filter> parsed = Filter::Parse("id eq 'req-1'");
  ASSERT_TRUE(parsed.ok());
  Filter copy = *parsed;
  Filter moved = std::move(copy);
  Filter assigned = *Filter::Parse("id eq 'other'");
  assigned = moved;
  EXPECT_TRUE(assigned.Matches(Sample()));
  EXPECT_EQ(assigned.text(), "id eq 'req-1'");
}

TEST(FilterTest, NonAsciiStringsCompareByteForByte) {
  const boost::json::object entity = Entity(R"({"name": "Caf\u00e9"})");
  EXPECT_TRUE(Filter::Parse("name eq 'CAF\xc3\xa9'")->Matches(entity));
  EXPECT_FALSE(Filter::Parse("name eq 'CAF\xc3\x89'")->Matches(entity));  // no Unicode folding
}

}  // namespace
}  // namespace pim::api::odata
