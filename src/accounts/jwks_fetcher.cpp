#include "pim/accounts/jwks_fetcher.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "pim/domain/outbound_url.h"
#include "pim/domain/status.h"

namespace pim::accounts {
namespace {

// RFC 9111 §1.2.2: a delta-seconds too large to represent counts as 2^31.
constexpr int64_t kMaxDeltaSeconds = int64_t{1} << 31;

absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace

absl::Status ValidateJwksUri(std::string_view url) {
  PIM_ASSIGN_OR_RETURN(const OutboundUrl parsed, ParseOutboundUrl(url, "jwksUri"));
  if (parsed.scheme == "https" || (parsed.scheme == "http" && parsed.loopback)) {
    return absl::OkStatus();
  }
  if (parsed.scheme == "http") {
    return absl::InvalidArgumentError(
        "jwksUri must use https:// (http:// is allowed only for 127.0.0.1, [::1] or localhost)");
  }
  return absl::InvalidArgumentError("jwksUri must be an https:// URL");
}

std::optional<absl::Duration> CacheControlMaxAge(std::string_view header) {
  std::optional<absl::Duration> max_age;
  bool no_cache = false;
  for (absl::string_view part : absl::StrSplit(Absl(header), ',')) {
    part = absl::StripAsciiWhitespace(part);
    const size_t eq = part.find('=');
    const absl::string_view name = absl::StripAsciiWhitespace(part.substr(0, eq));
    if (absl::EqualsIgnoreCase(name, "no-store") || absl::EqualsIgnoreCase(name, "no-cache")) {
      no_cache = true;
      continue;
    }
    if (!absl::EqualsIgnoreCase(name, "max-age") || eq == absl::string_view::npos) continue;
    absl::string_view value = absl::StripAsciiWhitespace(part.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (value.empty()) continue;
    int64_t seconds = 0;
    bool digits = true;
    for (const char c : value) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        digits = false;
        break;
      }
      seconds = std::min(seconds * 10 + (c - '0'), kMaxDeltaSeconds);
    }
    if (digits) max_age = absl::Seconds(seconds);
  }
  if (no_cache) return absl::ZeroDuration();
  return max_age;
}

}  // namespace pim::accounts
