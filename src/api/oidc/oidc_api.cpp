#include "pim/api/oidc/oidc_api.h"

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "api/oidc/form.h"
#include "api/oidc/oauth_errors.h"
#include "api/oidc/pending_sign_ins.h"
#include "boost/json.hpp"
#include "pim/domain/status.h"
#include "pim/identity/base64url.h"
#include "pim/identity/secure_random.h"

namespace pim::api {
namespace {

using oidc::FormValue;
using oidc::OAuthError;

std::string TokenBody(const accounts::IssuedTokens& t) {
  boost::json::object o{{"token_type", "Bearer"},
                        {"access_token", t.access_token},
                        {"expires_in", absl::ToInt64Seconds(t.expires_in)}};
  if (!t.refresh_token.empty()) o["refresh_token"] = t.refresh_token;
  if (!t.id_token.empty()) o["id_token"] = t.id_token;
  if (!t.scope.empty()) o["scope"] = t.scope;
  return boost::json::serialize(o);
}

HttpResponse Tokens(const absl::StatusOr<accounts::IssuedTokens>& t) {
  if (!t.ok()) return oidc::GrantError(t.status());
  return oidc::NoStoreJson(200, TokenBody(*t));
}

// Whether the space-separated `scope` list holds `wanted` (RFC 6749 §3.3).
bool HasScope(std::string_view scope, std::string_view wanted) {
  while (!scope.empty()) {
    const size_t space = scope.find(' ');
    if (scope.substr(0, space) == wanted) return true;
    if (space == std::string_view::npos) break;
    scope.remove_prefix(space + 1);
  }
  return false;
}

// BASE64URL(SHA-256(verifier)) == challenge (RFC 7636 §4.6), verifier well-formed (§4.1).
bool PkceMatches(std::string_view verifier, std::string_view challenge) {
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  for (const char c : verifier) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_' &&
        c != '~') {
      return false;
    }
  }
  return identity::ConstantTimeEquals(identity::Base64UrlEncode(identity::Sha256(verifier)),
                                      challenge);
}

// client_secret_basic credentials (RFC 6749 §2.3.1), when the header carries them.
std::optional<std::pair<std::string, std::string>> BasicCredentials(const HttpRequest& request) {
  const std::string_view header = request.Header("authorization");
  if (!oidc::HasPrefixIgnoreCase(header, "Basic ")) {
    return std::nullopt;
  }
  std::string b64(header.substr(6));
  absl::StrReplaceAll({{"+", "-"}, {"/", "_"}, {"=", ""}}, &b64);
  const auto decoded = identity::Base64UrlDecode(b64);
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto id = oidc::ParseForm(absl::StrCat("i=", decoded->substr(0, colon)));
  auto secret = oidc::ParseForm(absl::StrCat("s=", decoded->substr(colon + 1)));
  if (!id.ok() || !secret.ok()) return std::nullopt;
  return std::pair{std::string(FormValue(*id, "i")), std::string(FormValue(*secret, "s"))};
}

}  // namespace

OidcApi::OidcApi(accounts::AccountService& accounts, accounts::TokenService& tokens,
                 const Clock& clock, OidcOptions options)
    : accounts_(accounts),
      tokens_(tokens),
      clock_(clock),
      options_(std::move(options)),
      pending_(std::make_unique<oidc::PendingSignIns>()) {}

OidcApi::~OidcApi() = default;

bool OidcApi::Owns(std::string_view path) {
  return path == "/.well-known/openid-configuration" || path.starts_with("/oauth2/") ||
         path.starts_with("/pim/v1/account/");
}

HttpResponse OidcApi::Handle(const HttpRequest& request, std::string_view path,
                             std::string_view raw_query) {
  const std::string& m = request.method;
  if (path == "/.well-known/openid-configuration" && m == "GET") return Discovery(request);
  if (path == "/oauth2/keys" && m == "GET") {
    HttpResponse r = HttpResponse::Json(200, tokens_.Jwks());
    r.SetHeader("Cache-Control", "max-age=300");
    return r;
  }
  if (path == "/oauth2/token" && m == "POST") return Token(request);
  if (path == "/oauth2/revoke" && m == "POST") return Revoke(request);
  if (path == "/oauth2/authorize" && (m == "GET" || m == "POST")) {
    return Authorize(request, raw_query);
  }
  if (path == "/pim/v1/account/password" && m == "POST") return AccountPassword(request);
  if (path == "/pim/v1/account/totp" && m == "POST") return AccountTotp(request, false);
  if (path == "/pim/v1/account/totp/confirm" && m == "POST") return AccountTotp(request, true);
  return OAuthError(404, "not_found", "No such endpoint, or not with this method.");
}

