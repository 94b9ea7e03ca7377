// roleAssignmentApprovals (api-version 2021-01-01-preview) over the engine's approvals of
// resource-role activations: the exact list/get/stages shapes, decisions by PATCH and PUT, and
// every refusal with its code and status — each refused call leaving the request, its approval
// and the access it would grant exactly as they were.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "arm_test_base.h"
#include "gmock/gmock.h"

namespace pim::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPreview[] = "api-version=2021-01-01-preview";

class ArmApprovalTest : public ArmTest {
 protected:
  void SetUp() override {
    ArmTest::SetUp();
    approver_ = AddUser("Avery Approver");
    second_ = AddUser("Sam Second");
    eve_ = AddUser("Eve Elsewhere");
  }

  // "[{scope}]/providers/Microsoft.Authorization/roleAssignmentApprovals[/{rest}]?api-version=
  // 2021-01-01-preview[&{query}]"; `scope` "" is the tenant.
  static std::string ApprovalsUrl(std::string_view scope, std::string_view rest = "",
                                  std::string_view query = "") {
    return Cat(scope, kAuth, "/roleAssignmentApprovals", rest.empty() ? "" : "/", rest, "?",
               kPreview, query.empty() ? "" : "&", query);
  }

  // Contributor at the subscription needs one approval from `approvers` (justification
  // required of the approver); Dana is eligible and asks for it over ARM. Returns the request
  // name (= approval id = first stage id).
  std::string PendingRequest(std::vector<ApproverRef> approvers = {}) {
    if (approvers.empty()) approvers = {UserApprover(approver_), UserApprover(second_)};
    EXPECT_TRUE(RequireApproval(*engine_, Contributor(), {Stage(std::move(approvers))}).ok());
    return AskOverArm();
  }

  // Dana is made eligible for Contributor at the subscription and asks to activate it over
  // ARM, where its policy requires approval. Returns the request name.
  std::string AskOverArm() {
    EligibleOverArm(dana_);
    const std::string name = NewId();
    auto r =
        Put(User(dana_), kSub, "roleAssignmentScheduleRequests", name,
            Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H")));
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(Str(Json(r).at("properties").at("status")), "PendingApproval");
    return name;
  }

  api::HttpResponse Decide(const Caller& caller, std::string_view method,
                           const std::string& approval, const std::string& stage,
                           const std::string& body, std::string_view scope = "") {
    return Call(*arm_, caller, std::string(method),
                ApprovalsUrl(scope, Cat(approval, "/stages/", stage)), body);
  }

  // Everything a decision could change, as the Owner (a target administrator) reads it: the
  // request, its approval, and whether Dana holds the role.
  std::string Snapshot(const std::string& name) {
    auto request = Get(User(owner_), Url(kSub, Cat("roleAssignmentScheduleRequests/", name)));
    auto approval = Get(User(owner_), ApprovalsUrl("", name));
    return Cat(std::to_string(request.status), request.body, std::to_string(approval.status),
               approval.body, Holds(dana_, Contributor()) ? "holds" : "does not hold");
  }

  // Asserts that `r` is the ARM error `status`/`code` and that nothing changed for `name`.
  void ExpectRefused(const api::HttpResponse& r, int status, std::string_view code,
                     const std::string& name, const std::string& before) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(ErrorCode(r), code) << r.body;
    EXPECT_EQ(Keys(Json(r)), std::set<std::string>{"error"});
    EXPECT_EQ(Snapshot(name), before);
  }

  PrincipalId approver_;
  PrincipalId second_;
  PrincipalId eve_;
};

