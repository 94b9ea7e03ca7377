// Approvals of group activations (reference 1.6) and directory-role approvals (2.1).
#include "gtest/gtest.h"
#include "unit/api/graph/graph_pim_fixture.h"

namespace pim::testing {
namespace {

class GraphApprovalTest : public GraphPimTest {
 protected:
  void SetUp() override {
    GraphPimTest::SetUp();
    user_ = AddUser("Dana");
    approver_ = AddUser("Alex");
    other_ = AddUser("Sam");
    group_ = AddGroup("Ops");
    const Target target = GroupTarget(group_, GroupAccess::kMember);
    ASSERT_TRUE(MakeEligible(user_, target).ok());
    Policy policy = engine_->EffectivePolicy(target);
    policy.approval.is_approval_required = true;
    policy.approval.stages.at(0).primary_approvers = {
        ApproverRef{ApproverKind::kUser, approver_.str(), "Alex"}};
    ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  }

  // Submits an activation that waits for approval; returns its id.
  std::string Pending() {
    const auto r =
        Post(User(user_), G("/assignmentScheduleRequests"), GroupActivation(user_, group_));
    EXPECT_EQ(r.status, 201) << r.body;
    const auto v = Json(r);
    EXPECT_EQ(Str(v, "status"), "PendingApproval");
    EXPECT_EQ(Str(v, "approvalId"), Str(v, "id"));
    return Str(v, "id");
  }
  // Adds a second stage, decided by `other_`, run in `mode` with the first.
  void AddSecondStage(ApprovalMode mode) {
    const Target target = GroupTarget(group_, GroupAccess::kMember);
    Policy policy = engine_->EffectivePolicy(target);
    policy.approval.mode = mode;
    policy.approval.stages.push_back(policy.approval.stages.at(0));
    policy.approval.stages[1].primary_approvers = {
        ApproverRef{ApproverKind::kUser, other_.str(), "Sam"}};
    ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  }
  std::string RequestStatus(const std::string& id) {
    return Str(Json(Get(User(user_), G("/assignmentScheduleRequests/" + id))), "status");
  }

  PrincipalId user_;
  PrincipalId approver_;
  PrincipalId other_;
  PrincipalId group_;
};

TEST_F(GraphApprovalTest, ApproverSeesPendingRequestAndApprovesIt) {
  const std::string id = Pending();
  const auto requests = Get(User(approver_), G("/assignmentScheduleRequests/"
                                               "filterByCurrentUser(on='approver')"
                                               "?$filter=status%20eq%20'PendingApproval'"));
  ASSERT_EQ(requests.status, 200) << requests.body;
  ASSERT_EQ(Value(Json(requests)).size(), 1u);
  EXPECT_EQ(Str(Value(Json(requests))[0], "id"), id);
  // Not an approver: nothing to see.
  EXPECT_TRUE(Value(Json(Get(User(other_), G("/assignmentScheduleRequests/"
                                             "filterByCurrentUser(on='approver')"))))
                  .empty());

  const auto approvals =
      Get(User(approver_), G("/assignmentApprovals/filterByCurrentUser(on='approver')"));
  ASSERT_EQ(approvals.status, 200) << approvals.body;
  ASSERT_EQ(Value(Json(approvals)).size(), 1u);
  EXPECT_EQ(Str(Value(Json(approvals))[0], "id"), id);

  const auto approval = Get(User(approver_), G("/assignmentApprovals/" + id));
  ASSERT_EQ(approval.status, 200) << approval.body;
  const auto a = Json(approval);
  EXPECT_EQ(Str(a, "@odata.context"),
            "https://pim.test:8443/v1.0/$metadata#identityGovernance/privilegedAccess/group/"
            "assignmentApprovals/$entity");
  ASSERT_EQ(a.at("stages").as_array().size(), 1u);
  EXPECT_EQ(
      boost::json::serialize(a.at("stages").at(0)),
      R"({"id":")" + id +
          R"(","displayName":null,"reviewedDateTime":null,"reviewResult":"NotReviewed",)"
          R"("status":"InProgress","assignedToMe":true,"justification":"","reviewedBy":null})");
  // Approvals are for approvers: neither the requester nor a stranger finds it.
  EXPECT_EQ(Get(User(user_), G("/assignmentApprovals/" + id)).status, 404);
  EXPECT_EQ(Get(User(other_), G("/assignmentApprovals/" + id)).status, 404);

