// Group commit: commands planned while another command's commit is in flight are committed
// together in the next Store::Commit; readers see only durable revisions meanwhile; a failed
// commit abandons everything staged after the last durable revision, and nothing of it remains.
#include <algorithm>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "engine_fixture.h"

namespace pim::testing {
namespace {

// Passes through to a MemoryStore; records the size of every commit; can hold the next commit
// until released (and then fail it).
class GatedStore final : public Store {
 public:
  // The next Commit() blocks until Release(); `entered` is notified when it starts waiting.
  void HoldNextCommit(bool fail) {
    absl::MutexLock lock(&mu_);
    hold_ = true;
    fail_held_ = fail;
    released_ = false;
    entered_ = false;
  }
  void AwaitHeld() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&entered_));
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    released_ = true;
  }
  std::vector<std::size_t> commit_sizes() {
    absl::MutexLock lock(&mu_);
    return sizes_;
  }

  absl::StatusOr<Revision> LoadInto(EntitySink& sink) override { return base_.LoadInto(sink); }
  absl::Status Commit(std::span<const ChangeRecord> records) override {
    bool fail = false;
    {
      absl::MutexLock lock(&mu_);
      if (hold_) {
        hold_ = false;
        entered_ = true;
        mu_.Await(absl::Condition(&released_));
        fail = fail_held_;
      }
      sizes_.push_back(records.size());
    }
    if (fail) return absl::UnavailableError("injected: disk gone");
    return base_.Commit(records);
  }
  absl::StatusOr<std::vector<ChangeRecord>> ReadChanges(Revision after,
                                                        std::size_t limit) override {
    return base_.ReadChanges(after, limit);
  }

 private:
  MemoryStore base_;
  absl::Mutex mu_;
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  bool fail_held_ ABSL_GUARDED_BY(mu_) = false;
  bool entered_ ABSL_GUARDED_BY(mu_) = false;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::size_t> sizes_ ABSL_GUARDED_BY(mu_);
};

class GroupCommitTest : public EngineTest {
 protected:
  void SetUp() override {
    store_ = std::make_unique<GatedStore>();
    Open();
    for (int i = 0; i < 3; ++i) {
      users_.push_back(AddUser("user" + std::to_string(i)));
      ASSERT_TRUE(MakeEligible(users_.back(), Helpdesk()).ok());
    }
  }
  GatedStore& gate() { return static_cast<GatedStore&>(*store_); }

  // Blocks until `who` has `requests` requests in the engine, staged ones included (entity
  // reads show a staged command at once).
  void AwaitStaged(const PrincipalId& who, std::size_t requests) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (engine_->RequestsOf(who).size() < requests) {
      ASSERT_LT(absl::Now(), deadline) << "the command was never staged";
      std::this_thread::yield();
    }
  }

  std::vector<PrincipalId> users_;
};

TEST_F(GroupCommitTest, CommandsQueuedBehindACommitShareTheNextOne) {
  const std::size_t commits_before = gate().commit_sizes().size();
  const Revision durable = engine_->revision();
  gate().HoldNextCommit(/*fail=*/false);

  std::vector<absl::StatusOr<ScheduleRequest>> results(3, absl::UnknownError("not run"));
  std::thread first([&] { results[0] = Activate(users_[0], Helpdesk()); });
  gate().AwaitHeld();
  std::thread second([&] { results[1] = Activate(users_[1], Helpdesk()); });
  std::thread third([&] { results[2] = Activate(users_[2], Helpdesk()); });
  AwaitStaged(users_[1], 2);
  AwaitStaged(users_[2], 2);

  // Nothing is durable yet, so no reader sees any of the three.
  EXPECT_EQ(engine_->revision(), durable);
  for (const PrincipalId& user : users_) EXPECT_FALSE(Holds(user, Helpdesk())) << user.str();

  gate().Release();
  first.join();
  second.join();
  third.join();
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.status();
  for (const PrincipalId& user : users_) EXPECT_TRUE(Holds(user, Helpdesk())) << user.str();

  // One commit for the first command, one for the two planned while it was in flight.
  const std::vector<std::size_t> sizes = gate().commit_sizes();
  ASSERT_EQ(sizes.size(), commits_before + 2);
  EXPECT_EQ(sizes[commits_before], 1U);
  EXPECT_EQ(sizes[commits_before + 1], 2U);
  EXPECT_EQ(engine_->revision(), durable + 3);
  auto log = store_->ReadChanges(durable, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 3U);
  for (std::size_t i = 0; i < log->size(); ++i) {
    EXPECT_EQ((*log)[i].revision, durable + 1 + static_cast<Revision>(i));
  }
}

TEST_F(GroupCommitTest, AStagedRemovalStillGrantsUntilDurable) {
  ASSERT_TRUE(Activate(users_[0], Helpdesk()).ok());
  clock_.Advance(absl::Minutes(6));  // past the five-minute minimum
  gate().HoldNextCommit(/*fail=*/false);
  absl::StatusOr<ScheduleRequest> result = absl::UnknownError("not run");
  std::thread deactivate([&] { result = Deactivate(users_[0], Helpdesk()); });
  gate().AwaitHeld();

  EXPECT_TRUE(Holds(users_[0], Helpdesk()));
  EXPECT_FALSE(engine_->GrantsOf(users_[0].str()).empty());
  gate().Release();
  deactivate.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(Holds(users_[0], Helpdesk()));
  EXPECT_TRUE(engine_->GrantsOf(users_[0].str()).empty());
}

