// Which notifications each change causes, for whom, under the policy's notification rules.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/notify/notify_fixture.h"

namespace pim::testing {
namespace {

using notify::EventType;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST_F(NotifyTest, EligibleAssignmentTellsTheAdminsAndTheAssignee) {
  const Revision before = engine_->revision();
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("eligibleAssigned"));
  EXPECT_THAT(ns[0].recipients, ElementsAre("ada@example.com", "alice@example.com"));
  EXPECT_EQ(ns[0].principal, alice_.str());
  EXPECT_EQ(ns[0].principal_name, "Alice");
  EXPECT_EQ(ns[0].target_name, "Helpdesk Administrator");
  EXPECT_FALSE(ns[0].end.has_value());  // permanent
  EXPECT_EQ(ns[0].id, absl::StrCat(ns[0].revision, ".0"));
}

TEST_F(NotifyTest, ActivationIsReportedWithItsEndAndReason) {
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  const Revision before = engine_->revision();
  ASSERT_TRUE(Activate(alice_, Helpdesk(), absl::Hours(2)).ok());
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("activated"));
  EXPECT_EQ(ns[0].justification, "incident INC-1");
  ASSERT_TRUE(ns[0].end.has_value());
  EXPECT_EQ(*ns[0].end, clock_.Now() + absl::Hours(2));
  EXPECT_THAT(ns[0].recipients, ElementsAre("ada@example.com", "alice@example.com"));
  EXPECT_FALSE(ns[0].critical);
}

TEST_F(NotifyTest, ApprovalRequestGoesToTheApproversOnlyAndIsCritical) {
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  ASSERT_TRUE(RequireApproval(*engine_, Helpdesk(), {Stage({UserApprover(bob_)})}).ok());
  const Revision before = engine_->revision();
  auto request = Activate(alice_, Helpdesk());
  ASSERT_TRUE(request.ok()) << request.status();
  auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("approvalRequested"));
  EXPECT_TRUE(ns[0].critical);
  EXPECT_THAT(ns[0].recipients, ElementsAre("bob@example.com"));
  EXPECT_EQ(ns[0].request_id, request->id.str());

  const Revision decided = engine_->revision();
  ASSERT_TRUE(engine_->Decide(User(bob_), request->id, true, "ok").ok());
  ns = PlannedSince(decided);
  // The activation and the approval are one change record.
  ASSERT_THAT(Types(ns), ElementsAre("activated", "approved"));
  EXPECT_EQ(ns[0].revision, ns[1].revision);
  // The requestor, and every approver of the decided stage (the first decision wins).
  EXPECT_THAT(ns[1].recipients, ElementsAre("alice@example.com", "bob@example.com"));
}

TEST_F(NotifyTest, ParallelStagesAskEveryStagesApproversOnce) {
  const PrincipalId carol = AddPerson("Carol Approver", "carol@example.com");
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  policy.approval.is_approval_required = true;
  policy.approval.mode = ApprovalMode::kParallel;
  policy.approval.stages = {Stage({UserApprover(bob_)}), Stage({UserApprover(carol)})};
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  const Revision before = engine_->revision();
  auto request = Activate(alice_, Helpdesk());
  ASSERT_TRUE(request.ok()) << request.status();
  auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("approvalRequested"));
  EXPECT_THAT(ns[0].recipients, ElementsAre("bob@example.com", "carol@example.com"));

  // One stage passing asks no one new.
  const Revision voted = engine_->revision();
  ASSERT_TRUE(engine_->Decide(User(carol), request->id, true, "ok").ok());
  EXPECT_THAT(PlannedSince(voted), IsEmpty());
}

TEST_F(NotifyTest, ASerialStageAsksItsApproversEvenWhenTheyDecidedTheOneBefore) {
  const PrincipalId carol = AddPerson("Carol Approver", "carol@example.com");
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  ASSERT_TRUE(RequireApproval(
                  *engine_, Helpdesk(),
                  {Stage({UserApprover(bob_)}), Stage({UserApprover(bob_), UserApprover(carol)})})
                  .ok());
  auto request = Activate(alice_, Helpdesk());
  ASSERT_TRUE(request.ok()) << request.status();
  const Revision before = engine_->revision();
  ASSERT_TRUE(engine_->Decide(User(bob_), request->id, true, "ok").ok());
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("approvalRequested"));
  EXPECT_THAT(ns[0].recipients, ElementsAre("bob@example.com", "carol@example.com"));
}

