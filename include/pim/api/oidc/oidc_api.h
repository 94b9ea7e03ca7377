// pimd's OpenID Connect and account endpoints — the only ones served without a bearer token:
//   GET  /.well-known/openid-configuration   discovery
//   GET  /oauth2/keys                        JWKS
//   POST /oauth2/token                       grants: authorization_code (PKCE S256),
//                                            refresh_token (rotating), client_credentials
//                                            (service principals), password (scripts: needs
//                                            the TOTP code in `otp` when one is enrolled)
//   GET|POST /oauth2/authorize               the sign-in page (password, TOTP, forced
//                                            password change and TOTP enrolment)
//   POST /oauth2/revoke                      RFC 7009
//   POST /pim/v1/account/password            change a password (proves the current one)
//   POST /pim/v1/account/totp                start TOTP enrolment (proves the password)
//   POST /pim/v1/account/totp/confirm        finish it; returns the recovery codes
// Token-endpoint errors are RFC 6749 JSON (`error`, `error_description`); account endpoints
// answer pim's JSON error format. Responses carrying secrets are `Cache-Control: no-store`.
//
// Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pim/accounts/account_service.h"
#include "pim/accounts/token_service.h"
#include "pim/api/http.h"
#include "pim/engine/clock.h"

namespace pim::api {

namespace oidc {
class PendingSignIns;
struct PendingSignIn;
}  // namespace oidc

// A public client of the authorization-code flow (PKCE is mandatory; there is no secret).
struct OidcClient {
  std::string id;
  std::vector<std::string> redirect_uris;  // exact matches
  // RFC 8252 §7.3: any port on http://127.0.0.1, http://[::1] or http://localhost (pimctl).
  bool loopback_redirects = false;
};

struct OidcOptions {
  // The public clients; pimctl's is always there.
  std::vector<OidcClient> clients = {{"pimctl", {}, true}};
  absl::Duration code_lifetime = absl::Seconds(60);
  absl::Duration sign_in_flow_lifetime = absl::Minutes(10);
};

class OidcApi {
 public:
  OidcApi(accounts::AccountService& accounts, accounts::TokenService& tokens, const Clock& clock,
          OidcOptions options = {});
  ~OidcApi();

  // Whether this surface serves `path` (already percent-decoded, no query).
  [[nodiscard]] static bool Owns(std::string_view path);

  [[nodiscard]] HttpResponse Handle(const HttpRequest& request, std::string_view path,
                                    std::string_view raw_query);

  // The issuer behind these endpoints (key rotation is an administrative call elsewhere).
  [[nodiscard]] accounts::TokenService& tokens() { return tokens_; }

 private:
  HttpResponse Discovery(const HttpRequest& request) const;
  HttpResponse Token(const HttpRequest& request);
  HttpResponse Revoke(const HttpRequest& request);
  HttpResponse Authorize(const HttpRequest& request, std::string_view raw_query);
  // The next page once `entry`'s owner has proven who they are: a forced password change,
  // TOTP enrolment, or the redirect back to the client with a code.
  HttpResponse Continue(oidc::PendingSignIn entry, absl::Time now);
  HttpResponse AccountPassword(const HttpRequest& request);
  HttpResponse AccountTotp(const HttpRequest& request, bool confirm);
  [[nodiscard]] const OidcClient* FindClient(std::string_view id) const;
  [[nodiscard]] bool RedirectAllowed(const OidcClient& client, std::string_view uri) const;

  accounts::AccountService& accounts_;
  accounts::TokenService& tokens_;
  const Clock& clock_;
  const OidcOptions options_;
  std::unique_ptr<oidc::PendingSignIns> pending_;
};

}  // namespace pim::api
