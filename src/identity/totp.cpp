#include "pim/identity/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pim/identity/base32.h"
#include "pim/identity/secure_random.h"

namespace pim::identity {
namespace {

bool Valid(const TotpParams& p) {
  return p.digits >= 6 && p.digits <= 8 && p.period >= absl::Seconds(1) &&
         p.period < absl::InfiniteDuration() && p.period % absl::Seconds(1) == absl::ZeroDuration();
}

const EVP_MD* Digest(TotpAlgorithm algorithm) {
  switch (algorithm) {
    case TotpAlgorithm::kSha1:
      return EVP_sha1();
    case TotpAlgorithm::kSha256:
      return EVP_sha256();
    case TotpAlgorithm::kSha512:
      return EVP_sha512();
  }
  return EVP_sha1();
}

const char* AlgorithmName(TotpAlgorithm algorithm) {
  switch (algorithm) {
    case TotpAlgorithm::kSha1:
      return "SHA1";
    case TotpAlgorithm::kSha256:
      return "SHA256";
    case TotpAlgorithm::kSha512:
      return "SHA512";
  }
  return "SHA1";
}

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X", static_cast<unsigned char>(c));
    }
  }
  return out;
}

}  // namespace

std::string TotpCode(std::string_view key, std::int64_t step, const TotpParams& params) {
  if (!Valid(params) || key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return "";
  }
  // The counter is the step as 8 big-endian bytes (a negative step wraps, as in uint64).
  std::array<unsigned char, 8> counter{};
  auto value = static_cast<std::uint64_t>(step);
  for (auto it = counter.rbegin(); it != counter.rend(); ++it, value >>= 8) {
    *it = static_cast<unsigned char>(value & 0xff);
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(Digest(params.algorithm), key.data(), static_cast<int>(key.size()), counter.data(),
           counter.size(), mac.data(), &mac_size) == nullptr) {
    return "";
  }
  // Dynamic truncation (RFC 4226 §5.3): 31 bits at the offset the last nibble names.
  const unsigned offset = mac[mac_size - 1] & 0x0fu;
  const std::uint32_t bits = (static_cast<std::uint32_t>(mac[offset] & 0x7fu) << 24) |
                             (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                             (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                             static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < params.digits; ++i) modulus *= 10;
  return absl::StrFormat("%0*u", params.digits, bits % modulus);
}

std::int64_t TotpStep(absl::Time t, const TotpParams& params) {
  if (!Valid(params)) return 0;
  const std::int64_t seconds = absl::ToUnixSeconds(t);  // rounds toward the infinite past
  const std::int64_t period = absl::ToInt64Seconds(params.period);
  return seconds / period - (seconds % period < 0 ? 1 : 0);
}

std::optional<std::int64_t> VerifyTotp(std::string_view key, std::string_view code, absl::Time now,
                                       std::optional<std::int64_t> last_used_step,
                                       const TotpParams& params) {
  if (!Valid(params) || code.size() != static_cast<std::size_t>(params.digits)) return {};
  for (const char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return {};
  }
  const std::int64_t current = TotpStep(now, params);
  std::optional<std::int64_t> matched;
  // From the latest candidate down, so that the earliest usable match is the one kept; every
  // candidate is computed and compared whatever matched before it.
  for (std::int64_t delta = 1; delta >= -1; --delta) {
    if ((delta > 0 && current == std::numeric_limits<std::int64_t>::max()) ||
        (delta < 0 && current == std::numeric_limits<std::int64_t>::min())) {
      continue;
    }
    const std::int64_t step = current + delta;
    const bool fresh = !last_used_step.has_value() || step > *last_used_step;
    if (ConstantTimeEquals(TotpCode(key, step, params), code) && fresh) matched = step;
  }
  return matched;
}

std::string NewTotpKey() { return RandomBytes(20); }

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view key,
                       const TotpParams& params) {
  const std::string encoded_issuer = PercentEncode(issuer);
  return absl::StrCat("otpauth://totp/", encoded_issuer, ":", PercentEncode(account),
                      "?secret=", Base32Encode(key), "&issuer=", encoded_issuer,
                      "&algorithm=", AlgorithmName(params.algorithm), "&digits=", params.digits,
                      "&period=", absl::ToInt64Seconds(params.period));
}

}  // namespace pim::identity
