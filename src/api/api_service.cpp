#include "pim/api/api_service.h"

#include <algorithm>
#include <exception>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pim/api/api_error.h"
#include "pim/api/request_target.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

enum class Surface { kGraph, kArm, kPim };

Surface SurfaceOf(std::string_view path) {
  const absl::string_view p(path.data(), path.size());
  if (absl::StartsWith(p, "/pim/v1/resources")) return Surface::kArm;
  if (absl::StartsWith(p, "/pim/")) return Surface::kPim;
  if (absl::StrContains(absl::AsciiStrToLower(p), "/providers/microsoft.authorization")) {
    return Surface::kArm;
  }
  return Surface::kGraph;
}

HttpResponse ErrorFor(Surface surface, const absl::Status& status, const RequestContext& ctx) {
  return surface == Surface::kArm ? ArmError(status) : GraphError(status, ctx);
}

}  // namespace

ApiService::ApiService(Engine& engine, Store& store, const Clock& clock,
                       const Authenticator& authenticator, ApiOptions options,
                       ManualClock* test_clock, OidcApi* oidc, accounts::AccountService* accounts,
                       audit::AuditLog* audit, notify::DeliveryStore* notifications)
    : engine_(engine),
      clock_(clock),
      authenticator_(authenticator),
      options_(std::move(options)),
      test_clock_(test_clock),
      oidc_(oidc),
      accounts_(accounts),
      audit_(audit),
      notifications_(notifications),
      graph_(engine, options_, accounts),
      arm_(engine, options_),
      watch_(engine, store) {}

HttpResponse ApiService::Handle(const HttpRequest& request) {
  std::string client_request_id(request.Header("client-request-id"));
  // Echoed in headers and error bodies, so only a short printable token is taken as given.
  const bool printable = std::all_of(client_request_id.begin(), client_request_id.end(),
                                     [](char c) { return c > 0x20 && c < 0x7f; });
  if (client_request_id.empty() || client_request_id.size() > 128 || !printable) {
    client_request_id = request.request_id;
  }
  auto target = ParseRequestTarget(request.target);
  RequestContext ctx{request,
                     target.ok() ? std::move(target->path) : std::string("/"),
                     target.ok() ? std::move(target->raw_query) : std::string(),
                     Caller{},
                     request.request_id,
                     std::move(client_request_id),
                     clock_.Now()};
  const Surface surface = SurfaceOf(ctx.path);
  HttpResponse response;
  try {
    if (!target.ok()) {
      response = ErrorFor(surface, target.status(), ctx);
    } else if (oidc_ != nullptr && OidcApi::Owns(ctx.path)) {
      // Sign-in and token endpoints: they authenticate with the credentials they carry.
      response = oidc_->Handle(request, ctx.path, ctx.raw_query);
    } else if (auto caller = authenticator_.Authenticate(request); !caller.ok()) {
      response = ErrorFor(surface, caller.status(), ctx);
      response.SetHeader("WWW-Authenticate", "Bearer");
    } else {
      ctx.caller = *std::move(caller);
      // Every change this request causes records where it came from (the audit trail).
      ctx.caller.correlation_id = ctx.client_request_id;
      ctx.caller.client_address = request.remote_address;
      std::optional<HttpResponse> served;
      switch (surface) {
        case Surface::kPim:
          served = HandlePim(ctx);
          break;
        case Surface::kArm:
          served = arm_.Handle(ctx);
          break;
        case Surface::kGraph:
          served = graph_.Handle(ctx);
          break;
      }
      response = served.has_value() ? std::move(*served)
                                    : ErrorFor(surface,
                                               Error(absl::StatusCode::kNotFound,
                                                     code::kObjectNotFound, "No such resource."),
                                               ctx);
    }
  } catch (const std::exception&) {
    // Handlers do not throw; a library that did is a bug, answered without detail.
    response = ErrorFor(surface, absl::InternalError("unexpected exception"), ctx);
  }
  // The context ends here: its ids move into the headers.
  response.SetHeader("request-id", std::move(ctx.request_id));
  response.SetHeader("client-request-id", std::move(ctx.client_request_id));
  response.SetHeader("X-Pim-Revision", absl::StrCat(engine_.revision()));
  return response;
}

}  // namespace pim::api