TEST_F(ArmApprovalTest, AsApproverListsThePendingApprovalWithTheExactShape) {
  const std::string name = PendingRequest();
  auto r = Get(User(approver_), ApprovalsUrl("", "", "$filter=asApprover()"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  const auto v = Json(r);
  EXPECT_EQ(Keys(v), (std::set<std::string>{"value", "nextLink"}));
  EXPECT_TRUE(v.at("nextLink").is_null());
  ASSERT_EQ(v.at("value").as_array().size(), 1U) << r.body;
  const std::string approval_id =
      Cat("/providers/Microsoft.Authorization/roleAssignmentApprovals/", name);
  EXPECT_EQ(
      v.at("value").at(0),
      boost::json::parse(Cat(
          R"({"id": ")", approval_id, R"(", "name": ")", name,
          R"(", "type": "Microsoft.Authorization/roleAssignmentApprovals",)",
          R"("properties": {"stages": [{"id": ")", approval_id, "/stages/", name, R"(", "name": ")",
          name, R"(", "type": "Microsoft.Authorization/roleAssignmentApprovals/stages",)",
          R"("properties": {"displayName": "Stage 1", "status": "InProgress",)",
          R"("assignedToMe": true, "reviewedBy": null, "reviewedDateTime": null,)",
          R"("reviewResult": "NotReviewed", "justification": ""}}]}})")));
}

TEST_F(ArmApprovalTest, WhoSeesWhichApprovalsInAList) {
  const std::string name = PendingRequest();
  auto count = [&](const PrincipalId& who, std::string_view scope, std::string_view filter) {
    auto r = Get(User(who), ApprovalsUrl(scope, "", filter));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto v = Json(r);
    return v.is_object() ? v.at("value").as_array().size() : 99U;
  };
  // Both approvers, with and without asApprover(); at the tenant and at the subscription.
  EXPECT_EQ(count(second_, "", "$filter=asApprover()"), 1U);
  EXPECT_EQ(count(approver_, "", ""), 1U);
  EXPECT_EQ(count(approver_, kSub, "$filter=asApprover()"), 1U);
  // A list reaches its scope and below: the resource group under the subscription has none.
  EXPECT_EQ(count(approver_, kRg, "$filter=asApprover()"), 0U);
  // The Owner administers the target: sees it, but is not asked to decide it.
  EXPECT_EQ(count(owner_, "", ""), 1U);
  EXPECT_EQ(count(owner_, "", "$filter=asApprover()"), 0U);
  auto owner = Get(User(owner_), ApprovalsUrl(kSub));
  EXPECT_FALSE(Json(owner)
                   .at("value")
                   .at(0)
                   .at("properties")
                   .at("stages")
                   .at(0)
                   .at("properties")
                   .at("assignedToMe")
                   .as_bool());
  EXPECT_EQ(Str(Json(owner).at("value").at(0).at("id")),
            Cat(kSub, "/providers/Microsoft.Authorization/roleAssignmentApprovals/", name));
  // Never the requester, whatever the filter; nor a bystander.
  EXPECT_EQ(count(dana_, "", ""), 0U);
  EXPECT_EQ(count(dana_, "", "$filter=asCreatedBy()"), 0U);
  EXPECT_EQ(count(dana_, "", "$filter=asTarget()"), 0U);
  EXPECT_EQ(count(eve_, "", ""), 0U);
  // Once decided it is no longer the approver's to decide, but stays in their unfiltered list.
  ASSERT_EQ(Decide(User(approver_), "PATCH", name, name,
                   R"({"properties": {"reviewResult": "Approve", "justification": "ok"}})")
                .status,
            200);
  EXPECT_EQ(count(approver_, "", "$filter=asApprover()"), 0U);
  EXPECT_EQ(count(approver_, "", ""), 1U);
}

