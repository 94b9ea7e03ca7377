// The rules a new password must meet (after NIST SP 800-63B: length over composition, a
// blocklist, nothing personal). Thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace pim::identity {

// The machine code of every refusal below.
inline constexpr std::string_view kPasswordPolicyViolation = "PasswordPolicyViolation";

// OK when `password` is valid UTF-8 of at least 12 characters (code points) and at most 256
// bytes, is not one character repeated, is not one of the most common long passwords, and
// contains none of `personal_words` (the user's name parts, the local part of the mail address)
// that have at least 4 characters; the last two compare ignoring ASCII case.
// Errors: InvalidArgument with code kPasswordPolicyViolation and a message that says which rule
// failed, never echoing the password or the personal word.
[[nodiscard]] absl::Status CheckPasswordPolicy(std::string_view password,
                                               const std::vector<std::string>& personal_words);

}  // namespace pim::identity
