// Durability: a new engine opened on the same SQLite database reproduces the exact state, index
// and pending timers, and first applies whatever fell due while it was down.
#include <algorithm>
#include <span>
#include <utility>
#include <vector>

#include "engine_fixture.h"
#include "pim/store/sqlite_store.h"
#include "unit/store/temp_dir.h"

namespace pim::testing {
namespace {

class RestartTest : public EngineTest {
 protected:
  void SetUp() override {
    store_.reset();
    ReopenStore();
    Open();
    alice_ = AddUser("alice");
    bob_ = AddUser("bob");
    ASSERT_TRUE(MakeEligible(alice_, Helpdesk()).ok());
    ASSERT_TRUE(MakeEligible(bob_, Helpdesk()).ok());
  }
  void ReopenStore() {
    engine_.reset();
    store_.reset();
    auto store = SqliteStore::Open(dir_.File("pim.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  // Closes everything and opens a fresh store and engine on the same file.
  void Restart() {
    ReopenStore();
    Open();
  }
  std::vector<ChangeRecord> Changes() {
    auto changes = store_->ReadChanges(0, 100000);
    EXPECT_TRUE(changes.ok()) << changes.status();
    return *changes;
  }

  TempDir dir_;
  PrincipalId alice_;
  PrincipalId bob_;
};

TEST_F(RestartTest, ReopenedEngineHasTheSameStateIndexAndTimers) {
  ASSERT_TRUE(Activate(alice_, Helpdesk(), absl::Hours(2)).ok());
  auto scheduled = Activate(bob_, Helpdesk(), absl::Hours(1), T0() + absl::Hours(3));
  ASSERT_TRUE(scheduled.ok());
  const Revision revision = engine_->revision();
  const auto next_due = engine_->NextDue();
  const auto alice_schedules = engine_->SchedulesOf(alice_);
  const auto answer = engine_->Check(alice_.str(), Helpdesk());

  Restart();
  EXPECT_EQ(engine_->revision(), revision);
  EXPECT_EQ(engine_->NextDue(), next_due);
  auto reloaded = engine_->SchedulesOf(alice_);
  auto by_id = [](const Schedule& a, const Schedule& b) { return a.id < b.id; };
  auto expected = alice_schedules;
  std::sort(reloaded.begin(), reloaded.end(), by_id);
  std::sort(expected.begin(), expected.end(), by_id);
  EXPECT_EQ(reloaded, expected);
  const auto again = engine_->Check(alice_.str(), Helpdesk());
  EXPECT_EQ(again.allowed, answer.allowed);
  EXPECT_EQ(again.granted_by, answer.granted_by);
  EXPECT_EQ(again.until, answer.until);
  EXPECT_EQ(engine_->GetRequest(scheduled->id), *scheduled);

  // The reloaded timers still fire exactly.
  clock_.SetTime(T0() + absl::Hours(3));
  EXPECT_TRUE(Holds(bob_, Helpdesk()));
  clock_.SetTime(T0() + absl::Hours(4));
  EXPECT_FALSE(Holds(bob_, Helpdesk()));
}

TEST_F(RestartTest, WhatFellDueWhileDownIsAppliedFirstAtItsOwnTime) {
  ASSERT_TRUE(Activate(alice_, Helpdesk(), absl::Hours(1)).ok());
  auto scheduled = Activate(bob_, Helpdesk(), absl::Hours(1), T0() + absl::Minutes(30));
  ASSERT_TRUE(scheduled.ok());
  engine_.reset();  // down
  clock_.SetTime(T0() + absl::Hours(5));
  Restart();

  EXPECT_FALSE(Holds(alice_, Helpdesk()));
  EXPECT_FALSE(Holds(bob_, Helpdesk()));
  EXPECT_FALSE(engine_->NextDue().has_value() && *engine_->NextDue() <= clock_.Now());
  std::vector<std::pair<std::string, absl::Time>> timed;
  for (const auto& r : Changes()) {
    if (r.event.rfind("schedule.", 0) == 0) timed.emplace_back(r.event, r.at);
  }
  const std::vector<std::pair<std::string, absl::Time>> want = {
      {"schedule.started", T0() + absl::Minutes(30)},
      {"schedule.expired", T0() + absl::Hours(1)},
      {"schedule.expired", T0() + absl::Minutes(90)}};
  EXPECT_EQ(timed, want);
  EXPECT_EQ(engine_->GetRequest(scheduled->id)->status, RequestStatus::kProvisioned);
}

TEST_F(RestartTest, PendingApprovalSurvivesARestartAndStillTimesOut) {
  const PrincipalId approver = AddUser("approver");
  Policy p = engine_->EffectivePolicy(Helpdesk());
  p.approval.is_approval_required = true;
  p.approval.stages.front().primary_approvers = {{ApproverKind::kUser, approver.str(), ""}};
  ASSERT_TRUE(engine_->UpdatePolicy(Caller::System(), p).ok());
  auto pending = Activate(alice_, Helpdesk());
  ASSERT_TRUE(pending.ok()) << pending.status();
  ASSERT_EQ(pending->status, RequestStatus::kPendingApproval);

  Restart();
  EXPECT_TRUE(engine_->EffectivePolicy(Helpdesk()).approval.is_approval_required);
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(engine_->GetRequest(pending->id)->status, RequestStatus::kTimedOut);
}

// A store that hands entities to Add without showing them to Observe: the index and the timers
// would stay empty (nobody would have access, nothing would expire), so the engine refuses it.
class AddOnlyStore final : public Store {
 public:
  explicit AddOnlyStore(Store& base) : base_(base) {}
  absl::StatusOr<Revision> LoadInto(EntitySink& sink) override {
    absl::StatusOr<StoreContents> contents = base_.Load();
    if (!contents.ok()) return contents.status();
    for (Entity& entity : contents->entities) sink.Add(std::move(entity));
    return contents->revision;
  }
  absl::Status Commit(std::span<const ChangeRecord> records) override {
    return base_.Commit(records);
  }
  absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(Revision after,
                                                        std::size_t limit) override {
    return base_.ReadChanges(after, limit);
  }

 private:
  Store& base_;
};

TEST_F(RestartTest, AStoreThatSkipsObserveIsRefused) {
  engine_.reset();
  AddOnlyStore add_only(*store_);
  auto refused = Engine::Open(add_only, clock_, ids_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(Engine::Open(*store_, clock_, ids_).ok());  // the store itself is fine
}

}  // namespace
}  // namespace pim::testing
