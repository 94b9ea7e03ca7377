#include "pim/identity/signing_key.h"

#include <openssl/pem.h>

#include "gtest/gtest.h"
#include "pim/identity/base64url.h"
#include "test_keys.h"

namespace pim::identity {
namespace {

using testing::Rfc8037Pem;

TEST(SigningKeyTest, MatchesRfc8037Vectors) {
  const absl::StatusOr<SigningKey> key = SigningKey::FromPem(Rfc8037Pem());
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(Base64UrlEncode(key->public_key()), testing::kRfc8037X);
  // A.3: the JWK thumbprint.
  EXPECT_EQ(key->kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  // A.4: Ed25519 signatures are deterministic.
  EXPECT_EQ(
      Base64UrlEncode(key->Sign("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc")),
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
}

TEST(SigningKeyTest, PublicJwkHasTheStandardMembers) {
  const SigningKey key = *SigningKey::FromPem(Rfc8037Pem());
  const boost::json::object expected = {
      {"kty", "OKP"},     {"crv", "Ed25519"}, {"x", testing::kRfc8037X},
      {"kid", key.kid()}, {"alg", "EdDSA"},   {"use", "sig"}};
  EXPECT_EQ(key.PublicJwk(), expected);
  EXPECT_EQ(key.PublicJwk().if_contains("d"), nullptr);
}

TEST(SigningKeyTest, GeneratedKeysAreDistinctAndSurviveAPemRoundTrip) {
  const SigningKey a = SigningKey::Generate();
  const SigningKey b = SigningKey::Generate();
  EXPECT_NE(a.kid(), b.kid());
  EXPECT_EQ(a.kid().size(), 43u);
  const std::string pem = a.PrivatePem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  absl::StatusOr<SigningKey> again = SigningKey::FromPem(pem);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->kid(), a.kid());
  EXPECT_EQ(again->Sign("data"), a.Sign("data"));
  EXPECT_NE(b.Sign("data"), a.Sign("data"));
  SigningKey moved = std::move(*again);
  EXPECT_EQ(moved.kid(), a.kid());
}

TEST(SigningKeyTest, FromPemRefusesAnythingButAnUnencryptedEd25519Key) {
  const testing::ForeignKey rsa = testing::NewRsaKey(2048, "r");
  const std::string ed25519 = Rfc8037Pem();
  // The same key, encrypted: must fail without ever prompting for a passphrase.
  const OpenSslPtr<BIO, BIO_free_all> bio(BIO_new(BIO_s_mem()));
  const absl::StatusOr<SigningKey> plain = SigningKey::FromPem(ed25519);
  ASSERT_TRUE(plain.ok());
  const EvpKey parsed(PEM_read_bio_PrivateKey(
      OpenSslPtr<BIO, BIO_free_all>(BIO_new_mem_buf(ed25519.data(), -1)).get(), nullptr, nullptr,
      nullptr));
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), parsed.get(), EVP_aes_256_cbc(), nullptr, 0,
                                          nullptr, const_cast<char*>("passphrase")),
            1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  const std::string encrypted(data, static_cast<std::size_t>(size));

  for (const std::string& bad :
       {std::string(), std::string("garbage"), testing::PemOf(rsa.key.get()), encrypted,
        ed25519.substr(0, ed25519.size() / 2), std::string(20000, 'A'),
        std::string("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n")}) {
    const absl::StatusOr<SigningKey> key = SigningKey::FromPem(bad);
    EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace pim::identity
