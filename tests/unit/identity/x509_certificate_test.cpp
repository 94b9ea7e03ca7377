#include "pim/identity/x509_certificate.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "pim/domain/status.h"
#include "pim/identity/base64url.h"
#include "unit/identity/test_certificates.h"

namespace pim::identity {
namespace {

using testing::CertKey;
using testing::JoseSign;
using testing::MakeCertificate;
using testing::NewCertKey;
using testing::TestCertificate;

// Made with `openssl req -x509 -key ed25519.pem -subj "/CN=golden.pim.test/O=Contoso"
// -days 36500 -set_serial 7`; the expectations are what `openssl x509 -fingerprint -sha1`,
// `-fingerprint -sha256` and `-dates` print for it.
constexpr char kGoldenPem[] = R"(-----BEGIN CERTIFICATE-----
MIIBXDCCAQ6gAwIBAgIBBzAFBgMrZXAwLDEYMBYGA1UEAwwPZ29sZGVuLnBpbS50
ZXN0MRAwDgYDVQQKDAdDb250b3NvMCAXDTI2MTEyMjE2NTIyNVoYDzIxMjYxMDI5
MTY1MjI1WjAsMRgwFgYDVQQDDA9nb2xkZW4ucGltLnRlc3QxEDAOBgNVBAoMB0Nv
bnRvc28wKjAFBgMrZXADIQDtfny1UqwgnirKRzcIvIv2Qj+IsnxKLgsU0T4Ad6jV
1qNTMFEwHQYDVR0OBBYEFFHOZCCfFUOy8VQyRrBnVPgUPhy2MB8GA1UdIwQYMBaA
FFHOZCCfFUOy8VQyRrBnVPgUPhy2MA8GA1UdEwEB/wQFMAMBAf8wBQYDK2VwA0EA
tefmZnZNQyXKptPdYnqDCIVKp1HPgomgXrkFmBU8MVsHPF6faQFlMIE2VBt/sqsv
LYKKpYzBfjGZGjOhufL+CA==
-----END CERTIFICATE-----
)";
constexpr char kGoldenSha1[] = "BE:8E:A8:F4:B9:6D:80:11:5A:BF:D7:E7:AF:D4:E7:35:E6:B1:BA:69";
constexpr char kGoldenSha256[] =
    "78:58:09:85:42:C9:FE:AC:B2:14:C8:DD:42:19:03:57:07:2D:8B:4E:A5:33:DE:65:5F:45:C1:DF:E1:D9:"
    "08:79";

absl::Time Utc(int64_t y, int m, int d, int hh, int mm, int ss) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), absl::UTCTimeZone());
}

// What `openssl x509 -fingerprint` prints: the digest OpenSSL computes over the certificate
// (X509_digest), as colon-separated uppercase hex.
std::string OpenSslFingerprint(const std::string& der, const EVP_MD* md) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  const OpenSslPtr<X509, X509_free> cert(
      d2i_X509(nullptr, &bytes, static_cast<long>(der.size())));  // NOLINT(google-runtime-int)
  EXPECT_NE(cert, nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EXPECT_EQ(X509_digest(cert.get(), md, digest, &size), 1);
  std::vector<std::string> parts;
  for (unsigned int i = 0; i < size; ++i) {
    parts.push_back(absl::AsciiStrToUpper(
        absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest + i), 1))));
  }
  return absl::StrJoin(parts, ":");
}

std::string Colons(const std::string& hex) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < hex.size(); i += 2) parts.push_back(hex.substr(i, 2));
  return absl::StrJoin(parts, ":");
}

class X509CertificateTest : public ::testing::Test {
 protected:
  const absl::Time now_ = Utc(2026, 11, 22, 12, 0, 0);

  TestCertificate Make(CertKey kind) {
    return MakeCertificate(NewCertKey(kind), now_ - absl::Hours(1), now_ + absl::Hours(24 * 365));
  }

  static void ExpectRefused(std::string_view input, std::string_view message_part) {
    const auto cert = X509Certificate::Parse(input);
    ASSERT_FALSE(cert.ok());
    EXPECT_EQ(cert.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ErrorCodeOf(cert.status()), kInvalidCertificate);
    EXPECT_NE(std::string(cert.status().message()).find(message_part), std::string::npos)
        << cert.status();
  }
};

