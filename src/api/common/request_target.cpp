#include "pim/api/request_target.h"

#include "absl/strings/str_split.h"
#include "api/common/utf8.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

absl::Status Bad(std::string_view why) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
               std::string("Invalid request path: ") + std::string(why) + ".");
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<RequestTarget> ParseRequestTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return Bad("it must start with '/'");
  RequestTarget out;
  const std::size_t q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  if (q != std::string_view::npos) out.raw_query = std::string(target.substr(q + 1));

  std::string decoded;
  decoded.reserve(raw_path.size());
  for (std::size_t i = 0; i < raw_path.size(); ++i) {
    char c = raw_path[i];
    if (c == '%') {
      const int hi = i + 2 < raw_path.size() ? HexValue(raw_path[i + 1]) : -1;
      const int lo = i + 2 < raw_path.size() ? HexValue(raw_path[i + 2]) : -1;
      if (hi < 0 || lo < 0) return Bad("malformed percent escape");
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return Bad("control character");
    decoded.push_back(c);
  }
  if (!IsUtf8(decoded) || !IsUtf8(out.raw_query)) return Bad("not UTF-8");
  out.path.reserve(decoded.size());
  for (absl::string_view segment : absl::StrSplit(decoded, '/', absl::SkipEmpty())) {
    if (segment == "." || segment == "..") return Bad("dot segment");
    out.path.push_back('/');
    out.path.append(segment.data(), segment.size());
  }
  if (out.path.empty()) out.path = "/";
  return out;
}

}  // namespace pim::api
