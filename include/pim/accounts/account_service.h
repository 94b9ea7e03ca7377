// Local accounts: passwords (argon2id), TOTP second factor with single-use recovery codes,
// service-principal client secrets, and the sign-in checks that guard them — backoff and
// temporary lockout per login name and per source address, with answers that never reveal
// whether an account exists.
//
// Thread-safe. Records live in a CredentialStore; the directory (who exists, who is enabled)
// is the engine's.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pim/accounts/credential_store.h"
#include "pim/api/account_admin.h"
#include "pim/engine/clock.h"
#include "pim/engine/engine.h"
#include "pim/identity/password_hasher.h"

namespace pim::accounts {

struct AccountOptions {
  identity::PasswordHashParams hash_params = identity::PasswordHashParams::Interactive();
  // Failed sign-ins per login name before the first lockout; each further failure doubles it.
  int failures_before_lockout = 5;
  absl::Duration first_lockout = absl::Minutes(1);
  absl::Duration max_lockout = absl::Hours(1);
  // Failed sign-ins per source address within `address_window` before that address is refused.
  int address_failure_budget = 50;
  absl::Duration address_window = absl::Minutes(15);
  // How many addresses are tracked at most (memory). Past it, expired and under-budget entries
  // are dropped first, so that failing from many new addresses does not free a refused one.
  std::size_t max_tracked_addresses = 100'000;
  std::string totp_issuer = "pim";
  int recovery_code_count = 10;
};

// What a successful sign-in proves.
struct SignInResult {
  PrincipalId principal;
  std::vector<std::string> amr;  // "pwd"; plus "mfa" and "otp" when a second factor was shown
  absl::Time auth_time;
  bool must_change_password = false;  // the account may only change its password
  bool must_enrol_totp = false;       // the account may only enrol a second factor
};

struct TotpEnrolment {
  std::string secret;  // base32, for manual entry
  std::string otpauth_uri;
  std::string qr_svg;
};

struct NewClientSecret {
  std::string key_id;
  std::string secret_text;  // shown once; only its hash is kept
  std::string hint;         // first three characters, as Entra shows them
  absl::Time expires;
};

// A registered public key of a service principal (never anything secret): a certificate
// (type "AsymmetricX509Cert", Graph's keyCredential) or a bare JWK (type "JsonWebKey").
struct ClientKeyInfo {
  std::string key_id;
  std::string type;
  std::string display_name;
  std::string alg;                // "RS256", "ES256" or "EdDSA"
  std::string subject;            // certificates: RFC 2253 subject
  std::string thumbprint;         // certificates: SHA-1 of the DER, 40 uppercase hex digits
  std::string thumbprint_sha256;  // certificates: SHA-256 of the DER, 64 uppercase hex digits
  // A certificate's validity window; a JWK is valid until removed.
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
};

inline constexpr char kCertificateCredentialType[] = "AsymmetricX509Cert";
inline constexpr char kJwkCredentialType[] = "JsonWebKey";

// Error codes (the `code` field of API errors; OAuth endpoints map them to RFC 6749 errors).
inline constexpr char kInvalidCredentials[] = "InvalidCredentials";
inline constexpr char kSecondFactorRequired[] = "SecondFactorRequired";
inline constexpr char kAccountLocked[] = "AccountTemporarilyLocked";
inline constexpr char kPasswordChangeRequired[] = "PasswordChangeRequired";
inline constexpr char kTotpEnrolmentRequired[] = "TotpEnrolmentRequired";
inline constexpr char kInvalidTotpCode[] = "InvalidTotpCode";
// A certificate outside its validity window: refused at upload (InvalidArgument) and, once it
// has expired, at sign-in (Unauthenticated; Entra's AADSTS700027).
inline constexpr char kCertificateExpired[] = "CertificateExpired";
inline constexpr char kCertificateNotYetValid[] = "CertificateNotYetValid";

// The credential kinds that hold a secret or a hash worth guessing at (TOTP keys, password
// hashes, recovery-code hashes): the ones pimd seals at rest (SealedCredentialStore).
[[nodiscard]] std::vector<std::string> SealedCredentialKinds();

class AccountService final : public api::AccountAdmin {
 public:
  AccountService(CredentialStore& store, const Engine& engine, const Clock& clock,
                 AccountOptions options = {});

