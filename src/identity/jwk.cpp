#include "pim/identity/jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "identity/rsa_key_limits.h"
#include "pim/identity/base64url.h"

namespace pim::identity {
namespace {

constexpr std::size_t kMaxJwksBytes = 1 << 20;
constexpr std::size_t kMaxKeys = 100;

using Bignum = OpenSslPtr<BIGNUM, BN_free>;

absl::Status InvalidJwk(std::string_view why) {
  ERR_clear_error();
  return absl::InvalidArgumentError(
      absl::StrCat("JWK: ", absl::string_view(why.data(), why.size())));
}

// The bytes of base64url string member `name`, or nullopt when absent or malformed.
std::optional<std::string> BytesMember(const boost::json::object& jwk, std::string_view name) {
  const boost::json::value* v = jwk.if_contains(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return Base64UrlDecode(std::string_view(v->get_string().data(), v->get_string().size()));
}

bool MemberIs(const boost::json::object& jwk, std::string_view name, std::string_view value) {
  const boost::json::value* v = jwk.if_contains(name);
  return v != nullptr && v->is_string() && v->get_string() == value;
}

EvpKey Ed25519FromRaw(std::string_view x) {
  return EvpKey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x.data()), x.size()));
}

// A public key of OpenSSL type `type` from the parameters in `builder`, unchecked.
absl::StatusOr<EvpKey> FromParams(const char* type, OSSL_PARAM_BLD* builder) {
  const OpenSslPtr<OSSL_PARAM, OSSL_PARAM_free> params(OSSL_PARAM_BLD_to_param(builder));
  const OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return InvalidJwk("key parameters rejected");
  }
  return EvpKey(raw);
}

// The product of the odd primes below 752, the bound of SP 800-56B's small-factor check.
const BIGNUM* SmallPrimesProduct() {
  static const BIGNUM* product = [] {
    BIGNUM* p = BN_new();
    if (p == nullptr || BN_one(p) != 1) std::abort();
    for (BN_ULONG n = 3; n < 752; n += 2) {
      bool prime = true;
      for (BN_ULONG d = 3; d * d <= n; d += 2) prime = prime && n % d != 0;
      if (prime && BN_mul_word(p, n) != 1) std::abort();
    }
    return p;
  }();
  return product;
}

// floor(n^(1/k)) for k >= 2, by Newton's method from above; nullptr when OpenSSL fails.
Bignum IntegerRoot(const BIGNUM* n, BN_ULONG k, BN_CTX* ctx) {
  Bignum x(BN_new());
  Bignum next(BN_new());
  Bignum power(BN_new());
  Bignum exponent(BN_new());
  Bignum quotient(BN_new());
  const int root_bits = (BN_num_bits(n) + static_cast<int>(k) - 1) / static_cast<int>(k);
  // 2^ceil(bits/k) is above the root; each step then stays above it until it settles.
  if (!x || !next || !power || !exponent || !quotient || BN_set_bit(x.get(), root_bits) != 1 ||
      BN_set_word(exponent.get(), k - 1) != 1) {
    return nullptr;
  }
  for (;;) {
    // next = ((k - 1) x + n / x^(k-1)) / k
    if (BN_exp(power.get(), x.get(), exponent.get(), ctx) != 1 ||
        BN_div(quotient.get(), nullptr, n, power.get(), ctx) != 1 ||
        BN_copy(next.get(), x.get()) == nullptr || BN_mul_word(next.get(), k - 1) != 1 ||
        BN_add(next.get(), next.get(), quotient.get()) != 1 ||
        BN_div_word(next.get(), k) == static_cast<BN_ULONG>(-1)) {
      return nullptr;
    }
    if (BN_cmp(next.get(), x.get()) >= 0) return x;
    std::swap(x, next);
  }
}

bool IsSmallPrime(std::uint64_t n) {
  if (n < 2) return false;
  for (std::uint64_t d = 2; d * d <= n; ++d) {
    if (n % d == 0) return false;
  }
  return true;
}

// base^exponent mod m, for m < 2^32.
std::uint64_t PowMod(std::uint64_t base, std::uint64_t exponent, std::uint64_t m) {
  std::uint64_t result = 1;
  base %= m;
  for (; exponent != 0; exponent >>= 1) {
    if ((exponent & 1) != 0) result = result * base % m;
    base = base * base % m;
  }
  return result;
}

// False when n is certainly not a k-th power (k prime): for a prime q = 1 (mod k) not dividing
// n, a k-th power is a k-th power residue mod q, and n^((q-1)/k) = 1 (mod q) then. Twelve such
// q let a number that is not a k-th power through with probability at most 2^-12, so the exact
// root (IntegerRoot) is rarely needed.
bool MayBeKthPower(const BIGNUM* n, BN_ULONG k) {
  int tested = 0;
  for (BN_ULONG q = 2 * k + 1; tested < 12 && q < (static_cast<BN_ULONG>(1) << 24); q += 2 * k) {
    if (!IsSmallPrime(q)) continue;
    const BN_ULONG residue = BN_mod_word(n, q);
    if (residue == static_cast<BN_ULONG>(-1)) return true;  // let the exact test decide
    if (residue == 0) continue;
    if (PowMod(residue, (q - 1) / k, q) != 1) return false;
    ++tested;
  }
  return true;
}

