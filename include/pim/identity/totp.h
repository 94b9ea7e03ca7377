// Time-based one-time passwords (RFC 6238, over HOTP of RFC 4226), as authenticator apps make
// them, and the otpauth:// URI that enrols a key in such an app. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace pim::identity {

enum class TotpAlgorithm { kSha1, kSha256, kSha512 };

// `digits` is 6 to 8 and `period` a whole number of seconds, at least one; functions given
// other params make no code (TotpCode returns "", VerifyTotp nullopt).
struct TotpParams {
  TotpAlgorithm algorithm = TotpAlgorithm::kSha1;
  int digits = 6;
  absl::Duration period = absl::Seconds(30);
};

// The code for time step `step` (HOTP with counter `step`): `digits` decimal digits.
[[nodiscard]] std::string TotpCode(std::string_view key, std::int64_t step,
                                   const TotpParams& params);

// The time step `t` falls in: floor(seconds since the Unix epoch / period).
[[nodiscard]] std::int64_t TotpStep(absl::Time t, const TotpParams& params);

// The step whose code `code` is, when it is that of now's step, the one before or the one
// after (clock skew) and that step is later than `last_used_step` (a code works once);
// otherwise nullopt. `code` must be exactly `digits` ASCII digits. The three candidates are
// always all compared, in constant time; when several match, the earliest usable step wins.
// The caller stores the returned step as the new `last_used_step`.
[[nodiscard]] std::optional<std::int64_t> VerifyTotp(std::string_view key, std::string_view code,
                                                     absl::Time now,
                                                     std::optional<std::int64_t> last_used_step,
                                                     const TotpParams& params);

// A new random 20-byte key (160 bits, RFC 4226's recommendation).
[[nodiscard]] std::string NewTotpKey();

// otpauth://totp/<issuer>:<account>?secret=<base32 key>&issuer=<issuer>&algorithm=SHA1
// &digits=6&period=30, every part percent-encoded (all but RFC 3986's unreserved characters).
[[nodiscard]] std::string OtpauthUri(std::string_view issuer, std::string_view account,
                                     std::string_view key, const TotpParams& params);

}  // namespace pim::identity
