// application/x-www-form-urlencoded bodies (OAuth 2.0 token requests and the sign-in page).
#pragma once

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace pim::api::oidc {

using Form = absl::flat_hash_map<std::string, std::string>;

// Decodes `body` ('+' is a space). InvalidArgument for malformed encoding, a parameter given
// twice (RFC 6749 §3.1), more than 64 parameters or a value over 8 KiB.
[[nodiscard]] absl::StatusOr<Form> ParseForm(std::string_view body);

// Whether `text` starts with `prefix`, ASCII case-insensitively (for header values).
[[nodiscard]] bool HasPrefixIgnoreCase(std::string_view text, std::string_view prefix);

// The value of `name`, or "" when absent.
[[nodiscard]] std::string_view FormValue(const Form& form, std::string_view name);

// `text` percent-encoded for a query component (RFC 3986 unreserved characters kept).
[[nodiscard]] std::string FormEncode(std::string_view text);

}  // namespace pim::api::oidc