// Whether n = r^k for some integers r and k >= 2, given that n has no prime factor below 752
// (so k <= bits / 9.5); nullopt when OpenSSL fails. A perfect power is never a product of two
// distinct primes, so it is never an RSA modulus (SP 800-56B refuses powers of a prime).
std::optional<bool> IsPerfectPower(const BIGNUM* n, BN_CTX* ctx) {
  const auto max_k = static_cast<BN_ULONG>(BN_num_bits(n) / 9);
  Bignum power(BN_new());
  Bignum exponent(BN_new());
  if (!power || !exponent) return std::nullopt;
  for (BN_ULONG k = 2; k <= max_k; ++k) {
    // A k-th power is a p-th power for each prime p dividing k: prime k suffice.
    if (!IsSmallPrime(k) || !MayBeKthPower(n, k)) continue;
    const Bignum root = IntegerRoot(n, k, ctx);
    if (!root || BN_set_word(exponent.get(), k) != 1 ||
        BN_exp(power.get(), root.get(), exponent.get(), ctx) != 1) {
      return std::nullopt;
    }
    if (BN_cmp(power.get(), n) == 0) return true;
  }
  return false;
}

// SP 800-56B's checks of an RSA public key, made deterministic: OpenSSL's own check
// (EVP_PKEY_public_check) looks for factors with randomly chosen Miller-Rabin bases, so a
// malformed modulus could pass at one parse and fail at the next. Here: n odd, with no prime
// factor below 752, not prime, and not a perfect power; e odd, above 2^16 and below 2^256.
// (Whether n is prime is also a Miller-Rabin test, but a prime always passes it and a composite
// passes with probability below 2^-128.)
absl::Status CheckRsaPublic(const BIGNUM* n, const BIGNUM* e) {
  if (BN_is_odd(n) != 1) return InvalidJwk("RSA modulus is even");
  if (BN_is_odd(e) != 1 || BN_num_bits(e) <= 16 || BN_num_bits(e) > 256) {
    return InvalidJwk("RSA exponent must be odd, above 2^16 and below 2^256");
  }
  const OpenSslPtr<BN_CTX, BN_CTX_free> ctx(BN_CTX_new());
  const Bignum gcd(BN_new());
  if (!ctx || !gcd || BN_gcd(gcd.get(), n, SmallPrimesProduct(), ctx.get()) != 1) {
    return InvalidJwk("RSA key unreadable");
  }
  if (BN_is_one(gcd.get()) != 1) return InvalidJwk("RSA modulus has a small factor");
  const int prime = BN_check_prime(n, ctx.get(), nullptr);
  if (prime < 0) return InvalidJwk("RSA key unreadable");
  if (prime == 1) return InvalidJwk("RSA modulus is prime");
  const std::optional<bool> power = IsPerfectPower(n, ctx.get());
  if (!power) return InvalidJwk("RSA key unreadable");
  if (*power) return InvalidJwk("RSA modulus is a perfect power");
  return absl::OkStatus();
}

absl::StatusOr<EvpKey> RsaKey(const boost::json::object& jwk) {
  const std::optional<std::string> n = BytesMember(jwk, "n");
  const std::optional<std::string> e = BytesMember(jwk, "e");
  if (!n || !e) return InvalidJwk("an RSA key needs base64url members n and e");
  if (n->size() > kMaxRsaBits / 8 || e->size() > 8) return InvalidJwk("RSA key too large");
  const Bignum bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                              static_cast<int>(n->size()), nullptr));
  const Bignum bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                              static_cast<int>(e->size()), nullptr));
  if (!bn_n || !bn_e) return InvalidJwk("RSA key unreadable");
  if (BN_num_bits(bn_n.get()) < kMinRsaBits) return InvalidJwk("RSA key shorter than 2048 bits");
  if (absl::Status checked = CheckRsaPublic(bn_n.get(), bn_e.get()); !checked.ok()) return checked;
  const OpenSslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free> builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return InvalidJwk("RSA key unreadable");
  }
  return FromParams("RSA", builder.get());
}

absl::StatusOr<EvpKey> EcKey(const boost::json::object& jwk) {
  if (!MemberIs(jwk, "crv", "P-256")) return InvalidJwk("unsupported EC curve");
  const std::optional<std::string> x = BytesMember(jwk, "x");
  const std::optional<std::string> y = BytesMember(jwk, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32) {
    return InvalidJwk("a P-256 key needs 32-byte members x and y");
  }
  const std::string point = absl::StrCat("\x04", *x, *y);  // uncompressed SEC 1 encoding
  const OpenSslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free> builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return InvalidJwk("EC key unreadable");
  }
  absl::StatusOr<EvpKey> key = FromParams("EC", builder.get());
  if (!key.ok()) return key;
  // OpenSSL's check of an EC public key (the point is on the curve) is deterministic.
  const OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key->get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return InvalidJwk("invalid public key");
  return key;
}

