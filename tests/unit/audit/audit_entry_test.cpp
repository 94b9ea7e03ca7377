// The activity of every event the engine emits, in Entra's vocabulary, and what else an entry
// takes from its change record.
#include "pim/audit/audit_entry.h"

#include "unit/audit/audit_fixture.h"

namespace pim::testing {
namespace {

Schedule MakeSchedule(ScheduleKind kind, AssignmentType type, Target target, bool permanent) {
  Schedule s;
  s.id = ScheduleId("s-1");
  s.kind = kind;
  s.principal = PrincipalId("p-1");
  s.target = std::move(target);
  s.assignment_type = type;
  s.expiration = permanent ? Expiration{ExpirationType::kNoExpiration, {}, {}}
                           : Expiration{ExpirationType::kAfterDuration, {}, absl::Hours(8)};
  s.created_using = RequestId("r-1");
  return s;
}

ScheduleRequest MakeRequest(RequestAction action, ScheduleKind kind, Target target,
                            RequestStatus status, bool permanent = false) {
  ScheduleRequest r;
  r.id = RequestId("r-1");
  r.kind = kind;
  r.action = action;
  r.principal = PrincipalId("p-1");
  r.target = std::move(target);
  r.status = status;
  r.justification = "on call";
  r.ticket = TicketInfo{"INC-7", "ServiceNow"};
  r.schedule_info.expiration = permanent
                                   ? Expiration{ExpirationType::kNoExpiration, {}, {}}
                                   : Expiration{ExpirationType::kAfterDuration, {}, absl::Hours(8)};
  return r;
}

ChangeRecord RecordOf(std::string event, std::vector<Entity> after) {
  ChangeRecord r;
  r.revision = 7;
  r.at = absl::FromUnixNanos(1767603600123456789);
  r.actor = PrincipalId("actor-1");
  r.event = std::move(event);
  for (Entity& e : after) {
    Mutation m;
    m.kind = KindOf(e);
    m.key = KeyOf(e);
    m.after = std::move(e);
    r.mutations.push_back(std::move(m));
  }
  return r;
}

std::string ActivityOf(std::string event, std::vector<Entity> after) {
  return audit::AuditEntryFor(RecordOf(std::move(event), std::move(after))).activity;
}

const Target kRole = DirectoryRoleTarget(role::kHelpdeskAdministrator);
const Target kGroupMember = GroupTarget(PrincipalId("g-1"), GroupAccess::kMember);
const Target kGroupOwner = GroupTarget(PrincipalId("g-1"), GroupAccess::kOwner);
constexpr auto E = ScheduleKind::kEligibility;
constexpr auto A = ScheduleKind::kAssignment;

TEST(AuditActivityTest, RequestsCarriedOutNow) {
  using RA = RequestAction;
  using RS = RequestStatus;
  const struct {
    RA action;
    ScheduleKind kind;
    Target target;
    RS status;
    bool permanent;
    std::string expected;
  } cases[] = {
      {RA::kAdminAssign, E, kRole, RS::kProvisioned, true,
       "Add eligible member to role in PIM completed (permanent)"},
      {RA::kAdminAssign, E, kRole, RS::kProvisioned, false,
       "Add eligible member to role in PIM completed (timebound)"},
      {RA::kAdminAssign, A, kRole, RS::kProvisioned, true,
       "Add member to role in PIM completed (permanent)"},
      {RA::kAdminAssign, A, kRole, RS::kGranted, false,
       "Add member to role in PIM requested (timebound)"},
      {RA::kAdminAssign, E, kGroupOwner, RS::kProvisioned, false,
       "Add eligible member to role in PIM completed (timebound)"},
      {RA::kAdminUpdate, E, kRole, RS::kProvisioned, false,
       "Update eligible member of role in PIM completed (timebound)"},
      {RA::kAdminRemove, A, kRole, RS::kRevoked, true,
       "Remove member from role in PIM completed (permanent)"},
      {RA::kAdminRemove, E, kGroupMember, RS::kRevoked, false,
       "Remove eligible member from role in PIM completed (timebound)"},
      {RA::kAdminExtend, E, kRole, RS::kProvisioned, false,
       "Update eligible member in PIM completed (extend)"},
      {RA::kAdminRenew, A, kRole, RS::kProvisioned, false,
       "Add member to role in PIM completed (renew)"},
      {RA::kSelfActivate, A, kRole, RS::kProvisioned, false,
       "Add member to role completed (PIM activation)"},
      {RA::kSelfActivate, A, kRole, RS::kGranted, false,
       "Add member to role requested (PIM activation)"},
      {RA::kSelfActivate, A, kGroupMember, RS::kProvisioned, false,
       "Add member to role completed (PIM activation)"},
      {RA::kSelfDeactivate, A, kRole, RS::kRevoked, false,
       "Remove member from role completed (PIM deactivate)"},
      {RA::kSelfExtend, E, kRole, RS::kProvisioned, false,
       "Update eligible member in PIM completed (extend)"},
      {RA::kSelfRenew, A, kRole, RS::kProvisioned, false,
       "Add member to role in PIM completed (renew)"},
  };
  for (const auto& c : cases) {
    const std::string event =
        absl::StrCat("request.", std::string(kRequestActionNames.Name(c.action)));
    EXPECT_EQ(ActivityOf(event, {MakeRequest(c.action, c.kind, c.target, c.status, c.permanent)}),
              c.expected)
        << event;
  }
}

TEST(AuditActivityTest, ApprovalLifecycle) {
  const ScheduleRequest activation =
      MakeRequest(RequestAction::kSelfActivate, A, kRole, RequestStatus::kPendingApproval);
  EXPECT_EQ(ActivityOf("request.pendingApproval", {activation}),
            "Add member to role approval requested (PIM activation)");
  EXPECT_EQ(ActivityOf("request.approvalRecorded", {activation}),
            "Add member to role request approved (PIM activation)");
  EXPECT_EQ(ActivityOf("request.approvalStageCompleted", {activation}),
            "Add member to role request approved (PIM activation)");
  EXPECT_EQ(ActivityOf("request.denied", {activation}),
            "Add member to role request denied (PIM activation)");
  EXPECT_EQ(ActivityOf("request.canceled", {activation}),
            "Add member to role canceled (PIM activation)");
  EXPECT_EQ(ActivityOf("request.purged", {activation}), "Remove request");
  const ScheduleRequest extension =
      MakeRequest(RequestAction::kSelfExtend, E, kRole, RequestStatus::kPendingApproval);
  EXPECT_EQ(ActivityOf("request.pendingApproval", {extension}),
            "Update eligible member in PIM requested (extend)");
  const ScheduleRequest renewal =
      MakeRequest(RequestAction::kSelfRenew, A, kGroupMember, RequestStatus::kPendingApproval);
  EXPECT_EQ(ActivityOf("request.pendingApproval", {renewal}),
            "Add member to role in PIM requested (renew)");
  EXPECT_EQ(ActivityOf("request.approvalRecorded", {extension}),
            "Update member in PIM approved by admin (extend/renew)");
  EXPECT_EQ(ActivityOf("request.denied", {renewal}),
            "Update member in PIM denied by admin (extend/renew)");
  EXPECT_EQ(ActivityOf("request.canceled", {extension}),
            "Update eligible member in PIM canceled (extend)");
  const ScheduleRequest admin_assign =
      MakeRequest(RequestAction::kAdminAssign, E, kRole, RequestStatus::kGranted);
  EXPECT_EQ(ActivityOf("request.canceled", {admin_assign}),
            "Add eligible member to role in PIM canceled (timebound)");
}

TEST(AuditActivityTest, FailuresAreFailures) {
  const ScheduleRequest r =
      MakeRequest(RequestAction::kSelfActivate, A, kRole, RequestStatus::kFailed);
  audit::AuditEntry failed = audit::AuditEntryFor(RecordOf("request.failed", {r}));
  EXPECT_EQ(failed.activity, "Add member to role failed (PIM activation)");
  EXPECT_EQ(failed.result, "failure");
  audit::AuditEntry timed_out = audit::AuditEntryFor(RecordOf("request.timedOut", {r}));
  EXPECT_EQ(timed_out.activity, "PIM activation request expired");
  EXPECT_EQ(timed_out.result, "failure");
  EXPECT_EQ(audit::AuditEntryFor(RecordOf("request.selfActivate", {r})).result, "success");
}

TEST(AuditActivityTest, SchedulerEvents) {
  const Schedule activation =
      MakeSchedule(A, AssignmentType::kActivated, kRole, /*permanent=*/false);
  const Schedule assigned = MakeSchedule(A, AssignmentType::kAssigned, kRole, false);
  const Schedule eligible = MakeSchedule(E, AssignmentType::kAssigned, kGroupMember, true);
  EXPECT_EQ(ActivityOf("schedule.started", {activation}),
            "Add member to role completed (PIM activation)");
  EXPECT_EQ(ActivityOf("schedule.started", {assigned}),
            "Add member to role in PIM completed (timebound)");
  EXPECT_EQ(ActivityOf("schedule.started", {eligible}),
            "Add eligible member to role in PIM completed (permanent)");
  EXPECT_EQ(ActivityOf("schedule.expired", {activation}),
            "Remove member from role (PIM activation expired)");
  EXPECT_EQ(ActivityOf("schedule.expired", {assigned}),
            "Remove member from role (PIM assignment expired)");
  EXPECT_EQ(ActivityOf("schedule.expired", {eligible}),
            "Remove eligible member from role (PIM eligibility expired)");
  EXPECT_EQ(ActivityOf("schedule.expiryNotice", {assigned}),
            "Active role assignment expiring soon in PIM");
  EXPECT_EQ(ActivityOf("schedule.expiryNotice", {eligible}),
            "Eligible group assignment expiring soon in PIM");
  EXPECT_EQ(ActivityOf("schedule.purged", {assigned}),
            "Delete expired active role assignment in PIM");
}

TEST(AuditActivityTest, PoliciesDirectoryAndAlerts) {
  Policy role_policy;
  role_policy.id = PolicyId("pol-1");
  role_policy.target = kRole;
  EXPECT_EQ(ActivityOf("policy.updated", {role_policy}), "Update role setting in PIM");
  Policy group_policy = role_policy;
  group_policy.target = kGroupMember;
  EXPECT_EQ(ActivityOf("policy.updated", {group_policy}), "Update role setting in PIM");
  // A reset erases the stored policy: only the state before is left.
  ChangeRecord reset = RecordOf("policy.updated", {});
  reset.mutations.push_back(Mutation{EntityKind::kPolicy, "pol-1", role_policy, std::nullopt});
  const audit::AuditEntry reset_entry = audit::AuditEntryFor(reset);
  EXPECT_EQ(reset_entry.activity, "Update role setting in PIM");
  EXPECT_EQ(reset_entry.category, "RoleManagement");
  EXPECT_EQ(reset_entry.target.id, std::string(role::kHelpdeskAdministrator));

  Principal user{PrincipalId("u-1"), PrincipalKind::kUser, "Alice", "alice@contoso.com"};
  Principal group{PrincipalId("g-1"), PrincipalKind::kGroup, "Ops", ""};
  Principal app{PrincipalId("a-1"), PrincipalKind::kServicePrincipal, "Deployer", ""};
  EXPECT_EQ(ActivityOf("principal.created", {user}), "Add user");
  EXPECT_EQ(ActivityOf("principal.updated", {group}), "Update group");
  EXPECT_EQ(ActivityOf("principal.created", {app}), "Add service principal");
  // A deletion leaves only the state before.
  ChangeRecord deleted = RecordOf("principal.deleted", {});
  deleted.mutations.push_back(Mutation{EntityKind::kPrincipal, "u-1", user, std::nullopt});
  EXPECT_EQ(audit::AuditEntryFor(deleted).activity, "Delete user");
  deleted.mutations[0].before = app;
  EXPECT_EQ(audit::AuditEntryFor(deleted).activity, "Remove service principal");

  const DirectMembership member{PrincipalId("g-1"), PrincipalId("u-1"), GroupAccess::kMember};
  const DirectMembership owner{PrincipalId("g-1"), PrincipalId("u-1"), GroupAccess::kOwner};
  EXPECT_EQ(ActivityOf("membership.added", {member}), "Add member to group");
  EXPECT_EQ(ActivityOf("membership.removed", {owner}), "Remove owner from group");

  EXPECT_EQ(ActivityOf("scope.registered",
                       {ScopeNode{"/subscriptions/s1", ScopeKind::kSubscription, "/", "S1"}}),
            "Onboarded resource to PIM");
  EXPECT_EQ(ActivityOf("scope.updated", {ScopeNode{"/", ScopeKind::kTenant, "", "Root"}}),
            "Resource updated");
  RoleDefinition rd;
  rd.id = RoleDefinitionId("rd-1");
  EXPECT_EQ(ActivityOf("roleDefinition.created", {rd}), "Add role definition");
  EXPECT_EQ(ActivityOf("roleDefinition.updated", {rd}), "Update role definition");

  for (const char* alert :
       {"alert.noActiveGlobalAdministrator", "alert.noActivePrivilegedRoleAdministrator",
        "alert.onlyTimeBoundGlobalAdministrators"}) {
    EXPECT_EQ(ActivityOf(alert, {}), "Triggered PIM alert") << alert;  // which: in `event`
  }
  EXPECT_EQ(ActivityOf("change", {}), "Other change in PIM");
  EXPECT_EQ(ActivityOf("something.new", {}), "Other change in PIM");
}

TEST(AuditEntryTest, TakesTargetJustificationTicketAndOriginFromTheRecord) {
  ChangeRecord record = RecordOf(
      "request.selfActivate", {MakeRequest(RequestAction::kSelfActivate, A,
                                           ResourceRoleTarget(role::kReader, "/subscriptions/s1"),
                                           RequestStatus::kProvisioned)});
  record.correlation_id = "corr-9";
  record.client_address = "192.0.2.1";
  const audit::AuditEntry e = audit::AuditEntryFor(record);
  EXPECT_EQ(e.seq, 7);
  EXPECT_EQ(audit::FormatAuditTime(e.at), "2026-01-05T09:00:00.123456Z");
  EXPECT_EQ(e.actor_id, "actor-1");
  EXPECT_EQ(e.category, "ResourceManagement");
  EXPECT_EQ(e.target, (audit::AuditTarget{"resourceRole", std::string(role::kReader), "",
                                          "/subscriptions/s1", "p-1"}));
  EXPECT_EQ(e.justification, "on call");
  EXPECT_EQ(e.ticket_system, "ServiceNow");
  EXPECT_EQ(e.ticket_number, "INC-7");
  EXPECT_EQ(e.request_id, "r-1");
  EXPECT_EQ(e.correlation_id, "corr-9");
  EXPECT_EQ(e.client_address, "192.0.2.1");
  EXPECT_EQ(e.event, "request.selfActivate");
}

// The engine's real events, end to end: every record of a typical life becomes the entry
// Entra would show.
class AuditEngineActivityTest : public AuditTest {};

TEST_F(AuditEngineActivityTest, AnActivationLifeReadsLikeEntrasAuditHistory) {
  const Revision start = engine_->revision();
  MakeHistory();
  std::vector<std::string> activities;
  for (const std::string& line : Lines(Export())) {
    if (TypeOf(line) != "entry" || SeqOf(line) <= start) continue;
    activities.emplace_back(Parse(line).at("entry").at("activity").as_string());
  }
  ASSERT_GE(activities.size(), 4u);
  EXPECT_EQ(activities[0], "Add user");
  EXPECT_EQ(activities[1], "Add eligible member to role in PIM completed (permanent)");
  EXPECT_EQ(activities[2], "Add member to role completed (PIM activation)");
  EXPECT_EQ(activities[3], "Remove member from role (PIM activation expired)");
}

}  // namespace
}  // namespace pim::testing