  // Checks `login` (an object id or a user principal name, case-insensitive) and `password`,
  // then the second factor when the account has TOTP: `second_factor` is a TOTP code or an
  // unused recovery code. Every failure answers Unauthenticated kInvalidCredentials with the
  // same message and the same cost whether or not the user exists; a right password without
  // a needed second factor answers kSecondFactorRequired; too many failures answer
  // ResourceExhausted kAccountLocked. A disabled account fails like a wrong password.
  [[nodiscard]] absl::StatusOr<SignInResult> SignIn(std::string_view login,
                                                    std::string_view password,
                                                    std::string_view second_factor,
                                                    std::string_view source_address);

  // Changes the password of an account that proved `current_password` (and the second factor,
  // when enrolled) — also how an account flagged must-change gets out of that state.
  [[nodiscard]] absl::Status ChangePassword(std::string_view login,
                                            std::string_view current_password,
                                            std::string_view second_factor,
                                            std::string_view new_password,
                                            std::string_view source_address);

  // Sets a new password for a user who has just signed in (the forced change of the sign-in
  // page): checked against the policy; clears must-change.
  [[nodiscard]] absl::Status ReplacePassword(const PrincipalId& user, std::string_view password);

  // Starts (or restarts) TOTP enrolment; the key is pending until confirmed. FailedPrecondition
  // when TOTP is already confirmed (remove it first).
  [[nodiscard]] absl::StatusOr<TotpEnrolment> BeginTotpEnrolment(const PrincipalId& user);
  // Confirms a pending enrolment with a current code; returns fresh recovery codes (shown
  // once). InvalidArgument kInvalidTotpCode for a wrong code.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> ConfirmTotpEnrolment(
      const PrincipalId& user, std::string_view code);
  // Verifies a TOTP or recovery code for a signed-in user (step-up at activation); each code
  // works once. Returns when the factor was performed. Unauthenticated kInvalidTotpCode
  // otherwise (failures count towards the lockout like sign-in failures).
  [[nodiscard]] absl::StatusOr<absl::Time> VerifySecondFactor(const PrincipalId& user,
                                                              std::string_view code,
                                                              std::string_view source_address);
  [[nodiscard]] absl::StatusOr<bool> HasTotp(const PrincipalId& user);
  // Makes the next sign-in enrol TOTP before anything else (the break-glass account).
  [[nodiscard]] absl::Status RequireTotpEnrolment(const PrincipalId& user);

  // Service-principal secrets (client credentials). The client id is the principal's id.
  [[nodiscard]] absl::StatusOr<NewClientSecret> AddClientSecret(const PrincipalId& sp,
                                                                absl::Duration lifetime);
  [[nodiscard]] absl::Status RemoveClientSecret(const PrincipalId& sp, std::string_view key_id);
  // The secrets of `sp` without their values: key id, hint and expiry.
  [[nodiscard]] absl::StatusOr<std::vector<NewClientSecret>> ListClientSecrets(
      const PrincipalId& sp);
  // The enabled service principal whose unexpired secret `secret` is; Unauthenticated
  // kInvalidCredentials otherwise (same lockout accounting as users).
  [[nodiscard]] absl::StatusOr<PrincipalId> VerifyClientSecret(std::string_view client_id,
                                                               std::string_view secret,
                                                               std::string_view source_address);

