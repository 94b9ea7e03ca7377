#include "pim/cli/exit_code.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "pim/cli/server_error.h"

namespace pim::cli {
namespace {

constexpr char kExitPayload[] = "pimctl/exit-code";

}  // namespace

absl::Status WithExitCode(absl::Status status, ExitCode code) {
  status.SetPayload(kExitPayload, absl::Cord(std::to_string(ToInt(code))));
  return status;
}

ExitCode ExitCodeFor(const absl::Status& status) {
  if (status.ok()) return ExitCode::kOk;
  if (auto payload = status.GetPayload(kExitPayload)) {
    int value = 0;
    if (absl::SimpleAtoi(std::string(*payload), &value)) return static_cast<ExitCode>(value);
  }
  if (auto server = ServerErrorOf(status)) {
    switch (server->http_status) {
      case 401:
        return ExitCode::kAuth;
      case 403:
        return ExitCode::kForbidden;
      case 404:
        return ExitCode::kNotFound;
      default:
        return ExitCode::kError;
    }
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return ExitCode::kUsage;
    case absl::StatusCode::kUnauthenticated:
      return ExitCode::kAuth;
    case absl::StatusCode::kNotFound:
      return ExitCode::kNotFound;
    case absl::StatusCode::kDeadlineExceeded:
      return ExitCode::kTimedOut;
    case absl::StatusCode::kUnavailable:
      return ExitCode::kUnreachable;
    case absl::StatusCode::kPermissionDenied:
      return ExitCode::kForbidden;
    default:
      return ExitCode::kError;
  }
}

}  // namespace pim::cli
