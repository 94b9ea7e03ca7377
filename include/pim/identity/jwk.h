// A public key that verifies JWS signatures, read from a JSON Web Key (RFC 7517) or a JWKS
// document such as an external issuer's jwks_uri serves, or taken from our own SigningKey.
// Each key allows exactly one algorithm, fixed by its type: "EdDSA" for OKP Ed25519, "RS256"
// for RSA of 2048 to 8192 bits (or "PS256" when the JWK says "alg":"PS256"), "ES256" for EC
// P-256. Move-only; const methods are thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "pim/identity/openssl_ptr.h"
#include "pim/identity/signing_key.h"

namespace pim::identity {

class VerificationKey {
 public:
  // The public key in `jwk`. Private members ("d", ...) are ignored; "kid" is optional (an
  // empty kid() then). Errors: InvalidArgument for an unsupported kty or crv, an RSA modulus
  // outside 2048..8192 bits, an EC point not on the curve, members missing or malformed, "use"
  // other than "sig", or an "alg" other than the one the key type allows.
  [[nodiscard]] static absl::StatusOr<VerificationKey> FromJwk(const boost::json::object& jwk);
  // The usable keys of a JWKS document {"keys":[...]}; keys FromJwk refuses (encryption keys,
  // unsupported types) are skipped. Errors: ResourceExhausted for a document over 1 MiB;
  // InvalidArgument when it is not such a JSON document (nested at most 16 deep, at most 100
  // keys) or holds no usable key.
  [[nodiscard]] static absl::StatusOr<std::vector<VerificationKey>> ParseJwks(
      std::string_view json);
  // The public half of `key`, with its kid.
  [[nodiscard]] static VerificationKey FromSigningKey(const SigningKey& key);

  VerificationKey(VerificationKey&&) noexcept = default;
  VerificationKey& operator=(VerificationKey&&) noexcept = default;

  [[nodiscard]] const std::string& kid() const { return kid_; }
  // "EdDSA", "RS256", "PS256" or "ES256".
  [[nodiscard]] const std::string& alg() const { return alg_; }
  // Whether `signature` is this key's valid signature of `data` under alg(). ES256 signatures
  // are JOSE's raw 64-byte r||s. Any malformed signature is simply false.
  [[nodiscard]] bool Verify(std::string_view data, std::string_view signature) const;

 private:
  VerificationKey(EvpKey key, std::string kid, std::string alg)
      : key_(std::move(key)), kid_(std::move(kid)), alg_(std::move(alg)) {}

  EvpKey key_;
  std::string kid_;
  std::string alg_;
};

}  // namespace pim::identity
