// A CredentialStore that seals the values of chosen kinds (TOTP keys, password and
// recovery-code hashes) with a SecretBox before they reach the store it wraps, and opens them
// on the way back, so that the credentials database alone reveals none of them. Each value is
// sealed for its (kind, key): one moved to another record does not open. Other kinds (sign-in
// counters, hashes of random high-entropy secrets) pass through unchanged.
//
// A value of a sealed kind that is not sealed is refused when read (DataLoss), never trusted:
// Prepare() seals, once, the values a database got before sealing was on. Thread-safe when the
// wrapped store is.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pim/accounts/credential_store.h"
#include "pim/identity/secret_box.h"

namespace pim::accounts {

class SealedCredentialStore final : public CredentialStore {
 public:
  // Kind of the record that tells whether a key is the one the store was sealed with.
  static constexpr std::string_view kCheckKind = "sealCheck";

  // Seals the kinds in `sealed_kinds`; `inner` must outlive this store.
  SealedCredentialStore(CredentialStore& inner, const identity::SecretBox& box,
                        std::vector<std::string> sealed_kinds);

  // Whether `inner` was ever prepared for sealing (then only its own key opens it).
  [[nodiscard]] static absl::StatusOr<bool> HasBeenSealed(CredentialStore& inner);

  // Before first use: checks that the key is the one this database was sealed with (a check
  // value kept under kCheckKind, written the first time), then seals every value of a sealed
  // kind still in the clear, or sealed with the box's previous key (SecretBox::WithPrevious:
  // changing the key), and last the check value. Once the check value is sealed with the key
  // and there is no previous key, nothing is read through: a value planted in the clear later
  // stays refused, never adopted. FailedPrecondition when neither key is the database's.
  [[nodiscard]] absl::Status Prepare();

  absl::StatusOr<std::optional<std::string>> Get(std::string_view kind,
                                                 std::string_view key) override;
  absl::Status Put(std::string_view kind, std::string_view key, std::string_view owner,
                   std::string_view value) override;
  absl::StatusOr<bool> Replace(std::string_view kind, std::string_view key,
                               std::string_view expected, std::string_view value) override;
  absl::Status Delete(std::string_view kind, std::string_view key) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> List(
      std::string_view kind, std::string_view owner) override;
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListKind(
      std::string_view kind) override;
  absl::Status ForgetOwner(std::string_view owner) override;

 private:
  [[nodiscard]] bool Seals(std::string_view kind) const;
  // The value of (kind, key) as stored: sealed for it when the kind is sealed.
  [[nodiscard]] std::string Stored(std::string_view kind, std::string_view key,
                                   std::string_view value) const;
  // The value of (kind, key) as given back: opened when the kind is sealed.
  [[nodiscard]] absl::StatusOr<std::string> Given(std::string_view kind, std::string_view key,
                                                  std::string_view stored) const;
  // Opens every value of a listing of `kind`.
  [[nodiscard]] absl::StatusOr<std::vector<std::pair<std::string, std::string>>> Opened(
      std::string_view kind, std::vector<std::pair<std::string, std::string>> rows) const;

  CredentialStore& inner_;
  identity::SecretBox box_;
  std::vector<std::string> sealed_kinds_;
};

}  // namespace pim::accounts
