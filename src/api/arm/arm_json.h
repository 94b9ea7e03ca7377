// Building blocks of ARM's JSON wire form shared by the Microsoft.Authorization routes: ids at a
// scope, display spelling of canonical scopes, `expandedProperties`, and strict, non-throwing
// access to request bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "pim/domain/target.h"
#include "pim/engine/state.h"

namespace pim::api::arm {

// A canonical (lower-case) scope as the API shows it: its registered spelling (names in the case
// they were registered with), else GuessScopeSpelling. "/" stays "/".
[[nodiscard]] std::string DisplayScope(const State& state, std::string_view canonical_scope);

// "{scope}/providers/Microsoft.Authorization/{type}/{name}" with `scope` displayed; the tenant
// scope yields "/providers/Microsoft.Authorization/...".
[[nodiscard]] std::string ArmId(const State& state, std::string_view canonical_scope,
                                std::string_view type, std::string_view name);
// The full role definition id of `role_guid` at `canonical_scope`.
[[nodiscard]] std::string RoleDefinitionArmId(const State& state, std::string_view canonical_scope,
                                              std::string_view role_guid);

// The lower-case GUID of a role definition given as a bare GUID or as a full id
// ".../providers/Microsoft.Authorization/roleDefinitions/{guid}" at any scope; nullopt otherwise.
[[nodiscard]] std::optional<std::string> RoleGuidOf(std::string_view role_definition_id);

// The last path segment of an id ("a/b/{guid}" -> "{guid}"), or the text itself.
[[nodiscard]] std::string LastSegment(std::string_view id);

// `expandedProperties`: scope{id,displayName,type}, roleDefinition{id,displayName,type},
// principal{id,displayName,email,type}; unknown entities give nulls where a value is unknown.
[[nodiscard]] boost::json::object ExpandedProperties(const State& state, const Target& target,
                                                     const std::string& principal);
// "User", "Group", "ServicePrincipal", or null for an unknown principal.
[[nodiscard]] boost::json::value PrincipalType(const State& state, const std::string& principal);

[[nodiscard]] boost::json::value TimeOrNull(const std::optional<absl::Time>& t);
[[nodiscard]] boost::json::value StringOrNull(std::string_view s);
// "adminAssign" -> "AdminAssign".
[[nodiscard]] std::string Pascal(std::string_view camel);

// Parses a request body that must be a JSON object. InvalidArgument (BadRequest) otherwise.
[[nodiscard]] absl::StatusOr<boost::json::object> ParseObjectBody(std::string_view body);

// Typed, non-throwing reads of an optional member `key` of `obj`; `where` names the member in
// error messages ("properties.justification"). Absent or null -> nullopt; the wrong JSON type ->
// InvalidArgument (BadRequest) naming `where`.
[[nodiscard]] absl::StatusOr<std::optional<std::string>> OptString(const boost::json::object& obj,
                                                                   std::string_view key,
                                                                   std::string_view where);
[[nodiscard]] absl::StatusOr<const boost::json::object*> OptObject(const boost::json::object& obj,
                                                                   std::string_view key,
                                                                   std::string_view where);

// InvalidArgument (BadRequest) "The property '{where}' {why}".
[[nodiscard]] absl::Status BadProperty(std::string_view where, std::string_view why);

}  // namespace pim::api::arm
