#include "pim/domain/policy.h"

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/status.h"

namespace pim {
namespace {

using ::testing::HasSubstr;

Target GroupMember() { return GroupTarget(PrincipalId("group-1"), GroupAccess::kMember); }
Target GlobalAdmin() { return DirectoryRoleTarget(role::kGlobalAdministrator); }
Target OwnerOfSubscription() { return ResourceRoleTarget(role::kOwner, "/subscriptions/s1"); }

ApproverRef User(std::string id) {
  ApproverRef approver;
  approver.kind = ApproverKind::kUser;
  approver.id = std::move(id);
  return approver;
}

void ExpectInvalidPolicy(const absl::Status& status, std::string_view message_part) {
  ASSERT_FALSE(status.ok()) << "expected a violation mentioning " << message_part;
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrorCodeOf(status), code::kInvalidPolicy);
  EXPECT_THAT(std::string(status.message()), HasSubstr(std::string(message_part)));
}

// ---- DefaultPolicy ----------------------------------------------------------------------------

TEST(DefaultPolicyTest, KeepsIdAndTarget) {
  const Policy policy = DefaultPolicy(PolicyId("p1"), GlobalAdmin());
  EXPECT_EQ(policy.id, PolicyId("p1"));
  EXPECT_EQ(policy.target, GlobalAdmin());
}

TEST(DefaultPolicyTest, ActivationRulesMatchEntraDefaults) {
  const Policy policy = DefaultPolicy(PolicyId("p1"), GlobalAdmin());
  EXPECT_TRUE(policy.activation_expiration.is_expiration_required);
  EXPECT_EQ(policy.activation_expiration.maximum_duration, absl::Hours(8));
  EXPECT_TRUE(policy.activation_enablement.multi_factor_authentication);
  EXPECT_TRUE(policy.activation_enablement.justification);
  EXPECT_FALSE(policy.activation_enablement.ticketing);
  EXPECT_FALSE(policy.authentication_context.is_enabled);
  EXPECT_EQ(policy.authentication_context.claim_value, "");
}

TEST(DefaultPolicyTest, ApprovalIsOffWithOneConfiguredStage) {
  const ApprovalRule& approval = DefaultPolicy(PolicyId("p1"), GlobalAdmin()).approval;
  EXPECT_FALSE(approval.is_approval_required);
  EXPECT_FALSE(approval.is_approval_required_for_extension);
  EXPECT_TRUE(approval.is_requestor_justification_required);
  EXPECT_EQ(approval.mode, ApprovalMode::kSingleStage);
  ASSERT_EQ(approval.stages.size(), 1u);
  const ApprovalStageSettings& stage = approval.stages[0];
  EXPECT_EQ(stage.timeout_days, 1);
  EXPECT_TRUE(stage.is_approver_justification_required);
  EXPECT_EQ(stage.escalation_time_minutes, 0);
  EXPECT_FALSE(stage.is_escalation_enabled);
  EXPECT_TRUE(stage.primary_approvers.empty());
  EXPECT_TRUE(stage.escalation_approvers.empty());
  EXPECT_EQ(stage.approvals_required, 1);
}

TEST(DefaultPolicyTest, AdminAssignmentRulesMatchEntraDefaults) {
  const Policy policy = DefaultPolicy(PolicyId("p1"), GlobalAdmin());
  EXPECT_FALSE(policy.eligibility_expiration.is_expiration_required);
  EXPECT_EQ(policy.eligibility_expiration.maximum_duration, absl::Hours(24 * 365));
  EXPECT_EQ(policy.eligibility_enablement, EnablementRule{});
  EXPECT_FALSE(policy.assignment_expiration.is_expiration_required);
  EXPECT_EQ(policy.assignment_expiration.maximum_duration, absl::Hours(24 * 180));
  EXPECT_TRUE(policy.assignment_enablement.justification);
  EXPECT_FALSE(policy.assignment_enablement.multi_factor_authentication);
  EXPECT_FALSE(policy.assignment_enablement.ticketing);
}

TEST(DefaultPolicyTest, HasAllNineNotificationsOnInGraphRuleOrder) {
  using E = NotificationEvent;
  using R = NotificationRecipient;
  const std::pair<R, E> expected[] = {
      {R::kAdmin, E::kAdminEligibility},     {R::kRequestor, E::kAdminEligibility},
      {R::kApprover, E::kAdminEligibility},  {R::kAdmin, E::kAdminAssignment},
      {R::kRequestor, E::kAdminAssignment},  {R::kApprover, E::kAdminAssignment},
      {R::kAdmin, E::kEndUserAssignment},    {R::kRequestor, E::kEndUserAssignment},
      {R::kApprover, E::kEndUserAssignment},
  };
  const Policy policy = DefaultPolicy(PolicyId("p1"), GlobalAdmin());
  for (std::size_t i = 0; i < policy.notifications.size(); ++i) {
    const NotificationRule& rule = policy.notifications[i];
    EXPECT_EQ(rule.recipient, expected[i].first) << i;
    EXPECT_EQ(rule.event, expected[i].second) << i;
    EXPECT_EQ(rule.level, NotificationLevel::kAll) << i;
    EXPECT_TRUE(rule.is_default_recipients_enabled) << i;
    EXPECT_TRUE(rule.recipients.empty()) << i;
  }
}

TEST(DefaultPolicyTest, IsValidForEveryTargetKind) {
  for (const Target& target : {GroupMember(), GlobalAdmin(), OwnerOfSubscription()}) {
    EXPECT_TRUE(ValidatePolicy(DefaultPolicy(PolicyId("p"), target)).ok()) << target.Key();
  }
}

// ---- ValidatePolicy ---------------------------------------------------------------------------

// One mutation of a default group policy and what ValidatePolicy must say about it.
struct ValidationCase {
  std::string_view name;
  std::function<void(Policy&)> mutate;
  std::string_view violation;  // empty: the policy stays valid
};

TEST(ValidatePolicyTest, ChecksEveryRule) {
  const ValidationCase cases[] = {
      // Activation maximum within [30 min, 24 h].
      {"activation 29 min",
       [](Policy& p) { p.activation_expiration.maximum_duration = absl::Minutes(29); },
       "Expiration_EndUser_Assignment: maximumDuration PT29M is outside [PT30M, P1D]"},
      {"activation 30 min",
       [](Policy& p) { p.activation_expiration.maximum_duration = absl::Minutes(30); }, ""},
      {"activation 24 h",
       [](Policy& p) { p.activation_expiration.maximum_duration = absl::Hours(24); }, ""},
      {"activation 24 h 1 s",
       [](Policy& p) {
         p.activation_expiration.maximum_duration = absl::Hours(24) + absl::Seconds(1);
       },
       "maximumDuration P1DT1S is outside"},
      {"activation negative",
       [](Policy& p) { p.activation_expiration.maximum_duration = -absl::Hours(1); },
       "maximumDuration -PT1H is outside"},
      {"activation zero",
       [](Policy& p) { p.activation_expiration.maximum_duration = absl::ZeroDuration(); },
       "Expiration_EndUser_Assignment"},
      // Admin expiration maxima.
      {"eligibility required with zero maximum",
       [](Policy& p) {
         p.eligibility_expiration.is_expiration_required = true;
         p.eligibility_expiration.maximum_duration = absl::ZeroDuration();
       },
       "Expiration_Admin_Eligibility: maximumDuration must be positive"},
      {"eligibility not required with zero maximum",
       [](Policy& p) { p.eligibility_expiration.maximum_duration = absl::ZeroDuration(); }, ""},
      {"eligibility required with 90 days",
       [](Policy& p) {
         p.eligibility_expiration.is_expiration_required = true;
         p.eligibility_expiration.maximum_duration = absl::Hours(24 * 90);
       },
       ""},
      {"assignment required with zero maximum",
       [](Policy& p) {
         p.assignment_expiration.is_expiration_required = true;
         p.assignment_expiration.maximum_duration = absl::ZeroDuration();
       },
       "Expiration_Admin_Assignment: maximumDuration must be positive"},
      {"assignment negative maximum",
       [](Policy& p) { p.assignment_expiration.maximum_duration = -absl::Hours(24); },
       "Expiration_Admin_Assignment: maximumDuration -P1D is negative"},
      // Approval stages.
      {"three stages", [](Policy& p) { p.approval.stages.resize(3); },
       "3 approval stages given; at most 2"},
      {"two stages", [](Policy& p) { p.approval.stages.resize(2); }, ""},
      {"no stage, approval off", [](Policy& p) { p.approval.stages.clear(); }, ""},
      {"no stage, approval on",
       [](Policy& p) {
         p.approval.is_approval_required = true;
         p.approval.stages.clear();
       },
       "approval is required but no approval stage"},
      {"timeout 0 days", [](Policy& p) { p.approval.stages[0].timeout_days = 0; },
       "stage 1: approvalStageTimeOutInDays is 0"},
      {"negative escalation", [](Policy& p) { p.approval.stages[0].escalation_time_minutes = -1; },
       "escalationTimeInMinutes is -1"},
      {"second stage timeout",
       [](Policy& p) {
         p.approval.stages.resize(2);
         p.approval.stages[1].timeout_days = -3;
       },
       "stage 2: approvalStageTimeOutInDays is -3"},
      // Approvers and how many of them must approve.
      {"approval on, no approver for a group",
       [](Policy& p) { p.approval.is_approval_required = true; },
       "stage 1: approval is required but no approver is given (group targets"},
      {"approval on, one approver",
       [](Policy& p) {
         p.approval.is_approval_required = true;
         p.approval.stages[0].primary_approvers = {User("u1")};
       },
       ""},
      {"approvals required 0", [](Policy& p) { p.approval.stages[0].approvals_required = 0; },
       "approvalsRequired is 0; it must be at least 1"},
      {"approvals required above approvers",
       [](Policy& p) {
         p.approval.stages[0].primary_approvers = {User("u1")};
         p.approval.stages[0].approvals_required = 2;
       },
       "approvalsRequired is 2 but only 1 primary approver entries"},
      {"two approvals from one group entry",
       [](Policy& p) {
         p.approval.stages[0].primary_approvers = {
             ApproverRef{ApproverKind::kGroupMembers, "g1", ""}};
         p.approval.stages[0].approvals_required = 2;
       },
       ""},
      {"approvals required equal to approvers",
       [](Policy& p) {
         p.approval.stages[0].primary_approvers = {User("u1"), User("u2")};
         p.approval.stages[0].approvals_required = 2;
       },
       ""},
      {"approver without id",
       [](Policy& p) { p.approval.stages[0].primary_approvers = {User("")}; },
       "has a primary approver of type singleUser without an id"},
      // Modes: every configured stage runs, so the mode must say how.
      {"two stages under SingleStage, approval on",
       [](Policy& p) {
         p.approval.is_approval_required = true;
         p.approval.stages = {ApprovalStageSettings{}, ApprovalStageSettings{}};
         for (auto& stage : p.approval.stages) stage.primary_approvers = {User("u1")};
       },
       "approvalMode SingleStage takes one approval stage, but 2 are given"},
      {"two stages in parallel",
       [](Policy& p) {
         p.approval.is_approval_required = true;
         p.approval.mode = ApprovalMode::kParallel;
         p.approval.stages = {ApprovalStageSettings{}, ApprovalStageSettings{}};
         for (auto& stage : p.approval.stages) stage.primary_approvers = {User("u1")};
       },
       ""},
      {"NoApproval mode with approval on",
       [](Policy& p) {
         p.approval.is_approval_required = true;
         p.approval.mode = ApprovalMode::kNoApproval;
         p.approval.stages[0].primary_approvers = {User("u1")};
       },
       "approval is required but approvalMode is NoApproval"},
      // Escalation: enabled needs a time within the stage's timeout and someone to escalate to.
      {"escalation after 1 minute",
       [](Policy& p) {
         p.approval.stages[0].is_escalation_enabled = true;
         p.approval.stages[0].escalation_time_minutes = 1;
         p.approval.stages[0].escalation_approvers = {User("u2")};
       },
       ""},
      {"escalation enabled at 0 minutes",
       [](Policy& p) {
         p.approval.stages[0].is_escalation_enabled = true;
         p.approval.stages[0].escalation_approvers = {User("u2")};
       },
       "stage 1: escalationTimeInMinutes is 0; with escalation enabled it must be at least 1 and "
       "less than the stage's timeout (1440 minutes)"},
      {"escalation at the timeout",
       [](Policy& p) {
         p.approval.stages[0].is_escalation_enabled = true;
         p.approval.stages[0].escalation_time_minutes = 1440;
         p.approval.stages[0].escalation_approvers = {User("u2")};
       },
       "escalationTimeInMinutes is 1440"},
      {"escalation within a two-day timeout",
       [](Policy& p) {
         p.approval.stages[0].timeout_days = 2;
         p.approval.stages[0].is_escalation_enabled = true;
         p.approval.stages[0].escalation_time_minutes = 2879;
         p.approval.stages[0].escalation_approvers = {User("u2")};
       },
       ""},
      {"escalation without escalation approvers",
       [](Policy& p) {
         p.approval.stages[0].is_escalation_enabled = true;
         p.approval.stages[0].escalation_time_minutes = 60;
       },
       "stage 1: escalation is enabled but no escalation approver is given"},
      {"escalation time kept while escalation is off",
       [](Policy& p) { p.approval.stages[0].escalation_time_minutes = 5000; }, ""},
      {"escalation approver without id",
       [](Policy& p) { p.approval.stages[0].escalation_approvers = {User("")}; },
       "has an escalation approver of type singleUser without an id"},
      // Authentication context.
      {"auth context without claim", [](Policy& p) { p.authentication_context.is_enabled = true; },
       "AuthenticationContext_EndUser_Assignment: claimValue is required"},
      {"auth context with claim",
       [](Policy& p) {
         p.authentication_context.is_enabled = true;
         p.authentication_context.claim_value = "c1";
       },
       ""},
      // Notification recipients.
      {"plausible recipients",
       [](Policy& p) {
         p.notifications[8].recipients = {"a@b.com", "first.last+pim@sub.example"};
       },
       ""},
      {"recipient without at", [](Policy& p) { p.notifications[0].recipients = {"ab.com"}; },
       "Notification_Admin_Admin_Eligibility: notification recipient \"ab.com\" is not an e-mail"},
      {"recipient with space", [](Policy& p) { p.notifications[4].recipients = {"a b@c.com"}; },
       "Notification_Requestor_Admin_Assignment: notification recipient \"a b@c.com\""},
  };
  for (const ValidationCase& c : cases) {
    SCOPED_TRACE(c.name);
    Policy policy = DefaultPolicy(PolicyId("p"), GroupMember());
    c.mutate(policy);
    const absl::Status status = ValidatePolicy(policy);
    if (c.violation.empty()) {
      EXPECT_TRUE(status.ok()) << status;
    } else {
      ExpectInvalidPolicy(status, c.violation);
    }
  }
}

TEST(ValidatePolicyTest, DirectoryRolesNeedNoApproversBecauseEntraRoutesToAdministrators) {
  Policy policy = DefaultPolicy(PolicyId("p"), GlobalAdmin());
  policy.approval.is_approval_required = true;
  EXPECT_TRUE(ValidatePolicy(policy).ok());
  // With no entries there is nothing to count approvals_required against.
  policy.approval.stages[0].approvals_required = 2;
  EXPECT_TRUE(ValidatePolicy(policy).ok());
}

TEST(ValidatePolicyTest, GroupAndResourceRolesNeedApproversWhenApprovalIsRequired) {
  for (const Target& target : {GroupMember(), OwnerOfSubscription()}) {
    Policy policy = DefaultPolicy(PolicyId("p"), target);
    policy.approval.is_approval_required = true;
    ExpectInvalidPolicy(ValidatePolicy(policy), "no approver is given");
    policy.approval.stages[0].primary_approvers = {User("u1")};
    EXPECT_TRUE(ValidatePolicy(policy).ok()) << target.Key();
  }
}

TEST(ValidatePolicyTest, EveryStageNeedsApproversWhenApprovalIsRequired) {
  Policy policy = DefaultPolicy(PolicyId("p"), OwnerOfSubscription());
  policy.approval.is_approval_required = true;
  policy.approval.mode = ApprovalMode::kSerial;
  policy.approval.stages.resize(2);
  policy.approval.stages[0].primary_approvers = {User("u1")};
  ExpectInvalidPolicy(ValidatePolicy(policy), "stage 2: approval is required but no approver");
}

TEST(ValidatePolicyTest, RejectsImplausibleNotificationRecipients) {
  for (const std::string& address :
       {std::string(""), std::string("@b.com"), std::string("a@"), std::string("a@@b.com"),
        std::string("a@b@c.com"), std::string("a@b.com\n"), std::string("\ta@b.com"),
        std::string("a@b.com "), std::string("a@b\x7f.com"), std::string("a\0@b.com", 8)}) {
    Policy policy = DefaultPolicy(PolicyId("p"), GlobalAdmin());
    policy.notifications[3].recipients = {"ok@example.com", address};
    ExpectInvalidPolicy(ValidatePolicy(policy), "is not an e-mail address");
  }
}

TEST(ValidatePolicyTest, ReportsTheFirstViolationInRuleOrder) {
  Policy policy = DefaultPolicy(PolicyId("p"), GroupMember());
  policy.activation_expiration.maximum_duration = absl::Hours(48);
  policy.notifications[0].recipients = {"nope"};
  ExpectInvalidPolicy(ValidatePolicy(policy), "Expiration_EndUser_Assignment");
}

}  // namespace
}  // namespace pim
