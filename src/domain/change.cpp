#include "pim/domain/change.h"

#include <type_traits>

namespace pim {
namespace {

// KindOf relies on the variant's order matching EntityKind's.
template <EntityKind kind, typename T>
constexpr bool kAt =
    std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(kind), Entity>, T>;
static_assert(kAt<EntityKind::kPrincipal, Principal> &&
              kAt<EntityKind::kMembership, DirectMembership> &&
              kAt<EntityKind::kScope, ScopeNode> &&
              kAt<EntityKind::kRoleDefinition, RoleDefinition> &&
              kAt<EntityKind::kSchedule, Schedule> && kAt<EntityKind::kRequest, ScheduleRequest> &&
              kAt<EntityKind::kPolicy, Policy> && std::variant_size_v<Entity> == 7);

template <typename... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <typename... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;  // clang 14 lacks aggregate CTAD

}  // namespace

EntityKind KindOf(const Entity& entity) { return static_cast<EntityKind>(entity.index()); }

std::string KeyOf(const Entity& entity) {
  return std::visit(Overloaded{
                        [](const Principal& p) { return p.id.str(); },
                        [](const DirectMembership& m) { return m.Key(); },
                        [](const ScopeNode& s) { return s.path; },
                        [](const RoleDefinition& r) { return r.id.str(); },
                        [](const Schedule& s) { return s.id.str(); },
                        [](const ScheduleRequest& r) { return r.id.str(); },
                        [](const Policy& p) { return p.id.str(); },
                    },
                    entity);
}

}  // namespace pim
