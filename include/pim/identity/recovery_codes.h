// Recovery codes: single-use secrets a user writes down to sign in without their second factor.
// Only their hashes are stored. All functions are thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pim::identity {

// `n` new random codes like "abcd-efgh-2jk7": 12 lower-case base32 characters (60 bits).
[[nodiscard]] std::vector<std::string> NewRecoveryCodes(int n = 10);

// The SHA-256 (hex) of `code` after normalising it (lower case, '-' and spaces removed), so a
// code typed in upper case or without dashes matches.
[[nodiscard]] std::string HashRecoveryCode(std::string_view code);

// The index in `hashes` of the hash of `code`, or nullopt. Every entry is compared, in constant
// time. The caller removes the used hash.
[[nodiscard]] std::optional<std::size_t> MatchRecoveryCode(std::string_view code,
                                                           const std::vector<std::string>& hashes);

}  // namespace pim::identity
