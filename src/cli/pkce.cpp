#include "pim/cli/pkce.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdlib>

namespace pim::cli {
namespace {

std::string RandomUrlSafe(std::size_t bytes) {
  std::string raw(bytes, '\0');
  // A CSPRNG that cannot produce bytes leaves nothing safe to do: no sign-in without it.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
    std::abort();
  }
  return Base64UrlEncode(raw);
}

}  // namespace

std::string Base64UrlEncode(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16U) |
                   (static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8U) |
                   static_cast<unsigned>(static_cast<unsigned char>(data[i + 2]));
    out += kAlphabet[(n >> 18U) & 63U];
    out += kAlphabet[(n >> 12U) & 63U];
    out += kAlphabet[(n >> 6U) & 63U];
    out += kAlphabet[n & 63U];
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(data[i])) << 16U;
    if (rest == 2) n |= static_cast<unsigned>(static_cast<unsigned char>(data[i + 1])) << 8U;
    out += kAlphabet[(n >> 18U) & 63U];
    out += kAlphabet[(n >> 12U) & 63U];
    if (rest == 2) out += kAlphabet[(n >> 6U) & 63U];
  }
  return out;
}

std::string NewCodeVerifier() { return RandomUrlSafe(32); }

std::string CodeChallengeS256(std::string_view verifier) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest.data());
  return Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string NewState() { return RandomUrlSafe(16); }

}  // namespace pim::cli
