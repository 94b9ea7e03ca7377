// pimctl's exit codes, and how an error becomes one. The numbers are documented in
// docs/pimctl.md and are part of the interface scripts rely on: never renumber them.
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace pim::cli {

enum class ExitCode : int {
  kOk = 0,
  kError = 1,               // the server refused the request, or anything else failed
  kUsage = 2,               // bad command line or bad local input (duration, file)
  kAuth = 3,                // not signed in, or the sign-in / token was refused
  kNotFound = 4,            // the role, request or approval does not exist (or is not visible)
  kTimedOut = 5,            // --wait gave up (--timeout)
  kDenied = 6,              // the request ended Denied, Canceled, Failed, Revoked or TimedOut
  kForbidden = 7,           // signed in, but not allowed (HTTP 403)
  kUnreachable = 8,         // no connection to the server, TLS failure, HTTP timeout
  kVerificationFailed = 9,  // audit verify: the export or history has findings (tampering)
};

// Attaches an explicit exit code to `status` (kept in a payload); ExitCodeFor returns it.
[[nodiscard]] absl::Status WithExitCode(absl::Status status, ExitCode code);

// The exit code for a failed `status`: an explicit one (WithExitCode) first; then, for an
// answer from the server (ServerError), 401 → kAuth, 403 → kForbidden, 404 → kNotFound,
// anything else → kError; then by canonical code: InvalidArgument → kUsage, Unauthenticated →
// kAuth, NotFound → kNotFound, DeadlineExceeded → kTimedOut, Unavailable → kUnreachable,
// PermissionDenied → kForbidden, otherwise kError. OK → kOk.
[[nodiscard]] ExitCode ExitCodeFor(const absl::Status& status);

[[nodiscard]] inline int ToInt(ExitCode code) { return static_cast<int>(code); }

}  // namespace pim::cli
