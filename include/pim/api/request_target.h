// Splits an HTTP request-target into the normalised path handlers route on and the raw query.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pim::api {

struct RequestTarget {
  std::string path;       // percent-decoded, "//" collapsed to "/", no trailing "/" (except "/")
  std::string raw_query;  // after the first '?', still encoded
};

// Errors: InvalidArgument / BadRequest for a target that is not an origin-form path, a bad
// percent escape, a decoded NUL or control character, a "." / ".." segment, or a path (decoded)
// or query that is not UTF-8.
[[nodiscard]] absl::StatusOr<RequestTarget> ParseRequestTarget(std::string_view target);

}  // namespace pim::api
