// base32 (RFC 4648 §6, alphabet A-Z 2-7), the encoding of TOTP keys in authenticator apps and of
// recovery codes. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pim::identity {

// `data` in upper-case base32 without padding.
[[nodiscard]] std::string Base32Encode(std::string_view data);

// The bytes `text` encodes, or nullopt. Letters of either case are accepted and spaces are
// ignored (keys are often shown in groups). '=' padding is optional but, when present, must
// complete the last group of eight characters and nothing but spaces may follow it. Anything
// else is refused: other characters, a length no encoder produces, non-zero trailing bits.
[[nodiscard]] std::optional<std::string> Base32Decode(std::string_view text);

}  // namespace pim::identity
