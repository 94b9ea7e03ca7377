// The scheduler thread fires timers when the clock reaches them; it is woken by commits that
// change the earliest timer and by the manual clock. No sleeps: the test waits for the engine
// to reach a revision (an event), with a generous bound.
#include "pim/engine/scheduler_thread.h"

#include "engine_fixture.h"

namespace pim::testing {
namespace {

class SchedulerThreadTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    // The thread, not the fixture's synchronous listener, fires the timers here.
    clock_.RemoveListener(listener_);
    listener_ = -1;
    scheduler_ = std::make_unique<SchedulerThread>(*engine_, clock_);
    wake_ = clock_.AddListener([this](absl::Time) { scheduler_->Wake(); });
  }
  void TearDown() override {
    clock_.RemoveListener(wake_);
    scheduler_.reset();
    EngineTest::TearDown();
  }
  std::unique_ptr<SchedulerThread> scheduler_;
  int wake_ = -1;
};

TEST_F(SchedulerThreadTest, ExpiresAnActivationWhenTheClockReachesItsEnd) {
  const PrincipalId alice = AddUser("alice");
  ASSERT_TRUE(MakeEligible(alice, Helpdesk()).ok());
  auto r = Activate(alice, Helpdesk(), absl::Hours(1));
  ASSERT_TRUE(r.ok());
  const Revision before = engine_->revision();

  clock_.Advance(absl::Minutes(59));
  EXPECT_TRUE(engine_->GetSchedule(*r->target_schedule).has_value());
  clock_.Advance(absl::Minutes(1));
  EXPECT_GT(engine_->AwaitRevision(before + 1, absl::Seconds(30)), before);
  EXPECT_FALSE(engine_->GetSchedule(*r->target_schedule).has_value());
  EXPECT_EQ(scheduler_->errors(), 0);
}

TEST_F(SchedulerThreadTest, ScheduledActivationStartsWithoutAnyOtherCommand) {
  const PrincipalId alice = AddUser("alice");
  ASSERT_TRUE(MakeEligible(alice, Helpdesk()).ok());
  auto r = Activate(alice, Helpdesk(), absl::Hours(1), T0() + absl::Hours(2));
  ASSERT_TRUE(r.ok());
  const Revision before = engine_->revision();
  clock_.SetTime(T0() + absl::Hours(2));
  engine_->AwaitRevision(before + 1, absl::Seconds(30));
  EXPECT_EQ(engine_->GetRequest(r->id)->status, RequestStatus::kProvisioned);
}

}  // namespace
}  // namespace pim::testing
