// OidcApi's account endpoints: credential changes that authenticate with the password itself
// (so that a break-glass account that must change its password and enrol TOTP can do so from
// a script, before it may hold any token). Errors in pim's JSON format.
#include <cctype>

#include "absl/strings/match.h"
#include "api/oidc/form.h"
#include "api/oidc/oauth_errors.h"
#include "boost/json.hpp"
#include "pim/api/api_error.h"
#include "pim/api/oidc/oidc_api.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

absl::Status Bad(std::string_view message) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest, message);
}

// The body's string properties `names` (all required); BadRequest otherwise.
absl::StatusOr<std::vector<std::string>> Strings(
    const HttpRequest& request, std::initializer_list<std::string_view> names,
    std::initializer_list<std::string_view> optional = {}) {
  if (!oidc::HasPrefixIgnoreCase(request.Header("content-type"), "application/json")) {
    return Bad("The body must be application/json.");
  }
  boost::json::parse_options options;
  options.max_depth = 4;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(request.body, ec, {}, options);
  if (ec || !v.is_object()) return Bad("The body must be a JSON object.");
  const auto& o = v.as_object();
  for (const auto& [key, value] : o) {
    const bool known = std::find(names.begin(), names.end(), key) != names.end() ||
                       std::find(optional.begin(), optional.end(), key) != optional.end();
    if (!known) return Bad("The body has an unknown property.");
  }
  std::vector<std::string> out;
  for (auto list : {names, optional}) {
    const bool required = list.begin() == names.begin();
    for (std::string_view name : list) {
      const auto* p = o.if_contains(name);
      if (p == nullptr && !required) {
        out.emplace_back();
        continue;
      }
      if (p == nullptr || !p->is_string() || p->as_string().empty()) {
        return Bad(std::string("\"") + std::string(name) + "\" is required (a string).");
      }
      out.emplace_back(p->as_string());
    }
  }
  return out;
}

HttpResponse Failed(const absl::Status& status) {
  HttpResponse r = ArmError(status);
  r.SetHeader("Cache-Control", "no-store");
  if (status.code() == absl::StatusCode::kResourceExhausted) r.SetHeader("Retry-After", "60");
  return r;
}

}  // namespace

HttpResponse OidcApi::AccountPassword(const HttpRequest& request) {
  auto f = Strings(request, {"userName", "currentPassword", "newPassword"}, {"code"});
  if (!f.ok()) return Failed(f.status());
  const auto& v = *f;
  if (auto s = accounts_.ChangePassword(v[0], v[1], v[3], v[2], request.remote_address); !s.ok()) {
    return Failed(s);
  }
  return HttpResponse::Empty(204);
}

HttpResponse OidcApi::AccountTotp(const HttpRequest& request, bool confirm) {
  auto f = confirm ? Strings(request, {"userName", "password", "code"})
                   : Strings(request, {"userName", "password"});
  if (!f.ok()) return Failed(f.status());
  const auto& v = *f;
  // A pending (unconfirmed) key is not a second factor yet, so the password alone signs in.
  auto who = accounts_.SignIn(v[0], v[1], "", request.remote_address);
  if (!who.ok()) return Failed(who.status());
  if (who->must_change_password) {
    return Failed(Error(absl::StatusCode::kFailedPrecondition, accounts::kPasswordChangeRequired,
                        "The password must be changed first."));
  }
  if (!confirm) {
    auto e = accounts_.BeginTotpEnrolment(who->principal);
    if (!e.ok()) return Failed(e.status());
    return oidc::NoStoreJson(
        200, boost::json::serialize(boost::json::object{
                 {"secret", e->secret}, {"otpauthUri", e->otpauth_uri}, {"qrCodeSvg", e->qr_svg}}));
  }
  auto codes = accounts_.ConfirmTotpEnrolment(who->principal, v[2]);
  if (!codes.ok()) return Failed(codes.status());
  boost::json::array list;
  for (const auto& c : *codes) list.emplace_back(c);
  return oidc::NoStoreJson(
      200, boost::json::serialize(boost::json::object{{"recoveryCodes", std::move(list)}}));
}

}  // namespace pim::api