HttpResponse OidcApi::Discovery(const HttpRequest& /*request*/) const {
  const std::string& iss = tokens_.options().issuer;
  boost::json::object doc{
      {"issuer", iss},
      {"authorization_endpoint", iss + "/oauth2/authorize"},
      {"token_endpoint", iss + "/oauth2/token"},
      {"jwks_uri", iss + "/oauth2/keys"},
      {"revocation_endpoint", iss + "/oauth2/revoke"},
      {"response_types_supported", boost::json::array{"code"}},
      {"response_modes_supported", boost::json::array{"query"}},
      {"grant_types_supported",
       boost::json::array{"authorization_code", "refresh_token", "client_credentials", "password"}},
      {"subject_types_supported", boost::json::array{"public"}},
      {"id_token_signing_alg_values_supported", boost::json::array{"EdDSA"}},
      {"token_endpoint_auth_methods_supported",
       boost::json::array{"none", "client_secret_post", "client_secret_basic", "private_key_jwt"}},
      {"token_endpoint_auth_signing_alg_values_supported",
       boost::json::array{"RS256", "ES256", "EdDSA"}},
      {"code_challenge_methods_supported", boost::json::array{"S256"}},
      {"scopes_supported", boost::json::array{"openid", "profile", "offline_access"}},
      {"claims_supported", boost::json::array{"sub", "oid", "tid", "amr", "auth_time", "name",
                                              "preferred_username", "nonce"}},
  };
  HttpResponse r = HttpResponse::Json(200, boost::json::serialize(doc));
  r.SetHeader("Cache-Control", "max-age=300");
  return r;
}