TEST_F(GroupCommitTest, AFailedCommitAbandonsEverythingStagedAfterIt) {
  auto before = store_->Load();
  ASSERT_TRUE(before.ok());
  const Revision durable = engine_->revision();
  gate().HoldNextCommit(/*fail=*/true);

  std::vector<absl::StatusOr<ScheduleRequest>> results(2, absl::UnknownError("not run"));
  std::thread first([&] { results[0] = Activate(users_[0], Helpdesk()); });
  gate().AwaitHeld();
  // Planned on top of the first, so it cannot outlive it.
  std::thread second([&] { results[1] = Activate(users_[1], Helpdesk()); });
  AwaitStaged(users_[1], 2);
  gate().Release();
  first.join();
  second.join();

  for (const auto& r : results) EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(engine_->revision(), durable);
  for (const PrincipalId& user : users_) {
    EXPECT_FALSE(Holds(user, Helpdesk()));
    EXPECT_TRUE(engine_->RequestsOf(user).size() == 1U) << "only the eligibility request remains";
  }
  auto after = store_->Load();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->revision, before->revision);
  EXPECT_EQ(after->entities.size(), before->entities.size());

  // The same commands then succeed, numbered straight after the last durable revision.
  ASSERT_TRUE(Activate(users_[0], Helpdesk()).ok());
  ASSERT_TRUE(Activate(users_[1], Helpdesk()).ok());
  EXPECT_EQ(engine_->revision(), durable + 2);
  EXPECT_TRUE(Holds(users_[0], Helpdesk()));
  EXPECT_TRUE(Holds(users_[1], Helpdesk()));
}

TEST_F(GroupCommitTest, ARefusedCommandDoesNotWaitForOthersNorShareTheirFailure) {
  const PrincipalId stranger = AddUser("stranger");  // eligible for nothing
  gate().HoldNextCommit(/*fail=*/true);
  absl::StatusOr<ScheduleRequest> held = absl::UnknownError("not run");
  std::thread first([&] { held = Activate(users_[0], Helpdesk()); });
  gate().AwaitHeld();

  // Returns its own refusal at once, while the first command's commit is still in flight.
  EXPECT_ERROR(Activate(stranger, Helpdesk()), absl::StatusCode::kInvalidArgument,
               code::kPolicyValidationFailed);
  gate().Release();
  first.join();
  EXPECT_EQ(held.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(GroupCommitTest, AwaitRevisionReturnsOnlyOnceTheRevisionIsDurable) {
  const Revision durable = engine_->revision();
  // Not reached: returns the current revision when the timeout passes.
  EXPECT_EQ(engine_->AwaitRevision(durable + 1, absl::ZeroDuration()), durable);

  gate().HoldNextCommit(/*fail=*/false);
  absl::StatusOr<ScheduleRequest> result = absl::UnknownError("not run");
  std::thread activate([&] { result = Activate(users_[0], Helpdesk()); });
  gate().AwaitHeld();
  Revision reached = 0;
  absl::Notification returned;
  std::thread waiter([&] {
    reached = engine_->AwaitRevision(durable + 1, absl::Seconds(60));
    returned.Notify();
  });
  // Staged, not durable: not reached, and the waiter is still waiting.
  EXPECT_EQ(engine_->AwaitRevision(durable + 1, absl::ZeroDuration()), durable);
  EXPECT_FALSE(returned.HasBeenNotified());
  gate().Release();
  activate.join();
  waiter.join();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(reached, durable + 1);
}

TEST_F(GroupCommitTest, CheckAllAnswersEveryQueryAtTheDurableRevision) {
  ASSERT_TRUE(Activate(users_[0], Helpdesk()).ok());
  const Revision durable = engine_->revision();
  gate().HoldNextCommit(/*fail=*/false);
  absl::StatusOr<ScheduleRequest> result = absl::UnknownError("not run");
  std::thread activate([&] { result = Activate(users_[1], Helpdesk()); });
  gate().AwaitHeld();

  const Target helpdesk = Helpdesk();
  const std::string ids[] = {users_[0].str(), users_[1].str(), users_[2].str()};
  const std::vector<CheckQuery> queries = {
      {ids[0], &helpdesk}, {ids[1], &helpdesk}, {ids[2], &helpdesk}};
  std::vector<CheckAnswer> answers = engine_->CheckAll(queries);
  ASSERT_EQ(answers.size(), 3U);
  EXPECT_TRUE(answers[0].allowed);
  EXPECT_FALSE(answers[1].allowed) << "staged, not durable";
  EXPECT_FALSE(answers[2].allowed);
  for (const CheckAnswer& a : answers) EXPECT_EQ(a.revision, durable);
  // The same answer, field by field, as a single check.
  const CheckAnswer single = engine_->Check(users_[0].str(), helpdesk);
  EXPECT_EQ(answers[0].granted_by, single.granted_by);
  EXPECT_EQ(answers[0].until, single.until);
  EXPECT_FALSE(answers[0].granted_by.empty());

  gate().Release();
  activate.join();
  ASSERT_TRUE(result.ok()) << result.status();
  answers = engine_->CheckAll(queries);
  EXPECT_TRUE(answers[1].allowed);
  for (const CheckAnswer& a : answers) EXPECT_EQ(a.revision, durable + 1);
  EXPECT_TRUE(engine_->CheckAll({}).empty());
}

}  // namespace
}  // namespace pim::testing
