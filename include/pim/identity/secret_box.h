// Authenticated encryption of secrets at rest (TOTP keys, password and recovery-code hashes,
// signing keys), so that a copy of a database or of the key directory alone reveals none of
// them. XChaCha20-Poly1305 (libsodium) with a random 24-byte nonce per value, under one 32-byte
// key that pimd keeps in a file of its own (LoadOrCreateKeyFile).
//
// A sealed value is "pimbox1." + base64url(nonce ‖ ciphertext ‖ tag). Each value is bound to a
// `context` (what it is and whose: "totp\n<user id>"), authenticated but not stored, so a value
// copied to another record does not open there. While the key is being changed, a box also
// opens what its previous key sealed (WithPrevious), and says so, for the value to be sealed
// again. Thread-safe; the keys are wiped on destruction.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pim::identity {

class SecretBox {
 public:
  static constexpr std::size_t kKeySize = 32;

  // A box with `key` (exactly kKeySize bytes). InvalidArgument otherwise.
  [[nodiscard]] static absl::StatusOr<SecretBox> FromKey(std::string_view key);
  // A box with a new random key.
  [[nodiscard]] static SecretBox Generate();
  // The key in `path`: its base64url text (a trailing newline allowed). When the file does not
  // exist and `create` is true, a new key is written there (mode 0600, never over an existing
  // file). Errors: NotFound (no file, and `create` false), FailedPrecondition (the file is
  // readable or writable by group or others), InvalidArgument (not a key), Unavailable (I/O).
  [[nodiscard]] static absl::StatusOr<SecretBox> LoadOrCreateKeyFile(
      const std::filesystem::path& path, bool create);

  // This box, also opening what `previous` sealed (it still seals with its own key).
  [[nodiscard]] SecretBox WithPrevious(const SecretBox& previous) const;
  // Whether it was made WithPrevious (the key is being changed).
  [[nodiscard]] bool has_previous() const { return has_previous_; }

  SecretBox(const SecretBox& other) = default;
  SecretBox& operator=(const SecretBox& other) = default;
  ~SecretBox();

  // `plaintext` sealed for `context`.
  [[nodiscard]] std::string Seal(std::string_view plaintext, std::string_view context) const;
  // The plaintext of `sealed`. DataLoss when it is not a sealed value, or was sealed under
  // another key or for another context, or was altered. `stale`, when given, is set to whether
  // it opened with the previous key only (so it should be sealed again).
  [[nodiscard]] absl::StatusOr<std::string> Open(std::string_view sealed, std::string_view context,
                                                 bool* stale = nullptr) const;
  // Whether `text` has the form of a sealed value (not whether it opens).
  [[nodiscard]] static bool IsSealed(std::string_view text);

 private:
  SecretBox() = default;
  // Opens with `key` alone.
  [[nodiscard]] static absl::StatusOr<std::string> OpenWith(
      const std::array<std::uint8_t, kKeySize>& key, std::string_view sealed,
      std::string_view context);

  std::array<std::uint8_t, kKeySize> key_{};
  bool has_previous_ = false;
  std::array<std::uint8_t, kKeySize> previous_key_{};
};

}  // namespace pim::identity
