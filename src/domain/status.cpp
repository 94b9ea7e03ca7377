#include "pim/domain/status.h"

#include "absl/strings/cord.h"

namespace pim {
namespace {
constexpr std::string_view kPayloadKey = "pim.dev/code";
}  // namespace

absl::Status Error(absl::StatusCode canonical, std::string_view code, std::string_view message) {
  absl::Status status(canonical, message);
  status.SetPayload(kPayloadKey, absl::Cord(code));
  return status;
}

std::string ErrorCodeOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(kPayloadKey)) return std::string(*payload);
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return "";
    case absl::StatusCode::kInvalidArgument:
      return std::string(code::kBadRequest);
    case absl::StatusCode::kNotFound:
      return std::string(code::kObjectNotFound);
    case absl::StatusCode::kPermissionDenied:
      return std::string(code::kAuthorizationFailed);
    case absl::StatusCode::kUnavailable:
      return std::string(code::kUnavailable);
    default:
      return std::string(code::kInternal);
  }
}

}  // namespace pim
