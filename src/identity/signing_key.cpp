#include "pim/identity/signing_key.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "pim/identity/base64url.h"
#include "pim/identity/secure_random.h"

namespace pim::identity {
namespace {

constexpr std::size_t kMaxPemBytes = std::size_t{16} * 1024;

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "pim: OpenSSL failed: %s\n", what);
  std::abort();
}

// Refuses to prompt for a passphrase: an encrypted PEM simply fails to load.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

absl::Status BadPem(std::string_view why) {
  ERR_clear_error();
  return absl::InvalidArgumentError(
      absl::StrCat("signing key: ", absl::string_view(why.data(), why.size())));
}

}  // namespace

SigningKey::SigningKey(EvpKey key) : key_(std::move(key)), public_key_(32, '\0') {
  std::size_t size = public_key_.size();
  if (EVP_PKEY_get_raw_public_key(key_.get(), reinterpret_cast<unsigned char*>(public_key_.data()),
                                  &size) != 1 ||
      size != public_key_.size()) {
    Fatal("EVP_PKEY_get_raw_public_key");
  }
  // RFC 7638: the required members in lexicographic order, no whitespace.
  kid_ = Base64UrlEncode(Sha256(absl::StrCat(R"({"crv":"Ed25519","kty":"OKP","x":")",
                                             Base64UrlEncode(public_key_), R"("})")));
}

SigningKey SigningKey::Generate() {
  EvpKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) Fatal("EVP_PKEY_Q_keygen");
  return SigningKey(std::move(key));
}

absl::StatusOr<SigningKey> SigningKey::FromPem(std::string_view private_pem) {
  if (private_pem.empty() || private_pem.size() > kMaxPemBytes) {
    return BadPem("PEM text empty or too long");
  }
  const OpenSslPtr<BIO, BIO_free_all> bio(
      BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  if (!bio) Fatal("BIO_new_mem_buf");
  EvpKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) return BadPem("not an unencrypted PEM private key");
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return BadPem("not an Ed25519 key");
  return SigningKey(std::move(key));
}

std::string SigningKey::PrivatePem() const {
  const OpenSslPtr<BIO, BIO_free_all> bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    Fatal("PEM_write_bio_PrivateKey");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<std::size_t>(size));
}

boost::json::object SigningKey::PublicJwk() const {
  return {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(public_key_)},
          {"kid", kid_},  {"alg", "EdDSA"},   {"use", "sig"}};
}

std::string SigningKey::Sign(std::string_view data) const {
  const OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  std::string signature(64, '\0');
  std::size_t size = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    Fatal("EVP_DigestSign");
  }
  return signature;
}

}  // namespace pim::identity
