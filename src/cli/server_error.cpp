#include "pim/cli/server_error.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "cli/json_fields.h"

namespace pim::cli {
namespace {

constexpr char kHttpPayload[] = "pimctl/http-status";
constexpr char kCodePayload[] = "pimctl/code";
constexpr char kMessagePayload[] = "pimctl/message";
constexpr char kRequestIdPayload[] = "pimctl/request-id";
constexpr char kSuberrorPayload[] = "pimctl/suberror";
constexpr char kRetryAfterPayload[] = "pimctl/retry-after";

absl::StatusCode CanonicalFor(int http_status) {
  switch (http_status) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kAlreadyExists;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    default:
      return http_status >= 500 ? absl::StatusCode::kUnavailable
                                : absl::StatusCode::kFailedPrecondition;
  }
}

std::string PayloadOr(const absl::Status& status, const char* key) {
  auto p = status.GetPayload(key);
  return p.has_value() ? std::string(*p) : std::string();
}

}  // namespace

ServerError ParseServerError(int http_status, std::string_view body,
                             std::string_view request_id_header) {
  ServerError out;
  out.http_status = http_status;
  out.request_id = std::string(request_id_header);
  boost::system::error_code ec;
  const boost::json::value v =
      boost::json::parse(boost::json::string_view(body.data(), body.size()), ec);
  if (ec || !v.is_object()) return out;
  const boost::json::object& o = v.get_object();
  const boost::json::value* error = o.if_contains("error");
  if (error == nullptr) return out;
  if (error->is_object()) {
    // Graph, pim and ARM.
    const boost::json::object& e = error->get_object();
    out.code = Str(e, "code");
    out.message = Str(e, "message");
    if (const boost::json::value* inner = e.if_contains("innerError");
        inner != nullptr && inner->is_object()) {
      std::string id = Str(inner->get_object(), "request-id");
      if (!id.empty()) out.request_id = std::move(id);
    }
  } else if (error->is_string()) {
    // OAuth 2.0 (RFC 6749 section 5.2).
    out.code = Str(o, "error");
    out.message = Str(o, "error_description");
    out.suberror = Str(o, "suberror");
  }
  return out;
}

absl::Status ToStatus(const ServerError& error) {
  std::string text = error.code;
  if (!error.message.empty())
    text = text.empty() ? error.message : absl::StrCat(text, ": ", error.message);
  if (text.empty()) text = absl::StrCat("the server answered HTTP ", error.http_status);
  absl::Status status(CanonicalFor(error.http_status), text);
  status.SetPayload(kHttpPayload, absl::Cord(std::to_string(error.http_status)));
  status.SetPayload(kCodePayload, absl::Cord(error.code));
  status.SetPayload(kMessagePayload, absl::Cord(error.message));
  status.SetPayload(kRequestIdPayload, absl::Cord(error.request_id));
  status.SetPayload(kSuberrorPayload, absl::Cord(error.suberror));
  if (!error.retry_after.empty()) {
    status.SetPayload(kRetryAfterPayload, absl::Cord(error.retry_after));
  }
  return status;
}

std::optional<ServerError> ServerErrorOf(const absl::Status& status) {
  auto http = status.GetPayload(kHttpPayload);
  if (!http.has_value()) return std::nullopt;
  ServerError out;
  if (!absl::SimpleAtoi(std::string(*http), &out.http_status)) return std::nullopt;
  out.code = PayloadOr(status, kCodePayload);
  out.message = PayloadOr(status, kMessagePayload);
  out.request_id = PayloadOr(status, kRequestIdPayload);
  out.suberror = PayloadOr(status, kSuberrorPayload);
  out.retry_after = PayloadOr(status, kRetryAfterPayload);
  return out;
}

std::string RenderError(const absl::Status& status) {
  auto server = ServerErrorOf(status);
  if (!server.has_value()) return std::string(status.message());
  std::string out(status.message());
  if (!server->suberror.empty()) absl::StrAppend(&out, " [", server->suberror, "]");
  absl::StrAppend(&out, " (HTTP ", server->http_status);
  if (!server->request_id.empty()) absl::StrAppend(&out, ", request-id ", server->request_id);
  absl::StrAppend(&out, ")");
  return out;
}

}  // namespace pim::cli
