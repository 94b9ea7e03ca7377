// pimd as an OpenID Connect issuer: signs short-lived access tokens (EdDSA JWTs) for users and
// service principals, issues refresh tokens that rotate on every use (a reused one revokes its
// whole family: the sign of a stolen token), and verifies its own access tokens.
//
// Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "pim/accounts/account_service.h"
#include "pim/accounts/credential_store.h"
#include "pim/engine/caller.h"
#include "pim/engine/clock.h"
#include "pim/engine/engine.h"
#include "pim/identity/signing_key_ring.h"

namespace pim::accounts {

struct TokenOptions {
  std::string issuer;                  // the public URL, e.g. https://pim.example.com
  std::string audience = "api://pim";  // `aud` of every access token
  std::string tenant_id;               // `tid`
  absl::Duration access_token_lifetime = absl::Minutes(15);
  absl::Duration refresh_token_lifetime = absl::Hours(24 * 14);  // each token, unused
  absl::Duration session_lifetime = absl::Hours(24 * 90);        // a family, from sign-in
};

struct IssuedTokens {
  std::string access_token;
  absl::Duration expires_in;
  std::string refresh_token;  // empty for client credentials
  std::string id_token;       // only when `openid` was asked for
  std::string scope;
};

// What the caller of IssueForUser asks for besides the access token.
struct UserTokenRequest {
  std::string client_id;
  bool refresh = true;
  bool openid = false;
  std::string nonce;  // echoed in the id token
  std::string scope;
};

inline constexpr char kInvalidGrant[] = "InvalidGrant";

class TokenService {
 public:
  // `keys` must outlive the service and be rotated only through RotateKeys/PruneKeys.
  TokenService(identity::SigningKeyRing& keys, CredentialStore& store, const Engine& engine,
               const Clock& clock, TokenOptions options);

  [[nodiscard]] absl::StatusOr<IssuedTokens> IssueForUser(const SignInResult& sign_in,
                                                          const UserTokenRequest& request);
  [[nodiscard]] absl::StatusOr<IssuedTokens> IssueForServicePrincipal(const PrincipalId& sp);
  // Redeems a refresh token for new tokens (the presented one is spent). Unauthenticated
  // kInvalidGrant when it is unknown, expired, spent (which also revokes its family), for
  // another client, or its principal is gone or disabled.
  [[nodiscard]] absl::StatusOr<IssuedTokens> Refresh(std::string_view refresh_token,
                                                     std::string_view client_id);
  // Revokes the refresh token's family (RFC 7009: unknown tokens are not an error).
  [[nodiscard]] absl::Status Revoke(std::string_view refresh_token);
  // Revokes every refresh token of `principal` (disable, password reset, sign-out everywhere).
  [[nodiscard]] absl::Status RevokeAll(const PrincipalId& principal) {
    return RevokeAllIn(store_, principal);
  }
  // RevokeAll on the store the tokens live in, for AccountService, which ends every session
  // when a password is set (a reset must lock out whoever holds a stolen refresh token).
  [[nodiscard]] static absl::Status RevokeAllIn(CredentialStore& store,
                                                const PrincipalId& principal);

  // The caller one of our access tokens proves: signature, issuer, audience and lifetime
  // checked, and its principal still exists and is enabled. Unauthenticated otherwise. A token
  // whose signature was verified once is remembered (by its SHA-256) until it expires, so a
  // client's later requests cost a hash, not an Ed25519 verification; the principal is still
  // checked every time.
  [[nodiscard]] absl::StatusOr<Caller> VerifyAccessToken(std::string_view token) const;
  // VerifyAccessToken for a token verified before and not yet expired; nullopt for any other
  // token (then nothing about it is known, not even who issued it).
  [[nodiscard]] std::optional<absl::StatusOr<Caller>> RecallAccessToken(
      std::string_view token) const;

  // Makes a new signing key current; the old one keeps verifying until its tokens expired.
  [[nodiscard]] absl::Status RotateKeys();
  // The kid of the key that signs new tokens.
  [[nodiscard]] std::string CurrentKeyId() const;
  // Deletes retired keys that can no longer have live tokens.
  [[nodiscard]] absl::Status PruneKeys();

  // The JWKS document: every key that may still have live tokens.
  [[nodiscard]] std::string Jwks() const;
  [[nodiscard]] const TokenOptions& options() const { return options_; }

 private:
  [[nodiscard]] absl::StatusOr<IssuedTokens> Issue(const Principal& principal,
                                                   const std::vector<std::string>& amr,
                                                   absl::Time auth_time,
                                                   const UserTokenRequest& request,
                                                   std::string family, absl::Time session_end);
  [[nodiscard]] std::string Sign(const boost::json::object& claims) const;
  [[nodiscard]] std::optional<Principal> EnabledPrincipal(std::string_view id) const;
  struct Verified {
    std::string oid;
    std::optional<absl::Time> mfa_at;
    absl::Time usable_until;  // exp plus the verification leeway
  };
  // The caller a verified token stands for, if its principal is still enabled.
  [[nodiscard]] absl::StatusOr<Caller> CallerOf(const Verified& verified) const;
  // The remembered verification of the token with this digest, unless expired at `now`.
  [[nodiscard]] std::optional<Verified> Recall(const std::string& digest, absl::Time now) const;

  // Guards the ring: shared for signing and verifying, exclusive for rotation.
  mutable absl::Mutex keys_mu_;
  identity::SigningKeyRing& keys_ ABSL_GUARDED_BY(keys_mu_);
  mutable absl::Mutex verified_mu_;
  mutable absl::flat_hash_map<std::string, Verified> verified_ ABSL_GUARDED_BY(verified_mu_);
  // Every key of the ring, for verification (expiry is the token's own check).
  std::vector<identity::VerificationKey> verification_keys_ ABSL_GUARDED_BY(keys_mu_);
  CredentialStore& store_;
  const Engine& engine_;
  const Clock& clock_;
  const TokenOptions options_;
};

}  // namespace pim::accounts
