// Test fixture for the engine: an in-memory store, a manual clock wired to fire timers, and
// helpers that build a small directory. Tests never sleep; they move the clock.
#pragma once

#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "pim/domain/iso8601.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/status.h"
#include "pim/engine/engine.h"
#include "pim/engine/manual_clock.h"
#include "pim/store/memory_store.h"

namespace pim::testing {

// Asserts a status (or StatusOr) failed with `canonical` and machine `code`.
#define EXPECT_ERROR(expr, canonical, code_value)           \
  do {                                                      \
    const absl::Status _s = ::pim::testing::StatusOf(expr); \
    EXPECT_EQ(_s.code(), canonical) << _s;                  \
    EXPECT_EQ(::pim::ErrorCodeOf(_s), code_value) << _s;    \
  } while (false)

inline absl::Status StatusOf(const absl::Status& s) { return s; }
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

inline absl::Time T0() {
  return absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0), absl::UTCTimeZone());
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override {
    if (listener_ >= 0) clock_.RemoveListener(listener_);
  }

  // (Re)opens the engine on the fixture's store.
  void Open() {
    if (listener_ >= 0) clock_.RemoveListener(listener_);
    engine_.reset();
    auto engine = Engine::Open(*store_, clock_, ids_);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    listener_ = clock_.AddListener([this](absl::Time) {
      if (engine_) {
        ASSERT_TRUE(engine_->RunDue().ok());
      }
    });
  }

  std::string NewId() { return ids_.NewGuid(); }

  PrincipalId AddPrincipal(PrincipalKind kind, const std::string& name, bool assignable = false) {
    Principal p;
    p.id = PrincipalId(NewId());
    p.kind = kind;
    p.display_name = name;
    p.is_assignable_to_role = assignable;
    EXPECT_TRUE(engine_->PutPrincipal(Caller::System(), p).ok());
    return p.id;
  }
  PrincipalId AddUser(const std::string& name) { return AddPrincipal(PrincipalKind::kUser, name); }
  PrincipalId AddGroup(const std::string& name, bool assignable = false) {
    return AddPrincipal(PrincipalKind::kGroup, name, assignable);
  }

  static Expiration For(absl::Duration d) {
    return Expiration{ExpirationType::kAfterDuration, std::nullopt, d};
  }
  static Expiration Permanent() { return Expiration{ExpirationType::kNoExpiration, {}, {}}; }
  static Expiration Until(absl::Time t) {
    return Expiration{ExpirationType::kAfterDateTime, t, {}};
  }

  // An admin request made by the system caller.
  absl::StatusOr<ScheduleRequest> Admin(RequestAction action, ScheduleKind kind,
                                        const PrincipalId& who, const Target& target,
                                        Expiration expiration = Permanent(),
                                        std::optional<absl::Time> start = std::nullopt,
                                        const Caller& caller = Caller::System()) {
    RequestInput in;
    in.kind = kind;
    in.action = action;
    in.principal = who;
    in.target = target;
    in.schedule_info = ScheduleInfo{start, expiration};
    in.justification = "admin change";
    return engine_->Submit(caller, in);
  }
  absl::StatusOr<ScheduleRequest> MakeEligible(const PrincipalId& who, const Target& target,
                                               Expiration expiration = Permanent()) {
    return Admin(RequestAction::kAdminAssign, ScheduleKind::kEligibility, who, target, expiration);
  }
  absl::StatusOr<ScheduleRequest> MakeActive(const PrincipalId& who, const Target& target,
                                             Expiration expiration = Permanent()) {
    return Admin(RequestAction::kAdminAssign, ScheduleKind::kAssignment, who, target, expiration);
  }

  // The input of a self request by `who`, with a justification.
  static RequestInput SelfInput(RequestAction action, const PrincipalId& who, const Target& target,
                                Expiration expiration = For(absl::Hours(1)),
                                std::optional<absl::Time> start = std::nullopt,
                                ScheduleKind kind = ScheduleKind::kAssignment) {
    RequestInput in;
    in.kind = kind;
    in.action = action;
    in.principal = who;
    in.target = target;
    in.schedule_info = ScheduleInfo{start, expiration};
    in.justification = "incident INC-1";
    return in;
  }
  // A self request by `who`, with MFA done just now and a justification.
  absl::StatusOr<ScheduleRequest> Self(RequestAction action, const PrincipalId& who,
                                       const Target& target,
                                       Expiration expiration = For(absl::Hours(1)),
                                       std::optional<absl::Time> start = std::nullopt,
                                       ScheduleKind kind = ScheduleKind::kAssignment) {
    return engine_->Submit(User(who), SelfInput(action, who, target, expiration, start, kind));
  }
  absl::StatusOr<ScheduleRequest> Activate(const PrincipalId& who, const Target& target,
                                           absl::Duration d = absl::Hours(1),
                                           std::optional<absl::Time> start = std::nullopt) {
    return Self(RequestAction::kSelfActivate, who, target, For(d), start);
  }
  absl::StatusOr<ScheduleRequest> Deactivate(const PrincipalId& who, const Target& target) {
    return Self(RequestAction::kSelfDeactivate, who, target, Expiration{});
  }

  Caller User(const PrincipalId& who) { return Caller::User(who.str()).WithMfa(clock_.Now()); }
  bool Holds(const PrincipalId& who, const Target& target) {
    return engine_->Check(who.str(), target).allowed;
  }

  static Target GA() { return DirectoryRoleTarget(role::kGlobalAdministrator, "/"); }
  static Target PRA() { return DirectoryRoleTarget(role::kPrivilegedRoleAdministrator, "/"); }
  static Target Helpdesk() { return DirectoryRoleTarget(role::kHelpdeskAdministrator, "/"); }

  ManualClock clock_{T0()};
  SequentialIdGenerator ids_{1000};
  std::unique_ptr<Store> store_ = std::make_unique<MemoryStore>();
  std::unique_ptr<Engine> engine_;
  int listener_ = -1;
};

}  // namespace pim::testing