  // Public keys for signed client assertions (RFC 7523 private_key_jwt). A bare public key as a
  // JWK (RS256, ES256 or EdDSA). Returns its key id (the JWK's kid, else a random one).
  [[nodiscard]] absl::StatusOr<std::string> AddClientKey(const PrincipalId& sp,
                                                         std::string_view jwk_json);
  // An X.509 certificate (PEM or base64 DER, see identity::X509Certificate::Parse), kept with
  // its thumbprints and validity window under a new random key id (a GUID). Errors: NotFound
  // ServicePrincipalNotFound; InvalidArgument InvalidKey for an unreadable certificate or an
  // unsupported key (e.g. RSA under 2048 bits) and kCertificateExpired for one that has already
  // expired; AlreadyExists KeyCredentialExists when `sp` has this certificate already.
  [[nodiscard]] absl::StatusOr<ClientKeyInfo> AddClientCertificate(const PrincipalId& sp,
                                                                   std::string_view certificate,
                                                                   std::string_view display_name);
  // The keys and certificates of `sp`, by key id.
  [[nodiscard]] absl::StatusOr<std::vector<ClientKeyInfo>> ListClientKeys(const PrincipalId& sp);
  // Removes a key or certificate. NotFound KeyNotFound when `sp` has none with that id.
  [[nodiscard]] absl::Status RemoveClientKey(const PrincipalId& sp, std::string_view key_id);
  // The enabled service principal that signed `assertion`: a JWT with iss = sub = client_id,
  // one of `audiences` in aud, at most 10 minutes of lifetime, and a jti never seen before.
  // A header naming a certificate ("x5t#S256", "x5t", or a "kid" equal to its key id or a
  // thumbprint) is checked against that certificate alone, and the certificate must be valid
  // now. Unauthenticated kInvalidCredentials otherwise; kCertificateExpired or
  // kCertificateNotYetValid when the assertion is otherwise good but its certificate is outside
  // its validity window (the signature proved the caller holds the key, so saying so is safe).
  [[nodiscard]] absl::StatusOr<PrincipalId> VerifyClientAssertion(
      std::string_view client_id, std::string_view assertion, std::vector<std::string> audiences,
      std::string_view source_address);

  // api::AccountAdmin
  absl::Status CheckNewPassword(const Principal& user, std::string_view password) const override;
  // (Also ends every session of `user`: its refresh tokens are revoked.)
  absl::Status SetPassword(const PrincipalId& user, std::string_view password,
                           bool force_change) override;
  absl::Status ForgetPrincipal(const PrincipalId& id) override;
  // AddClientCertificate and RemoveClientKey, for Graph's addKey and removeKey.
  absl::StatusOr<api::KeyCredentialInfo> AddCertificateCredential(
      const PrincipalId& sp, std::string_view certificate, std::string_view display_name) override;
  absl::Status RemoveKeyCredential(const PrincipalId& sp, std::string_view key_id) override;

 private:
  // SignIn, running `before_second_factor` (when set) once the password is right and before a
  // one-time code is spent; its error is returned as is.
  [[nodiscard]] absl::StatusOr<SignInResult> SignIn(
      std::string_view login, std::string_view password, std::string_view second_factor,
      std::string_view source_address,
      const std::function<absl::Status(const Principal&)>& before_second_factor);
  struct AddressFailures {
    int count = 0;
    absl::Time window_start;
  };
  // Bounds address_failures_ (AccountOptions::max_tracked_addresses).
  void PruneAddresses(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(address_mu_);
  // Whether `id` is an enabled service principal (`any_state`: or a disabled one).
  [[nodiscard]] bool IsServicePrincipal(const std::string& id, bool any_state) const;
  // The principal a login names, when it is an enabled user.
  [[nodiscard]] std::optional<Principal> FindUser(std::string_view login) const;
  // ResourceExhausted while `login` or `address` is locked out.
  // `per_account` false: only the address's failures count (credentials that cannot be guessed).
  [[nodiscard]] absl::Status CheckNotLocked(std::string_view login, std::string_view address,
                                            bool per_account = true);
  // Counts one failure against both and returns the uniform credentials error.
  absl::Status Fail(std::string_view login, std::string_view address, std::string_view code,
                    bool per_account = true);
  void ClearFailures(std::string_view login);
  // Verifies a TOTP code (advancing the last used step) or consumes a recovery code.
  [[nodiscard]] absl::StatusOr<bool> CheckSecondFactor(const PrincipalId& user,
                                                       std::string_view code);

  CredentialStore& store_;
  const Engine& engine_;
  const Clock& clock_;
  const AccountOptions options_;
  // Attempts on one account (the check, the verification and the count of a failure) run one at
  // a time, so that concurrent guesses cannot all pass the lockout check before any is counted.
  // Striped by account: contention between accounts is rare, and no entry is ever left behind.
  [[nodiscard]] absl::Mutex& AttemptLock(std::string_view account) const;
  mutable std::array<absl::Mutex, 64> attempt_locks_;
  absl::Mutex address_mu_;
  absl::flat_hash_map<std::string, AddressFailures> address_failures_ ABSL_GUARDED_BY(address_mu_);
};

}  // namespace pim::accounts