TEST_F(ArmApprovalTest, ListRefusesOtherFiltersAndUnknownScopes) {
  PendingRequest();
  auto bad = Get(User(approver_), ApprovalsUrl("", "", "$filter=atScope()"));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(ErrorCode(bad), "BadRequest");
  bad = Get(User(approver_), ApprovalsUrl("", "", "$filter=principalId%20eq%20'x'"));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(ErrorCode(bad), "BadRequest");
  auto unknown =
      Get(User(approver_), ApprovalsUrl("/subscriptions/0d0d0d0d-0000-4000-8000-00000000ffff"));
  EXPECT_EQ(unknown.status, 400) << unknown.body;  // as on every ARM list (catalogue)
  EXPECT_EQ(ErrorCode(unknown), "ScopeNotFound");
  auto no_version = Get(User(approver_), Cat(kAuth, "/roleAssignmentApprovals"));
  EXPECT_EQ(no_version.status, 400) << no_version.body;
  EXPECT_EQ(ErrorCode(no_version), "MissingApiVersionParameter");
  auto post = Call(*arm_, User(approver_), "POST", ApprovalsUrl(""), "{}");
  EXPECT_EQ(post.status, 405) << post.body;
  EXPECT_EQ(post.Header("Allow"), "GET");
}

TEST_F(ArmApprovalTest, GetByIdStagesAndOneStage) {
  const std::string name = PendingRequest();
  auto approval = Get(User(approver_), ApprovalsUrl(kSub, name));
  ASSERT_EQ(approval.status, 200) << approval.body;
  const auto a = Json(approval);
  EXPECT_EQ(Keys(a), (std::set<std::string>{"id", "name", "type", "properties"}));
  EXPECT_EQ(Str(a.at("id")),
            Cat(kSub, "/providers/Microsoft.Authorization/roleAssignmentApprovals/", name));
  EXPECT_EQ(Str(a.at("name")), name);
  const auto& stage = a.at("properties").at("stages").at(0);

  auto stages = Get(User(approver_), ApprovalsUrl(kSub, Cat(name, "/stages")));
  ASSERT_EQ(stages.status, 200) << stages.body;
  EXPECT_EQ(Json(stages), boost::json::parse(Cat(R"({"value": [)", boost::json::serialize(stage),
                                                 R"(], "nextLink": null})")));
  auto one = Get(User(approver_), ApprovalsUrl(kSub, Cat(name, "/stages/", name)));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Json(one), stage);
  EXPECT_EQ(Str(Json(one).at("id")),
            Cat(kSub, "/providers/Microsoft.Authorization/roleAssignmentApprovals/", name,
                "/stages/", name));
  // Ids are case-insensitive like every ARM name; the request's approvalId is the approval id.
  auto upper = Get(User(approver_), ApprovalsUrl("", absl::AsciiStrToUpper(name)));
  EXPECT_EQ(upper.status, 200) << upper.body;
  auto request = Get(User(dana_), Url(kSub, Cat("roleAssignmentScheduleRequests/", name)));
  EXPECT_EQ(Str(Json(request).at("properties").at("approvalId")), Str(a.at("name")));
}

TEST_F(ArmApprovalTest, WhatTheCallerMayNotSeeIsNotFound) {
  const std::string name = PendingRequest();
  for (const PrincipalId& who : {dana_, eve_}) {
    for (const std::string& path : {name, Cat(name, "/stages"), Cat(name, "/stages/", name)}) {
      auto r = Get(User(who), ApprovalsUrl("", path));
      EXPECT_EQ(r.status, 404) << path << ": " << r.body;
      EXPECT_EQ(ErrorCode(r), "ApprovalNotFound");
    }
  }
  auto unknown = Get(User(approver_), ApprovalsUrl("", NewId()));
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(ErrorCode(unknown), "ApprovalNotFound");
  auto no_stage = Get(User(approver_), ApprovalsUrl("", Cat(name, "/stages/", NewId())));
  EXPECT_EQ(no_stage.status, 404) << no_stage.body;
  EXPECT_EQ(ErrorCode(no_stage), "ApprovalNotFound");
  auto other = Get(User(approver_), ApprovalsUrl("", Cat(name, "/steps")));
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(ErrorCode(other), "ObjectNotFound");
  // A fourth segment exists only under roleAssignmentApprovals.
  auto deep =
      Get(User(dana_), Url(kSub, Cat("roleAssignmentScheduleRequests/", name, "/cancel/x")));
  EXPECT_EQ(deep.status, 404) << deep.body;
  EXPECT_EQ(ErrorCode(deep), "ObjectNotFound");
}

