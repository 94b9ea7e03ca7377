// An X.509 certificate registered as a service principal's credential, the way Entra keeps
// "keyCredentials" of type AsymmetricX509Cert: pim never uses the certificate as a chain of
// trust (no CA, no revocation); it is a public key with a validity window and the thumbprints by
// which a client assertion names it (JWS "x5t" = base64url SHA-1, "x5t#S256" = base64url
// SHA-256, both of the DER encoding, RFC 7515 §4.1.7-8).
//
// Accepted keys are those VerificationKey accepts: RSA of 2048 to 8192 bits (RS256, PS256), EC
// P-256 (ES256) and Ed25519 (EdDSA). An immutable value; copyable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "pim/identity/jwk.h"

namespace pim::identity {

// The machine code of every refusal of X509Certificate::Parse.
inline constexpr std::string_view kInvalidCertificate = "InvalidCertificate";

class X509Certificate {
 public:
  // Largest input Parse and FromDer look at.
  static constexpr std::size_t kMaxInputBytes = std::size_t{64} * 1024;

  // The certificate in `text`: one PEM "CERTIFICATE" block, or the standard base64 of its DER
  // encoding (Graph's keyCredential.key), or the base64 of such a PEM block. Whitespace around
  // and inside the base64 is ignored; anything else around it is refused. Errors:
  // InvalidArgument, code kInvalidCertificate, with a message for people when the input is
  // larger than kMaxInputBytes, not such an encoding, not one DER certificate with nothing after
  // it, or its public key is not one of the accepted keys (e.g. RSA under 2048 bits). Validity
  // is not judged here: see ValidAt().
  [[nodiscard]] static absl::StatusOr<X509Certificate> Parse(std::string_view text);
  // The certificate whose DER encoding is exactly `der`. Errors as Parse.
  [[nodiscard]] static absl::StatusOr<X509Certificate> FromDer(std::string_view der);

  // The DER encoding, and the same in standard base64 (the form Graph's "key" takes).
  [[nodiscard]] const std::string& der() const { return der_; }
  [[nodiscard]] std::string Base64Der() const;

  // The validity window (RFC 5280 §4.1.2.5: both ends included).
  [[nodiscard]] absl::Time not_before() const { return not_before_; }
  [[nodiscard]] absl::Time not_after() const { return not_after_; }
  [[nodiscard]] bool ValidAt(absl::Time t) const { return not_before_ <= t && t <= not_after_; }

  // The subject as an RFC 2253 string, e.g. "CN=deploy-bot,O=Contoso".
  [[nodiscard]] const std::string& subject() const { return subject_; }

  // Digests of der(): 20 and 32 raw bytes.
  [[nodiscard]] const std::string& sha1() const { return sha1_; }
  [[nodiscard]] const std::string& sha256() const { return sha256_; }
  // base64url of sha1() and sha256(): what a JWS header's "x5t" and "x5t#S256" carry.
  [[nodiscard]] std::string x5t() const;
  [[nodiscard]] std::string x5t_s256() const;
  // sha1() as 40 uppercase hexadecimal digits: Windows' "thumbprint" and Graph's
  // customKeyIdentifier of a certificate credential.
  [[nodiscard]] std::string Sha1Hex() const;
  // sha256() as 64 uppercase hexadecimal digits.
  [[nodiscard]] std::string Sha256Hex() const;

  // "RS256", "ES256" or "EdDSA": the algorithm the certificate's key signs with.
  [[nodiscard]] const std::string& alg() const { return alg_; }
  // The public key as a JWK (no kid).
  [[nodiscard]] const boost::json::object& jwk() const { return jwk_; }
  // The public key as a VerificationKey for alg() whose kid() is `kid`.
  [[nodiscard]] VerificationKey PublicKey(std::string_view kid) const;
  // The public key for every algorithm it may sign client assertions with, each with kid()
  // `kid`: PublicKey() and, for RSA, also PS256 (RSASSA-PSS, which MSAL uses with "x5t#S256").
  [[nodiscard]] std::vector<VerificationKey> PublicKeys(std::string_view kid) const;

 private:
  X509Certificate() = default;

  std::string der_;
  absl::Time not_before_;
  absl::Time not_after_;
  std::string subject_;
  std::string sha1_;
  std::string sha256_;
  std::string alg_;
  boost::json::object jwk_;
};

}  // namespace pim::identity
