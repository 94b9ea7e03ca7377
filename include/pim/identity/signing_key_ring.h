// The issuer's signing keys, rotated over time and kept in a directory (<data-dir>/keys):
// `<kid>.pem` per key (mode 0600) and `keyring.json` (0600) listing each key's kid, when it
// was created and when it was retired (stopped being the current key). The directory is mode
// 0700 and belongs to one pimd process. With a SecretBox, each key file holds its PEM sealed
// for its kid, and keyring.json says `"sealed": true`: a sealed ring opens with its box only,
// and refuses a key file in the clear; a ring written before sealing, or sealed with the box's
// previous key (SecretBox::WithPrevious), is sealed with its key when opened. A
// retired key still verifies, and is still published in the JWKS, until `retired +
// max_token_lifetime`: every token it signed has expired by then.
//
// Not thread-safe: the caller serialises Rotate and Prune against every other call (the issuer
// holds a reader/writer lock around it); const methods may run concurrently with each other.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pim/identity/jwk.h"
#include "pim/identity/secret_box.h"
#include "pim/identity/signing_key.h"

namespace pim::identity {

class SigningKeyRing {
 public:
  // Loads the ring in `dir`, creating the directory (mode 0700; an existing one is set to
  // 0700) and a first key created at `now` if it holds no keyring.json; with `seal`, its key
  // files are sealed. Errors: Unavailable when a file cannot be read or written;
  // InvalidArgument when keyring.json or a key file is corrupt or they disagree, or a key file
  // of a sealed ring is in the clear; FailedPrecondition when the ring is sealed and `seal` is
  // absent or does not open it.
  [[nodiscard]] static absl::StatusOr<SigningKeyRing> Open(
      std::filesystem::path dir, absl::Time now, std::optional<SecretBox> seal = std::nullopt);

  SigningKeyRing(SigningKeyRing&&) noexcept = default;
  SigningKeyRing& operator=(SigningKeyRing&&) noexcept = default;

  // The key that signs new tokens. The reference is valid until the next Rotate or Prune.
  [[nodiscard]] const SigningKey& current() const { return entries_.back().key; }

  // Makes a new key current and retires the current one at `now`, on disk first. Errors:
  // Unavailable when the files cannot be written; the ring is then unchanged.
  [[nodiscard]] absl::Status Rotate(absl::Time now);

  // The JWKS document {"keys":[...]} of the published keys (current, then retired ones whose
  // window has not passed), newest first.
  [[nodiscard]] std::string JwksJson(absl::Time now, absl::Duration max_token_lifetime) const;
  // The same keys, for verifying tokens.
  [[nodiscard]] std::vector<VerificationKey> VerificationKeys(
      absl::Time now, absl::Duration max_token_lifetime) const;

  // When the key `kid` stopped signing; nullopt for the current key or a key not in the ring.
  [[nodiscard]] std::optional<absl::Time> RetiredAt(std::string_view kid) const;

  // Forgets the retired keys whose window has passed and deletes their files. Errors:
  // Unavailable when keyring.json cannot be written or a key file cannot be deleted.
  [[nodiscard]] absl::Status Prune(absl::Time now, absl::Duration max_token_lifetime);

 private:
  struct Entry {
    SigningKey key;
    absl::Time created;
    std::optional<absl::Time> retired;
  };

  SigningKeyRing(std::filesystem::path dir, std::vector<Entry> entries,
                 std::optional<SecretBox> seal)
      : dir_(std::move(dir)), entries_(std::move(entries)), seal_(std::move(seal)) {}
  static bool Published(const Entry& e, absl::Time now, absl::Duration max_token_lifetime);
  // Writes `key`'s file: its PEM, sealed when the ring is.
  [[nodiscard]] absl::Status WriteKey(const SigningKey& key) const;
  [[nodiscard]] absl::Status WriteMetadata() const;

  std::filesystem::path dir_;
  // In creation order: the last is the current key, every other one is retired.
  std::vector<Entry> entries_;
  std::optional<SecretBox> seal_;  // seals the key files, when present
};

}  // namespace pim::identity
