// Readers, writers and the clock at once, in no fixed order: commands commit while other threads
// check access and the clock fires expiries. Every answer must be one the committed state allows:
// revisions never go back for a reader, a grant is never reported past its end, and a committed
// activation that has not ended is always seen. The interleavings differ from run to run; what
// is asserted does not. Under ThreadSanitizer (scripts/tsan, in CI) this is also the engine's
// race test.
#include <algorithm>
#include <array>
#include <atomic>
#include <thread>
#include <vector>

#include "engine_fixture.h"

namespace pim::testing {
namespace {

constexpr std::size_t kWriters = 2;
constexpr std::size_t kUsersPerWriter = 24;
constexpr std::size_t kReaders = 2;
constexpr int kClockSteps = 90;  // minutes; activations last 30, so most end during the run
constexpr absl::Duration kActivation = absl::Minutes(30);

class ConcurrentAccessTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    office_ = AddGroup("tier1-office", /*assignable=*/true);
    ASSERT_TRUE(MakeActive(office_, UserAdmin()).ok());
    for (std::size_t i = 0; i < kWriters * kUsersPerWriter; ++i) {
      users_.push_back(AddUser("user" + std::to_string(i)));
      // Even users activate Helpdesk Administrator themselves; odd ones activate membership of
      // the office, which holds User Administrator.
      ASSERT_TRUE(MakeEligible(users_.back(), TargetOf(i)).ok());
    }
  }

  static Target UserAdmin() { return DirectoryRoleTarget(role::kUserAdministrator, "/"); }
  [[nodiscard]] Target TargetOf(std::size_t user) const {
    return user % 2 == 0 ? Helpdesk() : GroupTarget(office_, GroupAccess::kMember);
  }
  // What a user's check asks about: the role their activation reaches.
  [[nodiscard]] static Target CheckedTarget(std::size_t user) {
    return user % 2 == 0 ? Helpdesk() : UserAdmin();
  }

  PrincipalId office_;
  std::vector<PrincipalId> users_;
};

TEST_F(ConcurrentAccessTest, ReadersSeeOnlyCommittedStateWhileCommandsAndExpiriesRun) {
  const std::size_t user_count = users_.size();
  // Per user, once its activation has committed: a lower bound of its end (Unix ns); 0 before.
  std::vector<std::atomic<std::int64_t>> committed_end(users_.size());
  std::atomic<std::size_t> writers_done{0};
  std::atomic<bool> clock_done{false};
  std::array<int, kWriters> activated{};

  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (std::size_t k = 0; k < kUsersPerWriter; ++k) {
        const std::size_t u = w * kUsersPerWriter + k;
        const absl::Time before = clock_.Now();
        const auto request =
            Self(RequestAction::kSelfActivate, users_[u], TargetOf(u), For(kActivation));
        if (!request.ok()) continue;
        ++activated[w];
        committed_end[u].store(absl::ToUnixNanos(before + kActivation), std::memory_order_release);
      }
      writers_done.fetch_add(1);
    });
  }
  threads.emplace_back([&] {
    for (int step = 0; step < kClockSteps; ++step) {
      clock_.Advance(absl::Minutes(1));
      std::this_thread::yield();
    }
    clock_done = true;
  });

  struct ReaderTally {
    int checks = 0;
    int revision_went_back = 0;
    int allowed_past_end = 0;
    int committed_not_seen = 0;
    int batch_mixed_revisions = 0;
  };
  std::array<ReaderTally, kReaders> tallies{};
  for (std::size_t r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      ReaderTally& tally = tallies[r];
      Revision last = 0;
      std::size_t u = r;
      while (writers_done.load() < kWriters || !clock_done.load() || tally.checks < 100) {
        u = (u + 7) % user_count;
        const std::int64_t end = committed_end[u].load(std::memory_order_acquire);
        const Target target = CheckedTarget(u);
        const absl::Time before = clock_.Now();
        const CheckAnswer answer = engine_->Check(users_[u].str(), target);
        const absl::Time after = clock_.Now();
        ++tally.checks;
        if (answer.revision < last) ++tally.revision_went_back;
        last = answer.revision;
        if (answer.allowed && answer.until && *answer.until <= before) ++tally.allowed_past_end;
        if (end != 0 && after < absl::FromUnixNanos(end) && !answer.allowed) {
          ++tally.committed_not_seen;
        }
        // A batch is answered at one revision; the group's members and holders stay readable.
        const std::string user_text = users_[u].str();
        const std::string office_text = office_.str();
        const std::array<CheckQuery, 2> batch = {CheckQuery{user_text, &target},
                                                 CheckQuery{office_text, &target}};
        const std::vector<CheckAnswer> answers = engine_->CheckAll(batch);
        if (answers.size() != 2 || answers[0].revision != answers[1].revision) {
          ++tally.batch_mixed_revisions;
        }
        (void)engine_->GrantsOf(users_[u].str());
        (void)engine_->HoldersOf(target);
        (void)engine_->RequestsOf(users_[u]);
      }
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(static_cast<std::size_t>(activated[0] + activated[1]), user_count);
  for (std::size_t r = 0; r < kReaders; ++r) {
    SCOPED_TRACE("reader " + std::to_string(r));
    EXPECT_GE(tallies[r].checks, 100);
    EXPECT_EQ(tallies[r].revision_went_back, 0);
    EXPECT_EQ(tallies[r].allowed_past_end, 0);
    EXPECT_EQ(tallies[r].committed_not_seen, 0);
    EXPECT_EQ(tallies[r].batch_mixed_revisions, 0);
  }
  // Every activation ends on time, whatever order things ran in.
  clock_.Advance(kActivation + absl::Minutes(1));
  for (std::size_t u = 0; u < user_count; ++u) {
    EXPECT_FALSE(Holds(users_[u], CheckedTarget(u))) << "user " << u;
    const auto requests = engine_->RequestsOf(users_[u]);
    EXPECT_EQ(std::count_if(requests.begin(), requests.end(),
                            [](const ScheduleRequest& r) {
                              return r.action == RequestAction::kSelfActivate;
                            }),
              1)
        << "user " << u;
  }
  EXPECT_TRUE(engine_->HoldersOf(Helpdesk()).empty());
  // The office itself keeps its standing role; no member is left in it.
  EXPECT_EQ(engine_->HoldersOf(UserAdmin()), std::vector<std::string>{office_.str()});
}

}  // namespace
}  // namespace pim::testing
