// The credential side of directory administration. The engine keeps the directory (who exists,
// what they hold) but never a password; when the Graph directory API or a bulk import creates a
// user with a password, resets one, or deletes a principal, it asks this interface -- which the
// identity layer implements -- to do the credential part.
//
// Order of calls for a user created or changed with a password: CheckNewPassword, then the
// directory change (which authorises the caller), then SetPassword. A password therefore never
// reaches the store for a change the caller was not allowed to make, and a password the policy
// refuses leaves the directory untouched.
//
// Implementations must be thread-safe: the API layer calls them from every request thread.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/domain/ids.h"
#include "pim/domain/principal.h"

namespace pim::api {

// A service principal's certificate credential as Graph's keyCredential shows it.
struct KeyCredentialInfo {
  std::string key_id;  // a GUID
  std::string display_name;
  std::string custom_key_identifier;  // the certificate's SHA-1 thumbprint, uppercase hex
  absl::Time start;                   // the certificate's validity window
  absl::Time end;
};

// Credential side effects of directory administration, implemented by the identity layer.
class AccountAdmin {
 public:
  virtual ~AccountAdmin() = default;

  // Checks a new password against policy without storing it (run before the directory change).
  // `user` is the user as it will be stored (its id, displayName and userPrincipalName, which a
  // policy may forbid the password to contain). Errors: InvalidArgument with a message for
  // people saying what the policy requires (the password itself is never quoted).
  [[nodiscard]] virtual absl::Status CheckNewPassword(const Principal& user,
                                                      std::string_view password) const = 0;

  // Sets `user`'s password; `force_change` makes the next sign-in demand a new one. Called only
  // after the directory change that authorised it committed. Errors: InvalidArgument (policy),
  // Internal/Unavailable (the credential store failed; nothing was changed).
  [[nodiscard]] virtual absl::Status SetPassword(const PrincipalId& user, std::string_view password,
                                                 bool force_change) = 0;

  // Forgets every credential of a deleted principal and revokes its refresh tokens. Called after
  // the principal was deleted from the directory; forgetting a principal that has no credentials
  // is OK.
  [[nodiscard]] virtual absl::Status ForgetPrincipal(const PrincipalId& id) = 0;

  // Graph's servicePrincipal addKey: registers X.509 `certificate` (base64 DER or PEM) as a
  // credential of service principal `sp`. Called only after the caller was authorised to change
  // `sp`. Errors: InvalidArgument for an unreadable, unsupported or expired certificate,
  // AlreadyExists when `sp` has it already, NotFound when `sp` is not a service principal;
  // Unimplemented (this default) where credentials are not managed.
  [[nodiscard]] virtual absl::StatusOr<KeyCredentialInfo> AddCertificateCredential(
      const PrincipalId& sp, std::string_view certificate, std::string_view display_name) {
    static_cast<void>(sp);
    static_cast<void>(certificate);
    static_cast<void>(display_name);
    return absl::UnimplementedError("Key credentials are not managed by this server.");
  }
  // Graph's servicePrincipal removeKey. Errors: NotFound when `sp` has no key `key_id`;
  // Unimplemented (this default) where credentials are not managed.
  [[nodiscard]] virtual absl::Status RemoveKeyCredential(const PrincipalId& sp,
                                                         std::string_view key_id) {
    static_cast<void>(sp);
    static_cast<void>(key_id);
    return absl::UnimplementedError("Key credentials are not managed by this server.");
  }
};

}  // namespace pim::api
