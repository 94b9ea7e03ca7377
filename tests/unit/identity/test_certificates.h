// Self-signed X.509 certificates made directly with OpenSSL, independently of the code under
// test, and JWS signatures by their keys: what a service principal's owner would generate with
// `openssl req -x509` and what MSAL would sign a client assertion with.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "pim/identity/base64url.h"
#include "pim/identity/openssl_ptr.h"

namespace pim::identity::testing {

enum class CertKey { kRsa2048, kRsa1024, kP256, kP384, kEd25519 };

inline EvpKey NewCertKey(CertKey kind) {
  switch (kind) {
    case CertKey::kRsa2048:
      return EvpKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048}));
    case CertKey::kRsa1024:
      return EvpKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
    case CertKey::kP256:
      return EvpKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    case CertKey::kP384:
      return EvpKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
    case CertKey::kEd25519:
      return EvpKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  }
  return nullptr;
}

// The PKCS#8 PEM of a private key.
inline std::string PemOfPrivateKey(EVP_PKEY* key) {
  const OpenSslPtr<BIO, BIO_free_all> bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<std::size_t>(size));
}

// A self-signed certificate and its private key.
struct TestCertificate {
  EvpKey key;
  std::string der;

  [[nodiscard]] std::string Base64() const {
    return absl::Base64Escape(absl::string_view(der.data(), der.size()));
  }
  [[nodiscard]] std::string Pem() const {
    std::string pem = "-----BEGIN CERTIFICATE-----\n";
    const std::string b64 = Base64();
    for (std::size_t i = 0; i < b64.size(); i += 64) absl::StrAppend(&pem, b64.substr(i, 64), "\n");
    return pem + "-----END CERTIFICATE-----\n";
  }
};

// A certificate for `key` with subject CN=`cn`, valid from `not_before` to `not_after`.
inline TestCertificate MakeCertificate(EvpKey key, absl::Time not_before, absl::Time not_after,
                                       std::string_view cn = "pim-test-client") {
  const OpenSslPtr<X509, X509_free> cert(X509_new());
  EXPECT_EQ(X509_set_version(cert.get(), X509_VERSION_3), 1);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
  EXPECT_NE(ASN1_TIME_set(X509_getm_notBefore(cert.get()), absl::ToTimeT(not_before)), nullptr);
  EXPECT_NE(ASN1_TIME_set(X509_getm_notAfter(cert.get()), absl::ToTimeT(not_after)), nullptr);
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string common_name(cn);
  EXPECT_EQ(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                       -1, -1, 0),
            1);
  EXPECT_EQ(X509_set_issuer_name(cert.get(), name), 1);
  EXPECT_EQ(X509_set_pubkey(cert.get(), key.get()), 1);
  const EVP_MD* md = EVP_PKEY_is_a(key.get(), "ED25519") ? nullptr : EVP_sha256();
  EXPECT_GT(X509_sign(cert.get(), key.get(), md), 0);
  const int size = i2d_X509(cert.get(), nullptr);
  EXPECT_GT(size, 0);
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  EXPECT_EQ(i2d_X509(cert.get(), &out), size);
  return {std::move(key), std::move(der)};
}

// The signature JOSE expects of `key` over `data`: RS256 (or PS256 with `pss`), ES256 (raw
// r||s) or EdDSA.
inline std::string JoseSign(EVP_PKEY* key, std::string_view data, bool pss = false) {
  const OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  const bool ed25519 = EVP_PKEY_is_a(key, "ED25519");
  EVP_PKEY_CTX* pkey_ctx = nullptr;
  EXPECT_EQ(
      EVP_DigestSignInit(ctx.get(), &pkey_ctx, ed25519 ? nullptr : EVP_sha256(), nullptr, key), 1);
  if (pss) {
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING), 1);
    EXPECT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_DIGEST), 1);
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t size = 0;
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, bytes, data.size()), 1);
  std::string signature(size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(signature.data());
  EXPECT_EQ(EVP_DigestSign(ctx.get(), out, &size, bytes, data.size()), 1);
  signature.resize(size);
  if (!EVP_PKEY_is_a(key, "EC")) return signature;
  const unsigned char* der = out;
  const OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free> sig(
      d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(size)));  // NOLINT(google-runtime-int)
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  return raw;
}

// A compact JWS of `header` and `claims` signed by `key` (RSASSA-PSS when the header's alg is
// PS256).
inline std::string SignedJwt(EVP_PKEY* key, const boost::json::object& header,
                             const boost::json::object& claims) {
  const std::string input = absl::StrCat(Base64UrlEncode(boost::json::serialize(header)), ".",
                                         Base64UrlEncode(boost::json::serialize(claims)));
  const boost::json::value* alg = header.if_contains("alg");
  const bool pss = alg != nullptr && alg->is_string() && alg->get_string() == "PS256";
  return absl::StrCat(input, ".", Base64UrlEncode(JoseSign(key, input, pss)));
}

}  // namespace pim::identity::testing
