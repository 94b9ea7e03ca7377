#include "api/common/percent_decode.h"

#include <optional>
#include <string>
#include <string_view>

#include "odata_text.h"
#include "pim/api/odata/query.h"

namespace pim::api::odata {
absl::StatusOr<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t start = i;
    const std::optional<char> byte = DecodePercentByte(text, i);
    if (!byte.has_value()) {
      return internal::BadRequest(internal::Cat(
          "malformed percent-escape ", internal::Quote(text.substr(i, 3)), " at position ", i));
    }
    const char c = *byte;
    // '+' is kept: RFC 3986 query components have no space-as-plus rule, and a date-time
    // offset (+02:00) must survive. NUL, decoded or raw, never reaches a parser or a log line.
    if (c == '\0') {
      return internal::BadRequest(internal::Cat("NUL character at position ", start));
    }
    out += c;
  }
  return out;
}

}  // namespace pim::api::odata
