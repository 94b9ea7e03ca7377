// pimd's OAuth 2.0 / OpenID Connect endpoints as the built-in public client `pimctl` uses them:
// the authorization-code grant with PKCE, the password grant for scripts, refresh (the refresh
// token rotates on every use) and revocation. Thread-compatible.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/cli/http_client.h"
#include "pim/cli/secret.h"

namespace pim::cli {

inline constexpr char kClientId[] = "pimctl";

struct TokenResponse {
  Secret access_token;
  Secret refresh_token;  // empty when none was issued
  absl::Duration expires_in = absl::Minutes(15);
};

class OAuthClient {
 public:
  // `server`: base URL without a trailing slash. `http` is borrowed.
  OAuthClient(HttpClient& http, std::string server) : http_(http), server_(std::move(server)) {}

  // The URL of the sign-in page for this flow (response_type=code, S256, openid scope).
  [[nodiscard]] std::string AuthorizeUrl(const std::string& redirect_uri,
                                         const std::string& code_challenge,
                                         const std::string& state,
                                         const std::string& login_hint) const;

  // Each returns the tokens, or the server's OAuth error as a status (ServerError: 400
  // invalid_grant with a suberror such as TotpEnrolmentRequired, 429 while locked out), or
  // Unavailable when the server cannot be reached.
  [[nodiscard]] absl::StatusOr<TokenResponse> PasswordGrant(const std::string& username,
                                                            const Secret& password,
                                                            const std::optional<std::string>& otp);
  [[nodiscard]] absl::StatusOr<TokenResponse> ExchangeCode(const std::string& code,
                                                           const std::string& redirect_uri,
                                                           const std::string& code_verifier);
  [[nodiscard]] absl::StatusOr<TokenResponse> Refresh(const Secret& refresh_token);

  // Ends the session of `refresh_token` (RFC 7009). Errors as above.
  [[nodiscard]] absl::Status Revoke(const Secret& refresh_token);

 private:
  [[nodiscard]] absl::StatusOr<TokenResponse> Token(
      const std::vector<std::pair<std::string, std::string>>& fields);

  HttpClient& http_;
  const std::string server_;
};

}  // namespace pim::cli
