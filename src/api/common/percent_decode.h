// Percent-decoding (RFC 3986 2.1), one byte at a time, for the request path and for OData query
// options: each caller keeps its own rules for what a decoded byte may be and its own messages.
// Pure function, thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace pim::api {

// The byte at `pos` of percent-encoded `text` (pos < text.size()): for a "%XX" escape the byte
// it stands for, with `pos` moved onto the escape's last character; otherwise the byte itself.
// nullopt, `pos` unchanged, when a '%' is not followed by two hex digits.
[[nodiscard]] std::optional<char> DecodePercentByte(std::string_view text, std::size_t& pos);

}  // namespace pim::api
