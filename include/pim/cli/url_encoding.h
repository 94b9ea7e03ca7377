// Percent-encoding for query strings and application/x-www-form-urlencoded bodies.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pim::cli {

// Every byte but RFC 3986's unreserved characters as %XX (a space is %20, never '+': pimd
// reads '+' as a plus sign).
[[nodiscard]] std::string PercentEncode(std::string_view text);

// "k1=v1&k2=v2" with keys and values percent-encoded.
[[nodiscard]] std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace pim::cli
