#include "pim/identity/x509_certificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "identity/rsa_key_limits.h"
#include "pim/domain/status.h"
#include "pim/identity/base64url.h"
#include "pim/identity/openssl_ptr.h"
#include "pim/identity/secure_random.h"

namespace pim::identity {
namespace {

constexpr std::string_view kPemBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kPemEnd = "-----END CERTIFICATE-----";

using X509Ptr = OpenSslPtr<X509, X509_free>;
using Bignum = OpenSslPtr<BIGNUM, BN_free>;

absl::Status InvalidCertificateError(std::string_view why) {
  ERR_clear_error();
  return Error(absl::StatusCode::kInvalidArgument, kInvalidCertificate,
               absl::StrCat("Certificate: ", std::string(why)));
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The bytes standard base64 `text` encodes (whitespace anywhere ignored, padding optional), or
// nullopt for any other character or an impossible length.
std::optional<std::string> DecodeBase64(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (const char c : text) {
    if (IsSpace(c)) continue;
    const bool alphabet =
        absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
    if (!alphabet) return std::nullopt;
    compact.push_back(c);
  }
  if (compact.empty()) return std::nullopt;
  std::string out;
  if (!absl::Base64Unescape(compact, &out)) return std::nullopt;
  return out;
}

// The DER inside one PEM CERTIFICATE block that is all of `text` (after trimming), or nullopt.
std::optional<std::string> PemBody(std::string_view text) {
  text = Trim(text);
  if (!text.starts_with(kPemBegin) || !text.ends_with(kPemEnd)) return std::nullopt;
  const std::string_view body =
      text.substr(kPemBegin.size(), text.size() - kPemBegin.size() - kPemEnd.size());
  if (body.find('-') != std::string_view::npos) return std::nullopt;  // a second block, headers
  return DecodeBase64(body);
}

std::string Hex(std::string_view bytes) {
  return absl::AsciiStrToUpper(
      absl::BytesToHexString(absl::string_view(bytes.data(), bytes.size())));
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  std::string out(static_cast<std::size_t>(EVP_MD_get_size(md)), '\0');
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &size, md,
                 nullptr) != 1 ||
      size != out.size()) {
    std::fputs("pim: OpenSSL failed: EVP_Digest\n", stderr);
    std::abort();
  }
  return out;
}

std::optional<absl::Time> TimeOf(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return absl::FromCivil(absl::CivilSecond(int64_t{tm.tm_year} + 1900, tm.tm_mon + 1, tm.tm_mday,
                                           tm.tm_hour, tm.tm_min, tm.tm_sec),
                         absl::UTCTimeZone());
}

std::optional<std::string> SubjectOf(const X509* cert) {
  const OpenSslPtr<BIO, BIO_free_all> bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0,
                                 XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    return std::nullopt;
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  if (size < 0 || (size > 0 && data == nullptr)) return std::nullopt;
  return std::string(data, static_cast<std::size_t>(size));
}

std::optional<std::string> BigEndianParam(const EVP_PKEY* key, const char* name, int pad) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return std::nullopt;
  const Bignum bn(raw);
  const int bytes = pad > 0 ? pad : BN_num_bytes(bn.get());
  if (bytes <= 0 || BN_num_bytes(bn.get()) > bytes) return std::nullopt;
  std::string out(static_cast<std::size_t>(bytes), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), bytes) != bytes) {
    return std::nullopt;
  }
  return out;
}

// The public JWK of `key` and its algorithm, for the key types a client assertion may use.
absl::Status ToJwk(const EVP_PKEY* key, boost::json::object& jwk, std::string& alg) {
  if (EVP_PKEY_is_a(key, "RSA")) {
    const int bits = EVP_PKEY_get_bits(key);
    if (bits < kMinRsaBits) return InvalidCertificateError("RSA keys need at least 2048 bits");
    if (bits > kMaxRsaBits) return InvalidCertificateError("RSA keys have at most 8192 bits");
    const auto n = BigEndianParam(key, OSSL_PKEY_PARAM_RSA_N, 0);
    const auto e = BigEndianParam(key, OSSL_PKEY_PARAM_RSA_E, 0);
    if (!n || !e) return InvalidCertificateError("the RSA key is unreadable");
    jwk = {{"kty", "RSA"}, {"n", Base64UrlEncode(*n)}, {"e", Base64UrlEncode(*e)}};
    alg = "RS256";
    return absl::OkStatus();
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &length) != 1 ||
        std::string_view(group, length) != "prime256v1") {
      return InvalidCertificateError("of EC keys only P-256 is supported");
    }
    const auto x = BigEndianParam(key, OSSL_PKEY_PARAM_EC_PUB_X, 32);
    const auto y = BigEndianParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
    if (!x || !y) return InvalidCertificateError("the EC key is unreadable");
    jwk = {{"kty", "EC"}, {"crv", "P-256"}, {"x", Base64UrlEncode(*x)}, {"y", Base64UrlEncode(*y)}};
    alg = "ES256";
    return absl::OkStatus();
  }
  if (EVP_PKEY_is_a(key, "ED25519")) {
    std::string raw(32, '\0');
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &size) !=
            1 ||
        size != raw.size()) {
      return InvalidCertificateError("the Ed25519 key is unreadable");
    }
    jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(raw)}};
    alg = "EdDSA";
    return absl::OkStatus();
  }
  return InvalidCertificateError("the key type is not supported (use RSA, EC P-256 or Ed25519)");
}

}  // namespace

