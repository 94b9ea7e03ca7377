// No command half-applies: when the store fails a commit (or any single write inside one), the
// command returns the error and neither the store nor the engine's state, index or timers
// change; the same command then succeeds.
#include <algorithm>
#include <functional>

#include "engine_fixture.h"
#include "pim/store/fault_injection_store.h"
#include "pim/store/sqlite_store.h"
#include "unit/store/temp_dir.h"

namespace pim::testing {
namespace {

// Everything observable: stored entities, revision, and the engine's view of one target.
struct Observed {
  StoreContents contents;
  Revision revision = 0;
  std::optional<absl::Time> next_due;
  std::vector<bool> holds;
  friend bool operator==(const Observed& a, const Observed& b) {
    return a.contents.revision == b.contents.revision &&
           a.contents.entities == b.contents.entities && a.revision == b.revision &&
           a.next_due == b.next_due && a.holds == b.holds;
  }
};

std::vector<Entity> Sorted(std::vector<Entity> entities) {
  std::sort(entities.begin(), entities.end(), [](const Entity& a, const Entity& b) {
    return std::pair(KindOf(a), KeyOf(a)) < std::pair(KindOf(b), KeyOf(b));
  });
  return entities;
}

class FaultInjectionTest : public EngineTest {
 protected:
  void SetUp() override {
    store_ = std::make_unique<FaultInjectionStore>(base_);
    Open();
    alice_ = AddUser("alice");
    approver_ = AddUser("approver");
    group_ = AddGroup("team");
    ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
  }
  FaultInjectionStore& faults() { return static_cast<FaultInjectionStore&>(*store_); }

  Observed Observe() {
    Observed o;
    auto contents = store_->Load();
    EXPECT_TRUE(contents.ok());
    o.contents = std::move(*contents);
    o.contents.entities = Sorted(std::move(o.contents.entities));
    o.revision = engine_->revision();
    o.next_due = engine_->NextDue();
    for (const auto& t : {Helpdesk(), GroupTarget(group_, GroupAccess::kMember)}) {
      o.holds.push_back(Holds(alice_, t));
    }
    return o;
  }

