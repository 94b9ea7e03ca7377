#include "pim/api/request_target.h"

#include <optional>

#include "absl/strings/str_split.h"
#include "api/common/percent_decode.h"
#include "api/common/utf8.h"
#include "pim/domain/status.h"

namespace pim::api {
namespace {

absl::Status Bad(std::string_view why) {
  return Error(absl::StatusCode::kInvalidArgument, code::kBadRequest,
               std::string("Invalid request path: ") + std::string(why) + ".");
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
    const std::optional<char> byte = DecodePercentByte(raw_path, i);
    if (!byte.has_value()) return Bad("malformed percent escape");
    const char c = *byte;
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
