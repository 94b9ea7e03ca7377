// The Authenticator pimd runs with: a bearer JWT issued by pimd itself (TokenService) or by a
// trusted external identity provider, mapped to a pim principal that exists and is enabled.
// Anything else is refused. A request may also carry a TOTP or recovery code in
// `X-Pim-Mfa-Code`: verified by the server, it counts as MFA performed now (step-up for an
// activation whose policy requires MFA).
#pragma once

#include <string>
#include <vector>

#include "pim/accounts/account_service.h"
#include "pim/accounts/token_service.h"
#include "pim/api/authenticator.h"
#include "pim/identity/jwk.h"

namespace pim::accounts {

// An external OpenID Connect provider whose access tokens pimd accepts.
struct ExternalIssuer {
  std::string issuer;                           // exact `iss`
  std::vector<std::string> audiences;           // the token's `aud` must contain one
  std::vector<identity::VerificationKey> keys;  // from its JWKS
  std::string claim = "oid";                    // the claim that names the principal
  // How the claim's value finds the principal: its pim object id, or its user principal name
  // (mail, case-insensitive).
  enum class Match { kObjectId, kUserPrincipalName } match = Match::kObjectId;
  // Whether `amr` containing "mfa" counts as MFA performed at `auth_time` (else `iat`).
  bool trust_mfa = true;
};

class BearerAuthenticator final : public api::Authenticator {
 public:
  // `accounts` verifies step-up codes; nullptr disables `X-Pim-Mfa-Code`.
  BearerAuthenticator(const TokenService& tokens, std::vector<ExternalIssuer> external,
                      const Engine& engine, const Clock& clock, AccountService* accounts);

  absl::StatusOr<Caller> Authenticate(const api::HttpRequest& request) const override;

 private:
  [[nodiscard]] absl::StatusOr<Caller> AuthenticateExternal(const ExternalIssuer& issuer,
                                                            std::string_view token) const;

  const TokenService& tokens_;
  const std::vector<ExternalIssuer> external_;
  const Engine& engine_;
  const Clock& clock_;
  AccountService* const accounts_;
};

// Parses the trusted-issuers file: a JSON array of
// {"issuer", "audience" (string or array), "jwksFile", "claim", "match": "objectId" |
// "userPrincipalName", "trustMfa"}. Relative JWKS paths are resolved against `base_dir`.
[[nodiscard]] absl::StatusOr<std::vector<ExternalIssuer>> LoadExternalIssuers(
    std::string_view json, const std::string& base_dir);

}  // namespace pim::accounts