TEST_F(NotifyTest, EscalationAsksTheEscalationApproversOnly) {
  const PrincipalId dave = AddPerson("Dave Escalation", "dave@example.com");
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  ApprovalStageSettings stage = Stage({UserApprover(bob_)});
  stage.is_escalation_enabled = true;
  stage.escalation_time_minutes = 90;
  stage.escalation_approvers = {UserApprover(dave)};
  ASSERT_TRUE(RequireApproval(*engine_, Helpdesk(), {stage}).ok());
  auto request = Activate(alice_, Helpdesk());
  ASSERT_TRUE(request.ok()) << request.status();
  const Revision before = engine_->revision();
  clock_.Advance(absl::Minutes(90));
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("approvalRequested"));
  EXPECT_TRUE(ns[0].critical);
  EXPECT_THAT(ns[0].recipients, ElementsAre("dave@example.com"));
  EXPECT_EQ(ns[0].request_id, request->id.str());
}

TEST_F(NotifyTest, DenialTellsTheRequestorAndEveryApproverOfTheStage) {
  const PrincipalId carol = AddPerson("Carol Approver", "carol@example.com");
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  ASSERT_TRUE(
      RequireApproval(*engine_, Helpdesk(), {Stage({UserApprover(bob_), UserApprover(carol)})})
          .ok());
  auto request = Activate(alice_, Helpdesk());
  ASSERT_TRUE(request.ok());
  const Revision before = engine_->revision();
  ASSERT_TRUE(engine_->Decide(User(bob_), request->id, false, "not now").ok());
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("denied"));
  EXPECT_THAT(ns[0].recipients,
              ElementsAre("alice@example.com", "bob@example.com", "carol@example.com"));
}

// Admin-side mail goes to whoever administers the target: for a directory role its
// administrators (and, for an activation, Security Administrators too); for a resource role
// its Owners, active or eligible, and User Access Administrators at or above the scope; for a
// group only its permanent owners.
TEST_F(NotifyTest, SecurityAdministratorsAreToldOfDirectoryRoleActivations) {
  const PrincipalId sam = AddPerson("Sam Security", "sam@example.com");
  ASSERT_TRUE(MakeActive(sam, DirectoryRoleTarget(role::kSecurityAdministrator, "/")).ok());
  Revision before = engine_->revision();
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("eligibleAssigned"));
  EXPECT_THAT(ns[0].recipients, ElementsAre("ada@example.com", "alice@example.com"));
  before = engine_->revision();
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("activated"));
  EXPECT_THAT(ns[0].recipients,
              ElementsAre("ada@example.com", "alice@example.com", "sam@example.com"));
}

TEST_F(NotifyTest, ResourceRoleMailGoesToItsOwnersAndUserAccessAdministrators) {
  const std::string sub = "/subscriptions/0d0d0d0d-0000-4000-8000-00000000d001";
  const std::string rg = sub + "/resourcegroups/app";
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {sub, {}, "", "Sub"}).ok());
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {rg, {}, "", "RG"}).ok());
  const PrincipalId olga = AddPerson("Olga Owner", "olga@example.com");
  const PrincipalId eli = AddPerson("Eli Eligible Owner", "eli@example.com");
  const PrincipalId una = AddPerson("Una UAA", "una@example.com");
  const PrincipalId rita = AddPerson("Rita RG Owner Elsewhere", "rita@example.com");
  ASSERT_TRUE(MakeActive(olga, ResourceRoleTarget(role::kOwner, sub)).ok());
  ASSERT_TRUE(MakeEligible(eli, ResourceRoleTarget(role::kOwner, sub)).ok());
  ASSERT_TRUE(MakeActive(una, ResourceRoleTarget(role::kUserAccessAdministrator, rg)).ok());
  const std::string other_rg = sub + "/resourcegroups/other";
  ASSERT_TRUE(engine_->RegisterScope(Caller::System(), {other_rg, {}, "", "Other"}).ok());
  ASSERT_TRUE(MakeActive(rita, ResourceRoleTarget(role::kOwner, other_rg)).ok());
  const Target reader = ResourceRoleTarget(role::kReader, rg);
  Revision before = engine_->revision();
  ASSERT_TRUE(MakeActive(alice_, reader, For(absl::Hours(2))).ok());
  auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("activeAssigned"));
  // Not the Global Administrator, nor an owner of another resource group.
  EXPECT_THAT(ns[0].recipients, ElementsAre("alice@example.com", "eli@example.com",
                                            "olga@example.com", "una@example.com"));
  // They are told of its expiry too.
  before = engine_->revision();
  clock_.Advance(absl::Hours(2));
  ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("expired"));
  EXPECT_THAT(ns[0].recipients, ElementsAre("alice@example.com", "eli@example.com",
                                            "olga@example.com", "una@example.com"));
}

