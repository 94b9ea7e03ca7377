// Schedules: an eligibility (principal may activate target) or an active assignment
// (principal holds target), each over a window [start, end) or permanently.
#pragma once

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "pim/domain/enum_table.h"
#include "pim/domain/ids.h"
#include "pim/domain/target.h"

namespace pim {

enum class ExpirationType { kNotSpecified, kNoExpiration, kAfterDateTime, kAfterDuration };
inline constexpr auto kExpirationTypeNames = MakeEnumTable<ExpirationType>(
    std::pair{ExpirationType::kNotSpecified, std::string_view("notSpecified")},
    std::pair{ExpirationType::kNoExpiration, std::string_view("noExpiration")},
    std::pair{ExpirationType::kAfterDateTime, std::string_view("afterDateTime")},
    std::pair{ExpirationType::kAfterDuration, std::string_view("afterDuration")});

// `expirationPattern`: `end` only with kAfterDateTime, `duration` only with kAfterDuration.
struct Expiration {
  ExpirationType type = ExpirationType::kNotSpecified;
  std::optional<absl::Time> end;
  std::optional<absl::Duration> duration;
  friend bool operator==(const Expiration&, const Expiration&) = default;
};

// `requestSchedule` as sent by a client: no start means "now".
struct ScheduleInfo {
  std::optional<absl::Time> start;
  Expiration expiration;
  friend bool operator==(const ScheduleInfo&, const ScheduleInfo&) = default;
};

enum class ScheduleKind { kEligibility, kAssignment };
inline constexpr auto kScheduleKindNames = MakeEnumTable<ScheduleKind>(
    std::pair{ScheduleKind::kEligibility, std::string_view("eligibility")},
    std::pair{ScheduleKind::kAssignment, std::string_view("assignment")});

// How an active assignment came to be: given by an admin, or activated from an eligibility.
enum class AssignmentType { kAssigned, kActivated };
inline constexpr auto kAssignmentTypeNames = MakeEnumTable<AssignmentType>(
    std::pair{AssignmentType::kAssigned, std::string_view("Assigned")},
    std::pair{AssignmentType::kActivated, std::string_view("Activated")});

// Where a schedule is in its life. Expired schedules are kept (renewable) for 30 days.
enum class ScheduleState { kScheduled, kActive, kExpired };
inline constexpr auto kScheduleStateNames = MakeEnumTable<ScheduleState>(
    std::pair{ScheduleState::kScheduled, std::string_view("scheduled")},
    std::pair{ScheduleState::kActive, std::string_view("active")},
    std::pair{ScheduleState::kExpired, std::string_view("expired")});

struct Schedule {
  ScheduleId id;
  ScheduleKind kind = ScheduleKind::kEligibility;
  PrincipalId principal;
  Target target;
  AssignmentType assignment_type = AssignmentType::kAssigned;  // assignments only
  absl::Time start;                                            // resolved start
  Expiration expiration;  // kNoExpiration, kAfterDateTime or kAfterDuration once stored
  ScheduleState state = ScheduleState::kScheduled;
  RequestId created_using;
  std::optional<ScheduleId> activated_using;  // the eligibility an activation came from
  absl::Time created;
  absl::Time modified;
  int expiry_notices_sent = 0;  // 0 none, 1 the 14-day notice, 2 also the 1-day notice

  // End of the window, or nullopt when permanent.
  [[nodiscard]] std::optional<absl::Time> End() const;
  // True when the window contains `now`.
  [[nodiscard]] bool CoversTime(absl::Time now) const;
  friend bool operator==(const Schedule&, const Schedule&) = default;
};

}  // namespace pim
