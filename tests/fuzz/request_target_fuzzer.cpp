// ParseRequestTarget is total (a target or BadRequest, never a crash). An accepted path starts
// with '/', has no empty, "." or ".." segment and no control character, has no trailing '/'
// (except "/"), and is a fixed point: re-encoding its '%' and '?' and parsing again gives the
// same path. The query is the raw text after the first '?'.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pim/api/request_target.h"
#include "pim/domain/status.h"

namespace {

// `path` as a request-target that decodes back to it: only '%' and '?' need escaping.
std::string Encode(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (c == '%') {
      out += "%25";
    } else if (c == '?') {
      out += "%3F";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<pim::api::RequestTarget> target = pim::api::ParseRequestTarget(input);
  if (!target.ok()) {
    PIM_FUZZ_CHECK(target.status().code() == absl::StatusCode::kInvalidArgument, input);
    PIM_FUZZ_CHECK(pim::ErrorCodeOf(target.status()) == "BadRequest", input);
    PIM_FUZZ_CHECK(target.status().message().size() <= 200, input);
    return 0;
  }
  const std::string& path = target->path;
  PIM_FUZZ_CHECK(!path.empty() && path.front() == '/', input);
  PIM_FUZZ_CHECK(path == "/" || path.back() != '/', input);
  PIM_FUZZ_CHECK(path.find("//") == std::string::npos, input);
  const std::string slashed = path + "/";
  PIM_FUZZ_CHECK(slashed.find("/./") == std::string::npos, input);
  PIM_FUZZ_CHECK(slashed.find("/../") == std::string::npos, input);
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    PIM_FUZZ_CHECK(byte >= 0x20 && byte != 0x7f, input);
  }
  const std::size_t q = input.find('?');
  PIM_FUZZ_CHECK(target->raw_query == (q == std::string_view::npos ? "" : input.substr(q + 1)),
                 input);
  PIM_FUZZ_CHECK(path.size() <= input.size(), input);

  if (path.find_first_of("%?") == std::string::npos) {
    const absl::StatusOr<pim::api::RequestTarget> again = pim::api::ParseRequestTarget(path);
    PIM_FUZZ_CHECK(again.ok() && again->path == path && again->raw_query.empty(), input);
  }
  const absl::StatusOr<pim::api::RequestTarget> encoded =
      pim::api::ParseRequestTarget(Encode(path));
  PIM_FUZZ_CHECK(encoded.ok() && encoded->path == path && encoded->raw_query.empty(), input);
  return 0;
}