absl::StatusOr<X509Certificate> X509Certificate::Parse(std::string_view text) {
  if (text.size() > kMaxInputBytes) return InvalidCertificateError("larger than 64 KiB");
  if (std::optional<std::string> der = PemBody(text)) return FromDer(*der);
  if (Trim(text).starts_with("-----"))
    return InvalidCertificateError("not one PEM CERTIFICATE block");
  const std::optional<std::string> decoded = DecodeBase64(text);
  if (!decoded) return InvalidCertificateError("neither PEM nor base64 DER");
  // Some tools put the base64 of the PEM file itself in keyCredential.key.
  if (std::optional<std::string> der = PemBody(*decoded)) return FromDer(*der);
  return FromDer(*decoded);
}

absl::StatusOr<X509Certificate> X509Certificate::FromDer(std::string_view der) {
  if (der.size() > kMaxInputBytes) return InvalidCertificateError("larger than 64 KiB");
  const auto* start = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* next = start;
  const X509Ptr cert(d2i_X509(nullptr, &next, static_cast<long>(der.size())));  // NOLINT
  if (!cert) return InvalidCertificateError("not a DER-encoded X.509 certificate");
  if (next != start + der.size())
    return InvalidCertificateError("unexpected bytes after the certificate");
  X509Certificate out;
  const std::optional<absl::Time> not_before = TimeOf(X509_get0_notBefore(cert.get()));
  const std::optional<absl::Time> not_after = TimeOf(X509_get0_notAfter(cert.get()));
  if (!not_before || !not_after)
    return InvalidCertificateError("the validity dates are unreadable");
  if (*not_after < *not_before)
    return InvalidCertificateError("it expires before it becomes valid");
  const std::optional<std::string> subject = SubjectOf(cert.get());
  if (!subject) return InvalidCertificateError("the subject is unreadable");
  const EVP_PKEY* key = X509_get0_pubkey(cert.get());
  if (key == nullptr) return InvalidCertificateError("the public key is unreadable");
  PIM_RETURN_IF_ERROR(ToJwk(key, out.jwk_, out.alg_));
  // The same checks as a registered JWK gets (RSA size, EC point on the curve).
  if (const auto checked = VerificationKey::FromJwk(out.jwk_); !checked.ok()) {
    return InvalidCertificateError(std::string(checked.status().message()));
  }
  out.der_ = std::string(der);
  out.not_before_ = *not_before;
  out.not_after_ = *not_after;
  out.subject_ = *subject;
  out.sha1_ = Digest(EVP_sha1(), der);
  out.sha256_ = Sha256(der);
  ERR_clear_error();
  return out;
}

std::string X509Certificate::Base64Der() const {
  return absl::Base64Escape(absl::string_view(der_.data(), der_.size()));
}

std::string X509Certificate::x5t() const { return Base64UrlEncode(sha1_); }
std::string X509Certificate::x5t_s256() const { return Base64UrlEncode(sha256_); }
std::string X509Certificate::Sha1Hex() const { return Hex(sha1_); }
std::string X509Certificate::Sha256Hex() const { return Hex(sha256_); }

namespace {

VerificationKey KeyOf(const boost::json::object& public_jwk, std::string_view kid,
                      std::string_view alg) {
  boost::json::object jwk = public_jwk;
  jwk["kid"] = kid;
  jwk["alg"] = alg;
  absl::StatusOr<VerificationKey> key = VerificationKey::FromJwk(jwk);
  if (!key.ok()) {
    // FromDer accepted this very JWK: failing now is a broken invariant.
    std::fputs("pim: a parsed certificate's key no longer reads as a JWK\n", stderr);
    std::abort();
  }
  return std::move(*key);
}

}  // namespace

VerificationKey X509Certificate::PublicKey(std::string_view kid) const {
  return KeyOf(jwk_, kid, alg_);
}

std::vector<VerificationKey> X509Certificate::PublicKeys(std::string_view kid) const {
  std::vector<VerificationKey> keys;
  keys.push_back(KeyOf(jwk_, kid, alg_));
  if (alg_ == "RS256") keys.push_back(KeyOf(jwk_, kid, "PS256"));
  return keys;
}

}  // namespace pim::identity
