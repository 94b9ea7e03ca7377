// State's schedule table and its secondary indexes: a schedule stored again under its id replaces
// the old one everywhere, whichever overload stores it.
#include "pim/engine/state.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pim {
namespace {

Schedule MakeSchedule(std::string principal, std::string role, std::optional<ScheduleId> basis) {
  Schedule s;
  s.id = ScheduleId("5c1a0c5e-0000-4000-8000-000000000001");
  s.kind = ScheduleKind::kAssignment;
  s.principal = PrincipalId(principal);
  s.target = DirectoryRoleTarget(std::move(role), "/");
  s.created_using = RequestId("req-1");
  s.activated_using = std::move(basis);
  return s;
}

void ExpectOnlyIn(const State& state, const Schedule& expected, const std::string& principal,
                  const Target& object, const std::string& basis) {
  ASSERT_EQ(state.schedules().size(), 1U);
  const Schedule* stored = state.FindSchedule(expected.id.str());
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(*stored, expected);
  EXPECT_EQ(state.SchedulesOfPrincipal(principal), State::ScheduleSet{stored});
  EXPECT_EQ(state.SchedulesOfObject(object), State::ScheduleSet{stored});
  if (!basis.empty()) {
    EXPECT_EQ(state.ActivationsOf(basis), State::ScheduleSet{stored});
  }
}

TEST(StateTest, AScheduleStoredAgainReplacesTheOldOneInEveryIndex) {
  const Schedule first = MakeSchedule("user-a", "role-x", ScheduleId("elig-1"));
  const Schedule second = MakeSchedule("user-b", "role-y", ScheduleId("elig-2"));
  for (const bool by_move : {false, true}) {
    State state;
    state.Put(Entity(first));
    ExpectOnlyIn(state, first, "user-a", first.target, "elig-1");
    if (by_move) {
      state.Put(Entity(Schedule(second)));
    } else {
      state.Put(static_cast<const Entity&>(Entity(second)));
    }
    ExpectOnlyIn(state, second, "user-b", second.target, "elig-2");
    EXPECT_TRUE(state.SchedulesOfPrincipal("user-a").empty()) << by_move;
    EXPECT_TRUE(state.SchedulesOfObject(first.target).empty()) << by_move;
    EXPECT_TRUE(state.ActivationsOf("elig-1").empty()) << by_move;
  }
}

TEST(StateTest, ErasingAScheduleEmptiesItsIndexes) {
  State state;
  const Schedule s = MakeSchedule("user-a", "role-x", ScheduleId("elig-1"));
  state.Put(Entity(s));
  state.Erase(EntityKind::kSchedule, s.id.str());
  EXPECT_TRUE(state.schedules().empty());
  EXPECT_TRUE(state.SchedulesOfPrincipal("user-a").empty());
  EXPECT_TRUE(state.SchedulesOfObject(s.target).empty());
  EXPECT_TRUE(state.ActivationsOf("elig-1").empty());
}

Schedule ScheduleOf(int n, std::string principal) {
  Schedule s = MakeSchedule(std::move(principal), n % 2 == 0 ? "role-x" : "role-y", std::nullopt);
  s.id = ScheduleId(absl::StrCat("sched-", n));
  return s;
}

// A load files schedules under their principals at FinishLoad; afterwards the indexes are the
// same as if every schedule had been stored one by one, including one stored twice in the load.
TEST(StateTest, ALoadFilesEverySchedulesUnderItsPrincipalAtTheEnd) {
  State loaded;
  State one_by_one;
  loaded.BeginLoad();
  loaded.ReserveSchedules(300);
  for (int n = 0; n < 300; ++n) {
    const Schedule s = ScheduleOf(n, absl::StrCat("user-", n % 37));
    loaded.Put(Entity(s));
    one_by_one.Put(Entity(s));
  }
  // Stored again mid-load, under another principal: the earlier version must leave every index.
  const Schedule moved = ScheduleOf(5, "user-moved");
  loaded.Put(Entity(moved));
  one_by_one.Put(Entity(moved));
  for (int n = 300; n < 320; ++n) {
    const Schedule s = ScheduleOf(n, absl::StrCat("user-", n % 37));
    loaded.Put(Entity(s));
    one_by_one.Put(Entity(s));
  }
  loaded.FinishLoad();
  ASSERT_EQ(loaded.schedules().size(), 320U);
  auto ids = [](const State::ScheduleSet& set) {
    std::set<std::string> out;
    for (const Schedule* s : set) out.insert(s->id.str());
    return out;
  };
  for (int p = 0; p < 37; ++p) {
    const std::string principal = absl::StrCat("user-", p);
    EXPECT_EQ(ids(loaded.SchedulesOfPrincipal(principal)),
              ids(one_by_one.SchedulesOfPrincipal(principal)))
        << principal;
    EXPECT_FALSE(loaded.SchedulesOfPrincipal(principal).empty());
    for (const Schedule* s : loaded.SchedulesOfPrincipal(principal)) {
      EXPECT_EQ(s, loaded.FindSchedule(s->id.str()));  // points at the stored schedule
    }
  }
  EXPECT_EQ(ids(loaded.SchedulesOfPrincipal("user-moved")), std::set<std::string>{"sched-5"});
  EXPECT_FALSE(ids(loaded.SchedulesOfPrincipal("user-5")).contains("sched-5"));
  // After the load, changes are filed at once again.
  loaded.Put(Entity(ScheduleOf(999, "user-late")));
  EXPECT_EQ(ids(loaded.SchedulesOfPrincipal("user-late")), std::set<std::string>{"sched-999"});
  loaded.Erase(EntityKind::kSchedule, "sched-999");
  EXPECT_TRUE(loaded.SchedulesOfPrincipal("user-late").empty());
}

}  // namespace
}  // namespace pim
