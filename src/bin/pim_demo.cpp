// pim-demo: a walk through the engine on its embedded default (SQLite), until pimd exists.
// Builds a small demo tenant in a fresh database, then runs the product's main flows on a
// demo clock that it moves forward, printing what happens and what `check` answers.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/role_definition.h"
#include "pim/engine/engine.h"
#include "pim/engine/manual_clock.h"
#include "pim/store/sqlite_store.h"

namespace {

using namespace pim;  // NOLINT(google-build-using-namespace): a small demo program

void Say(const std::string& line) { std::printf("%s\n", line.c_str()); }

[[noreturn]] void Fail(const absl::Status& status) {
  std::fprintf(stderr, "pim-demo: %s\n", status.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Must(absl::StatusOr<T> value) {
  if (!value.ok()) Fail(value.status());
  return *std::move(value);
}

void Must(const absl::Status& status) {
  if (!status.ok()) Fail(status);
}

class Demo {
 public:
  Demo(Engine& engine, ManualClock& clock, IdGenerator& ids)
      : engine_(engine), clock_(clock), ids_(ids) {}

  PrincipalId AddUser(const std::string& name) {
    Principal p{PrincipalId(ids_.NewGuid()),
                PrincipalKind::kUser,
                name,
                absl::StrCat(name, "@demo.pim"),
                false,
                true};
    Must(engine_.PutPrincipal(Caller::System(), p));
    return p.id;
  }
  PrincipalId AddGroup(const std::string& name, bool assignable) {
    Principal p{PrincipalId(ids_.NewGuid()), PrincipalKind::kGroup, name, "", assignable, true};
    Must(engine_.PutPrincipal(Caller::System(), p));
    return p.id;
  }
  ScheduleRequest Assign(ScheduleKind kind, const PrincipalId& who, const Target& target) {
    RequestInput in;
    in.kind = kind;
    in.principal = who;
    in.target = target;
    in.schedule_info.expiration.type = ExpirationType::kNoExpiration;
    in.justification = "demo tenant setup";
    return Must(engine_.Submit(Caller::System(), in));
  }
  absl::StatusOr<ScheduleRequest> Activate(const PrincipalId& who, const Target& target,
                                           absl::Duration d, std::optional<absl::Time> start = {}) {
    RequestInput in;
    in.principal = who;
    in.target = target;
    in.action = RequestAction::kSelfActivate;
    in.schedule_info = {start, {ExpirationType::kAfterDuration, {}, d}};
    in.justification = "INC-4711: investigate sign-in failures";
    return engine_.Submit(Caller::User(who.str()).WithMfa(clock_.Now()), in);
  }
  void Report(const std::string& who, const PrincipalId& id, const Target& target,
              const std::string& what) {
    const CheckAnswer a = engine_.Check(id.str(), target);
    Say(absl::StrCat("  check(", who, ", ", what, ") = ", a.allowed ? "allowed" : "denied",
                     a.until ? absl::StrCat(" until ", FormatDateTime(*a.until)) : "",
                     a.via_group.empty() ? "" : " (through a group)", "  [revision ", a.revision,
                     "]"));
  }
  void Advance(absl::Duration d) {
    clock_.Advance(d);
    Say(absl::StrCat("-- the demo clock moves to ", FormatDateTime(clock_.Now())));
  }

 private:
  Engine& engine_;
  ManualClock& clock_;
  IdGenerator& ids_;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1]
                                   : (std::filesystem::temp_directory_path() /
                                      absl::StrCat("pim-demo-", absl::ToUnixSeconds(absl::Now())))
                                         .string();
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace);
  const std::string db = dir + "/pim.db";
  std::filesystem::remove(db);

  auto store = Must(SqliteStore::Open(db));
  ManualClock clock(absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())));
  RandomIdGenerator ids;
  auto engine = Must(Engine::Open(*store, clock, ids));
  const int listener = clock.AddListener([&](absl::Time) { Must(engine->RunDue()); });
  Demo demo(*engine, clock, ids);

  Say(absl::StrCat("pim demo tenant in ", db));
  const PrincipalId root = demo.AddUser("root");
  const PrincipalId alice = demo.AddUser("alice");
  const PrincipalId bob = demo.AddUser("bob");
  const PrincipalId carol = demo.AddUser("carol");
  const PrincipalId tier0 = demo.AddGroup("Tier 0 Office Admins", /*assignable=*/true);
  const Target ga = DirectoryRoleTarget(role::kGlobalAdministrator);
  const Target helpdesk = DirectoryRoleTarget(role::kHelpdeskAdministrator);
  const Target exchange = DirectoryRoleTarget(role::kExchangeAdministrator);
  const Target security = DirectoryRoleTarget(role::kSecurityAdministrator);
  const Target tier0_member = GroupTarget(tier0, GroupAccess::kMember);
  demo.Assign(ScheduleKind::kAssignment, root, ga);
  demo.Assign(ScheduleKind::kEligibility, alice, helpdesk);
  demo.Assign(ScheduleKind::kEligibility, bob, security);
  demo.Assign(ScheduleKind::kAssignment, tier0, exchange);
  demo.Assign(ScheduleKind::kAssignment, tier0, helpdesk);
  demo.Assign(ScheduleKind::kEligibility, carol, tier0_member);
  Policy policy = engine->EffectivePolicy(security);
  policy.approval.is_approval_required = true;
  policy.approval.stages.front().primary_approvers = {{ApproverKind::kUser, root.str(), "root"}};
  Must(engine->UpdatePolicy(Caller::System(), policy).status());
  Say("users root (Global Administrator), alice, bob, carol; Security Administrator needs "
      "approval");

  Say("\n1. alice activates Helpdesk Administrator for 2 hours (MFA + justification)");
  const auto a = Must(demo.Activate(alice, helpdesk, absl::Hours(2)));
  Say(absl::StrCat("  request ", a.id.str(), ": ",
                   std::string(kRequestStatusNames.Name(a.status))));
  demo.Report("alice", alice, helpdesk, "Helpdesk Administrator");

  Say("\n2. bob asks for Security Administrator for 9 hours: the policy allows at most 8");
  Say(absl::StrCat("  ", demo.Activate(bob, security, absl::Hours(9)).status().ToString()));

  Say("\n3. bob activates Security Administrator, which needs root's approval");
  const auto b = Must(demo.Activate(bob, security, absl::Hours(4)));
  Say(absl::StrCat("  request: ", std::string(kRequestStatusNames.Name(b.status))));
  Say(absl::StrCat("  bob approving his own request: ",
                   engine->Decide(Caller::User(bob.str()), b.id, true, "me").status().ToString()));
  const auto approved = Must(engine->Decide(Caller::User(root.str()), b.id, true, "CHG-1001"));
  Say(absl::StrCat("  root approves: ", std::string(kRequestStatusNames.Name(approved.status))));
  demo.Report("bob", bob, security, "Security Administrator");

  Say("\n4. carol schedules her Tier 0 membership to start in one hour: one request, two roles");
  const auto c =
      Must(demo.Activate(carol, tier0_member, absl::Hours(1), clock.Now() + absl::Hours(1)));
  Say(absl::StrCat("  request: ", std::string(kRequestStatusNames.Name(c.status))));
  demo.Report("carol", carol, exchange, "Exchange Administrator");
  demo.Advance(absl::Hours(1));
  demo.Report("carol", carol, exchange, "Exchange Administrator");
  demo.Report("carol", carol, helpdesk, "Helpdesk Administrator");

  Say("\n5. time passes; every activation ends exactly on time");
  demo.Advance(absl::Hours(1));
  demo.Report("alice", alice, helpdesk, "Helpdesk Administrator");
  demo.Report("carol", carol, exchange, "Exchange Administrator");
  demo.Advance(absl::Hours(3));
  demo.Report("bob", bob, security, "Security Administrator");

  Say("\n6. nobody can remove the last Global Administrator");
  demo.Advance(absl::Minutes(5));
  RequestInput remove;
  remove.action = RequestAction::kAdminRemove;
  remove.principal = root;
  remove.target = ga;
  Say(absl::StrCat("  ", engine->Submit(Caller::System(), remove).status().ToString()));

  const auto changes = Must(store->ReadChanges(0, 100000));
  Say(absl::StrCat("\n", changes.size(), " change records written; the audit trail is in ", db));
  clock.RemoveListener(listener);
  return 0;
}
