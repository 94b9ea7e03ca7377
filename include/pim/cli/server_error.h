// Errors the server answers, in its three envelopes, turned into absl::Status values that keep
// the HTTP status, the machine code and the message, and rendered for people.
//   Graph and pim:  {"error": {"code", "message", "innerError": {"request-id", ...}}}
//   ARM:            {"error": {"code", "message"}}
//   OAuth 2.0:      {"error": "invalid_grant", "error_description", "suberror"}
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace pim::cli {

struct ServerError {
  int http_status = 0;
  std::string code;         // "RoleAssignmentExists", "invalid_grant"; may be empty
  std::string message;      // for people; may be empty
  std::string request_id;   // innerError.request-id or the request-id header; may be empty
  std::string suberror;     // OAuth "suberror" (PasswordChangeRequired, ...); may be empty
  std::string retry_after;  // the Retry-After header (429, 503) as sent; may be empty
};

// Parses an error answer. Unknown or non-JSON bodies keep only the HTTP status (and the
// request id given); never fails.
[[nodiscard]] ServerError ParseServerError(int http_status, std::string_view body,
                                           std::string_view request_id_header = {});

// The status for `error`: canonical code from the HTTP status (400 InvalidArgument, 401
// Unauthenticated, 403 PermissionDenied, 404 NotFound, 409 AlreadyExists, 429
// ResourceExhausted, 5xx Unavailable, other FailedPrecondition), message "code: message", and
// the parts in payloads that ServerErrorOf reads back.
[[nodiscard]] absl::Status ToStatus(const ServerError& error);

// The server error carried by `status`, if it came from ToStatus.
[[nodiscard]] std::optional<ServerError> ServerErrorOf(const absl::Status& status);

// One line for people: "RoleAssignmentExists: The Role assignment already exists. (HTTP 400,
// request-id 1234)". Statuses not from the server render as their message.
[[nodiscard]] std::string RenderError(const absl::Status& status);

}  // namespace pim::cli