absl::StatusOr<EvpKey> OkpKey(const boost::json::object& jwk) {
  if (!MemberIs(jwk, "crv", "Ed25519")) return InvalidJwk("unsupported OKP curve");
  const std::optional<std::string> x = BytesMember(jwk, "x");
  if (!x || x->size() != 32) return InvalidJwk("an Ed25519 key needs a 32-byte member x");
  EvpKey key = Ed25519FromRaw(*x);
  if (!key) return InvalidJwk("Ed25519 key unreadable");
  return key;
}

// JOSE's raw ES256 signature r||s as the DER ECDSA-Sig-Value OpenSSL verifies, or "".
std::string EcdsaDer(std::string_view raw) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  Bignum r(BN_bin2bn(bytes, 32, nullptr));
  Bignum s(BN_bin2bn(bytes + 32, 32, nullptr));
  const OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free> sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return "";
  static_cast<void>(r.release());  // now owned by sig
  static_cast<void>(s.release());
  const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return "";
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != size) return "";
  return der;
}

}  // namespace

absl::StatusOr<VerificationKey> VerificationKey::FromJwk(const boost::json::object& jwk) {
  if (jwk.contains("use") && !MemberIs(jwk, "use", "sig")) return InvalidJwk("not a signature key");
  std::string alg;
  absl::StatusOr<EvpKey> key = InvalidJwk("unsupported key type");
  if (MemberIs(jwk, "kty", "OKP")) {
    alg = "EdDSA";
    key = OkpKey(jwk);
  } else if (MemberIs(jwk, "kty", "RSA")) {
    alg = MemberIs(jwk, "alg", "PS256") ? "PS256" : "RS256";
    key = RsaKey(jwk);
  } else if (MemberIs(jwk, "kty", "EC")) {
    alg = "ES256";
    key = EcKey(jwk);
  }
  if (!key.ok()) return key.status();
  if (jwk.contains("alg") && !MemberIs(jwk, "alg", alg))
    return InvalidJwk("alg does not fit the key");
  const boost::json::value* kid = jwk.if_contains("kid");
  if (kid != nullptr && !kid->is_string()) return InvalidJwk("kid is not a string");
  return VerificationKey(std::move(*key), kid != nullptr ? std::string(kid->get_string()) : "",
                         std::move(alg));
}

absl::StatusOr<std::vector<VerificationKey>> VerificationKey::ParseJwks(std::string_view json) {
  if (json.size() > kMaxJwksBytes) return absl::ResourceExhaustedError("JWKS larger than 1 MiB");
  boost::json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(json, ec, {}, options);
  const boost::json::value* keys =
      root.is_object() ? root.get_object().if_contains("keys") : nullptr;
  if (ec || keys == nullptr || !keys->is_array()) {
    return absl::InvalidArgumentError("JWKS is not a JSON object with a \"keys\" array");
  }
  if (keys->get_array().size() > kMaxKeys)
    return absl::InvalidArgumentError("JWKS has too many keys");
  std::vector<VerificationKey> out;
  for (const boost::json::value& jwk : keys->get_array()) {
    if (!jwk.is_object()) continue;
    absl::StatusOr<VerificationKey> key = FromJwk(jwk.get_object());
    if (key.ok()) out.push_back(std::move(*key));
  }
  if (out.empty()) return absl::InvalidArgumentError("JWKS has no usable signature key");
  return out;
}

VerificationKey VerificationKey::FromSigningKey(const SigningKey& key) {
  EvpKey public_key = Ed25519FromRaw(key.public_key());
  if (!public_key) {
    std::fputs("pim: OpenSSL failed: EVP_PKEY_new_raw_public_key\n", stderr);
    std::abort();
  }
  return VerificationKey(std::move(public_key), key.kid(), "EdDSA");
}

bool VerificationKey::Verify(std::string_view data, std::string_view signature) const {
  const EVP_MD* digest = nullptr;  // Ed25519 hashes internally
  std::string der;
  if (alg_ == "EdDSA") {
    if (signature.size() != 64) return false;
  } else if (alg_ == "RS256" || alg_ == "PS256") {
    digest = EVP_sha256();
    if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()))) return false;
  } else {
    digest = EVP_sha256();
    if (signature.size() != 64) return false;
    der = EcdsaDer(signature);
    signature = der;
  }
  const OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
  // PS256 (RFC 7518 §3.5): RSASSA-PSS with SHA-256, MGF1 with SHA-256, a salt as long as the hash.
  const auto pss = [&] {
    return alg_ != "PS256" ||
           (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pkey_ctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
            EVP_PKEY_CTX_set_rsa_mgf1_md(pkey_ctx, EVP_sha256()) == 1);
  };
  const bool ok =
      ctx && !signature.empty() &&
      EVP_DigestVerifyInit(ctx.get(), &pkey_ctx, digest, nullptr, key_.get()) == 1 && pss() &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace pim::identity
