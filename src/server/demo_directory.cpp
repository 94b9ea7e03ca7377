#include "pim/server/demo_directory.h"

#include "absl/strings/str_cat.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/status.h"
#include "pim/identity/base32.h"
#include "pim/identity/secure_random.h"

namespace pim::server::demo {
namespace {

std::string Subscription() { return absl::StrCat("/subscriptions/", kSubscription); }
std::string ResourceGroup() {
  return absl::StrCat(Subscription(), "/resourceGroups/", kResourceGroup);
}

Principal User(const char* id, std::string name, std::string mail) {
  return Principal{PrincipalId(std::string(id)),
                   PrincipalKind::kUser,
                   std::move(name),
                   std::move(mail),
                   false,
                   true,
                   false};
}

absl::Status Assign(Engine& engine, ScheduleKind kind, const char* who, const Target& target,
                    Expiration expiration = {ExpirationType::kNoExpiration, {}, {}}) {
  RequestInput in;
  in.kind = kind;
  in.action = RequestAction::kAdminAssign;
  in.principal = PrincipalId(std::string(who));
  in.target = target;
  in.schedule_info.expiration = expiration;
  in.justification = "demo tenant setup";
  return engine.Submit(Caller::System(), in).status();
}

// Requires approval by the PIM Approvers group (and optionally a ticket) on `target`.
absl::Status RequireApproval(Engine& engine, const Target& target, bool ticket) {
  Policy p = engine.EffectivePolicy(target);
  p.approval.is_approval_required = true;
  p.approval.stages.front().primary_approvers = {
      {ApproverKind::kGroupMembers, std::string(kApprovers), "PIM Approvers"}};
  p.activation_enablement.ticketing = ticket;
  return engine.UpdatePolicy(Caller::System(), p).status();
}

}  // namespace

bool IsSeeded(const Engine& engine) {
  bool seeded = false;
  engine.Read([&](const State& s) { seeded = s.FindPrincipal(std::string(kAda)) != nullptr; });
  return seeded;
}

absl::Status Seed(Engine& engine, const Clock& clock) {
  const Caller system = Caller::System();
  for (const Principal& p :
       {User(kAda, "Ada Admin", "ada@demo.pim"), User(kBen, "Ben Builder", "ben@demo.pim"),
        User(kCara, "Cara Approver", "cara@demo.pim"), User(kDan, "Dan Operator", "dan@demo.pim"),
        User(kEve, "Eve Helpdesk", "eve@demo.pim")}) {
    PIM_RETURN_IF_ERROR(engine.PutPrincipal(system, p));
  }
  PIM_RETURN_IF_ERROR(engine.PutPrincipal(
      system, Principal{PrincipalId(std::string(kProdOperators)), PrincipalKind::kGroup,
                        "Prod Operators", "prod-operators@demo.pim", true, true, false}));
  PIM_RETURN_IF_ERROR(engine.PutPrincipal(
      system, Principal{PrincipalId(std::string(kApprovers)), PrincipalKind::kGroup,
                        "PIM Approvers", "pim-approvers@demo.pim", false, true, false}));
  PIM_RETURN_IF_ERROR(engine.AddMembership(
      system, DirectMembership{PrincipalId(std::string(kApprovers)),
                               PrincipalId(std::string(kCara)), GroupAccess::kMember}));

  const std::string mg =
      absl::StrCat("/providers/Microsoft.Management/managementGroups/", kManagementGroup);
  PIM_RETURN_IF_ERROR(
      engine.RegisterScope(system, ScopeNode{mg, ScopeKind::kManagementGroup, "/", "Contoso"}));
  PIM_RETURN_IF_ERROR(engine.RegisterScope(
      system, ScopeNode{Subscription(), ScopeKind::kSubscription, mg, "Production"}));
  PIM_RETURN_IF_ERROR(engine.RegisterScope(
      system, ScopeNode{ResourceGroup(), ScopeKind::kResourceGroup, Subscription(), "web-rg"}));

  const Target ga = DirectoryRoleTarget(role::kGlobalAdministrator);
  const Target user_admin = DirectoryRoleTarget(role::kUserAdministrator);
  const Target security_admin = DirectoryRoleTarget(role::kSecurityAdministrator);
  const Target security_reader = DirectoryRoleTarget(role::kSecurityReader);
  const Target helpdesk = DirectoryRoleTarget(role::kHelpdeskAdministrator);
  const Target contributor = ResourceRoleTarget(role::kContributor, Subscription());
  const Target rg_owner = ResourceRoleTarget(role::kOwner, ResourceGroup());
  const Target operators =
      GroupTarget(PrincipalId(std::string(kProdOperators)), GroupAccess::kMember);

  PIM_RETURN_IF_ERROR(Assign(engine, ScheduleKind::kAssignment, kAda, ga));
  PIM_RETURN_IF_ERROR(Assign(engine, ScheduleKind::kEligibility, kBen, user_admin));
  PIM_RETURN_IF_ERROR(Assign(engine, ScheduleKind::kEligibility, kBen, contributor));
  PIM_RETURN_IF_ERROR(Assign(engine, ScheduleKind::kEligibility, kCara, security_reader));
  PIM_RETURN_IF_ERROR(Assign(engine, ScheduleKind::kEligibility, kDan, security_admin));
  PIM_RETURN_IF_ERROR(Assign(engine, ScheduleKind::kEligibility, kDan, operators));
  PIM_RETURN_IF_ERROR(Assign(engine, ScheduleKind::kEligibility, kEve, helpdesk));
  // Prod Operators' members hold Owner on web-rg: one group activation, one more role.
  PIM_RETURN_IF_ERROR(Assign(engine, ScheduleKind::kAssignment, kProdOperators, rg_owner));

  PIM_RETURN_IF_ERROR(RequireApproval(engine, security_admin, /*ticket=*/false));
  PIM_RETURN_IF_ERROR(RequireApproval(engine, operators, /*ticket=*/true));

  // Eve's helpdesk shift starts tomorrow at 09:00 UTC: a scheduled activation (Granted).
  const absl::CivilDay today = absl::ToCivilDay(clock.Now(), absl::UTCTimeZone());
  RequestInput shift;
  shift.action = RequestAction::kSelfActivate;
  shift.principal = PrincipalId(std::string(kEve));
  shift.target = helpdesk;
  shift.schedule_info = {
      absl::FromCivil(absl::CivilSecond(today + 1) + std::int64_t{9} * 3600, absl::UTCTimeZone()),
      {ExpirationType::kAfterDuration, {}, absl::Hours(4)}};
  shift.justification = "Helpdesk shift";
  return engine.Submit(Caller::User(std::string(kEve)).WithMfa(clock.Now()), shift).status();
}

absl::StatusOr<std::vector<DemoLogin>> SetPasswords(accounts::AccountService& accounts) {
  std::vector<DemoLogin> logins;
  using Entry = std::pair<const char*, const char*>;
  for (const Entry& e : {Entry{"ada", kAda}, Entry{"ben", kBen}, Entry{"cara", kCara},
                         Entry{"dan", kDan}, Entry{"eve", kEve}}) {
    DemoLogin login{
        e.first, absl::StrCat(e.first, "@demo.pim"),
        absl::StrCat("demo-", e.first, "-", identity::Base32Encode(identity::RandomBytes(10)))};
    PIM_RETURN_IF_ERROR(accounts.SetPassword(PrincipalId(std::string(e.second)), login.password,
                                             /*force_change=*/false));
    logins.push_back(std::move(login));
  }
  return logins;
}

std::string Describe() {
  return absl::StrCat(
      "  ada  Global Administrator (permanent)\n"
      "  ben  eligible: User Administrator (MFA + justification), Contributor on subscription "
      "Production\n"
      "  cara member of PIM Approvers (approves Security Administrator and Prod Operators); "
      "eligible Security Reader\n"
      "  dan  eligible: Security Administrator (needs approval), member of Prod Operators "
      "(needs approval + ticket; the group holds Owner on web-rg)\n"
      "  eve  eligible Helpdesk Administrator, with a shift scheduled tomorrow 09:00-13:00 UTC\n");
}

}  // namespace pim::server::demo
