// UTF-8 well-formedness for text the API echoes into JSON answers (paths, methods, query
// values): JSON must be valid UTF-8, and Boost.JSON's serializer copies bytes as they are.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace pim::api {

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF).
[[nodiscard]] bool IsUtf8(std::string_view text);

// `text` with every byte that does not start a well-formed sequence replaced by U+FFFD.
[[nodiscard]] std::string ToValidUtf8(std::string_view text);

}  // namespace pim::api