  // A stranger cannot decide (there is nothing there for them); the requester, who knows the
  // request, is told that they are not its approver (403, as Graph answers); the approver can.
  const std::string stage = G("/assignmentApprovals/" + id + "/stages/" + id);
  const auto denied = Patch(User(other_), stage, R"({"reviewResult":"Approve"})");
  EXPECT_EQ(denied.status, 404) << denied.body;
  const auto self = Patch(User(user_), stage, R"({"reviewResult":"Approve"})");
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_EQ(ErrorCode(self), "NotAnApprover");
  EXPECT_EQ(RequestStatus(id), "PendingApproval");
  const auto ok =
      Patch(User(approver_), stage, R"({"reviewResult":"approve","justification":"CHG-1001"})");
  EXPECT_EQ(ok.status, 204) << ok.body;
  EXPECT_TRUE(ok.body.empty());
  EXPECT_EQ(RequestStatus(id), "Provisioned");

  // Decided, the approver still reads their own record of it; a stranger still finds nothing.
  EXPECT_EQ(Get(User(other_), G("/assignmentApprovals/" + id)).status, 404);
  const auto read = Json(Get(User(approver_), G("/assignmentApprovals/" + id)));
  EXPECT_EQ(Str(read.at("stages").at(0), "reviewResult"), "Approve");
  EXPECT_EQ(Str(read.at("stages").at(0), "status"), "Completed");
  EXPECT_EQ(Str(read.at("stages").at(0), "justification"), "CHG-1001");
  EXPECT_EQ(Str(read.at("stages").at(0).at("reviewedBy"), "id"), approver_.str());

  // Deciding again: the stage is no longer in progress.
  const auto again = Patch(User(approver_), stage, R"({"reviewResult":"Deny"})");
  EXPECT_EQ(again.status, 409) << again.body;
  // The activation is in force.
  EXPECT_EQ(Value(Json(Get(User(user_), G("/assignmentScheduleInstances/"
                                          "filterByCurrentUser(on='principal')"))))
                .size(),
            1u);
}

TEST_F(GraphApprovalTest, DenyThroughStepsEndsDenied) {
  const std::string id = Pending();
  const auto r = Patch(User(approver_), G("/assignmentApprovals/" + id + "/steps/" + id),
                       R"({"reviewResult":"DENY","justification":"not now"})");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(RequestStatus(id), "Denied");
  EXPECT_TRUE(Value(Json(Get(User(user_), G("/assignmentScheduleInstances/"
                                            "filterByCurrentUser(on='principal')"))))
                  .empty());
}

TEST_F(GraphApprovalTest, ParallelStagesAreDecidedEachThroughItsOwnStage) {
  AddSecondStage(ApprovalMode::kParallel);
  const std::string id = Pending();
  const std::string first = G("/assignmentApprovals/" + id + "/stages/" + id);
  const std::string second = G("/assignmentApprovals/" + id + "/stages/" + id + "-2");

  // Both stages are in progress; each approver is assigned to their own.
  const auto a = Json(Get(User(approver_), G("/assignmentApprovals/" + id)));
  ASSERT_EQ(a.at("stages").as_array().size(), 2u);
  EXPECT_EQ(Str(a.at("stages").at(1), "status"), "InProgress");
  EXPECT_TRUE(a.at("stages").at(0).at("assignedToMe").as_bool());
  EXPECT_FALSE(a.at("stages").at(1).at("assignedToMe").as_bool());

  // Deciding a stage names it: the first stage's approver cannot decide the second.
  EXPECT_EQ(
      Patch(User(approver_), second, R"({"reviewResult":"Approve","justification":"x"})").status,
      403);
  EXPECT_EQ(
      Patch(User(other_), second, R"({"reviewResult":"Approve","justification":"ok"})").status,
      204);
  EXPECT_EQ(RequestStatus(id), "PendingApproval");
  const auto b = Json(Get(User(approver_), G("/assignmentApprovals/" + id)));
  EXPECT_EQ(Str(b.at("stages").at(0), "status"), "InProgress");
  EXPECT_EQ(Str(b.at("stages").at(1), "status"), "Completed");
  EXPECT_EQ(Str(b.at("stages").at(1).at("reviewedBy"), "id"), other_.str());

  EXPECT_EQ(
      Patch(User(approver_), first, R"({"reviewResult":"Approve","justification":"ok"})").status,
      204);
  EXPECT_EQ(RequestStatus(id), "Provisioned");
}

