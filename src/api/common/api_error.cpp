#include "pim/api/api_error.h"

#include <string>

#include "absl/time/time.h"
#include "api/common/utf8.h"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

// Codes whose HTTP status the Graph/ARM catalogue fixes (reference 5.3): PIM reports most rule
// failures and unknown subjects as 400, whatever their canonical kind.
int CatalogueStatus(std::string_view machine_code) {
  for (std::string_view c :
       {code::kPolicyValidationFailed, code::kAcrsValidationFailed, code::kActiveDurationTooShort,
        code::kRoleAssignmentExists, code::kRoleAssignmentDoesNotExist, code::kPendingRequestExists,
        code::kRoleNotFound, code::kSubjectNotFound, code::kScopeNotFound,
        code::kRequestNotCancelable, code::kExtendWindow, code::kRenewWindow, code::kBadRequest,
        code::kInvalidPolicy}) {
    if (machine_code == c) return 400;
  }
  if (machine_code == code::kRequestExists) return 409;
  if (machine_code == code::kApprovalAlreadyDecided) return 409;
  if (machine_code == code::kNotAnApprover) return 403;
  return 0;
}

int CanonicalStatus(absl::StatusCode c) {
  switch (c) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kFailedPrecondition:
      return 400;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

// Internal errors never leak their text (it may name SQL or files); everything else was
// written for clients. Messages may quote client text (a method, a path segment) that is not
// UTF-8; the JSON body must be.
std::string ClientMessage(const absl::Status& status) {
  if (HttpStatusFor(status) >= 500 && status.code() != absl::StatusCode::kUnavailable) {
    return "An internal error occurred.";
  }
  const std::string_view message(status.message().data(), status.message().size());
  return ToValidUtf8(message);
}

}  // namespace

int HttpStatusFor(const absl::Status& status) {
  const int fixed = CatalogueStatus(ErrorCodeOf(status));
  return fixed != 0 ? fixed : CanonicalStatus(status.code());
}

HttpResponse GraphError(const absl::Status& status, const RequestContext& ctx) {
  boost::json::object inner{
      {"date", absl::FormatTime("%Y-%m-%dT%H:%M:%S", ctx.now, absl::UTCTimeZone())},
      {"request-id", ctx.request_id},
      {"client-request-id", ctx.client_request_id}};
  boost::json::object error{{"code", ErrorCodeOf(status)},
                            {"message", ClientMessage(status)},
                            {"innerError", std::move(inner)}};
  return HttpResponse::Json(
      HttpStatusFor(status),
      boost::json::serialize(boost::json::object{{"error", std::move(error)}}));
}

HttpResponse ArmError(const absl::Status& status) {
  boost::json::object error{{"code", ErrorCodeOf(status)}, {"message", ClientMessage(status)}};
  return HttpResponse::Json(
      HttpStatusFor(status),
      boost::json::serialize(boost::json::object{{"error", std::move(error)}}));
}

}  // namespace pim::api