  // Runs `command` with the next commit failing, checks nothing changed, then runs it again.
  void ExpectAtomic(const std::function<absl::Status()>& command) {
    const Observed before = Observe();
    faults().FailCommitNumber(1);
    EXPECT_EQ(command().code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE(Observe() == before) << "a failed commit left a trace";
    EXPECT_TRUE(command().ok());
    EXPECT_FALSE(Observe() == before);
  }

  MemoryStore base_;
  PrincipalId alice_;
  PrincipalId approver_;
  PrincipalId group_;
};

TEST_F(FaultInjectionTest, ActivationIsAtomic) {
  ExpectAtomic([&] { return Activate(alice_, Helpdesk()).status(); });
  EXPECT_TRUE(Holds(alice_, Helpdesk()));
}

TEST_F(FaultInjectionTest, DeactivationIsAtomic) {
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  clock_.Advance(absl::Minutes(10));
  ExpectAtomic([&] { return Deactivate(alice_, Helpdesk()).status(); });
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(FaultInjectionTest, RemovingAnEligibilityWithItsActivationIsAtomic) {
  ASSERT_TRUE(Activate(alice_, Helpdesk()).ok());
  clock_.Advance(absl::Minutes(10));
  ExpectAtomic([&] {
    return Admin(RequestAction::kAdminRemove, ScheduleKind::kEligibility, alice_, Helpdesk(),
                 Expiration{})
        .status();
  });
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
}

TEST_F(FaultInjectionTest, ApprovalDecisionAndCancelAreAtomic) {
  Policy p = engine_->EffectivePolicy(Helpdesk());
  p.approval.is_approval_required = true;
  p.approval.stages.front().primary_approvers = {{ApproverKind::kUser, approver_.str(), ""}};
  ExpectAtomic([&] { return engine_->UpdatePolicy(Caller::System(), p).status(); });
  auto pending = Activate(alice_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ExpectAtomic([&] { return engine_->Decide(User(approver_), pending->id, true, "ok").status(); });
  EXPECT_TRUE(Holds(alice_, Helpdesk()));

  const PrincipalId bob = AddUser("bob");
  ASSERT_TRUE(MakeEligible(bob, Helpdesk()).ok());
  auto other = Activate(bob, Helpdesk());
  ASSERT_TRUE(other.ok());
  ExpectAtomic([&] { return engine_->Cancel(User(bob), other->id).status(); });
}

TEST_F(FaultInjectionTest, DirectoryChangesAreAtomic) {
  ExpectAtomic([&] {
    return engine_->AddMembership(Caller::System(), {group_, alice_, GroupAccess::kMember});
  });
  ExpectAtomic([&] {
    return engine_->RemoveMembership(Caller::System(), {group_, alice_, GroupAccess::kMember});
  });
}

TEST_F(FaultInjectionTest, AFailedTimerStaysDueAndFiresWhenTheStoreRecovers) {
  ASSERT_TRUE(Activate(alice_, Helpdesk(), absl::Hours(1)).ok());
  clock_.RemoveListener(listener_);
  listener_ = -1;
  faults().FailAllCommits(true);
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(engine_->RunDue().code(), absl::StatusCode::kUnavailable);
  // Checks are exact regardless: the window is compared with the clock.
  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_LE(*engine_->NextDue(), T0() + absl::Hours(1));
  faults().FailAllCommits(false);
  EXPECT_TRUE(engine_->RunDue().ok());
  EXPECT_TRUE(!engine_->NextDue() || *engine_->NextDue() > clock_.Now());
}

// The same guarantee one level down: SQLite fails the k-th single write inside the transaction.
TEST(SqliteFaultInjectionTest, FailingAnyWriteOfAMultiWriteCommandLeavesNoTrace) {
  TempDir dir;
  int fail_at = -1;
  SqliteStoreOptions options;
  options.before_write = [&fail_at](int index) {
    return index == fail_at ? absl::UnavailableError("injected write failure") : absl::OkStatus();
  };
  auto store = SqliteStore::Open(dir.File("pim.db"), options);
  ASSERT_TRUE(store.ok()) << store.status();
  ManualClock clock(T0());
  SequentialIdGenerator ids(1);
  auto engine = Engine::Open(**store, clock, ids);
  ASSERT_TRUE(engine.ok()) << engine.status();
  Engine& e = **engine;

  Principal alice{PrincipalId(ids.NewGuid()), PrincipalKind::kUser, "alice", "", false, true};
  ASSERT_TRUE(e.PutPrincipal(Caller::System(), alice).ok());
  RequestInput assign;
  assign.kind = ScheduleKind::kEligibility;
  assign.principal = alice.id;
  assign.target = DirectoryRoleTarget(role::kHelpdeskAdministrator);
  assign.schedule_info.expiration.type = ExpirationType::kNoExpiration;
  ASSERT_TRUE(e.Submit(Caller::System(), assign).ok());
  RequestInput activate = assign;
  activate.kind = ScheduleKind::kAssignment;
  activate.action = RequestAction::kSelfActivate;
  activate.schedule_info.expiration = {ExpirationType::kAfterDuration, {}, absl::Hours(1)};
  activate.justification = "incident";
  ASSERT_TRUE(e.Submit(Caller::User(alice.id.str()).WithMfa(clock.Now()), activate).ok());
  clock.Advance(absl::Minutes(10));

  // Removing the eligibility deletes it and its activation, records the request and the change.
  RequestInput remove = assign;
  remove.action = RequestAction::kAdminRemove;
  const auto before = (*store)->Load();
  ASSERT_TRUE(before.ok());
  const Revision revision = e.revision();
  absl::Status status;
  for (fail_at = 0; fail_at < 50; ++fail_at) {
    status = e.Submit(Caller::System(), remove).status();
    if (status.ok()) break;
    ASSERT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
    const auto after = (*store)->Load();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->revision, before->revision) << "write " << fail_at;
    EXPECT_EQ(Sorted(after->entities), Sorted(before->entities)) << "write " << fail_at;
    EXPECT_EQ(e.revision(), revision);
    EXPECT_TRUE(e.Check(alice.id.str(), assign.target).allowed);
  }
  ASSERT_TRUE(status.ok());
  EXPECT_GE(fail_at, 4) << "the command should have taken several writes";
  EXPECT_FALSE(e.Check(alice.id.str(), assign.target).allowed);
}

}  // namespace
}  // namespace pim::testing
