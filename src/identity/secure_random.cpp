#include "pim/identity/secure_random.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/strings/escaping.h"
#include "pim/domain/ids.h"

namespace pim::identity {

std::string RandomBytes(std::size_t n) {
  std::string out(n, '\0');
  // RAND_bytes takes an int; a request that large is a programming error, as is a failure.
  if (n > INT_MAX ||
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::fputs("pim: the random number generator failed\n", stderr);
    std::abort();
  }
  return out;
}

std::string RandomGuid() {
  // One generator call per 64 GUIDs: its fixed cost (locks, the fork check) was most of a
  // request id's price. The block holds no secret, only ids that are about to be handed out.
  constexpr std::size_t kGuidBytes = 2 * sizeof(std::uint64_t);
  thread_local std::array<unsigned char, 64 * kGuidBytes> block;
  thread_local std::size_t used = block.size();
  if (used == block.size()) {
    if (RAND_bytes(block.data(), static_cast<int>(block.size())) != 1) {
      std::fputs("pim: the random number generator failed\n", stderr);
      std::abort();
    }
    used = 0;
  }
  Guid128 guid;
  std::memcpy(&guid.high, block.data() + used, sizeof guid.high);
  std::memcpy(&guid.low, block.data() + used + sizeof guid.high, sizeof guid.low);
  used += kGuidBytes;
  return FormatGuid(AsVersion4(guid));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // The common prefix is always compared in full, so only the lengths show in the timing.
  const bool same_content = CRYPTO_memcmp(a.data(), b.data(), std::min(a.size(), b.size())) == 0;
  return same_content && a.size() == b.size();
}

std::string Sha256(std::string_view data) {
  // OpenSSL 3's one-shot SHA256() looks the algorithm up and allocates a context on every call,
  // which cost more than hashing a bearer token: look it up once, keep a context per thread.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
      EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  unsigned int size = 0;
  if (sha256 == nullptr || context == nullptr ||
      EVP_DigestInit_ex2(context.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), reinterpret_cast<unsigned char*>(digest.data()), &size) !=
          1 ||
      size != SHA256_DIGEST_LENGTH) {
    std::fputs("pim: SHA-256 failed\n", stderr);
    std::abort();
  }
  return digest;
}

std::string Sha256Hex(std::string_view data) { return absl::BytesToHexString(Sha256(data)); }

}  // namespace pim::identity
