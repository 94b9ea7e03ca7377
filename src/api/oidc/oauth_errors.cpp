#include "api/oidc/oauth_errors.h"

#include "boost/json.hpp"
#include "pim/accounts/token_service.h"
#include "pim/domain/status.h"

namespace pim::api::oidc {

HttpResponse NoStoreJson(int status, std::string body) {
  HttpResponse r = HttpResponse::Json(status, std::move(body));
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("Pragma", "no-cache");
  return r;
}

HttpResponse OAuthError(int status, std::string_view error, std::string_view description) {
  return NoStoreJson(status, boost::json::serialize(boost::json::object{
                                 {"error", error}, {"error_description", description}}));
}

HttpResponse GrantError(const absl::Status& status) {
  const std::string code = ErrorCodeOf(status);
  int http = 400;
  std::string_view error = "invalid_grant";
  switch (status.code()) {
    case absl::StatusCode::kResourceExhausted:
      http = 429;
      error = "temporarily_unavailable";
      break;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
      break;
    default:
      http = 500;
      error = "server_error";
  }
  const std::string description = http == 500 ? std::string("The request could not be completed.")
                                              : std::string(status.message());
  HttpResponse r = NoStoreJson(
      http, boost::json::serialize(boost::json::object{
                {"error", error}, {"error_description", description}, {"suberror", code}}));
  if (http == 429) r.SetHeader("Retry-After", "60");
  return r;
}

}  // namespace pim::api::oidc
