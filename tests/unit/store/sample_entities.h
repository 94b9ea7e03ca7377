// Fully populated sample entities for the store tests: every field holds a non-default value,
// so a codec or backend that drops or confuses a field fails an equality check. `n` varies
// the keys (and a few values) so tests can make many distinct entities of one kind.
#pragma once

#include <vector>

#include "pim/domain/change.h"

namespace pim::testing {

Principal SamplePrincipal(int n);
DirectMembership SampleMembership(int n);
ScopeNode SampleScope(int n);
RoleDefinition SampleRoleDefinition(int n);
Schedule SampleSchedule(int n);
ScheduleRequest SampleRequest(int n);
Policy SamplePolicy(int n);

// One entity of every kind, in EntityKind order.
std::vector<Entity> SampleEntities(int n);

// A mutation creating `entity` (no before).
Mutation Create(const Entity& entity);
// Mutations creating each of `entities`, in order.
std::vector<Mutation> CreateAll(const std::vector<Entity>& entities);
// A mutation replacing `before` with `after` (same kind and key).
Mutation Update(const Entity& before, const Entity& after);
// A mutation deleting `before`.
Mutation Delete(const Entity& before);

// A record at `revision` with non-default metadata and the given mutations.
ChangeRecord Record(Revision revision, std::vector<Mutation> mutations);

// `entities` sorted by (kind, key), for comparing loads whose order is unspecified.
std::vector<Entity> SortedByKey(std::vector<Entity> entities);

}  // namespace pim::testing
