// Change records: the revision-numbered log every write appends to. Each record carries the
// entity mutations it made (before and after), so the store can apply them and every consumer
// (audit, notifications, watch, index refresh) can follow the same stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "pim/domain/enum_table.h"
#include "pim/domain/ids.h"
#include "pim/domain/policy.h"
#include "pim/domain/principal.h"
#include "pim/domain/role_definition.h"
#include "pim/domain/schedule.h"
#include "pim/domain/schedule_request.h"
#include "pim/domain/scope.h"

namespace pim {

using Revision = std::int64_t;

// The kinds of state the store keeps; the order of the variant below matches.
enum class EntityKind {
  kPrincipal,
  kMembership,
  kScope,
  kRoleDefinition,
  kSchedule,
  kRequest,
  kPolicy
};
inline constexpr auto kEntityKindNames = MakeEnumTable<EntityKind>(
    std::pair{EntityKind::kPrincipal, std::string_view("principal")},
    std::pair{EntityKind::kMembership, std::string_view("membership")},
    std::pair{EntityKind::kScope, std::string_view("scope")},
    std::pair{EntityKind::kRoleDefinition, std::string_view("roleDefinition")},
    std::pair{EntityKind::kSchedule, std::string_view("schedule")},
    std::pair{EntityKind::kRequest, std::string_view("request")},
    std::pair{EntityKind::kPolicy, std::string_view("policy")});

using Entity = std::variant<Principal, DirectMembership, ScopeNode, RoleDefinition, Schedule,
                            ScheduleRequest, Policy>;

[[nodiscard]] EntityKind KindOf(const Entity& entity);
// The entity's key within its kind (id, membership key, scope path, policy id...).
[[nodiscard]] std::string KeyOf(const Entity& entity);

// One entity changed: created (no before), updated (both), or deleted (no after).
struct Mutation {
  EntityKind kind = EntityKind::kPrincipal;
  std::string key;
  std::optional<Entity> before;
  std::optional<Entity> after;
  friend bool operator==(const Mutation&, const Mutation&) = default;
};

struct ChangeRecord {
  Revision revision = 0;
  absl::Time at;
  PrincipalId actor;  // who caused it; "system" for the scheduler
  std::string
      event;  // e.g. "request.created", "schedule.expired", "alert.noPermanentGlobalAdministrator"
  std::string detail;  // human-readable summary, no secrets
  // The request that caused it (Caller::correlation_id, Caller::client_address); empty for
  // the scheduler's own changes and for records written before these were kept.
  std::string correlation_id;
  std::string client_address;
  std::vector<Mutation> mutations;
  friend bool operator==(const ChangeRecord&, const ChangeRecord&) = default;
};

}  // namespace pim