// Serial stages: the second waits as Graph says it, "Initializing", until the first passes.
TEST_F(GraphApprovalTest, ASerialStageNotYetStartedIsInitializing) {
  AddSecondStage(ApprovalMode::kSerial);
  const std::string id = Pending();
  auto a = Json(Get(User(approver_), G("/assignmentApprovals/" + id)));
  ASSERT_EQ(a.at("stages").as_array().size(), 2u);
  EXPECT_EQ(Str(a.at("stages").at(0), "status"), "InProgress");
  EXPECT_EQ(Str(a.at("stages").at(1), "status"), "Initializing");
  ASSERT_EQ(Patch(User(approver_), G("/assignmentApprovals/" + id + "/stages/" + id),
                  R"({"reviewResult":"Approve","justification":"ok"})")
                .status,
            204);
  a = Json(Get(User(other_), G("/assignmentApprovals/" + id)));
  EXPECT_EQ(Str(a.at("stages").at(0), "status"), "Completed");
  EXPECT_EQ(Str(a.at("stages").at(1), "status"), "InProgress");
}

TEST_F(GraphApprovalTest, ReviewBodyAndStageAreValidated) {
  const std::string id = Pending();
  const std::string stage = G("/assignmentApprovals/" + id + "/stages/" + id);
  EXPECT_EQ(ErrorCode(Patch(User(approver_), stage, R"({"reviewResult":"Maybe"})")), "BadRequest");
  EXPECT_EQ(ErrorCode(Patch(User(approver_), stage, R"({"justification":"x"})")), "BadRequest");
  EXPECT_EQ(ErrorCode(Patch(User(approver_), stage, "nope")), "BadRequest");
  EXPECT_EQ(Patch(User(approver_), G("/assignmentApprovals/" + id + "/stages/" + NewId()),
                  R"({"reviewResult":"Approve"})")
                .status,
            404);
  EXPECT_EQ(Patch(User(approver_), G("/assignmentApprovals/" + NewId() + "/stages/x"),
                  R"({"reviewResult":"Approve"})")
                .status,
            404);
  EXPECT_EQ(RequestStatus(id), "PendingApproval");
}

TEST_F(GraphApprovalTest, RequesterCancelsPendingRequest) {
  const std::string id = Pending();
  // Someone else's request is not there for a stranger.
  EXPECT_EQ(Post(User(other_), G("/assignmentScheduleRequests/" + id + "/cancel"), "").status, 404);
  EXPECT_EQ(Post(User(user_), G("/assignmentScheduleRequests/" + id + "/cancel"), "").status, 204);
  EXPECT_EQ(RequestStatus(id), "Canceled");
  const auto again = Post(User(user_), G("/assignmentScheduleRequests/" + id + "/cancel"), "");
  EXPECT_EQ(again.status, 400);
  EXPECT_TRUE(Value(Json(Get(User(approver_), G("/assignmentApprovals/"
                                                "filterByCurrentUser(on='approver')"))))
                  .empty());
}

TEST_F(GraphApprovalTest, BetaUsesSteps) {
  const std::string id = Pending();
  const auto r = Get(User(approver_),
                     "/beta/identityGovernance/privilegedAccess/group/"
                     "assignmentApprovals/" +
                         id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Json(r).as_object().contains("steps"));
  EXPECT_EQ(Str(Json(r), "@odata.context"),
            "https://pim.test:8443/beta/$metadata#identityGovernance/privilegedAccess/group/"
            "assignmentApprovals/$entity");
}

}  // namespace
}  // namespace pim::testing
