// URLs pimd itself connects to (identity providers' keys, webhooks, SMTP relays): parsed
// strictly enough to decide whether a clear-text scheme is acceptable, which is only when the
// host is loopback.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace pim {

struct OutboundUrl {
  std::string scheme;  // lowercase
  std::string host;    // as written; IPv6 literals keep their brackets
  bool loopback = false;
};

// Parses `scheme://host[:port][/path][?query]`. InvalidArgument (message starting with `what`)
// for anything else: no scheme or host, user information (`user@`), a fragment, whitespace or
// control characters, a malformed port, more than 2048 bytes.
[[nodiscard]] absl::StatusOr<OutboundUrl> ParseOutboundUrl(std::string_view url,
                                                           std::string_view what);

// 127.0.0.0/8 as a dotted quad, [::1], or localhost. "127.1" and "127.0.0.1.example" are not.
[[nodiscard]] bool IsLoopbackHost(std::string_view host);

}  // namespace pim
