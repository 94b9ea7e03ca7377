// QR codes as SVG images, for enrolling a TOTP key by scanning its otpauth:// URI. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pim::identity {

// An SVG image of `text` (as bytes) in the smallest QR code that holds it with error
// correction level M: one unit per module, a quiet zone of 4 modules on each side, every dark
// module in a single <path>. Errors: InvalidArgument when `text` does not fit in any QR code
// (more than 2331 bytes).
[[nodiscard]] absl::StatusOr<std::string> QrCodeSvg(std::string_view text);

}  // namespace pim::identity
