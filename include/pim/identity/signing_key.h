// An Ed25519 private key with which pimd, as an OpenID Connect issuer, signs its tokens (JWS
// algorithm "EdDSA", RFC 8037). Move-only; const methods are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "pim/identity/openssl_ptr.h"

namespace pim::identity {

class SigningKey {
 public:
  // A new random key. Aborts if OpenSSL cannot make one (out of memory).
  [[nodiscard]] static SigningKey Generate();
  // The key in a PKCS#8 PEM block, as PrivatePem() writes it. Errors: InvalidArgument when the
  // text is not an unencrypted PEM private key, is not Ed25519, or exceeds 16 KiB.
  [[nodiscard]] static absl::StatusOr<SigningKey> FromPem(std::string_view private_pem);

  SigningKey(SigningKey&&) noexcept = default;
  SigningKey& operator=(SigningKey&&) noexcept = default;

  // The private key as an unencrypted PKCS#8 PEM block: a secret, for a 0600 file only.
  [[nodiscard]] std::string PrivatePem() const;
  // The key id: the RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key.
  [[nodiscard]] const std::string& kid() const { return kid_; }
  // The 32 raw bytes of the public key.
  [[nodiscard]] const std::string& public_key() const { return public_key_; }
  // {"kty":"OKP","crv":"Ed25519","x":...,"kid":...,"alg":"EdDSA","use":"sig"}
  [[nodiscard]] boost::json::object PublicJwk() const;
  // The 64-byte Ed25519 signature of `data`.
  [[nodiscard]] std::string Sign(std::string_view data) const;

 private:
  explicit SigningKey(EvpKey key);

  EvpKey key_;
  std::string public_key_;
  std::string kid_;
};

}  // namespace pim::identity
