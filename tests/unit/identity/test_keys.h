// Keys and tokens made directly with OpenSSL, independently of the code under test: RSA and EC
// keys as a foreign issuer would publish them, the RFC 8037 Ed25519 key, and compact JWS tokens
// with any header and signature.
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <functional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "pim/identity/base64url.h"
#include "pim/identity/openssl_ptr.h"

namespace pim::identity::testing {

// RFC 8037 appendix A.1.
inline constexpr char kRfc8037D[] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
inline constexpr char kRfc8037X[] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

inline std::string PemOf(EVP_PKEY* key) {
  const OpenSslPtr<BIO, BIO_free_all> bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<std::size_t>(size));
}

// The PKCS#8 PEM of the RFC 8037 private key.
inline std::string Rfc8037Pem() {
  const std::string d = *Base64UrlDecode(kRfc8037D);
  const EvpKey key(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(d.data()), d.size()));
  return PemOf(key.get());
}

inline std::string BigEndian(const EVP_PKEY* key, const char* param, int pad = 0) {
  BIGNUM* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, param, &raw), 1);
  const OpenSslPtr<BIGNUM, BN_free> bn(raw);
  std::string out(static_cast<std::size_t>(pad > 0 ? pad : BN_num_bytes(bn.get())), '\0');
  BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()),
               static_cast<int>(out.size()));
  return out;
}

// A key pair of another issuer and its public JWK.
struct ForeignKey {
  EvpKey key;
  boost::json::object jwk;
};

inline ForeignKey NewRsaKey(std::size_t bits, std::string_view kid) {
  EvpKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
  boost::json::object jwk = {{"kty", "RSA"},
                             {"n", Base64UrlEncode(BigEndian(key.get(), OSSL_PKEY_PARAM_RSA_N))},
                             {"e", Base64UrlEncode(BigEndian(key.get(), OSSL_PKEY_PARAM_RSA_E))},
                             {"kid", kid},
                             {"use", "sig"}};
  return {std::move(key), std::move(jwk)};
}

inline ForeignKey NewEcKey(std::string_view kid) {
  EvpKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  boost::json::object jwk = {
      {"kty", "EC"},
      {"crv", "P-256"},
      {"x", Base64UrlEncode(BigEndian(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32))},
      {"y", Base64UrlEncode(BigEndian(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32))},
      {"kid", kid}};
  return {std::move(key), std::move(jwk)};
}

// RS256 (PKCS#1 v1.5) or ES256 (converted from DER to JOSE's r||s) signature by `key`.
inline std::string SignForeign(EVP_PKEY* key, std::string_view data) {
  const OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
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

inline std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string mac(32, '\0');
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(mac.data()), &size);
  return mac;
}

// A compact JWS of `header` and `claims` whose signature is `sign(signing input)`.
inline std::string MakeToken(const boost::json::object& header, const boost::json::object& claims,
                             const std::function<std::string(std::string_view)>& sign) {
  const std::string input = absl::StrCat(Base64UrlEncode(boost::json::serialize(header)), ".",
                                         Base64UrlEncode(boost::json::serialize(claims)));
  return absl::StrCat(input, ".", Base64UrlEncode(sign(input)));
}

}  // namespace pim::identity::testing
