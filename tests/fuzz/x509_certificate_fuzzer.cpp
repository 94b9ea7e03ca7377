// X509Certificate::Parse and FromDer are total on any input: a certificate, or InvalidArgument
// with code InvalidCertificate. Every certificate they return has a supported algorithm, an
// ordered validity window, thumbprints of its own DER encoding, re-reads identically from that
// DER and from Graph's base64 form of it, and a public key that rejects signatures that are not
// its own, of any length.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "pim/domain/status.h"
#include "pim/identity/secure_random.h"
#include "pim/identity/x509_certificate.h"

namespace {

using pim::identity::X509Certificate;

void CheckRefusal(const absl::Status& status, std::string_view input) {
  PIM_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, input);
  PIM_FUZZ_CHECK(pim::ErrorCodeOf(status) == pim::identity::kInvalidCertificate, input);
}

void CheckCertificate(const X509Certificate& cert, std::string_view input) {
  PIM_FUZZ_CHECK(cert.alg() == "EdDSA" || cert.alg() == "RS256" || cert.alg() == "ES256", input);
  PIM_FUZZ_CHECK(cert.not_before() <= cert.not_after(), input);
  PIM_FUZZ_CHECK(cert.sha1().size() == 20 && cert.sha256().size() == 32, input);
  PIM_FUZZ_CHECK(cert.sha256() == pim::identity::Sha256(cert.der()), input);
  PIM_FUZZ_CHECK(cert.Sha1Hex().size() == 40 && cert.x5t().size() == 27, input);
  for (const std::string& form : {cert.der(), cert.Base64Der()}) {
    const auto again =
        form == cert.der() ? X509Certificate::FromDer(form) : X509Certificate::Parse(form);
    PIM_FUZZ_CHECK(again.ok(), input);
    PIM_FUZZ_CHECK(again->der() == cert.der() && again->subject() == cert.subject() &&
                       again->not_after() == cert.not_after() && again->alg() == cert.alg(),
                   input);
  }
  const pim::identity::VerificationKey key = cert.PublicKey("k");
  PIM_FUZZ_CHECK(key.alg() == cert.alg() && key.kid() == "k", input);
  const std::vector<pim::identity::VerificationKey> keys = cert.PublicKeys("k");
  PIM_FUZZ_CHECK(!keys.empty() && keys.size() <= 2 && keys[0].alg() == cert.alg(), input);
  for (const auto& k : keys) {
    PIM_FUZZ_CHECK(k.kid() == "k", input);
    PIM_FUZZ_CHECK(k.alg() == cert.alg() || (cert.alg() == "RS256" && k.alg() == "PS256"), input);
    for (const std::size_t length : std::initializer_list<std::size_t>{0, 1, 64, 256, 512}) {
      PIM_FUZZ_CHECK(!k.Verify(input, std::string(length, '\x5a')), input);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const bool der : {false, true}) {
    const auto cert = der ? X509Certificate::FromDer(input) : X509Certificate::Parse(input);
    if (cert.ok()) {
      CheckCertificate(*cert, input);
      if (der) PIM_FUZZ_CHECK(cert->der() == input, input);
    } else {
      CheckRefusal(cert.status(), input);
    }
  }
  return 0;
}