const OidcClient* OidcApi::FindClient(std::string_view id) const {
  for (const OidcClient& c : options_.clients) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

bool OidcApi::RedirectAllowed(const OidcClient& client, std::string_view uri) const {
  for (const auto& r : client.redirect_uris) {
    if (r == uri) return true;
  }
  if (!client.loopback_redirects) return false;
  // Matched by hand: Boost.URL 1.81 parses "http://127.0.0.1.evil.example/" as host 127.0.0.1
  // with path ".evil.example/".
  for (const std::string_view host : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (!uri.starts_with(host)) continue;
    std::string_view rest = uri.substr(host.size());
    if (rest.starts_with(':')) {
      size_t digits = 1;
      while (digits < rest.size() && digits <= 5 &&
             std::isdigit(static_cast<unsigned char>(rest[digits])))
        ++digits;
      if (digits == 1) return false;
      rest = rest.substr(digits);
    }
    if (rest.empty()) return true;
    if (rest.front() != '/') return false;
    // Path and query only: no fragment, no spaces or controls.
    return std::all_of(rest.begin(), rest.end(), [](char c) {
      return c > 0x20 && c < 0x7f && c != '#' && c != '\\' && c != '"' && c != '<' && c != '>';
    });
  }
  return false;
}

HttpResponse OidcApi::Token(const HttpRequest& request) {
  if (!oidc::HasPrefixIgnoreCase(request.Header("content-type"),
                                 "application/x-www-form-urlencoded")) {
    return OAuthError(400, "invalid_request",
                      "The token endpoint takes application/x-www-form-urlencoded bodies.");
  }
  auto form = oidc::ParseForm(request.body);
  if (!form.ok()) return OAuthError(400, "invalid_request", std::string(form.status().message()));
  const std::string_view grant = FormValue(*form, "grant_type");
  const std::string_view client_id = FormValue(*form, "client_id");
  const std::string scope(FormValue(*form, "scope"));

  if (grant == "client_credentials" &&
      FormValue(*form, "client_assertion_type") ==
          "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
    // RFC 7523 private_key_jwt: the service principal signs with its registered key.
    const std::string& iss = tokens_.options().issuer;
    auto sp = accounts_.VerifyClientAssertion(client_id, FormValue(*form, "client_assertion"),
                                              {iss + "/oauth2/token", iss}, request.remote_address);
    if (!sp.ok()) {
      if (sp.status().code() == absl::StatusCode::kResourceExhausted) {
        return oidc::GrantError(sp.status());
      }
      // A certificate outside its validity window is named (Entra's AADSTS700027): only the
      // holder of its private key gets this answer.
      const std::string reason = ErrorCodeOf(sp.status());
      if (reason == accounts::kCertificateExpired || reason == accounts::kCertificateNotYetValid) {
        return OAuthError(401, "invalid_client", std::string(sp.status().message()));
      }
      return OAuthError(401, "invalid_client", "Client authentication failed.");
    }
    return Tokens(tokens_.IssueForServicePrincipal(*sp));
  }
  if (grant == "client_credentials") {
    std::string id(client_id);
    std::string secret(FormValue(*form, "client_secret"));
    if (auto basic = BasicCredentials(request)) {
      if (!id.empty() || !secret.empty()) {
        return OAuthError(400, "invalid_request", "Use one client authentication method.");
      }
      std::tie(id, secret) = *basic;
    }
    if (id.empty() || secret.empty()) {
      return OAuthError(401, "invalid_client", "Client authentication is required.");
    }
    auto sp = accounts_.VerifyClientSecret(id, secret, request.remote_address);
    if (!sp.ok()) {
      if (sp.status().code() == absl::StatusCode::kResourceExhausted) {
        return oidc::GrantError(sp.status());
      }
      return OAuthError(401, "invalid_client", "Client authentication failed.");
    }
    return Tokens(tokens_.IssueForServicePrincipal(*sp));
  }

  const OidcClient* client = FindClient(client_id);
  if (client == nullptr) return OAuthError(401, "invalid_client", "Unknown client_id.");
  accounts::UserTokenRequest want;
  want.client_id = client->id;
  want.scope = scope;
  want.openid = HasScope(scope, "openid");

  if (grant == "password") {
    auto who = accounts_.SignIn(FormValue(*form, "username"), FormValue(*form, "password"),
                                FormValue(*form, "otp"), request.remote_address);
    if (!who.ok()) return oidc::GrantError(who.status());
    if (who->must_change_password) {
      return oidc::GrantError(Error(absl::StatusCode::kFailedPrecondition,
                                    accounts::kPasswordChangeRequired,
                                    "The password must be changed first "
                                    "(POST /pim/v1/account/password)."));
    }
    if (who->must_enrol_totp) {
      return oidc::GrantError(Error(absl::StatusCode::kFailedPrecondition,
                                    accounts::kTotpEnrolmentRequired,
                                    "An authenticator must be enrolled first "
                                    "(POST /pim/v1/account/totp)."));
    }
    return Tokens(tokens_.IssueForUser(*who, want));
  }
  if (grant == "refresh_token") {
    return Tokens(tokens_.Refresh(FormValue(*form, "refresh_token"), client->id));
  }
  if (grant == "authorization_code") {
    auto entry = pending_->TakeCode(FormValue(*form, "code"), clock_.Now());
    if (!entry || entry->request.client_id != client->id ||
        entry->request.redirect_uri != FormValue(*form, "redirect_uri") ||
        !PkceMatches(FormValue(*form, "code_verifier"), entry->request.code_challenge)) {
      return OAuthError(400, "invalid_grant",
                        "The code is invalid, expired, already used, or does not match.");
    }
    want.scope = entry->request.scope;
    want.openid = HasScope(want.scope, "openid");
    want.nonce = entry->request.nonce;
    return Tokens(tokens_.IssueForUser(entry->sign_in, want));
  }
  if (grant.empty()) return OAuthError(400, "invalid_request", "grant_type is required.");
  return OAuthError(400, "unsupported_grant_type", "This grant type is not supported.");
}

HttpResponse OidcApi::Revoke(const HttpRequest& request) {
  auto form = oidc::ParseForm(request.body);
  if (!form.ok()) return OAuthError(400, "invalid_request", std::string(form.status().message()));
  if (auto s = tokens_.Revoke(FormValue(*form, "token")); !s.ok()) {
    return OAuthError(503, "temporarily_unavailable", "Try again later.");
  }
  return HttpResponse::Empty(200);
}

}  // namespace pim::api
