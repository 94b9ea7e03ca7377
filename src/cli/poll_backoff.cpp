#include "pim/cli/poll_backoff.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"

namespace pim::cli {

absl::Duration PollDelay(int attempt, const PollBackoff& backoff) {
  const double scale = std::pow(backoff.factor, std::max(attempt, 0));
  const double ms = absl::ToDoubleMilliseconds(backoff.initial) * scale;
  const double cap = absl::ToDoubleMilliseconds(backoff.max);
  // Compare before converting: a large attempt overflows any integer.
  if (!(ms < cap)) return backoff.max;
  return absl::Milliseconds(static_cast<std::int64_t>(std::floor(ms)));
}

absl::Duration NextPollDelay(int attempt, std::optional<absl::Duration> retry_after,
                             const PollBackoff& backoff) {
  const absl::Duration delay = PollDelay(attempt, backoff);
  if (!retry_after.has_value()) return delay;
  return std::max(delay, std::min(*retry_after, backoff.retry_after_cap));
}

std::optional<absl::Duration> ParseRetryAfter(std::string_view header, absl::Time now) {
  const absl::string_view text =
      absl::StripAsciiWhitespace(absl::string_view(header.data(), header.size()));
  if (text.empty()) return std::nullopt;
  if (std::all_of(text.begin(), text.end(),
                  [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); })) {
    std::int64_t seconds = 0;
    // Too many digits to be a real answer: treat as "a long time" (the caller caps it).
    if (!absl::SimpleAtoi(text, &seconds)) return absl::InfiniteDuration();
    return absl::Seconds(seconds);
  }
  absl::Time at;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(text), absl::UTCTimeZone(), &at,
                       &error)) {
    return std::nullopt;
  }
  return std::max(at - now, absl::ZeroDuration());
}

}  // namespace pim::cli