TEST_F(X509CertificateTest, GoldenCertificateMatchesTheOpenSslCommandLine) {
  auto cert = X509Certificate::Parse(kGoldenPem);
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(Colons(cert->Sha1Hex()), kGoldenSha1);
  EXPECT_EQ(Colons(cert->Sha256Hex()), kGoldenSha256);
  // `openssl x509 -outform der | openssl dgst -sha1 -binary | basenc --base64url`, unpadded.
  EXPECT_EQ(cert->x5t(), "vo6o9LltgBFav9fnr9TnNeaxumk");
  EXPECT_EQ(cert->x5t_s256(), "eFgJhULJ_qyyFMjdQhkDVwcti06lM95lX0XB3-HZCHk");
  EXPECT_EQ(cert->not_before(), Utc(2026, 11, 22, 16, 52, 25));
  EXPECT_EQ(cert->not_after(), Utc(2126, 10, 29, 16, 52, 25));  // GeneralizedTime after 2049
  EXPECT_EQ(cert->subject(), "O=Contoso,CN=golden.pim.test");
  EXPECT_EQ(cert->alg(), "EdDSA");
}

TEST_F(X509CertificateTest, ReadsRsaEcAndEd25519CertificatesInEveryForm) {
  for (const auto& [kind, alg] :
       {std::pair{CertKey::kRsa2048, "RS256"}, std::pair{CertKey::kP256, "ES256"},
        std::pair{CertKey::kEd25519, "EdDSA"}}) {
    SCOPED_TRACE(alg);
    const TestCertificate made = Make(kind);
    // PEM, Graph's base64 DER (with and without line breaks), base64 of the PEM, raw DER.
    std::string wrapped = made.Base64();
    for (std::size_t i = 76; i < wrapped.size(); i += 77) wrapped.insert(i, "\r\n");
    const std::string pem_in_base64 =
        absl::Base64Escape(absl::string_view(made.Pem().data(), made.Pem().size()));
    for (const std::string& form :
         {made.Pem(), made.Base64(), wrapped, "  " + made.Base64() + "\n", pem_in_base64}) {
      auto cert = X509Certificate::Parse(form);
      ASSERT_TRUE(cert.ok()) << cert.status();
      EXPECT_EQ(cert->der(), made.der);
      EXPECT_EQ(cert->Base64Der(), made.Base64());
      EXPECT_EQ(cert->alg(), alg);
      EXPECT_EQ(cert->subject(), "CN=pim-test-client");
      EXPECT_EQ(cert->not_before(), now_ - absl::Hours(1));
      EXPECT_EQ(cert->not_after(), now_ + absl::Hours(24 * 365));
    }
    auto from_der = X509Certificate::FromDer(made.der);
    ASSERT_TRUE(from_der.ok()) << from_der.status();

    // Thumbprints as `openssl x509 -fingerprint` computes them, and as JOSE headers carry them.
    EXPECT_EQ(Colons(from_der->Sha1Hex()), OpenSslFingerprint(made.der, EVP_sha1()));
    EXPECT_EQ(Colons(from_der->Sha256Hex()), OpenSslFingerprint(made.der, EVP_sha256()));
    EXPECT_EQ(from_der->sha1().size(), 20u);
    EXPECT_EQ(from_der->x5t(), Base64UrlEncode(from_der->sha1()));
    EXPECT_EQ(from_der->x5t_s256(), Base64UrlEncode(from_der->sha256()));

    // The public key verifies what the certificate's private key signs, under its algorithm.
    const VerificationKey key = from_der->PublicKey("thumb");
    EXPECT_EQ(key.kid(), "thumb");
    EXPECT_EQ(key.alg(), alg);
    EXPECT_TRUE(key.Verify("header.payload", JoseSign(made.key.get(), "header.payload")));
    EXPECT_FALSE(key.Verify("header.payloaD", JoseSign(made.key.get(), "header.payload")));
    const TestCertificate other = Make(kind);
    EXPECT_FALSE(key.Verify("header.payload", JoseSign(other.key.get(), "header.payload")));

    // RSA keys also verify RSASSA-PSS (PS256); each key only its own algorithm.
    const std::vector<VerificationKey> keys = from_der->PublicKeys("thumb");
    ASSERT_EQ(keys.size(), kind == CertKey::kRsa2048 ? 2u : 1u);
    EXPECT_EQ(keys[0].alg(), alg);
    if (kind == CertKey::kRsa2048) {
      EXPECT_EQ(keys[1].alg(), "PS256");
      EXPECT_EQ(keys[1].kid(), "thumb");
      const std::string pss = JoseSign(made.key.get(), "header.payload", /*pss=*/true);
      EXPECT_TRUE(keys[1].Verify("header.payload", pss));
      EXPECT_FALSE(keys[0].Verify("header.payload", pss));
      EXPECT_FALSE(keys[1].Verify("header.payload", JoseSign(made.key.get(), "header.payload")));
      EXPECT_FALSE(keys[1].Verify("header.payloaD", pss));
    }
  }
}

