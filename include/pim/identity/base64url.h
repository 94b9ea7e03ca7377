// base64url (RFC 4648 §5), the encoding of JWT parts and JWK members. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pim::identity {

// `data` in base64url without padding.
[[nodiscard]] std::string Base64UrlEncode(std::string_view data);

// The bytes `text` encodes, or nullopt unless it is exactly what Base64UrlEncode produces for
// them: padding, whitespace, characters outside the alphabet, an impossible length or non-zero
// trailing bits are all refused.
[[nodiscard]] std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace pim::identity
