#include "unit/store/sample_entities.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pim::testing {
namespace {

// A fixed instant with a sub-second part, nanosecond precision.
absl::Time At(int n, int seconds) {
  return absl::FromUnixNanos(1'714'550'400'123'456'789 + std::int64_t{n} * 1'000'000'007 +
                             std::int64_t{seconds} * 1'000'000'000);
}

std::string Guid(int n, char fill) {
  return absl::StrCat(std::string(8, fill), "-0000-4000-8000-", absl::Dec(n, absl::kZeroPad12));
}

ApproverRef Approver(int n, ApproverKind kind) {
  return ApproverRef{kind, Guid(n, 'a'), absl::StrCat("Approver \"", n, "\" \\ ünïcode\n")};
}

ApprovalStageSettings StageSettings(int n) {
  ApprovalStageSettings s;
  s.timeout_days = 3 + n;
  s.is_approver_justification_required = false;
  s.escalation_time_minutes = 45;
  s.is_escalation_enabled = true;
  s.primary_approvers = {Approver(n, ApproverKind::kGroupMembers),
                         Approver(n + 1, ApproverKind::kUser)};
  s.escalation_approvers = {Approver(n + 2, ApproverKind::kResourceRoleHoldersAtTarget)};
  s.approvals_required = 2;
  return s;
}

ApprovalStage Stage(int n) {
  ApprovalStage s;
  s.approvers = {Approver(n, ApproverKind::kDirectoryRoleHolders),
                 Approver(n + 1, ApproverKind::kGroupOwners)};
  s.approvals_required = 2;
  s.is_approver_justification_required = false;
  s.timeout = absl::Hours(36) + absl::Nanoseconds(7);
  s.status = StageStatus::kInProgress;
  s.started = At(n, 60);
  s.decisions = {ApprovalDecision{PrincipalId(Guid(n, 'd')), true, "looks fine", At(n, 120)},
                 ApprovalDecision{PrincipalId(Guid(n + 1, 'd')), false, "", At(n, 180)}};
  s.escalation = StageEscalation{absl::Minutes(45) + absl::Nanoseconds(3),
                                 {Approver(n + 2, ApproverKind::kUser)},
                                 /*escalated=*/true};
  return s;
}

}  // namespace

Principal SamplePrincipal(int n) {
  Principal p;
  p.id = PrincipalId(Guid(n, '1'));
  p.kind = PrincipalKind::kGroup;
  p.display_name = absl::StrCat("Ops \"team\" ", n, " \\ \t ✓");
  p.mail = absl::StrCat("ops", n, "@example.com");
  p.is_assignable_to_role = true;
  p.pim_managed = true;
  p.enabled = false;
  return p;
}

DirectMembership SampleMembership(int n) {
  return DirectMembership{PrincipalId(Guid(n, '1')), PrincipalId(Guid(n, '2')),
                          GroupAccess::kOwner};
}

ScopeNode SampleScope(int n) {
  ScopeNode s;
  s.path = absl::StrCat("/subscriptions/", Guid(n, '5'), "/resourcegroups/rg", n);
  s.kind = ScopeKind::kResourceGroup;
  s.parent = absl::StrCat("/subscriptions/", Guid(n, '5'));
  s.display_name = absl::StrCat("rg", n);
  s.spelling = absl::StrCat("/subscriptions/", Guid(n, '5'), "/resourceGroups/Rg", n);
  return s;
}

RoleDefinition SampleRoleDefinition(int n) {
  RoleDefinition r;
  r.id = RoleDefinitionId(Guid(n, 'b'));
  r.kind = RoleKind::kResource;
  r.display_name = absl::StrCat("Custom role ", n);
  r.description = "Reads {\"json\": [1, 2]} things";
  r.is_built_in = true;
  return r;
}

Schedule SampleSchedule(int n) {
  Schedule s;
  s.id = ScheduleId(Guid(n, 'c'));
  s.kind = ScheduleKind::kAssignment;
  s.principal = PrincipalId(Guid(n, '2'));
  s.target = Target{TargetKind::kResourceRole, Guid(n, 'b'), GroupAccess::kOwner,
                    absl::StrCat("/subscriptions/", Guid(n, '5'))};
  s.assignment_type = AssignmentType::kActivated;
  s.start = At(n, 0);
  // Both optional parts set although the type uses only one: the codec keeps what it is given.
  s.expiration = Expiration{ExpirationType::kAfterDuration, At(n, 7200), absl::Hours(8)};
  s.state = ScheduleState::kActive;
  s.created_using = RequestId(Guid(n, 'e'));
  s.activated_using = ScheduleId(Guid(n + 1, 'c'));
  s.created = At(n, -10);
  s.modified = At(n, -5);
  s.expiry_notices_sent = 2;
  return s;
}

ScheduleRequest SampleRequest(int n) {
  ScheduleRequest r;
  r.id = RequestId(Guid(n, 'e'));
  r.kind = ScheduleKind::kEligibility;
  r.action = RequestAction::kSelfExtend;
  r.principal = PrincipalId(Guid(n, '2'));
  r.target = Target{TargetKind::kGroup, Guid(n, '1'), GroupAccess::kOwner, ""};
  r.schedule_info.start = At(n, 30);
  r.schedule_info.expiration =
      Expiration{ExpirationType::kAfterDateTime, At(n, 86400), absl::Minutes(90)};
  r.justification = "Incident 42: \"prod\" is down";
  r.ticket = TicketInfo{absl::StrCat("INC", n), "ServiceNow"};
  r.custom_data = "{\"k\":\"v\"}";
  r.status = RequestStatus::kPendingApproval;
  r.created = At(n, 1);
  r.completed = At(n, 2);
  r.created_by = PrincipalId(Guid(n, '3'));
  r.target_schedule = ScheduleId(Guid(n, 'c'));
  r.linked_eligibility = ScheduleId(Guid(n + 2, 'c'));
  r.approval = Approval{{Stage(n), Stage(n + 10)}};
  r.approval->stages[1].escalation.reset();  // a stage without escalation reads back without
  return r;
}

Policy SamplePolicy(int n) {
  Policy p;
  p.id = PolicyId(absl::StrCat("Directory_", Guid(n, 'f')));
  p.target = Target{TargetKind::kDirectoryRole, Guid(n, 'b'), GroupAccess::kOwner, "/"};
  p.activation_expiration = ExpirationRule{true, absl::Hours(4) + absl::Nanoseconds(1)};
  p.activation_enablement = EnablementRule{true, true, true};
  p.approval.is_approval_required = true;
  p.approval.is_approval_required_for_extension = true;
  p.approval.is_requestor_justification_required = false;
  p.approval.mode = ApprovalMode::kSerial;
  p.approval.stages = {StageSettings(n), StageSettings(n + 5)};
  p.authentication_context = AuthenticationContextRule{true, "c1"};
  p.eligibility_expiration = ExpirationRule{true, absl::Hours(24 * 365)};
  p.eligibility_enablement = EnablementRule{true, false, true};
  p.assignment_expiration = ExpirationRule{true, absl::Hours(24 * 180)};
  p.assignment_enablement = EnablementRule{false, true, true};
  for (std::size_t i = 0; i < p.notifications.size(); ++i) {
    NotificationRule& rule = p.notifications[i];
    rule.event = static_cast<NotificationEvent>(i / 3);
    rule.recipient = static_cast<NotificationRecipient>(i % 3);
    rule.level = NotificationLevel::kCritical;
    rule.is_default_recipients_enabled = false;
    rule.recipients = {absl::StrCat("a", i, "@example.com"), "b@example.com"};
  }
  p.last_modified = At(n, 99);
  p.last_modified_by = PrincipalId(Guid(n, '4'));
  return p;
}

std::vector<Entity> SampleEntities(int n) {
  return {SamplePrincipal(n), SampleMembership(n), SampleScope(n), SampleRoleDefinition(n),
          SampleSchedule(n),  SampleRequest(n),    SamplePolicy(n)};
}

Mutation Create(const Entity& entity) {
  return Mutation{KindOf(entity), KeyOf(entity), std::nullopt, entity};
}

std::vector<Mutation> CreateAll(const std::vector<Entity>& entities) {
  std::vector<Mutation> mutations;
  for (const Entity& e : entities) mutations.push_back(Create(e));
  return mutations;
}

Mutation Update(const Entity& before, const Entity& after) {
  return Mutation{KindOf(after), KeyOf(after), before, after};
}

Mutation Delete(const Entity& before) {
  return Mutation{KindOf(before), KeyOf(before), before, std::nullopt};
}

ChangeRecord Record(Revision revision, std::vector<Mutation> mutations) {
  ChangeRecord r;
  r.revision = revision;
  r.at = absl::FromUnixNanos(1'700'000'000'000'000'001 + revision);
  r.actor = PrincipalId(absl::StrCat("actor-", revision));
  r.event = "request.created";
  r.detail = absl::StrCat("revision ", revision, " \"detail\"");
  r.mutations = std::move(mutations);
  return r;
}

std::vector<Entity> SortedByKey(std::vector<Entity> entities) {
  std::sort(entities.begin(), entities.end(), [](const Entity& a, const Entity& b) {
    return std::pair(KindOf(a), KeyOf(a)) < std::pair(KindOf(b), KeyOf(b));
  });
  return entities;
}

}  // namespace pim::testing