TEST_F(ArmApprovalTest, ApprovingByPatchProvisionsTheRoleAndAnswersTheDecidedStage) {
  const std::string name = PendingRequest();
  auto r =
      Decide(User(approver_), "PATCH", name, name,
             R"({"properties": {"reviewResult": "Approve", "justification": "Matches CHG-1001"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto v = Json(r);
  EXPECT_EQ(Str(v.at("name")), name);
  EXPECT_EQ(Str(v.at("type")), "Microsoft.Authorization/roleAssignmentApprovals/stages");
  const auto& p = v.at("properties");
  EXPECT_EQ(Str(p.at("status")), "Completed");
  EXPECT_EQ(Str(p.at("reviewResult")), "Approve");
  EXPECT_EQ(Str(p.at("justification")), "Matches CHG-1001");
  EXPECT_EQ(Str(p.at("reviewedDateTime")), "2026-01-05T09:00:00Z");
  EXPECT_FALSE(p.at("assignedToMe").as_bool());
  EXPECT_EQ(Keys(p.at("reviewedBy")),
            (std::set<std::string>{"principalId", "principalType", "principalName",
                                   "userPrincipalName"}));
  EXPECT_EQ(Str(p.at("reviewedBy").at("principalId")), approver_.str());
  EXPECT_EQ(Str(p.at("reviewedBy").at("principalType")), "user");
  EXPECT_EQ(Str(p.at("reviewedBy").at("principalName")), "Avery Approver");

  EXPECT_TRUE(Holds(dana_, Contributor()));
  auto request = Get(User(dana_), Url(kSub, Cat("roleAssignmentScheduleRequests/", name)));
  EXPECT_EQ(Str(Json(request).at("properties").at("status")), "Provisioned");
  // The approver keeps reading what they decided.
  auto again = Get(User(approver_), ApprovalsUrl("", Cat(name, "/stages/", name)));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Json(again).at("properties"), p);
}

TEST_F(ArmApprovalTest, ParallelStagesAreDecidedEachThroughItsOwnStage) {
  Policy policy = engine_->EffectivePolicy(Contributor());
  policy.approval.is_approval_required = true;
  policy.approval.mode = ApprovalMode::kParallel;
  policy.approval.stages = {Stage({UserApprover(approver_)}), Stage({UserApprover(second_)})};
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  const std::string name = AskOverArm();
  const std::string second = Cat(name, "-2");

  auto stages = Get(User(second_), ApprovalsUrl("", Cat(name, "/stages")));
  ASSERT_EQ(stages.status, 200) << stages.body;
  const auto listed = Json(stages);
  const auto& value = listed.at("value").as_array();
  ASSERT_EQ(value.size(), 2u);
  EXPECT_FALSE(value[0].at("properties").at("assignedToMe").as_bool());
  EXPECT_TRUE(value[1].at("properties").at("assignedToMe").as_bool());
  EXPECT_EQ(Str(value[1].at("properties").at("status")), "InProgress");

  const std::string before = Snapshot(name);
  ExpectRefused(Decide(User(approver_), "PATCH", name, second,
                       R"({"properties": {"reviewResult": "Approve", "justification": "x"}})"),
                403, "NotAnApprover", name, before);
  auto decided = Decide(User(second_), "PATCH", name, second,
                        R"({"properties": {"reviewResult": "Approve", "justification": "ok"}})");
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(Str(Json(decided).at("name")), second);
  EXPECT_EQ(Str(Json(decided).at("properties").at("status")), "Completed");
  EXPECT_FALSE(Holds(dana_, Contributor()));
  ASSERT_EQ(Decide(User(approver_), "PATCH", name, name,
                   R"({"properties": {"reviewResult": "Approve", "justification": "ok"}})")
                .status,
            200);
  EXPECT_TRUE(Holds(dana_, Contributor()));
}

