// `$expand` for the Graph PIM entity sets: which navigation properties each entity type has
// (reference 1.2, 1.3, 2.2, 2.3) and how each is resolved against the engine's state.
// Supported: principal; group (groups) or roleDefinition (roles); targetSchedule (requests);
// activatedUsing (assignment requests, schedules and instances). Nested `$select` is honoured.
// Stateless and thread-safe; callers hold the engine's read view.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "api/graph/graph_request_json.h"
#include "boost/json/object.hpp"
#include "pim/api/odata/query.h"
#include "pim/engine/state.h"

namespace pim::api::graph {

enum class EntityShape { kRequest, kSchedule, kInstance };

// One Graph PIM entity type.
struct EntityType {
  PimArea area = PimArea::kGroup;
  EntityShape shape = EntityShape::kRequest;
  ScheduleKind kind = ScheduleKind::kAssignment;
};

// Checks every `$expand` item names a navigation property of `type` (no nested $expand).
// Errors: InvalidArgument / BadRequest naming the property.
[[nodiscard]] absl::Status ValidateExpand(const odata::Query& query, const EntityType& type);

// Adds each expanded property of `query` to `entity` (a full entity of `type`, not yet
// projected), null when the related object does not exist. Returns the property names added.
std::vector<std::string> Expand(boost::json::object& entity, const odata::Query& query,
                                const EntityType& type, const State& state);

// The wire form of a principal (@odata.type, id, displayName, userPrincipalName / mail).
[[nodiscard]] boost::json::object PrincipalToJson(const Principal& principal);

}  // namespace pim::api::graph