TEST_F(X509CertificateTest, Ps256IsOnlyForRsaKeysThatDeclareIt) {
  auto rsa = X509Certificate::FromDer(Make(CertKey::kRsa2048).der);
  auto ec = X509Certificate::FromDer(Make(CertKey::kP256).der);
  ASSERT_TRUE(rsa.ok() && ec.ok());
  boost::json::object rsa_jwk = rsa->jwk();
  EXPECT_EQ(VerificationKey::FromJwk(rsa_jwk)->alg(), "RS256");  // undeclared: RS256 only
  rsa_jwk["alg"] = "PS256";
  EXPECT_EQ(VerificationKey::FromJwk(rsa_jwk)->alg(), "PS256");
  boost::json::object ec_jwk = ec->jwk();
  ec_jwk["alg"] = "PS256";
  EXPECT_EQ(VerificationKey::FromJwk(ec_jwk).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(X509CertificateTest, ValidityWindowIncludesBothEnds) {
  const TestCertificate made =
      MakeCertificate(NewCertKey(CertKey::kP256), now_ - absl::Hours(48), now_ - absl::Hours(24));
  auto cert = X509Certificate::FromDer(made.der);  // an expired certificate still parses
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_FALSE(cert->ValidAt(now_));
  EXPECT_TRUE(cert->ValidAt(now_ - absl::Hours(24)));
  EXPECT_TRUE(cert->ValidAt(now_ - absl::Hours(48)));
  EXPECT_FALSE(cert->ValidAt(now_ - absl::Hours(48) - absl::Seconds(1)));
  EXPECT_FALSE(cert->ValidAt(now_ - absl::Hours(24) + absl::Seconds(1)));
}

TEST_F(X509CertificateTest, RefusesWeakAndUnsupportedKeys) {
  ExpectRefused(Make(CertKey::kRsa1024).Base64(), "at least 2048 bits");
  ExpectRefused(Make(CertKey::kP384).Pem(), "only P-256");
}

TEST_F(X509CertificateTest, RefusesGarbageAndTrailingBytes) {
  const TestCertificate made = Make(CertKey::kEd25519);
  ExpectRefused("", "neither PEM nor base64 DER");
  ExpectRefused("not a certificate!", "neither PEM nor base64 DER");
  ExpectRefused("aGVsbG8gd29ybGQ=", "not a DER-encoded X.509 certificate");  // "hello world"
  ExpectRefused(absl::Base64Escape(made.der + "x"), "unexpected bytes after the certificate");
  ExpectRefused(absl::Base64Escape(made.der.substr(0, made.der.size() - 1)),
                "not a DER-encoded X.509 certificate");
  ExpectRefused(made.Pem() + "trailing text", "not one PEM CERTIFICATE block");
  ExpectRefused("header text\n" + made.Pem(), "neither PEM nor base64 DER");
  ExpectRefused(made.Pem() + made.Pem(), "not one PEM CERTIFICATE block");
  ExpectRefused(absl::StrReplaceAll(made.Pem(), {{"CERTIFICATE", "PUBLIC KEY"}}),
                "not one PEM CERTIFICATE block");
  ExpectRefused(made.Base64() + "!", "neither PEM nor base64 DER");
  ExpectRefused(std::string(X509Certificate::kMaxInputBytes + 1, 'A'), "larger than 64 KiB");
  // The private key is not a certificate.
  ExpectRefused(testing::PemOfPrivateKey(made.key.get()), "not one PEM CERTIFICATE block");
  EXPECT_FALSE(X509Certificate::FromDer(made.der + std::string(1, '\0')).ok());
  EXPECT_TRUE(X509Certificate::FromDer(made.der).ok());
}

}  // namespace
}  // namespace pim::identity
