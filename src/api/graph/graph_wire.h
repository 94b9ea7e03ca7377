// Graph wire helpers shared by the PIM route groups: BadRequest statuses, strict readers for
// JSON request bodies (Boost.JSON wrapped, never throwing), `@odata.context` URLs, and the
// single-entity / collection response envelopes (reference sections 0.5 and 5.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "pim/api/http.h"
#include "pim/api/odata/query.h"
#include "pim/api/request_context.h"

namespace pim::api::graph {

// InvalidArgument with machine code BadRequest and `message`.
[[nodiscard]] absl::Status BadRequest(std::string_view message);
// BadRequest "Resource not found for the segment '<segment>'." (reference 2.1).
[[nodiscard]] absl::Status UnknownSegment(std::string_view segment);
// BadRequest "Invalid value for property '<property>': <why>."
[[nodiscard]] absl::Status BadProperty(std::string_view property, std::string_view why);

// Parses `body` as one JSON object. Errors: BadRequest when it is empty, not JSON, or not an
// object.
[[nodiscard]] absl::StatusOr<boost::json::object> ParseObjectBody(std::string_view body);

// The segments of a resource path `rest` ("a/b('k')/c"), empty ones dropped, with OData key
// syntax `name('key')` split into `name`, `key`.
[[nodiscard]] std::vector<std::string> PathSegments(std::string_view rest);

// Whether `key` is an OData instance or property annotation that bodies may carry and we
// ignore ("@odata.type", "foo@odata.type").
[[nodiscard]] bool IsIgnoredAnnotation(std::string_view key);

// Readers for one property of a body object. A missing property and JSON null are both
// nullopt; a value of the wrong type is BadRequest naming `path` (the property's path in the
// body, e.g. "scheduleInfo/startDateTime").
[[nodiscard]] absl::StatusOr<std::optional<std::string>> ReadString(const boost::json::object& o,
                                                                    std::string_view key,
                                                                    std::string_view path);
[[nodiscard]] absl::StatusOr<std::optional<bool>> ReadBool(const boost::json::object& o,
                                                           std::string_view key,
                                                           std::string_view path);
// Returns nullptr when absent or null.
[[nodiscard]] absl::StatusOr<const boost::json::object*> ReadObject(const boost::json::object& o,
                                                                    std::string_view key,
                                                                    std::string_view path);
// A required GUID string, returned lower-case.
[[nodiscard]] absl::StatusOr<std::string> ReadGuid(const boost::json::object& o,
                                                   std::string_view key, std::string_view path);
// A date-time string (ParseDateTime), or nullopt when absent/null.
[[nodiscard]] absl::StatusOr<std::optional<absl::Time>> ReadDateTime(const boost::json::object& o,
                                                                     std::string_view key,
                                                                     std::string_view path);

// JSON helpers for output.
// A directory scope as Graph spells it: "/" or "/administrativeUnits/{id}" (pim keys scopes
// lower-cased).
[[nodiscard]] std::string DirectoryScopeId(std::string_view canonical_scope);
[[nodiscard]] boost::json::value StringOrNull(std::string_view s);
[[nodiscard]] boost::json::value TimeOrNull(const std::optional<absl::Time>& t);

// "{base_url}/{version}/$metadata#{entity_set}", with "(a,b,exp())" when `select` is set and
// "/$entity" for a single entity.
[[nodiscard]] std::string ContextUrl(const RequestContext& ctx, std::string_view version,
                                     std::string_view entity_set, const odata::Query& query,
                                     bool single_entity);

// 200/201 with `entity` after its "@odata.context".
[[nodiscard]] HttpResponse EntityResponse(int status, const RequestContext& ctx,
                                          std::string_view version, std::string_view entity_set,
                                          const odata::Query& query,
                                          const boost::json::object& entity);
// 200 with {"@odata.context", ["@odata.count"], ["@odata.nextLink"], "value"}.
[[nodiscard]] HttpResponse CollectionResponse(const RequestContext& ctx, std::string_view version,
                                              std::string_view entity_set,
                                              const odata::Query& query, odata::Page page);

}  // namespace pim::api::graph
