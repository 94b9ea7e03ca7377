// The Authenticator pimd runs with: a bearer JWT issued by pimd itself (TokenService) or by a
// trusted external identity provider, mapped to a pim principal that exists and is enabled.
// Anything else is refused. A request may also carry a TOTP or recovery code in
// `X-Pim-Mfa-Code`: verified by the server, it counts as MFA performed now (step-up for an
// activation whose policy requires MFA).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pim/accounts/account_service.h"
#include "pim/accounts/jwks_fetcher.h"
#include "pim/accounts/remote_jwks.h"
#include "pim/accounts/token_service.h"
#include "pim/api/authenticator.h"
#include "pim/identity/jwk.h"

namespace pim::accounts {

// An external OpenID Connect provider whose access tokens pimd accepts.
struct ExternalIssuer {
  std::string issuer;                  // exact `iss`
  std::vector<std::string> audiences;  // the token's `aud` must contain one
  // Its keys come from exactly one of:
  std::vector<identity::VerificationKey> keys;  // its JWKS file, read by LoadExternalIssuers
  std::string jwks_uri;                         // its JWKS URL, fetched and kept fresh
  std::string ca_file;        // for jwks_uri: PEM CA certificates trusted instead of the system's
  std::string claim = "oid";  // the claim that names the principal
  // How the claim's value finds the principal: its pim object id, or its user principal name
  // (mail, case-insensitive).
  enum class Match { kObjectId, kUserPrincipalName } match = Match::kObjectId;
  // Whether `amr` containing "mfa" counts as MFA performed at `auth_time` (else `iat`).
  bool trust_mfa = true;
};

// Makes the fetcher of an issuer configured with a jwks_uri (pimd: libcurl, trusting the
// issuer's ca_file).
using JwksFetcherFactory = std::function<std::unique_ptr<JwksFetcher>(const ExternalIssuer&)>;

// Thread-safe.
class BearerAuthenticator final : public api::Authenticator {
 public:
  // `accounts` verifies step-up codes; nullptr disables `X-Pim-Mfa-Code`. Each issuer with a
  // jwks_uri gets a RemoteJwks owned by this object, with a fetcher from `make_fetcher`, times
  // from `clock` and `remote_options`; nothing is fetched until the first RefreshIfDue() (pimd
  // calls it on every remote_key_sets() entry at start-up, then runs a RemoteJwksRefresher) or
  // until a token arrives. Without `make_fetcher` the tokens of such issuers are refused.
  BearerAuthenticator(const TokenService& tokens, std::vector<ExternalIssuer> external,
                      const Engine& engine, const Clock& clock, AccountService* accounts,
                      const JwksFetcherFactory& make_fetcher = nullptr,
                      const RemoteJwksOptions& remote_options = {});

  absl::StatusOr<Caller> Authenticate(const api::HttpRequest& request) const override;

  // The key caches of the issuers configured with a jwks_uri, owned by this object.
  [[nodiscard]] std::vector<RemoteJwks*> remote_key_sets() const;

 private:
  struct Trusted {
    ExternalIssuer config;
    std::unique_ptr<RemoteJwks> remote;  // set for a jwks_uri (when there is a fetcher)
  };

  // Verifies `token` of `issuer` with the issuer's keys, fetching them again first when it
  // names a key they lack.
  [[nodiscard]] absl::StatusOr<Caller> AuthenticateExternal(const Trusted& issuer,
                                                            std::string_view token) const;
  [[nodiscard]] absl::StatusOr<Caller> MapExternal(
      const ExternalIssuer& issuer, const std::vector<identity::VerificationKey>& keys,
      std::string_view token) const;

  const TokenService& tokens_;
  const std::vector<Trusted> external_;
  const Engine& engine_;
  const Clock& clock_;
  AccountService* const accounts_;
};

// Parses the trusted-issuers file: a JSON array of
// {"issuer", "audience" (string or array), "jwksFile" or "jwksUri" (exactly one), "caFile"
// (only with jwksUri), "claim", "match": "objectId" | "userPrincipalName", "trustMfa"}.
// Relative jwksFile and caFile paths are resolved against `base_dir`. A jwksFile is read and
// parsed here; a jwksUri is only checked (ValidateJwksUri), nothing is fetched; a caFile must be
// readable and hold a PEM certificate. Errors: InvalidArgument, prefixed "trusted issuers: "
// and naming the issuer and the field.
[[nodiscard]] absl::StatusOr<std::vector<ExternalIssuer>> LoadExternalIssuers(
    std::string_view json, const std::string& base_dir);

}  // namespace pim::accounts
