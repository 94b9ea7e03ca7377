// MFA over Graph: where the target's policy requires MFA to activate, approving (PATCH on the
// approval stage) needs the approver's MFA to be at most an hour old too, and activating needs
// the requester's; otherwise the answer is the MfaRule failure and nothing changes.
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "unit/api/graph/graph_pim_fixture.h"

namespace pim::testing {
namespace {

constexpr char kMfaRuleMessage[] = "The following policy rules failed: [\"MfaRule\"]";

class GraphApprovalMfaTest : public GraphPimTest {
 protected:
  void SetUp() override {
    GraphPimTest::SetUp();
    dana_ = AddUser("Dana");
    approver_ = AddUser("Alex");
    ops_ = AddGroup("Ops");
    ASSERT_TRUE(MakeEligible(dana_, Member()).ok());
    RequireApprovalBy(Member(), approver_);
  }

  Target Member() const { return GroupTarget(ops_, GroupAccess::kMember); }

  void RequireApprovalBy(const Target& target, const PrincipalId& approver,
                         bool mfa_to_activate = true) {
    Policy policy = engine_->EffectivePolicy(target);
    policy.approval.is_approval_required = true;
    policy.approval.stages.at(0).primary_approvers = {
        ApproverRef{ApproverKind::kUser, approver.str(), "Alex"}};
    policy.activation_enablement.multi_factor_authentication = mfa_to_activate;
    ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  }

  static Caller WithMfaAt(const PrincipalId& who, std::optional<absl::Time> at) {
    Caller c = Caller::User(who.str());
    c.mfa_at = at;
    return c;
  }

  std::string Pending() {
    const auto r =
        Post(User(dana_), G("/assignmentScheduleRequests"), GroupActivation(dana_, ops_));
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(Str(Json(r), "status"), "PendingApproval");
    return Str(Json(r), "id");
  }
  static std::string Stage(const std::string& id) {
    return G("/assignmentApprovals/" + id + "/stages/" + id);
  }
  // Asserts an MfaRule answer in Graph's error format.
  static void ExpectMfaRule(const api::HttpResponse& r) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(ErrorCode(r), "RoleAssignmentRequestPolicyValidationFailed");
    EXPECT_EQ(ErrorMessage(r), kMfaRuleMessage);
    EXPECT_TRUE(Json(r).at("error").as_object().contains("innerError"));
  }
  // The request is still pending and its stage undecided, as the approver sees it.
  void ExpectUndecided(const std::string& id) {
    EXPECT_EQ(Str(Json(Get(User(dana_), G("/assignmentScheduleRequests/" + id))), "status"),
              "PendingApproval");
    const auto approval = Json(Get(User(approver_), G("/assignmentApprovals/" + id)));
    EXPECT_EQ(Str(approval.at("stages").at(0), "reviewResult"), "NotReviewed");
    EXPECT_EQ(Str(approval.at("stages").at(0), "status"), "InProgress");
    EXPECT_FALSE(Holds(dana_, Member()));
  }

  PrincipalId dana_;
  PrincipalId approver_;
  PrincipalId ops_;
};

TEST_F(GraphApprovalMfaTest, ApprovingWithoutMfaIsRefusedWithTheMfaRule) {
  const std::string id = Pending();
  const Revision before = engine_->revision();
  ExpectMfaRule(Patch(WithMfaAt(approver_, std::nullopt), Stage(id),
                      R"({"reviewResult":"Approve","justification":"ok"})"));
  EXPECT_EQ(engine_->revision(), before);
  ExpectUndecided(id);
}

TEST_F(GraphApprovalMfaTest, DenyingWithoutMfaIsRefusedToo) {
  const std::string id = Pending();
  ExpectMfaRule(Patch(WithMfaAt(approver_, std::nullopt), Stage(id),
                      R"({"reviewResult":"Deny","justification":"no"})"));
  ExpectUndecided(id);
}

TEST_F(GraphApprovalMfaTest, ApproverMfaSixtyOneMinutesOldIsRefusedFiftyNineIsAccepted) {
  const std::string id = Pending();
  const absl::Time early = clock_.Now();
  clock_.Advance(absl::Minutes(2));
  const absl::Time later = clock_.Now();
  clock_.Advance(absl::Minutes(59));
  ExpectMfaRule(Patch(WithMfaAt(approver_, early), Stage(id),
                      R"({"reviewResult":"Approve","justification":"ok"})"));
  ExpectUndecided(id);
  const auto ok = Patch(WithMfaAt(approver_, later), Stage(id),
                        R"({"reviewResult":"Approve","justification":"ok"})");
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_EQ(Str(Json(Get(User(dana_), G("/assignmentScheduleRequests/" + id))), "status"),
            "Provisioned");
  EXPECT_TRUE(Holds(dana_, Member()));
}

TEST_F(GraphApprovalMfaTest, WithoutMfaInThePolicyApproversNeedNone) {
  RequireApprovalBy(Member(), approver_, /*mfa_to_activate=*/false);
  const std::string id = Pending();
  const auto ok = Patch(WithMfaAt(approver_, std::nullopt), Stage(id),
                        R"({"reviewResult":"Approve","justification":"ok"})");
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_TRUE(Holds(dana_, Member()));
}

TEST_F(GraphApprovalMfaTest, DirectoryRoleApprovalOnBetaStepsNeedsFreshMfa) {
  ASSERT_TRUE(MakeEligible(dana_, Helpdesk()).ok());
  RequireApprovalBy(Helpdesk(), approver_);
  const auto pending = Post(
      User(dana_), R("/roleAssignmentScheduleRequests"),
      Cat(R"({"action":"selfActivate","principalId":")", dana_.str(), R"(","roleDefinitionId":")",
          role::kHelpdeskAdministrator, R"(","directoryScopeId":"/","justification":"INC-7",)",
          R"("scheduleInfo":{"expiration":{"type":"afterDuration","duration":"PT1H"}}})"));
  ASSERT_EQ(pending.status, 201) << pending.body;
  const std::string id = Str(Json(pending), "id");
  const std::string step =
      Cat("/beta/roleManagement/directory/roleAssignmentApprovals/", id, "/steps/", id);
  const absl::Time mfa = clock_.Now();
  clock_.Advance(absl::Minutes(61));
  ExpectMfaRule(
      Patch(WithMfaAt(approver_, mfa), step, R"({"reviewResult":"Approve","justification":"ok"})"));
  EXPECT_FALSE(Holds(dana_, Helpdesk()));
  EXPECT_EQ(
      Patch(User(approver_), step, R"({"reviewResult":"Approve","justification":"ok"})").status,
      204);
  EXPECT_TRUE(Holds(dana_, Helpdesk()));
}

TEST_F(GraphApprovalMfaTest, ActivatingWithStaleMfaIsRefusedAndCreatesNothing) {
  const absl::Time mfa = clock_.Now();
  clock_.Advance(absl::Minutes(61));
  ExpectMfaRule(
      Post(WithMfaAt(dana_, mfa), G("/assignmentScheduleRequests"), GroupActivation(dana_, ops_)));
  EXPECT_TRUE(Value(Json(Get(User(dana_), G("/assignmentScheduleRequests/"
                                            "filterByCurrentUser(on='principal')"))))
                  .empty());
  // Fifty-nine minutes is recent enough.
  const auto ok = Post(WithMfaAt(dana_, clock_.Now() - absl::Minutes(59)),
                       G("/assignmentScheduleRequests"), GroupActivation(dana_, ops_));
  EXPECT_EQ(ok.status, 201) << ok.body;
}

}  // namespace
}  // namespace pim::testing
