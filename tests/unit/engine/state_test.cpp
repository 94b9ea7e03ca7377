// State's schedule table and its secondary indexes: a schedule stored again under its id replaces
// the old one everywhere, whichever overload stores it.
#include "pim/engine/state.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>

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
                  const std::string& object_key, const std::string& basis) {
  ASSERT_EQ(state.schedules().size(), 1U);
  const Schedule* stored = state.FindSchedule(expected.id.str());
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(*stored, expected);
  EXPECT_EQ(state.SchedulesOfPrincipal(principal), State::ScheduleSet{stored});
  EXPECT_EQ(state.SchedulesOfObject(object_key), State::ScheduleSet{stored});
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
    ExpectOnlyIn(state, first, "user-a", first.target.ObjectKey(), "elig-1");
    if (by_move) {
      state.Put(Entity(Schedule(second)));
    } else {
      state.Put(static_cast<const Entity&>(Entity(second)));
    }
    ExpectOnlyIn(state, second, "user-b", second.target.ObjectKey(), "elig-2");
    EXPECT_TRUE(state.SchedulesOfPrincipal("user-a").empty()) << by_move;
    EXPECT_TRUE(state.SchedulesOfObject(first.target.ObjectKey()).empty()) << by_move;
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
  EXPECT_TRUE(state.SchedulesOfObject(s.target.ObjectKey()).empty());
  EXPECT_TRUE(state.ActivationsOf("elig-1").empty());
}

}  // namespace
}  // namespace pim