TEST_F(NotifyTest, GroupMailGoesToItsPermanentOwnersOnly) {
  const PrincipalId team = AddGroup("team");
  const PrincipalId pat = AddPerson("Pat Permanent", "pat@example.com");
  const PrincipalId tim = AddPerson("Tim Time-bound", "tim@example.com");
  const PrincipalId sid = AddPerson("Sid Standing", "sid@example.com");
  const Target ownership = GroupTarget(team, GroupAccess::kOwner);
  ASSERT_TRUE(MakeActive(pat, ownership).ok());
  ASSERT_TRUE(MakeActive(tim, ownership, For(absl::Hours(8))).ok());
  ASSERT_TRUE(engine_->AddMembership(Caller::System(), {team, sid, GroupAccess::kOwner}).ok());
  const Revision before = engine_->revision();
  ASSERT_TRUE(MakeEligible(alice_, GroupTarget(team, GroupAccess::kMember)).ok());
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("eligibleAssigned"));
  EXPECT_THAT(ns[0].recipients,
              ElementsAre("alice@example.com", "pat@example.com", "sid@example.com"));
}

TEST_F(NotifyTest, CancelingTellsTheApproversTheyNeedNotDecide) {
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  ASSERT_TRUE(RequireApproval(*engine_, Helpdesk(), {Stage({UserApprover(bob_)})}).ok());
  auto request = Activate(alice_, Helpdesk());
  ASSERT_TRUE(request.ok());
  const Revision before = engine_->revision();
  ASSERT_TRUE(engine_->Cancel(User(alice_), request->id).ok());
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("canceled"));
  EXPECT_THAT(ns[0].recipients, ElementsAre("bob@example.com"));
}

TEST_F(NotifyTest, AnActivationThatEndsIsToldToo) {
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  const Revision before = engine_->revision();
  clock_.Advance(absl::Hours(8));  // the default activation ends
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("expired"));
  EXPECT_THAT(ns[0].recipients, ::testing::Contains("alice@example.com"));
}

TEST_F(NotifyTest, ExpiryNoticesAndExpiryComeFromTheScheduler) {
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk(), Until(clock_.Now() + absl::Hours(24 * 30))).ok());
  const Revision before = engine_->revision();
  clock_.Advance(absl::Hours(24 * 17));                   // 13 days left: the 14-day notice
  clock_.Advance(absl::Hours(24 * 12) + absl::Hours(1));  // 23 h left: the 1-day notice
  clock_.Advance(absl::Hours(24));                        // ended
  const auto ns = PlannedSince(before);
  EXPECT_THAT(Types(ns), ElementsAre("expiringSoon", "expiringSoon", "expired"));
  for (const auto& n : ns) EXPECT_THAT(n.recipients, ::testing::Contains("alice@example.com"));
}

TEST_F(NotifyTest, AnExtensionRequestAsksItsApprovers) {
  ASSERT_TRUE(MakeActive(bob_, PRA()).ok());  // Privileged Role Administrators approve it
  const absl::Time end = clock_.Now() + absl::Hours(24 * 30);
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk(), Until(end)).ok());
  clock_.SetTime(end - absl::Hours(24 * 14));
  const Revision before = engine_->revision();
  auto request = Self(RequestAction::kSelfExtend, alice_, Helpdesk(),
                      Until(end + absl::Hours(24 * 60)), std::nullopt, ScheduleKind::kEligibility);
  ASSERT_TRUE(request.ok()) << request.status();
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("extensionRequested"));
  EXPECT_TRUE(ns[0].critical);
  EXPECT_THAT(ns[0].recipients, ::testing::Contains("bob@example.com"));
  EXPECT_THAT(ns[0].recipients, ::testing::Not(::testing::Contains("alice@example.com")));
}

TEST_F(NotifyTest, RulesDecideLevelAndRecipients) {
  Policy policy = engine_->EffectivePolicy(Helpdesk());
  for (NotificationRule& rule : policy.notifications) {
    if (rule.event != NotificationEvent::kAdminEligibility) continue;
    if (rule.recipient == NotificationRecipient::kAdmin) {
      rule.is_default_recipients_enabled = false;
      rule.recipients = {"soc@example.com"};
    }
    if (rule.recipient == NotificationRecipient::kRequestor) {
      rule.level = NotificationLevel::kCritical;  // an assignment is not critical: not sent
    }
  }
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), policy).ok());
  const Revision before = engine_->revision();
  ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("eligibleAssigned"));
  EXPECT_THAT(ns[0].recipients, ElementsAre("soc@example.com"));
}

TEST_F(NotifyTest, PrincipalsWithoutMailAreSkippedNotFailed) {
  const PrincipalId nomail = AddUser("No Mail");
  const Revision before = engine_->revision();
  ASSERT_TRUE(MakeEligible(nomail, Helpdesk()).ok());
  const auto ns = PlannedSince(before);
  ASSERT_THAT(Types(ns), ElementsAre("eligibleAssigned"));
  EXPECT_THAT(ns[0].recipients, ElementsAre("ada@example.com"));
}

TEST_F(NotifyTest, DirectoryChangesNotifyNobody) {
  const Revision before = engine_->revision();
  AddPerson("Carol", "carol@example.com");
  EXPECT_THAT(PlannedSince(before), IsEmpty());
}

}  // namespace
}  // namespace pim::testing
