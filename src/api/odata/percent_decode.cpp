#include <string>
#include <string_view>

#include "odata_text.h"
#include "pim/api/odata/query.h"

namespace pim::api::odata {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::size_t start = i;
    char c = text[i];
    if (c == '%') {
      const int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return internal::BadRequest(internal::Cat(
            "malformed percent-escape ", internal::Quote(text.substr(i, 3)), " at position ", i));
      }
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
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