TEST_F(ArmApprovalTest, DenyingByPutWithTheSwaggerFlatBody) {
  const std::string name = PendingRequest();
  auto r = Decide(User(second_), "PUT", name, name,
                  R"({"reviewResult": "deny", "justification": "No change ticket"})", kSub);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(Json(r).at("id")),
            Cat(kSub, "/providers/Microsoft.Authorization/roleAssignmentApprovals/", name,
                "/stages/", name));
  EXPECT_EQ(Str(Json(r).at("properties").at("reviewResult")), "Deny");
  EXPECT_EQ(Str(Json(r).at("properties").at("justification")), "No change ticket");
  EXPECT_FALSE(Holds(dana_, Contributor()));
  auto request = Get(User(dana_), Url(kSub, Cat("roleAssignmentScheduleRequests/", name)));
  EXPECT_EQ(Str(Json(request).at("properties").at("status")), "Denied");
}

TEST_F(ArmApprovalTest, RequesterNeverDecidesTheirOwnRequest) {
  // Dana cannot read the approval, but knows her request: deciding it is refused as "not an
  // approver" (403), as Graph answers.
  const std::string name = PendingRequest();
  const std::string before = Snapshot(name);
  EXPECT_EQ(Get(User(dana_), ApprovalsUrl("", name)).status, 404);
  ExpectRefused(Decide(User(dana_), "PATCH", name, name,
                       R"({"reviewResult": "Approve", "justification": "me"})"),
                403, "NotAnApprover", name, before);
}

// A request that needed no approval has none to decide, whoever asks: 404, not 403.
TEST_F(ArmApprovalTest, ARequestWithoutApprovalHasNoApprovalToDecide) {
  EligibleOverArm(dana_, kRg);
  const std::string name = NewId();
  auto r = Put(User(dana_), kRg, "roleAssignmentScheduleRequests", name,
               Body(dana_, RoleId(kRg, role::kContributor), "SelfActivate", ForDuration("PT1H")));
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(Str(Json(r).at("properties").at("status")), "Provisioned");
  const auto decided = Decide(User(dana_), "PATCH", name, name,
                              R"({"reviewResult": "Approve", "justification": "me"})");
  EXPECT_EQ(decided.status, 404) << decided.body;
  EXPECT_EQ(ErrorCode(decided), "ApprovalNotFound");
}

TEST_F(ArmApprovalTest, RequesterNamedAsApproverIsStillNotAskedToDecide) {
  const std::string name = PendingRequest({UserApprover(approver_), UserApprover(dana_)});
  const std::string before = Snapshot(name);
  auto get = Get(User(dana_), ApprovalsUrl("", name));
  EXPECT_EQ(get.status, 404) << get.body;
  ExpectRefused(Decide(User(dana_), "PATCH", name, name,
                       R"({"reviewResult": "Approve", "justification": "me"})"),
                403, "NotAnApprover", name, before);
  ExpectRefused(Decide(User(dana_), "PUT", name, name,
                       R"({"reviewResult": "Approve", "justification": "me"})", kSub),
                403, "NotAnApprover", name, before);
}

