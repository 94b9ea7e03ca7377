// Private to pim_api_odata: the BadRequest status every refusal uses, safe quoting of client
// text inside messages, and the case-insensitive comparisons OData names and values need.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace pim::api::odata::internal {

// Concatenates strings and integers. (absl::StrCat would do, but Debian's absl::string_view is
// not std::string_view and does not convert from it.)
inline void AppendPart(std::string& out, std::string_view part) { out.append(part); }
inline void AppendPart(std::string& out, const std::string& part) { out.append(part); }
inline void AppendPart(std::string& out, const char* part) { out.append(part); }
inline void AppendPart(std::string& out, absl::string_view part) {
  out.append(part.data(), part.size());
}
template <std::integral T>
void AppendPart(std::string& out, T number) {
  out += std::to_string(number);
}
template <typename... Parts>
[[nodiscard]] std::string Cat(const Parts&... parts) {
  std::string out;
  (AppendPart(out, parts), ...);
  return out;
}

// InvalidArgument with machine code BadRequest and `message` (which must already be bounded).
[[nodiscard]] absl::Status BadRequest(std::string_view message);

// `text` in double quotes, non-printable bytes as \xNN, cut after about 40 characters ("..."),
// so that no client input can blow up an error message or a log line.
[[nodiscard]] std::string Quote(std::string_view text);

// ASCII case-insensitive equality and three-way comparison (non-ASCII bytes compare as bytes).
[[nodiscard]] bool EqualsIgnoreCase(std::string_view a, std::string_view b);
[[nodiscard]] int CompareIgnoreCase(std::string_view a, std::string_view b);
[[nodiscard]] std::string ToLower(std::string_view text);

// A cheap shape test before ParseDateTime: "yyyy-mm-ddThh:mm" at the start.
[[nodiscard]] bool LooksLikeDateTime(std::string_view text);

// OData identifiers: [A-Za-z_][A-Za-z0-9_]*.
[[nodiscard]] bool IsIdentifierStart(char c);
[[nodiscard]] bool IsIdentifierChar(char c);
[[nodiscard]] bool IsIdentifier(std::string_view text);

// Parses a non-negative decimal integer made only of ASCII digits (no sign, no spaces) that
// fits in int64; false otherwise.
[[nodiscard]] bool ParseNonNegative(std::string_view text, std::int64_t& out);

}  // namespace pim::api::odata::internal
