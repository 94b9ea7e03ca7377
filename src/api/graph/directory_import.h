// Bulk import of users and groups (pim's own API, POST /pim/v1/directory/import): a JSON or CSV
// document whose rows are applied one by one, each under the same rules and authorisation as
// the Graph directory writes (the engine's WriteDirectoryObject, one command per row), and a
// report of what became of each row.
//
// JSON (application/json):
//   {"users":  [{<a POST /users body: id?, displayName, userPrincipalName, mail?,
//                 accountEnabled?, passwordProfile?, mailNickname?>}, ...],
//    "groups": [{<a POST /groups body: id?, displayName, isAssignableToRole?, ...>,
//                "members": ["<id or userPrincipalName>", ...], "owners": [...]}, ...]}
//   Rows are numbered from 1 across users then groups, and applied in that order (so groups may
//   name the users imported before them).
// CSV (text/csv, RFC 4180, UTF-8), header row then one row per object:
//   kind,id,displayName,userPrincipalName,accountEnabled,isAssignableToRole,memberOf
//   (columns in any order; kind and displayName required; kind is user or group; memberOf is a
//   ';'-separated list of group ids or displayNames the object joins as a member). Rows are
//   numbered from 1 after the header; group rows are applied before user rows, each in file
//   order, so users may join groups defined anywhere in the file.
//
// A row names an existing object by id, or else a user by userPrincipalName and a group by
// displayName (which must then be unique). An existing object is updated to the row's values
// (properties the row leaves out keep theirs); memberships are only ever added. A row whose
// object already has its values and memberships is `unchanged`, so re-importing a file changes
// nothing. A password is only set for a user the row creates (re-importing never resets one).
// A row that fails is `rejected` with the error's code and message, and nothing of it is applied;
// the other rows still are.
//
// Thread-safe (the engine serialises the writes; rows of concurrent imports may interleave).
#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "pim/api/account_admin.h"
#include "pim/engine/caller.h"
#include "pim/engine/engine.h"

namespace pim::api {

struct ImportLimits {
  std::size_t max_rows = 10'000;
  std::size_t max_body_bytes = 16u << 20;  // also bounded by the server's body limit
};

// Imports `body` (of media type `content_type`: application/json or text/csv, parameters
// allowed) as `caller`. `accounts` sets the passwords of created users (nullptr: a row with a
// password is rejected). Returns the report
//   {"imported": n, "unchanged": n, "rejected": n,
//    "rows": [{"row": 1, "status": "created|updated|unchanged|rejected", "id": "...",
//              "code": "...", "message": "..."}]}
// ("imported" counts created and updated rows; "id" is present when known; "code" and
// "message" only for rejected rows), rows in row order. Errors, for the whole document (nothing
// is applied): InvalidArgument (BadRequest) when the body is too large, has too many rows, is
// not UTF-8, is not valid JSON of the shape above, is malformed CSV (an unterminated quote...),
// has an unknown or missing CSV column, or has another media type.
[[nodiscard]] absl::StatusOr<boost::json::object> ImportDirectory(
    Engine& engine, AccountAdmin* accounts, const Caller& caller, std::string_view body,
    std::string_view content_type, const ImportLimits& limits = {});

}  // namespace pim::api