TEST_F(ArmApprovalTest, RefusalsChangeNothing) {
  const std::string name = PendingRequest();
  const std::string before = Snapshot(name);
  const std::string approve = R"({"reviewResult": "Approve", "justification": "ok"})";
  // Someone else entirely: not found. The Owner sees it but may not decide it.
  ExpectRefused(Decide(User(eve_), "PATCH", name, name, approve), 404, "ApprovalNotFound", name,
                before);
  ExpectRefused(Decide(User(owner_), "PATCH", name, name, approve), 403, "NotAnApprover", name,
                before);
  ExpectRefused(Decide(User(approver_), "PATCH", NewId(), name, approve), 404, "ApprovalNotFound",
                name, before);
  ExpectRefused(Decide(User(approver_), "PATCH", name, NewId(), approve), 404, "ApprovalNotFound",
                name, before);
  // The policy wants the approver's justification.
  ExpectRefused(Decide(User(approver_), "PATCH", name, name, R"({"reviewResult": "Approve"})"), 400,
                "BadRequest", name, before);
  ExpectRefused(Decide(User(approver_), "PATCH", name, name,
                       R"({"reviewResult": "Approve", "justification": "   "})"),
                400, "BadRequest", name, before);
  // Malformed bodies.
  for (const char* body :
       {"", "[]", "not json", R"({"justification": "ok"})", R"({"reviewResult": "NotReviewed"})",
        R"({"reviewResult": true})", R"({"reviewResult": "Approve", "justification": 7})",
        R"({"reviewResult": "Approve", "approver": "me"})", R"({"properties": "Approve"})",
        R"({"properties": {"reviewResult": "Approve"}, "extra": 1})"}) {
    SCOPED_TRACE(body);
    ExpectRefused(Decide(User(approver_), "PATCH", name, name, body), 400, "BadRequest", name,
                  before);
  }
  // Only GET, PATCH and PUT on a stage; only GET above it.
  auto del = Decide(User(approver_), "DELETE", name, name, "");
  EXPECT_EQ(del.status, 405) << del.body;
  EXPECT_EQ(del.Header("Allow"), "GET, PATCH, PUT");
  auto patch_approval = Call(*arm_, User(approver_), "PATCH", ApprovalsUrl("", name), approve);
  EXPECT_EQ(patch_approval.status, 405) << patch_approval.body;
  EXPECT_EQ(patch_approval.Header("Allow"), "GET");
  // api-version is required.
  auto no_version = Call(*arm_, User(approver_), "PATCH",
                         Cat(kAuth, "/roleAssignmentApprovals/", name, "/stages/", name), approve);
  ExpectRefused(no_version, 400, "MissingApiVersionParameter", name, before);
  EXPECT_EQ(Snapshot(name), before);
}

TEST_F(ArmApprovalTest, DecidingWantsFreshMfaWhenThePolicyDoes) {
  const std::string name = PendingRequest();
  Policy policy = engine_->EffectivePolicy(Contributor());
  policy.activation_enablement.multi_factor_authentication = true;
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  const std::string before = Snapshot(name);
  const std::string approve = R"({"reviewResult": "Approve", "justification": "ok"})";
  auto no_mfa = Decide(Caller::User(approver_.str()), "PATCH", name, name, approve);
  ExpectRefused(no_mfa, 400, "RoleAssignmentRequestPolicyValidationFailed", name, before);
  EXPECT_THAT(no_mfa.body, HasSubstr("MfaRule"));
  auto stale = Decide(Caller::User(approver_.str()).WithMfa(clock_.Now() - absl::Hours(24)),
                      "PATCH", name, name, approve);
  ExpectRefused(stale, 400, "RoleAssignmentRequestPolicyValidationFailed", name, before);
  auto fresh = Decide(User(approver_), "PATCH", name, name, approve);
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_TRUE(Holds(dana_, Contributor()));
}

TEST_F(ArmApprovalTest, AStageAlreadyDecidedIsAConflict) {
  const std::string name = PendingRequest();
  ASSERT_EQ(Decide(User(approver_), "PATCH", name, name,
                   R"({"reviewResult": "Approve", "justification": "ok"})")
                .status,
            200);
  const std::string before = Snapshot(name);
  // The other approver of the same stage, and the one who decided, both come too late.
  ExpectRefused(Decide(User(second_), "PATCH", name, name,
                       R"({"reviewResult": "Deny", "justification": "late"})"),
                409, "ApprovalStageAlreadyDecided", name, before);
  auto same = Decide(User(approver_), "PUT", name, name,
                     R"({"reviewResult": "Deny", "justification": "changed my mind"})");
  EXPECT_EQ(same.status, 409) << same.body;
  EXPECT_EQ(ErrorCode(same), "ApprovalStageAlreadyDecided");
  EXPECT_EQ(Snapshot(name), before);
  EXPECT_TRUE(Holds(dana_, Contributor()));
}

