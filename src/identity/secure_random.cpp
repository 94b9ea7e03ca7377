#include "pim/identity/secure_random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

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
  const std::string bytes = RandomBytes(16);
  Guid128 guid;
  std::memcpy(&guid.high, bytes.data(), sizeof guid.high);
  std::memcpy(&guid.low, bytes.data() + sizeof guid.high, sizeof guid.low);
  return FormatGuid(AsVersion4(guid));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // The common prefix is always compared in full, so only the lengths show in the timing.
  const bool same_content = CRYPTO_memcmp(a.data(), b.data(), std::min(a.size(), b.size())) == 0;
  return same_content && a.size() == b.size();
}

std::string Sha256(std::string_view data) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string Sha256Hex(std::string_view data) { return absl::BytesToHexString(Sha256(data)); }

}  // namespace pim::identity
