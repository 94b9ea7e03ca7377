// Private to pim_api_odata: reading and comparing entity values in their JSON wire form, shared
// by $filter evaluation and $orderby.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"

namespace pim::api::odata::internal {

// The value at `path` (segments of a/b/c) inside `entity`, walking nested objects; nullptr when
// a segment is missing or crosses a non-object. Each segment matches a key exactly, else the
// first key equal to it ignoring ASCII case (Graph accepts `PrincipalId` for `principalId`).
[[nodiscard]] const boost::json::value* Lookup(const boost::json::object& entity,
                                               const std::vector<std::string>& path);

// Whether `value` is absent or JSON null.
[[nodiscard]] bool IsNull(const boost::json::value* value);

// Three-way comparison of two non-null values of comparable types: numbers numerically (exact
// for integers), two strings that both parse as date-times as instants, other strings ignoring
// ASCII case, booleans false < true. nullopt for any other pair (type mismatch, objects,
// arrays, NaN).
[[nodiscard]] std::optional<int> CompareValues(const boost::json::value& a,
                                               const boost::json::value& b);

}  // namespace pim::api::odata::internal