TEST_F(ArmApprovalTest, SerialStagesHaveTheirOwnIdsAndTurns) {
  ASSERT_TRUE(RequireApproval(*engine_, Contributor(),
                              {Stage({UserApprover(approver_)}), Stage({UserApprover(second_)})})
                  .ok());
  EligibleOverArm(dana_);
  const std::string name = NewId();
  ASSERT_EQ(Put(User(dana_), kSub, "roleAssignmentScheduleRequests", name,
                Body(dana_, RoleId(kSub, role::kContributor), "SelfActivate", ForDuration("PT1H")))
                .status,
            201);
  auto stages = Get(User(owner_), ApprovalsUrl("", Cat(name, "/stages")));
  ASSERT_EQ(stages.status, 200) << stages.body;
  const auto listed = Json(stages);
  const auto& value = listed.at("value").as_array();
  ASSERT_EQ(value.size(), 2U);
  EXPECT_EQ(Str(value.at(0).at("name")), name);
  EXPECT_EQ(Str(value.at(1).at("name")), Cat(name, "-2"));
  EXPECT_EQ(Str(value.at(1).at("properties").at("status")), "NotStarted");
  EXPECT_EQ(Str(value.at(1).at("properties").at("displayName")), "Stage 2");
  // The second stage has not started: nothing to decide there yet (as on Graph, a stage not in
  // progress is a conflict), and the first stage is not the second approver's.
  const std::string before = Snapshot(name);
  ExpectRefused(Decide(User(second_), "PATCH", name, Cat(name, "-2"),
                       R"({"reviewResult": "Approve", "justification": "ok"})"),
                409, "ApprovalStageAlreadyDecided", name, before);
  ExpectRefused(Decide(User(second_), "PATCH", name, name,
                       R"({"reviewResult": "Approve", "justification": "ok"})"),
                403, "NotAnApprover", name, before);
  ASSERT_EQ(Decide(User(approver_), "PATCH", name, name,
                   R"({"reviewResult": "Approve", "justification": "ok"})")
                .status,
            200);
  EXPECT_FALSE(Holds(dana_, Contributor()));
  auto second = Decide(User(second_), "PATCH", name, Cat(name, "-2"),
                       R"({"reviewResult": "Approve", "justification": "ok too"})");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Str(Json(second).at("properties").at("status")), "Completed");
  EXPECT_TRUE(Holds(dana_, Contributor()));
}

TEST_F(ArmApprovalTest, DirectoryRoleApprovalsStayOnGraph) {
  ASSERT_TRUE(RequireApproval(*engine_, Helpdesk(), {Stage({UserApprover(approver_)})}).ok());
  ASSERT_TRUE(MakeEligible(dana_, Helpdesk()).ok());
  auto pending = Activate(dana_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);
  const std::string id = pending->id.str();
  auto list = Get(User(approver_), ApprovalsUrl("", "", "$filter=asApprover()"));
  EXPECT_TRUE(Json(list).at("value").as_array().empty()) << list.body;
  auto get = Get(User(approver_), ApprovalsUrl("", id));
  EXPECT_EQ(get.status, 404) << get.body;
  EXPECT_EQ(ErrorCode(get), "ApprovalNotFound");
  auto decide = Decide(User(approver_), "PATCH", id, id,
                       R"({"reviewResult": "Approve", "justification": "ok"})");
  EXPECT_EQ(decide.status, 404) << decide.body;
  EXPECT_EQ(engine_->GetRequest(RequestId(id))->status, RequestStatus::kPendingApproval);
}

}  // namespace
}  // namespace pim::testing
