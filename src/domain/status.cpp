#include "pim/domain/status.h"

#include "absl/strings/cord.h"

namespace pim {
namespace {
// absl::string_view, not std::string_view: Debian's Abseil keeps its own string_view type
// (ABSL_OPTION_USE_STD_STRING_VIEW 0), which does not convert from std::string_view.
constexpr absl::string_view kPayloadKey = "pim.dev/code";
}  // namespace

absl::Status Error(absl::StatusCode canonical, std::string_view code, std::string_view message) {
  absl::Status status(canonical, absl::string_view(message.data(), message.size()));
  status.SetPayload(kPayloadKey, absl::Cord(absl::string_view(code.data(), code.size())));
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
